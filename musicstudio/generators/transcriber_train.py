"""Train the transcriber's onset and pitch detector (:mod:`musicstudio.audio.onset_model`) on
renders of the corpus's train split (:mod:`.transcriber_data`), choose its decoding thresholds on
renders of the valid split, and write ``models/transcriber/``.

    python -m musicstudio.generators.transcriber_train                 # the shipped model (~20 min)
    python -m musicstudio.generators.transcriber_train --renders 40 --minutes 1 --out /tmp/t

Losses as in Hawthorne et al., "Onsets and Frames: Dual-Objective Piano Transcription" (2018), for
one line: cross-entropy of each frame's pitch-or-silence, and binary cross-entropy of its onset
(its neighbours count half, as a note's start is known to a frame). Adam with a warm-up and a
cosine decay over the steps or the time given, random 2-second windows.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import sys
import time
from pathlib import Path

import numpy as np

from musicstudio.audio.onset_model import (
    CONFIG_FILE,
    FORMAT,
    FORMAT_VERSION,
    WEIGHTS_FILE,
    NetConfig,
    OnsetFrameModel,
    model_input,
)
from musicstudio.generators.transcriber_data import CLEAN_COLLECTIONS, SILENCE, Example, clean_melodies, example
from musicstudio.generators.transcriber_synth import synthetic_example

WINDOW = 200          # frames a training window holds (2 s)
ONSET_WEIGHT = 4.0    # onset frames are rare: their loss counts this much more
PEAK_LR = 4e-3


def make_network(config: NetConfig):
    """The torch network whose ``state_dict`` has :meth:`NetConfig.shapes`' names and shapes."""
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            cin, layers = 2 * config.bands, []
            for k, d in zip(config.kernels, config.dilations):
                layers.append(nn.Conv1d(cin, config.channels, k, padding=d * (k // 2), dilation=d))
                cin = config.channels
            self.convs = nn.ModuleList(layers)
            self.frame = nn.Linear(config.channels, config.bands + 1)
            self.onset = nn.Linear(config.channels, 1)

        def forward(self, x):          # x: batch x frames x 2 bands
            x = x.transpose(1, 2)
            for layer in self.convs:
                x = torch.relu(layer(x))
            x = x.transpose(1, 2)
            return self.frame(x), self.onset(x)[..., 0]

    return Net()


def _render_one(job):
    notes, seed = job
    return example(notes, seed) if notes is not None else synthetic_example(seed)


def render_set(split: str, count: int, seed: int, cache_dir=None, data_dir: Path | None = None,
               processes: int = 2, progress=print) -> list[Example]:
    """``count`` renders of the split's clean melodies (cycling through them), seeds ``seed`` on
    (``split`` "synthetic": synthetic takes, :mod:`.transcriber_synth`); kept in ``data_dir`` (an
    .npz a set) and read from there when there already."""
    saved = data_dir / f"{split}-{count}-{seed}.npz" if data_dir else None
    if saved and saved.exists():
        with np.load(saved) as z:
            return [Example(z[f"s{i}"], z[f"f{i}"], z[f"o{i}"]) for i in range(count)]
    melodies = clean_melodies(split, cache_dir) if split != "synthetic" else [None]
    jobs = [(melodies[(i * 7919) % len(melodies)], seed + i) for i in range(count)]
    out = []
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        for e in pool.imap(_render_one, jobs, chunksize=4):
            out.append(e)
            if progress and len(out) % 100 == 0:
                progress(f"{split}: {len(out)}/{count} renders")
    if saved:
        saved.parent.mkdir(parents=True, exist_ok=True)
        arrays = {f"{k}{i}": v for i, e in enumerate(out) for k, v in (("s", e.spectrum), ("f", e.frames),
                                                                        ("o", e.onsets))}
        np.savez(saved, **arrays)
    return out


def batches(examples: list[Example], size: int, rng: np.random.Generator):
    """Endless batches of random :data:`WINDOW`-frame windows: inputs, frame labels, onset targets."""
    inputs = [model_input(e.spectrum.astype(np.float32)) for e in examples]
    while True:
        xs, fs, os_ = [], [], []
        for k in rng.integers(0, len(examples), size):
            e, x = examples[k], inputs[k]
            start = int(rng.integers(0, max(1, len(x) - WINDOW)))
            part = slice(start, start + WINDOW)
            pad = WINDOW - len(x[part])
            xs.append(np.pad(x[part], ((0, pad), (0, 0)), constant_values=x.min()))
            fs.append(np.pad(e.frames[part].astype(np.int64), (0, pad), constant_values=SILENCE))
            onset = e.onsets[part]
            soft = np.maximum(onset, 0.5 * np.maximum(np.roll(onset, 1), np.roll(onset, -1)))
            os_.append(np.pad(soft, (0, pad)))
        yield np.stack(xs), np.stack(fs), np.stack(os_).astype(np.float32)


def learning_rate(done: float) -> float:
    """Warm up over the first 5% of the run (steps or time, whichever is further on), then a cosine to 0."""
    if done < 0.05:
        return PEAK_LR * max(done / 0.05, 0.05)
    return PEAK_LR * 0.5 * (1 + np.cos(np.pi * min(1.0, (done - 0.05) / 0.95)))


def train(net, examples: list[Example], minutes: float, steps: int, seed: int, progress=print) -> list[dict]:
    """Train until ``steps`` or ``minutes`` run out; the loss history every 50 steps."""
    import torch

    torch.manual_seed(seed)
    optimiser = torch.optim.Adam(net.parameters(), lr=PEAK_LR)
    weight = torch.tensor(ONSET_WEIGHT)
    history, started, running = [], time.perf_counter(), []
    for step, (x, f, o) in enumerate(batches(examples, 16, np.random.default_rng(seed)), start=1):
        frame_logits, onset_logits = net(torch.from_numpy(x))
        frame_loss = torch.nn.functional.cross_entropy(frame_logits.reshape(-1, frame_logits.shape[-1]),
                                                       torch.from_numpy(f).reshape(-1))
        onset_loss = torch.nn.functional.binary_cross_entropy_with_logits(
            onset_logits, torch.from_numpy(o), pos_weight=weight)
        loss = frame_loss + onset_loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        running.append((frame_loss.item(), onset_loss.item()))
        elapsed = time.perf_counter() - started
        for group in optimiser.param_groups:
            group["lr"] = learning_rate(max(step / steps, elapsed / (minutes * 60)))
        if step % 50 == 0 or step == steps or elapsed > minutes * 60:
            fl, ol = np.mean(running, axis=0)
            history.append({"step": step, "seconds": round(elapsed, 1), "frame_loss": round(float(fl), 4),
                            "onset_loss": round(float(ol), 4)})
            running = []
            progress(f"step {step}: frame loss {fl:.3f}, onset loss {ol:.3f} ({elapsed:.0f} s)")
        if step >= steps or elapsed > minutes * 60:
            return history
    return history


def numpy_model(net, config: NetConfig, decoding: dict | None = None) -> OnsetFrameModel:
    return OnsetFrameModel(config, {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()},
                           decoding)


def write_model(folder: Path, model: OnsetFrameModel, meta: dict) -> None:
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    c = model.config
    config = {"format": FORMAT, "version": FORMAT_VERSION, "name": meta["name"],
              "network": {"channels": c.channels, "kernels": list(c.kernels),
                          "dilations": list(c.dilations), "bands": c.bands},
              "decoding": model.decoding, "training": meta}
    save_file({k: np.ascontiguousarray(v) for k, v in model.weights.items()}, str(folder / WEIGHTS_FILE))
    (folder / WEIGHTS_FILE).chmod(0o644)
    (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", "utf-8")


def retune(folder: Path, args) -> int:
    """Choose the decoding thresholds again for the model in ``folder`` (after the decoder changed)."""
    from musicstudio.audio.onset_model import load_transcriber
    from musicstudio.generators.transcriber_tuning import choose_decoding

    model = load_transcriber(folder)
    valid = render_set("valid", args.valid, args.seed * 100_000 + 50_000, args.corpus,
                       Path(args.data) if args.data else None, args.processes)
    model.decoding, figures = choose_decoding(model, valid)
    meta = json.loads((folder / CONFIG_FILE).read_text("utf-8"))["training"]
    write_model(folder, model, {**meta, "valid": figures})
    print(json.dumps({"decoding": model.decoding, "valid": figures}))
    return 0


def main(argv: list[str] | None = None) -> int:
    from musicstudio.generators.transcriber_tuning import choose_decoding

    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.transcriber_train",
                                description=__doc__.splitlines()[0])
    p.add_argument("--renders", type=int, default=1200, help="training renders (default 1200)")
    p.add_argument("--synthetic", type=int, default=300, help="synthetic takes beside them (default 300)")
    p.add_argument("--valid", type=int, default=80, help="validation renders for the thresholds (default 80)")
    p.add_argument("--minutes", type=float, default=14.0, help="training time at most (default 14)")
    p.add_argument("--steps", type=int, default=3000, help="training steps at most (default 3000)")
    p.add_argument("--channels", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1: faster on a shared CPU)")
    p.add_argument("--out", default="models/transcriber")
    p.add_argument("--corpus", default=None, help="the corpus cache (default: musicstudio corpus build's)")
    p.add_argument("--data", default="cache/transcriber", help="where the renders are kept between runs")
    p.add_argument("--processes", type=int, default=2, help="render processes (default 2)")
    p.add_argument("--decoding-only", action="store_true",
                   help="choose the thresholds again for the model in --out (its weights kept)")
    args = p.parse_args(argv)
    if args.decoding_only:
        return retune(Path(args.out), args)
    import torch

    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    data = Path(args.data) if args.data else None
    training = render_set("train", args.renders, args.seed * 100_000, args.corpus, data, args.processes)
    training += render_set("synthetic", args.synthetic, args.seed * 100_000 + 70_000, None, data, args.processes)
    valid = render_set("valid", args.valid, args.seed * 100_000 + 50_000, args.corpus, data,
                       args.processes)
    rendered_s = time.perf_counter() - started
    config = NetConfig(channels=args.channels)
    net = make_network(config)
    history = train(net, training, args.minutes, args.steps, args.seed)
    net.eval()
    decoding, figures = choose_decoding(numpy_model(net, config), valid)
    meta = {"name": "transcriber", "command": "python -m musicstudio.generators.transcriber_train "
            + " ".join(argv if argv is not None else sys.argv[1:]),
            "collections": list(CLEAN_COLLECTIONS), "renders": args.renders, "synthetic": args.synthetic,
            "valid_renders": args.valid,
            "parameters": int(sum(v.numel() for v in net.parameters())), "render_seconds": round(rendered_s),
            "train_seconds": round(history[-1]["seconds"]), "steps": history[-1]["step"],
            "wall_seconds": round(time.perf_counter() - started), "machine": platform.processor() or platform.machine(),
            "torch": torch.__version__, "valid": figures, "history": history}
    write_model(Path(args.out), numpy_model(net, config, decoding), meta)
    print(json.dumps({k: v for k, v in meta.items() if k != "history"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
