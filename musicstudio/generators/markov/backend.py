"""The Markov backend: an n-gram model on the ``melody`` or ``events`` codec, trained by counting.

Training counts n-grams up to ``max_order`` on the (transposed) training split, scores the validation
split with every order from 1 up, and keeps the order that predicts it best; ``history.csv`` has one row
per order (in the ``epoch`` column), so ``loss.png`` shows where longer contexts stop helping.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from musicstudio.generators.checkpoint import CheckpointError, load_arrays, save_arrays, write_config
from musicstudio.generators.codecs import EventCodec, MelodyCodec
from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.markov.ngram import NGramModel
from musicstudio.generators.phrases import TokenPhrases

BACKEND = "markov"
_DATA = {"collections": None, "meter_classes": None, "transpose": list(range(-5, 7))}
CONFIGS = {
    "markov-melody": {"summary": "n-gram baseline on the melody codec (48..84), order chosen on validation",
                      "codec": {"codec": "melody", "low": 48, "high": 84},
                      "model": {"max_order": 8, "discount": 0.75, "min_count": 3}, "data": _DATA},
    "markov-events": {"summary": "n-gram baseline on the polyphonic events codec, order chosen on validation",
                      "codec": {"codec": "events", "low": 0, "high": 127, "max_shift": 16, "velocity_bins": 0},
                      "model": {"max_order": 7, "discount": 0.75, "min_count": 8}, "data": _DATA},
    "markov-tiny": {"summary": "a small melody n-gram for tests",
                    "codec": {"codec": "melody", "low": 48, "high": 84},
                    "model": {"max_order": 3, "discount": 0.75, "min_count": 1},
                    "data": {**_DATA, "transpose": [0, 2], "limit": 40}},
}


def make_codec(spec: dict) -> MelodyCodec | EventCodec:
    spec = dict(spec)
    kind = spec.pop("codec")
    return MelodyCodec(**spec) if kind == "melody" else EventCodec(**spec)


def score_sequences(model: NGramModel, sequences: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    parts = [model.score(s) for s in sequences]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def truncated(model: NGramModel, order: int) -> NGramModel:
    """The same counts up to ``order``."""
    arrays = {k: v for k, v in model.arrays().items() if int(k.rsplit(".", 1)[1]) < order}
    return NGramModel.from_arrays(arrays, model.vocab, order, model.discount, model.min_count)


def train(run) -> None:
    from musicstudio.generators.training.data import split_sequences
    from musicstudio.generators.training.outputs import (
        split_hashes,
        write_card,
        write_history,
        write_loss_png,
    )

    if run.world > 1:
        raise ValueError("the Markov baseline counts in one process; run it without torchrun")
    cfg = run.config
    codec = make_codec(cfg["codec"])
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
    run.out.mkdir(parents=True, exist_ok=True)
    save_arrays(run.out, model.arrays())
    write_config(run.out, BACKEND, {"order": order, "discount": m["discount"], "min_count": m["min_count"]},
                 codec.vocabulary(), name=run.name, data=data.to_dict())
    write_history(run.out, history)
    write_loss_png(run.out, f"{run.name}: cross-entropy by n-gram order (epoch = order)")
    valid_lp, valid_top = score_sequences(model, valid_seqs)
    metrics = {"chosen order": order, "valid cross-entropy (nats/step)": float(-valid_lp.mean()),
               "valid next-step accuracy": float(valid_top.mean()), "training tokens": tokens,
               "n-grams kept": int(sum(len(k) for k in model.keys))}
    write_card(run.out, name=run.name, backend=BACKEND, summary=cfg["summary"] + ". Evaluation: "
               "`musicstudio eval " + str(run.out) + "`.", command=run.command, data=data,
               hashes=split_hashes(corpus, data), corpus=corpus, epochs=1, seconds=run.seconds, device="cpu",
               metrics=metrics, parameters=None, config=cfg,
               notes=["history.csv has one row per n-gram order (epoch = order); the chosen order is the one "
                      "with the lowest validation cross-entropy.",
                      f"n-grams of order 3 and up seen fewer than {m['min_count']} times are pruned; their mass "
                      "goes to the shorter contexts."])


class MarkovGenerator:
    backend = BACKEND

    def __init__(self, name: str, model: NGramModel, phrases: TokenPhrases):
        self.name, self.model, self.phrases = name, model, phrases
        self.device = "cpu"

    # the TokenModel protocol of musicstudio.generators.continuation
    def begin(self, seed: np.ndarray, rows: int) -> np.ndarray:
        width = self.model.order - 1
        start = np.concatenate([np.full(width, self.model.vocab, np.int64), np.asarray(seed, np.int64)])
        return np.tile(start[len(start) - width:] if width else start[:0], (rows, 1))

    def log_probs(self, state: np.ndarray) -> np.ndarray:
        return np.log(self.model.distribution(state))

    def push(self, state: np.ndarray, tokens: np.ndarray) -> np.ndarray:
        if state.shape[1] == 0:
            return state
        return np.concatenate([state[:, 1:], tokens[:, None]], axis=1)

    def score(self, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Log-probability of each token given the ones before, and whether it was the top guess."""
        return self.model.score(tokens)

    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        return continue_phrase(self, self.phrases, request, BACKEND, self.name, progress, cancel)


def load(folder: Path, config: dict, device: str = "cpu") -> MarkovGenerator:
    folder = Path(folder)
    try:
        phrases = TokenPhrases.from_vocabulary(config["codec"])
        m = config["model"]
        model = NGramModel.from_arrays(load_arrays(folder), phrases.vocab_size, int(m["order"]),
                                       float(m["discount"]), int(m.get("min_count", 1)))
    except CheckpointError:
        raise
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "weights.safetensors", f"it does not fit its config.json ({e})") from None
    return MarkovGenerator(config.get("name", folder.name), model, phrases)
