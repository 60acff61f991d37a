"""Training the Markov backend: an n-gram model on the ``melody`` or ``events`` codec, by counting.

Training counts n-grams up to ``max_order`` on the (transposed) training split, scores the validation
split with every order from 1 up, and keeps the order that predicts it best; ``history.csv`` has one row
per order (in the ``epoch`` column), so ``loss.png`` shows where longer contexts stop helping. With
``bar_position`` in the config's ``model`` the model is meter-aware (:mod:`.bar_slots`): every sequence
is counted with the slot, in its piece's meter, of the step each token falls on, and the meters with
slots of their own are written to ``config.json``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from musicstudio.generators.checkpoint import save_arrays
from musicstudio.generators.codecs import codec_from_spec
from musicstudio.generators.markov.bar_slots import BarSlots
from musicstudio.generators.markov.configs import BACKEND
from musicstudio.generators.markov.metered import MeteredNGram
from musicstudio.generators.markov.ngram import NGramModel
from musicstudio.generators.phrases import TokenPhrases
from musicstudio.generators.training.data import metered_sequences
from musicstudio.generators.training.outputs import ModelFolder


class Split(NamedTuple):
    """A split's token sequences and, for a meter-aware model, each token's bar slot (else None)."""

    sequences: list[np.ndarray]
    positions: list[np.ndarray] | None

    @classmethod
    def of(cls, pairs: list[tuple[np.ndarray, tuple[int, int]]], bar_slots: BarSlots | None,
           steps_of: np.ndarray) -> Split:
        return cls([s for s, _ in pairs],
                   None if bar_slots is None else [bar_slots.of_tokens(s, steps_of, meter) for s, meter in pairs])

    def sample(self, tokens: int = 200_000, spread: int = 400) -> Split:
        """A spread-out sample of about ``tokens`` tokens."""
        picked, size = [], 0
        for i in range(0, len(self.sequences), max(1, len(self.sequences) // spread)):
            picked.append(i)
            size += len(self.sequences[i])
            if size > tokens:
                break
        return Split([self.sequences[i] for i in picked],
                     None if self.positions is None else [self.positions[i] for i in picked])

    def score(self, model: NGramModel) -> tuple[np.ndarray, np.ndarray]:
        parts = [model.score(s, positions=None if self.positions is None else self.positions[i])
                 for i, s in enumerate(self.sequences)]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


WEIGHTS = tuple(round(0.05 * k, 2) for k in range(1, 21))   # the meter-aware model's shares tried


def _orders(full: NGramModel, valid: Split, probe: Split, run, label: str) -> tuple[int, list[dict]]:
    """The order of ``full`` that predicts the validation split best, and a history row per order."""
    rows, best = [], (float("inf"), 1)
    for order in range(1, full.order + 1):
        model = full.truncated(order)
        loss = float(-valid.score(model)[0].mean())
        rows.append({"epoch": order, "train_loss": round(float(-probe.score(model)[0].mean()), 5),
                     "valid_loss": round(loss, 5), "seconds": round(run.seconds, 1)})
        run.log(f"  {label}order {order}: valid cross-entropy {loss:.4f} nats/step")
        if loss < best[0] - 1e-4:
            best = (loss, order)
    return best[1], rows


def _weight(bar: NGramModel, plain: NGramModel, valid: Split) -> float:
    """The meter-aware model's share of the mixture that predicts the validation split best."""
    p_bar, p_plain = np.exp(valid.score(bar)[0]), np.exp(Split(valid.sequences, None).score(plain)[0])
    return min(WEIGHTS, key=lambda w: float(-np.log(w * p_bar + (1 - w) * p_plain).mean()))


def _metered(run, m: dict, full: NGramModel, train_split: Split, valid: Split, probe: Split, vocab: int):
    """The plain n-gram counted too, each order chosen on validation and the mixture's weight; the
    mixture, its config entry and the history (the meter-aware model's losses, the plain one's beside)."""
    plain_full = NGramModel.fit(train_split.sequences, vocab, m["max_order"], m["discount"], m["min_count"])
    order, history = _orders(full, valid, probe, run, "meter-aware ")
    plain_order, plain_rows = _orders(plain_full, Split(valid.sequences, None), Split(probe.sequences, None), run,
                                      "plain ")
    for row, plain_row in zip(history, plain_rows):
        row.update(plain_train_loss=plain_row["train_loss"], plain_valid_loss=plain_row["valid_loss"])
    bar, plain = full.truncated(order), plain_full.truncated(plain_order)
    weight = _weight(bar, plain, valid)
    run.log(f"  mixed {weight:.2f} meter-aware (order {order}) + {1 - weight:.2f} plain (order {plain_order})")
    return MeteredNGram(bar, plain, weight), {"order": order, "plain": {"order": plain_order, "weight": weight}}, \
        history


def train(run) -> None:
    if run.world > 1:
        raise ValueError("the Markov baseline counts in one process; run it without torchrun")
    cfg = run.config
    codec = codec_from_spec(cfg["codec"])
    steps_of = TokenPhrases(codec).steps_of()
    data = run.data
    corpus = run.corpus
    m = cfg["model"]
    run.log(f"{run.name}: reading the training split ...")
    train_pairs = metered_sequences(corpus, "train", codec, data)
    bar_slots = BarSlots.from_training([meter for _, meter in train_pairs]) if m.get("bar_position") else None
    train_split = Split.of(train_pairs, bar_slots, steps_of)
    valid = Split.of(metered_sequences(corpus, "valid", codec, data), bar_slots, steps_of)
    tokens = sum(len(s) for s in train_split.sequences)
    run.log(f"{run.name}: {len(train_split.sequences):,} training sequences, {tokens:,} tokens; counting ...")
    full = NGramModel.fit(train_split.sequences, codec.size, m["max_order"], m["discount"], m["min_count"],
                          slots=bar_slots.count if bar_slots else 0, positions=train_split.positions)
    probe = train_split.sample()
    if bar_slots:
        model, entry, history = _metered(run, m, full, train_split, valid, probe, codec.size)
        entry["meters"] = bar_slots.to_list()
    else:
        order, history = _orders(full, valid, probe, run, "")
        model, entry = full.truncated(order), {"order": order}
    save_arrays(run.out, model.arrays())
    folder = ModelFolder(run, BACKEND, codec)
    folder.write_config({**entry, "discount": m["discount"], "min_count": m["min_count"]})
    valid_lp, valid_top = valid.score(model)
    notes = ["history.csv has one row per n-gram order (epoch = order); the chosen order is the one with the "
             "lowest validation cross-entropy.",
             f"n-grams of order 3 and up seen fewer than {m['min_count']} times are pruned; their mass goes to "
             "the shorter contexts."]
    if bar_slots:
        notes.append(f"meter-aware: {entry['plain']['weight']:.2f} x an n-gram whose every context holds the slot "
                     "of the step in the bar the next token falls on, in its piece's meter (order "
                     f"{entry['order']}; valid_loss in history.csv) + {1 - entry['plain']['weight']:.2f} x a plain "
                     f"n-gram (order {entry['plain']['order']}; plain_valid_loss), the share chosen on validation; "
                     f"meters with slots of their own: {', '.join(f'{a}/{b}' for a, b in bar_slots.meters)} "
                     "(the others borrow a kin's).")
    folder.finish(history, loss_title=f"{run.name}: cross-entropy by n-gram order (epoch = order)",
                  epochs=1, seconds=run.seconds, device="cpu", parameters=None,
                  metrics={"chosen order": entry["order"], "valid cross-entropy (nats/step)": float(-valid_lp.mean()),
                           "valid next-step accuracy": float(valid_top.mean()), "training tokens": tokens,
                           "n-grams kept": int(sum(len(v) for k, v in model.arrays().items() if "keys." in k))},
                  notes=notes)
