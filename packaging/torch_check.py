"""After set-up: which torch build was installed, and whether it can use a GPU on this machine.

Run by ``make setup`` (so by ``make run``, ``make test`` and ``make package``). It prints one line about
the build and, where the build and the machine disagree, one line on how to change it:

* an NVIDIA GPU here (``nvidia-smi -L`` lists one) but a CPU-only torch: how to install the CUDA build;
* a CUDA build of torch but no NVIDIA GPU: the CPU build is over 2 GB smaller, and how to get it.

``TORCH=...`` on the make command line chooses the build (see the Makefile). Standard library only, and
torch is asked in a child process, so this runs before and without the package.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass

CPU_BUILD = "torch==2.13.0"       # what this project's package index serves as the CPU build
CUDA_BUILD = "torch"              # the default build of the public index on Linux: CUDA-enabled

_ASK_TORCH = """
import json, torch
mps = getattr(torch.backends, "mps", None)
print(json.dumps({"version": torch.__version__, "cuda": torch.version.cuda,
                  "cuda_usable": bool(torch.version.cuda) and torch.cuda.is_available(),
                  "mps": bool(mps is not None and mps.is_available())}))
"""


@dataclass(frozen=True)
class TorchBuild:
    version: str
    cuda: str | None          # the CUDA version it was built for; None for a CPU-only build
    cuda_usable: bool = False
    mps: bool = False

    @property
    def name(self) -> str:
        if self.cuda:
            return f"torch {self.version} (CUDA {self.cuda} build)"
        return f"torch {self.version} (CPU-only build)"


def torch_build(python: str = sys.executable) -> TorchBuild | None:
    """The installed torch, asked in a child process (None when it does not import)."""
    try:
        out = subprocess.run([python, "-c", _ASK_TORCH], capture_output=True, text=True, timeout=300, check=True)
        return TorchBuild(**json.loads(out.stdout.strip().splitlines()[-1]))
    except (OSError, subprocess.SubprocessError, ValueError, IndexError, TypeError):
        return None


def nvidia_gpus(path: str | None = None) -> list[str]:
    """The NVIDIA GPUs ``nvidia-smi -L`` lists (found on ``path``, default $PATH); none without it."""
    tool = shutil.which("nvidia-smi", path=path)
    if tool is None:
        return []
    try:
        out = subprocess.run([tool, "-L"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in out.stdout.splitlines() if line.strip().startswith("GPU")] \
        if out.returncode == 0 else []


def advice(build: TorchBuild | None, gpus: list[str]) -> list[str]:
    """What set-up says: the build and the device the generators will use, then any advice."""
    if build is None:
        return ["torch: not importable in .venv; run `make setup` again (pip's message above says why)"]
    device = "CUDA GPU" if build.cuda_usable else "Apple GPU (MPS)" if build.mps else "CPU"
    lines = [f"{build.name}; the generators will run on the {device}"]
    if gpus and not build.cuda:
        lines.append(f"this machine has an NVIDIA GPU ({gpus[0]}) but torch is a CPU-only build: for the GPU, "
                     f"`rm -rf .venv && make setup TORCH={CUDA_BUILD}` (the CUDA build, over 2 GB more)")
    elif gpus and not build.cuda_usable:
        lines.append(f"this machine has an NVIDIA GPU ({gpus[0]}) and torch is a CUDA {build.cuda} build, but it "
                     "cannot use the GPU (driver too old for that CUDA?): `nvidia-smi` shows the driver")
    elif build.cuda and not gpus:
        lines.append(f"torch is a CUDA build but this machine has no NVIDIA GPU: the CPU build is over 2 GB "
                     f"smaller: `rm -rf .venv && make setup TORCH={CPU_BUILD}`")
    return lines


def main() -> int:
    for line in advice(torch_build(), nvidia_gpus()):
        print(f"set-up: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
