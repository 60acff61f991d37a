"""Probing a network's shapes builds nothing: every tensor lands on the meta device, identity buffers
included, and torch's compiler stack is never imported for it."""

import subprocess
import sys

import torch

from musicstudio.generators.network_probe import probe_shapes


class _WithIdentities(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(6, 4)
        self.register_buffer("square", torch.eye(3))
        self.register_buffer("wide", torch.eye(2, 5))
        self.register_buffer("named", torch.eye(n=4, dtype=torch.float64))


def test_identity_buffers_have_their_shapes_and_the_layers_theirs():
    assert probe_shapes(_WithIdentities) == {"square": (3, 3), "wide": (2, 5), "named": (4, 4),
                                             "linear.weight": (4, 6), "linear.bias": (4,)}


def test_an_identity_buffer_does_not_import_the_compiler_stack():
    code = ("import sys, torch\n"
            "from musicstudio.generators.network_probe import probe_shapes\n"
            "class M(torch.nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.register_buffer('scale', torch.eye(8))\n"
            "assert probe_shapes(M) == {'scale': (8, 8)}\n"
            "print('torch._dynamo' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
