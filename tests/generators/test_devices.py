"""Which device the generators use (issue 25), with torch's CUDA and MPS calls faked: auto prefers CUDA,
then MPS, then the CPU; asking for a device that is not here is a clear error; a GPU failure's note."""

import pytest
import torch

from musicstudio.generators.devices import DeviceError, describe_device, pick_device, torch_build
from musicstudio.workers.generation_child import OOM_NOTE, gpu_failure_note


@pytest.fixture
def gpus(monkeypatch):
    """A machine with two CUDA GPUs, as torch would report it."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "NVIDIA H200")


def test_auto_prefers_cuda_then_mps_then_the_cpu(monkeypatch, gpus):
    assert pick_device("auto") == "cuda" and describe_device("cuda") == "NVIDIA H200"
    assert pick_device("cuda:1") == "cuda:1"
    with pytest.raises(DeviceError, match="there is no GPU cuda:2 \\(this machine has 2\\)"):
        pick_device("cuda:2")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert pick_device("auto") == "mps" and describe_device("mps") == "Apple GPU (MPS)"
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert pick_device("auto") == "cpu" and describe_device("cpu") == "CPU"


def test_asking_for_a_gpu_that_is_not_here_says_so(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(DeviceError, match="no CUDA GPU is available here"):
        pick_device("cuda")
    with pytest.raises(DeviceError, match="unknown device 'tpu'"):
        pick_device("tpu")


def test_the_build_is_named(monkeypatch):
    monkeypatch.setattr(torch.version, "cuda", "12.8")
    assert torch_build() == f"torch {torch.__version__} (CUDA 12.8 build)"


def test_gpu_failures_are_told_apart_from_bugs():
    class OutOfMemoryError(RuntimeError):
        pass
    assert gpu_failure_note(OutOfMemoryError("CUDA out of memory"), "cuda") == OOM_NOTE
    note = gpu_failure_note(RuntimeError("CUDA error: device-side assert triggered\nmore"), "cuda:0")
    assert note == "The GPU failed (CUDA error: device-side assert triggered), so these takes were made on the CPU."
    assert gpu_failure_note(RuntimeError("CUDA error"), "cpu") is None            # the CPU has no fallback
    assert gpu_failure_note(ZeroDivisionError("division by zero"), "cuda") is None   # a bug is reported
    assert gpu_failure_note(RuntimeError("shapes do not match"), "cuda") is None
