"""Training the controls model (``musicstudio train infill --config infill-controls``): the infill network
with control tokens (:mod:`..controls.tokens`) before each bar of the gap, warm-started from ``models/infill``
(every tensor copied; the control tokens' embeddings drawn at the scale of the trained ones, their output rows
silent, as the FILL markers' were), trained on random gaps of the licence-clean melodies and polyphonic pieces
(:mod:`.control_data`, half the draws each), the loss on the gap's own events only.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from musicstudio.generators.checkpoint import load_tensors, write_config
from musicstudio.generators.codecs import codec_from_spec
from musicstudio.generators.controls.bins import ControlBins
from musicstudio.generators.controls.tokens import COUNT, ControlTokens
from musicstudio.generators.infill.configs import BACKEND
from musicstudio.generators.infill.control_card import rewrite as rewrite_card
from musicstudio.generators.infill.control_data import POLY_CONTEXT, controlled_item, draw, poly_pieces, sample_bars
from musicstudio.generators.infill.gaps import PieceNotes
from musicstudio.generators.infill.model import InfillConfig
from musicstudio.generators.infill.sequences import vocab_size
from musicstudio.generators.infill.training import SILENT_BIAS, batches_of, gap_loss, register_of
from musicstudio.generators.lstm.model import EventLSTM
from musicstudio.generators.phrases import TokenPhrases
from musicstudio.generators.training.data import split_pieces
from musicstudio.generators.training.loop import LoopConfig, fit, seed_everything
from musicstudio.generators.training.outputs import ModelFolder
from musicstudio.generators.vae_poly.data import COLLECTIONS as POLY_COLLECTIONS

POLY_SHARE = 0.5    # draws from the polyphonic pieces


def grow(model: EventLSTM, folder: str | Path, base: int) -> None:
    """Set ``model`` to the infill model in ``folder`` with :data:`COUNT` control tokens after its ``base``
    tokens (before the start token)."""
    old = load_tensors(folder)
    state = dict(old)
    embed = old["embed.weight"]
    generator = torch.Generator().manual_seed(0)
    controls = torch.randn(COUNT, embed.shape[1], generator=generator) * embed[:base].std()
    state["embed.weight"] = torch.cat([embed[:base], controls, embed[base:]])
    state["head.weight"] = torch.cat([old["head.weight"], torch.zeros(COUNT, old["head.weight"].shape[1])])
    state["head.bias"] = torch.cat([old["head.bias"], torch.full((COUNT,), SILENT_BIAS)])
    model.load_state_dict(state)


class _Folder(ModelFolder):
    """The model folder: its config also names the polyphonic collections and holds the control bins."""

    def __init__(self, run, codec, bins: ControlBins):
        super().__init__(run, BACKEND, codec)
        self.bins = bins

    def write_config(self, model: dict, **extra) -> Path:
        run = self.run
        return write_config(run.out, BACKEND, model, self.codec.vocabulary(), name=run.name, data=run.data.to_dict(),
                            trained_on=[*run.data.collections, *POLY_COLLECTIONS], controls=self.bins.to_config(),
                            decoding=run.config.get("decoding"), **extra)


def _pieces(run, split: str, meters) -> tuple[list[PieceNotes], list[PieceNotes]]:
    melodies = [PieceNotes.of(run.corpus.piece(i)) for i in split_pieces(run.corpus, split, run.data)]
    melodies = [p for p in melodies if p.notes and p.bars >= 2]
    poly = [p for p in poly_pieces(run.data.extra["poly_cache"], split, meters) if p.bars >= 2]
    return melodies, poly


def train(run) -> None:
    cfg, data = run.config, run.data
    codec = codec_from_spec(cfg["codec"])
    base = vocab_size(codec)
    start = json.loads((Path(cfg["warm_start"]) / "config.json").read_text())
    network = {**start["model"], "vocab": base + COUNT}
    run.log(f"{run.name}: reading the melodies and the polyphonic pieces ...")
    split = {name: _pieces(run, name, network["meters"]) for name in ("train", "valid")}
    run.log(f"{run.name}: " + ", ".join(f"{name}: {len(m):,} melodies, {len(p):,} polyphonic stretches"
                                        for name, (m, p) in split.items()))
    rng = np.random.default_rng(7)
    melodies, poly = split["train"]
    bins = ControlBins.from_training(sample_bars(melodies, 4000, rng) + sample_bars(poly, 4000, rng))
    run.log(f"{run.name}: control bins {bins.to_config()}")
    network["register"] = list(register_of(melodies + poly, data.transpose))
    config = InfillConfig(**network)
    loop, b = LoopConfig.from_dict(cfg.get("train", {})), cfg["batches"]
    seed_everything(loop.seed)
    model = EventLSTM(config)
    grow(model, cfg["warm_start"], base)
    run.log(f"{run.name}: starting from {cfg['warm_start']}")
    steps_of = np.concatenate([TokenPhrases(codec).steps_of(), np.zeros(config.vocab - codec.size, np.int64)])
    tokens = ControlTokens(base)

    def items(count: int, r: np.random.Generator, sets, shifts, dropping: bool) -> list:
        out = []
        for _ in range(count):
            polyphonic = r.random() < POLY_SHARE
            piece, gap = draw(sets[1] if polyphonic else sets[0], r, shifts, POLY_CONTEXT if polyphonic else None)
            out.append(controlled_item(codec, steps_of, tokens, config, model.start_token, piece, gap, bins,
                                       r if dropping else None))
        return out

    pad = model.start_token
    valid = batches_of(items(b["valid_items"], np.random.default_rng(99), split["valid"], (0,), False),
                       b["batch_size"], pad)

    def train_batches(epoch: int, r: np.random.Generator) -> list:
        return batches_of(items(b["per_epoch"] * b["batch_size"], r, split["train"], data.transpose, True),
                          b["batch_size"], pad, r)

    folder = _Folder(run, codec, bins)
    history = fit(run, model, train_batches, valid, gap_loss(torch.device(run.device)), loop,
                  folder.best_saver(config))
    if run.main:
        best = min(history, key=lambda row: row["valid_loss"])
        folder.finish(history, loss_title=f"{run.name}: cross-entropy per event of the gap (controls given)",
                      metrics={"best epoch": best["epoch"], "valid cross-entropy of the gaps, controls given "
                               "(nats/event)": best["valid_loss"], "train cross-entropy at best epoch":
                               best["train_loss"]}, parameters=sum(p.numel() for p in model.parameters()),
                      notes=[f"started from {cfg['warm_start']}"])
        rewrite_card(run.out, data.extra["poly_cache"])
