"""Set-up says which torch build it installed and whether this machine could use a GPU (issue 25):
checked with a fake ``nvidia-smi`` first on PATH, without installing anything."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "torch_check.py"
_spec = importlib.util.spec_from_file_location("torch_check", SCRIPT)
torch_check = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("torch_check", torch_check)   # dataclasses look their module up
_spec.loader.exec_module(torch_check)

GPU_LINE = "GPU 0: NVIDIA H200 (UUID: GPU-00000000-1111-2222-3333-444444444444)"


def fake_nvidia_smi(folder: Path, listing: str = GPU_LINE) -> Path:
    tool = folder / "nvidia-smi"
    tool.write_text(f"#!/bin/sh\nprintf '%s\\n' '{listing}'\n")
    tool.chmod(0o755)
    return folder


def test_a_gpu_with_the_cpu_only_build_says_how_to_get_the_cuda_build(tmp_path):
    fake_nvidia_smi(tmp_path)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert "CPU-only build" in lines[0] and "run on the CPU" in lines[0]     # this machine's torch, as it is
    assert "NVIDIA H200" in lines[1] and "make setup TORCH=torch`" in lines[1]


def test_a_cuda_build_without_a_gpu_says_the_cpu_build_is_smaller(tmp_path):
    """The reverse: a CUDA build of torch (faked) on a machine whose PATH has no nvidia-smi."""
    gpus = torch_check.nvidia_gpus(path=str(tmp_path))
    assert gpus == []
    lines = torch_check.advice(torch_check.TorchBuild("2.13.0", "12.8"), gpus)
    assert "CUDA 12.8 build" in lines[0] and "run on the CPU" in lines[0]
    assert "no NVIDIA GPU" in lines[1] and f"TORCH={torch_check.CPU_BUILD}" in lines[1]


def test_matching_builds_say_one_line(tmp_path):
    fake_nvidia_smi(tmp_path)
    gpus = torch_check.nvidia_gpus(path=str(tmp_path))
    assert gpus == [GPU_LINE]
    assert torch_check.advice(torch_check.TorchBuild("2.13.0", "12.8", cuda_usable=True), gpus) == \
        ["torch 2.13.0 (CUDA 12.8 build); the generators will run on the CUDA GPU"]
    assert len(torch_check.advice(torch_check.TorchBuild("2.13.0+cpu", None), [])) == 1
    unusable = torch_check.advice(torch_check.TorchBuild("2.13.0", "12.8", cuda_usable=False), gpus)
    assert "cannot use the GPU" in unusable[1]


def test_a_failing_nvidia_smi_lists_nothing(tmp_path):
    tool = tmp_path / "nvidia-smi"
    tool.write_text("#!/bin/sh\necho 'NVIDIA-SMI has failed because it could not communicate with the driver'\n"
                    "exit 9\n")
    tool.chmod(0o755)
    assert torch_check.nvidia_gpus(path=str(tmp_path)) == []
