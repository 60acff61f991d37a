"""Training on a GPU as on the CPU (issue 25): mixed precision where it helps, NCCL between GPU processes
and gloo between CPU ones; torch's CUDA and process-group calls faked."""

from types import SimpleNamespace

import pytest
import torch

from musicstudio.generators.training.loop import LoopConfig, autocast_bf16, start_distributed


def test_auto_precision_is_bf16_on_a_gpu_that_has_it_and_fp32_on_the_cpu(monkeypatch):
    assert LoopConfig().precision == "auto"
    assert not autocast_bf16("auto", torch.device("cpu"))            # the CPU: the same passes as before
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert autocast_bf16("auto", torch.device("cuda"))
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert not autocast_bf16("auto", torch.device("cuda"))           # an older GPU: fp32
    assert autocast_bf16("bf16", torch.device("cpu")) and not autocast_bf16("fp32", torch.device("cuda"))
    with pytest.raises(ValueError, match="train.precision is auto, fp32, bf16"):
        LoopConfig.from_dict({"precision": "fp16"})


@pytest.mark.parametrize("device, backend, placed", [("cuda", "nccl", "cuda:1"), ("cpu", "gloo", "cpu")])
def test_torchrun_processes_talk_nccl_on_gpus_and_gloo_on_cpus(monkeypatch, device, backend, placed):
    started, chosen = [], []
    monkeypatch.setattr(torch.distributed, "is_initialized", lambda: False)
    monkeypatch.setattr(torch.distributed, "init_process_group", lambda name: started.append(name))
    monkeypatch.setattr(torch.cuda, "set_device", lambda d: chosen.append(str(d)))
    monkeypatch.setenv("LOCAL_RANK", "1")                              # the second process of torchrun
    run = SimpleNamespace(world=2, device=device)
    start_distributed(run)
    assert started == [backend] and run.device == placed
    assert chosen == ([placed] if device == "cuda" else [])
