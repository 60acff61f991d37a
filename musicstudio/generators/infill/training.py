"""Training the infill model: rearranged random gaps (:mod:`.gaps`, :mod:`.sequences`) through the shared
loop (:func:`~musicstudio.generators.training.loop.fit`), next-token cross-entropy on the bars before each gap
and the gap itself (the bars after it and the FILL marker are context only).

``warm_start`` (a trained licence-clean ``lstm`` folder) starts the network from that model: every tensor
copied, the FILL markers' embeddings from its start token (a marker begins a stretch of music as the start
token does) and their output rows silent (never a target, so never predicted); each run of countdown slots
(:mod:`.model`) starts as a copy of its position slots."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from musicstudio.generators.checkpoint import load_tensors
from musicstudio.generators.codecs import EventCodec, codec_from_spec
from musicstudio.generators.infill.configs import BACKEND
from musicstudio.generators.infill.gaps import PieceNotes, arranged_gap, draws
from musicstudio.generators.infill.model import arranged_slots, infill_config
from musicstudio.generators.infill.sequences import IGNORE, training_item, vocab_size
from musicstudio.generators.lstm.model import EventLSTM
from musicstudio.generators.lstm.training import collate, model_config_of
from musicstudio.generators.phrases import TokenPhrases
from musicstudio.generators.training.data import split_pieces
from musicstudio.generators.training.loop import LoopConfig, fit, seed_everything
from musicstudio.generators.training.outputs import ModelFolder

SILENT_BIAS = -12.0   # nats: the FILL markers' output bias after a warm start


def warm_start(model: EventLSTM, codec: EventCodec, folder: str | Path) -> None:
    """Set ``model`` (the codec's tokens, then the FILL markers, then the start token) to the trained LSTM
    in ``folder`` (the codec's tokens, then its start token)."""
    old = load_tensors(folder)
    markers = model.config.vocab - codec.size
    state = dict(old)
    start = old["embed.weight"][codec.size:codec.size + 1]
    state["embed.weight"] = torch.cat([old["embed.weight"][:codec.size], start.repeat(markers, 1), start])
    state["head.weight"] = torch.cat([old["head.weight"], torch.zeros(markers, old["head.weight"].shape[1])])
    state["head.bias"] = torch.cat([old["head.bias"], torch.full((markers,), SILENT_BIAS)])
    runs = model.config.positions // old["position.weight"].shape[0]
    state["position.weight"] = old["position.weight"].repeat(runs, 1)   # the countdown runs start as the plain
    model.load_state_dict(state)


def batches_of(items: list, size: int, pad: int, rng: np.random.Generator | None = None) -> list:
    """Batches of similar lengths (less padding), in a random order when ``rng`` is given."""
    items = sorted(items, key=lambda item: len(item[0]))
    out = [collate(items[i:i + size], pad) for i in range(0, len(items), size)]
    if rng is not None:
        out = [out[i] for i in rng.permutation(len(out))]
    return out


def register_of(pieces: list[PieceNotes], shifts) -> tuple[int, int] | None:
    """The 5th to 95th percentile of the training notes' pitches, transpositions included (as lstm's)."""
    pitches = np.array([n.pitch for p in pieces for n in p.notes], np.int64)
    if not len(pitches):
        return None
    low, high = np.percentile((pitches[:, None] + np.asarray(shifts)[None]).ravel(), [5, 95])
    return int(low), int(high)


def gap_loss(device: torch.device):
    """The loss of a batch (inputs, slots, targets): cross-entropy of the targets the loss reads, and their count."""
    def loss_fn(m, batch):
        x, p, y = (t.to(device) for t in batch)
        logits, _ = m(x, p)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=IGNORE)
        return loss, float((y != IGNORE).sum())
    return loss_fn


def train(run) -> None:
    cfg, data = run.config, run.data
    codec = codec_from_spec(cfg["codec"])
    steps_of = TokenPhrases(codec).steps_of()
    loop, b = LoopConfig.from_dict(cfg.get("train", {})), cfg["batches"]
    run.log(f"{run.name}: reading the corpus ...")
    split = {name: [PieceNotes.of(run.corpus.piece(i)) for i in split_pieces(run.corpus, name, data)]
             for name in ("train", "valid")}
    split = {name: [p for p in pieces if p.notes] for name, pieces in split.items()}
    run.log(f"{run.name}: {len(split['train']):,} training pieces, {len(split['valid']):,} validation pieces")
    plain = {k: v for k, v in cfg["model"].items() if k not in ("countdown", "after_reversed")}
    model_config = infill_config(replace(model_config_of(vocab_size(codec), plain, [p.meter for p in split["train"]]),
                                         register=register_of(split["train"], data.transpose)),
                                 cfg["model"].get("countdown", 0), cfg["model"].get("after_reversed", False))
    seed_everything(loop.seed)
    model = EventLSTM(model_config)
    if cfg.get("warm_start"):
        warm_start(model, codec, cfg["warm_start"])
        run.log(f"{run.name}: starting from {cfg['warm_start']}")
    pad = model.start_token

    def items(pairs) -> list:
        out = []
        for piece, gap in pairs:
            arranged = arranged_gap(codec, steps_of, piece, gap, model_config.after_reversed)
            out.append(training_item(arranged, model.start_token, arranged_slots(model_config, arranged, piece.meter)))
        return out

    valid = batches_of(items(draws(split["valid"], b["valid_items"], np.random.default_rng(99))), b["batch_size"], pad)

    def train_batches(epoch: int, rng: np.random.Generator) -> list:
        pairs = draws(split["train"], b["per_epoch"] * b["batch_size"], rng, data.transpose)
        return batches_of(items(pairs), b["batch_size"], pad, rng)

    folder = ModelFolder(run, BACKEND, codec)
    history = fit(run, model, train_batches, valid, gap_loss(torch.device(run.device)), loop,
                  folder.best_saver(model_config))
    if run.main:
        _finish(run, folder, history, sum(p.numel() for p in model.parameters()))


def _finish(run, folder: ModelFolder, history: list[dict], parameters: int) -> None:
    """history.csv, loss.png and card.md, with the best epoch's gap cross-entropy."""
    best = min(history, key=lambda row: row["valid_loss"])
    metrics = {"best epoch": best["epoch"], "valid cross-entropy of the gaps (nats/event)": best["valid_loss"],
               "train cross-entropy at best epoch": best["train_loss"]}
    start = run.config.get("warm_start")
    folder.finish(history, loss_title=f"{run.name}: cross-entropy per event of the gap", metrics=metrics,
                  parameters=parameters, notes=[f"started from {start}" if start else "trained from scratch"])
