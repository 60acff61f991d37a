"""Training the Markov backend: an n-gram model on the ``melody`` or ``events`` codec, by counting.

Training counts n-grams up to ``max_order`` on the (transposed) training split, scores the validation
split with every order from 1 up, and keeps the order that predicts it best; ``history.csv`` has one row
per order (in the ``epoch`` column), so ``loss.png`` shows where longer contexts stop helping.
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.checkpoint import save_arrays
from musicstudio.generators.codecs import codec_from_spec
from musicstudio.generators.markov.configs import BACKEND
from musicstudio.generators.markov.ngram import NGramModel
from musicstudio.generators.training.data import split_sequences
from musicstudio.generators.training.outputs import ModelFolder


def score_sequences(model: NGramModel, sequences: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    parts = [model.score(s) for s in sequences]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def truncated(model: NGramModel, order: int) -> NGramModel:
    """The same counts up to ``order``."""
    arrays = {k: v for k, v in model.arrays().items() if int(k.rsplit(".", 1)[1]) < order}
    return NGramModel.from_arrays(arrays, model.vocab, order, model.discount, model.min_count)


def train(run) -> None:
    if run.world > 1:
        raise ValueError("the Markov baseline counts in one process; run it without torchrun")
    cfg = run.config
    codec = codec_from_spec(cfg["codec"])
    data = run.data
    corpus = run.corpus
    run.log(f"{run.name}: reading the training split ...")
    train_seqs = split_sequences(corpus, "train", codec, data)
    valid_seqs = split_sequences(corpus, "valid", codec, data)
    tokens = sum(len(s) for s in train_seqs)
    run.log(f"{run.name}: {len(train_seqs):,} training sequences, {tokens:,} tokens; counting ...")
    m = cfg["model"]
    full = NGramModel.fit(train_seqs, codec.size, m["max_order"], m["discount"], m["min_count"])
    probe = []
    size = 0
    for s in train_seqs[::max(1, len(train_seqs) // 400)]:  # a spread-out sample of the training data
        probe.append(s)
        size += len(s)
        if size > 200_000:
            break
    history, best = [], (float("inf"), 1)
    for order in range(1, m["max_order"] + 1):
        model = truncated(full, order)
        valid_lp, _ = score_sequences(model, valid_seqs)
        train_lp, _ = score_sequences(model, probe)
        valid = float(-valid_lp.mean())
        history.append({"epoch": order, "train_loss": round(float(-train_lp.mean()), 5),
                        "valid_loss": round(valid, 5), "seconds": round(run.seconds, 1)})
        run.log(f"  order {order}: valid cross-entropy {valid:.4f} nats/step")
        if valid < best[0] - 1e-4:
            best = (valid, order)
    order = best[1]
    model = truncated(full, order)
    save_arrays(run.out, model.arrays())
    folder = ModelFolder(run, BACKEND, codec)
    folder.write_config({"order": order, "discount": m["discount"], "min_count": m["min_count"]})
    valid_lp, valid_top = score_sequences(model, valid_seqs)
    folder.finish(history, loss_title=f"{run.name}: cross-entropy by n-gram order (epoch = order)",
                  epochs=1, seconds=run.seconds, device="cpu", parameters=None,
                  metrics={"chosen order": order, "valid cross-entropy (nats/step)": float(-valid_lp.mean()),
                           "valid next-step accuracy": float(valid_top.mean()), "training tokens": tokens,
                           "n-grams kept": int(sum(len(k) for k in model.keys))},
                  notes=["history.csv has one row per n-gram order (epoch = order); the chosen order is the one "
                         "with the lowest validation cross-entropy.",
                         f"n-grams of order 3 and up seen fewer than {m['min_count']} times are pruned; their "
                         "mass goes to the shorter contexts."])
