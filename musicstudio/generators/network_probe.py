"""The parameter shapes a network would have, found without allocating it.

:func:`probe_shapes` runs a network's constructor with every new tensor placed on torch's ``meta``
device, which records shapes and holds no data, so a config that asks for billions of parameters costs
nothing to look at. The random initialisers are skipped on meta tensors: torch would route them
through its Python reference kernels, whose first use imports the compiler stack (seconds), and a
meta tensor has no values to initialise anyway. ``torch.eye`` (an identity buffer, such as vae-poly's
prior scale) is made as an empty meta tensor of its shape for the same reason: its meta kernel is one of
those references, and listing the models took 3 s more for it.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch.overrides import TorchFunctionMode

INITIALISERS = frozenset({
    "normal_", "uniform_", "zero_", "zeros_", "ones_", "fill_", "constant_", "copy_", "random_", "bernoulli_",
    "exponential_", "trunc_normal_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
    "orthogonal_", "eye_", "dirac_", "sparse_",
})


def _constructors() -> set:
    try:
        from torch.utils._device import _device_constructors
        return _device_constructors()
    except ImportError:  # a torch that moved it: every tensor factory that takes a device
        return {torch.empty, torch.zeros, torch.ones, torch.full, torch.rand, torch.randn, torch.randint,
                torch.arange, torch.tensor, torch.eye, torch.linspace}


class _OnMeta(TorchFunctionMode):
    def __init__(self) -> None:
        super().__init__()
        self.constructors = _constructors()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is torch.eye and kwargs.get("device") is None:   # its meta kernel is a Python reference too
            rows = args[0] if args else kwargs["n"]
            columns = args[1] if len(args) > 1 and not isinstance(args[1], torch.Tensor) else kwargs.get("m", rows)
            return torch.empty((rows, columns), dtype=kwargs.get("dtype"), device="meta")
        if func in self.constructors and kwargs.get("device") is None:
            kwargs["device"] = "meta"
        elif getattr(func, "__name__", "") in INITIALISERS:
            first = args[0] if args else kwargs.get("tensor", kwargs.get("self"))
            if isinstance(first, torch.Tensor) and first.is_meta:
                return first
        return func(*args, **kwargs)


def probe_shapes(factory: Callable[[], torch.nn.Module]) -> dict[str, tuple[int, ...]]:
    """The shape of every entry of the state dict of the module ``factory()`` builds."""
    with _OnMeta():
        module = factory()
    return {name: tuple(value.shape) for name, value in module.state_dict().items()}
