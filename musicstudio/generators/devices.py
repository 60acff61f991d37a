"""Which device a model runs on: ``auto`` takes a CUDA GPU, then Apple's MPS, then the CPU."""

from __future__ import annotations

DEVICES = ("auto", "cpu", "cuda", "mps")


class DeviceError(Exception):
    """The asked-for device is not on this machine; the message says what is."""


def pick_device(wanted: str = "auto") -> str:
    """A torch device string for ``wanted`` (``auto``, ``cpu``, ``cuda``, ``cuda:1``, ``mps``)."""
    import torch

    wanted = (wanted or "auto").lower()
    if wanted == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if wanted == "cpu":
        return "cpu"
    if wanted.startswith("cuda"):
        if not torch.cuda.is_available():
            raise DeviceError("no CUDA GPU is available here (torch sees none): use --device cpu or auto")
        index = wanted.partition(":")[2]
        if index and (not index.isdigit() or int(index) >= torch.cuda.device_count()):
            raise DeviceError(f"there is no GPU {wanted} (this machine has {torch.cuda.device_count()})")
        return wanted
    if wanted == "mps":
        if getattr(torch.backends, "mps", None) is None or not torch.backends.mps.is_available():
            raise DeviceError("Apple's MPS is not available here: use --device cpu or auto")
        return "mps"
    raise DeviceError(f"unknown device {wanted!r}: use one of {', '.join(DEVICES)} (or cuda:N)")


def describe_device(device: str) -> str:
    """A name for people: the GPU's name, or "CPU"."""
    if device.startswith("cuda"):
        import torch

        return torch.cuda.get_device_name(torch.device(device))
    return {"mps": "Apple GPU (MPS)", "cpu": "CPU"}.get(device, device)


def torch_build() -> str:
    """The installed torch and what it was built for: "torch 2.13.0+cpu (CPU-only build)",
    "torch 2.13.0 (CUDA 12.8 build)"."""
    import torch

    if torch.version.cuda:
        return f"torch {torch.__version__} (CUDA {torch.version.cuda} build)"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_built():
        return f"torch {torch.__version__} (with Apple MPS)"
    return f"torch {torch.__version__} (CPU-only build)"
