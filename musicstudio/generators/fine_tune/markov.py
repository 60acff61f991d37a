"""Fine-tuning an n-gram model: the folder's n-gram counts are added to the base model's, weighted.

With ``lambda`` the share of the merged counts that comes from the folder, each folder count is
multiplied by ``lambda / (1 - lambda) * base tokens / folder tokens`` and added to the base count of the
same n-gram (the context totals likewise), so the merged model is the base model's estimate with the
folder's interpolated in (a meter-aware model's two n-grams each so, the folder's pieces counted in their
own meters). Several shares are tried (each one a row of ``history.csv``, ``epoch`` = its
index; share 0 is the base model) and the one that predicts the folder's validation pieces best is kept.
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.checkpoint import load_arrays, save_arrays, write_config
from musicstudio.generators.fine_tune.card import write_fine_tune_card
from musicstudio.generators.markov.backend import model_of
from musicstudio.generators.markov.metered import MeteredNGram
from musicstudio.generators.markov.ngram import NGramModel
from musicstudio.generators.markov.training import Split
from musicstudio.generators.phrases import TokenPhrases
from musicstudio.generators.training.outputs import write_history, write_loss_png

SHARES = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.85)
INT32 = 2**31 - 1


def _aligned(union: np.ndarray, keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.zeros(len(union), np.int64)
    out[np.searchsorted(union, keys)] = values
    return out


class CountMixer:
    """The base's and the folder's counts on one set of keys, mixed for any folder weight."""

    def __init__(self, base: NGramModel, user: NGramModel):
        self.base, self.user = base, user
        self.keys, self.base_counts, self.user_counts = [], [], []
        self.base_totals, self.user_totals = [], []
        for k in range(base.levels):
            union = np.union1d(base.keys[k], user.keys[k])
            contexts = np.unique(union // base.vocab)
            self.keys.append(union)
            self.base_counts.append(_aligned(union, base.keys[k], base.counts[k]))
            self.user_counts.append(_aligned(union, user.keys[k], user.counts[k]))
            for model, totals in ((base, self.base_totals), (user, self.user_totals)):
                ctx, total = model._totals[k]
                totals.append(_aligned(contexts, ctx, total.astype(np.int64)))
        self.base_tokens = int(base.counts[0].sum())
        self.user_tokens = int(user.counts[0].sum())

    def weight(self, share: float) -> int:
        """The factor on the folder's counts that gives them ``share`` of the merged counts (kept under
        what the weights file's int32 counts can hold)."""
        if share <= 0:
            return 0
        wanted = share / (1 - share) * self.base_tokens / max(self.user_tokens, 1)
        limit = (INT32 - max(int(t.max()) if len(t) else 0 for t in self.base_totals)) // \
            max(max(int(t.max()) if len(t) else 0 for t in self.user_totals), 1)
        return max(1, min(int(round(wanted)), limit))

    def mixed(self, weight: int) -> NGramModel:
        b = self.base
        if weight == 0:
            return b
        arrays = {}
        for k in range(b.levels):
            arrays[f"keys.{k}"] = self.keys[k]
            arrays[f"counts.{k}"] = self.base_counts[k] + weight * self.user_counts[k]
            arrays[f"totals.{k}"] = self.base_totals[k] + weight * self.user_totals[k]
        return NGramModel.from_arrays(arrays, b.vocab, b.order, b.discount, b.min_count, b.slots)


class ModelMixer:
    """A :class:`CountMixer` for each n-gram the base model is made of (a meter-aware model: its
    meter-aware and its plain one, each given the folder's counts with the same share)."""

    def __init__(self, base: NGramModel | MeteredNGram, train: Split):
        self.base = base
        parts = (base.bar, base.plain) if isinstance(base, MeteredNGram) else (base,)
        self.mixers = [CountMixer(part, NGramModel.fit(train.sequences, part.vocab, part.order, part.discount,
                                                       slots=part.slots,
                                                       positions=train.positions if part.slots else None))
                       for part in parts]
        self.base_tokens, self.user_tokens = self.mixers[0].base_tokens, self.mixers[0].user_tokens

    def weight(self, share: float) -> int:
        return self.mixers[0].weight(share)

    def mixed(self, share: float) -> NGramModel | MeteredNGram:
        parts = [m.mixed(m.weight(share)) for m in self.mixers]
        return MeteredNGram(*parts, self.base.weight) if isinstance(self.base, MeteredNGram) else parts[0]


def cross_entropy(model: NGramModel | MeteredNGram, split: Split) -> float:
    return float(-split.score(model)[0].mean())


def fine_tune_markov(work):
    from musicstudio.generators.fine_tune.job import FineTuneResult

    config = work.base_config
    phrases = TokenPhrases.from_vocabulary(config["codec"])
    codec = phrases.codec
    base, bar_slots = model_of(load_arrays(work.base_folder), phrases.vocab_size, config["model"])
    shifts = tuple(config.get("data", {}).get("transpose") or (0,))
    steps_of = phrases.steps_of()
    valid_seqs = Split.of(work.data.metered("valid", codec), bar_slots, steps_of)
    work.check()
    mixer = ModelMixer(base, Split.of(work.data.metered("train", codec, shifts), bar_slots, steps_of))
    probe = Split.of(work.data.metered("train", codec), bar_slots, steps_of)
    history, best = [], None
    for index, share in enumerate(SHARES):
        work.check()
        weight = mixer.weight(share)
        model = mixer.mixed(share)
        valid = cross_entropy(model, valid_seqs)
        row = {"epoch": index, "train_loss": round(cross_entropy(model, probe), 5), "valid_loss": round(valid, 5),
               "share": share, "weight": weight, "seconds": round(work.seconds, 1)}
        history.append(row)
        if best is None or valid < best[0] - 1e-4:
            best = (valid, index, model)
        work.emit({"kind": "epoch", "epoch": index + 1, "epochs": len(SHARES), "train_loss": row["train_loss"],
                   "valid_loss": row["valid_loss"], "before": history[0]["valid_loss"],
                   "label": f"{share:.0%} of the counts from the folder"})
    before = history[0]["valid_loss"]
    after, chosen, model = best
    out = work.out
    save_arrays(out, model.arrays())
    write_config(out, "markov", dict(config["model"]),
                 config["codec"], name=work.name, data={**config.get("data", {}), "fine_tune": str(work.data.folder)},
                 fine_tuned_from=work.base_name,
                 fine_tune={"share": SHARES[chosen], "weight": history[chosen]["weight"],
                            "data_sha256": work.data.sha256()})
    write_history(out, history)
    write_loss_png(out, f"{work.name}: cross-entropy by share of the folder's counts (epoch = index)")
    notes = ["history.csv has one row per share of the folder's counts tried (epoch = its index in "
             f"{list(SHARES)}); share 0 is the base model.",
             f"training pieces counted in the transpositions {list(shifts)} semitones."]
    if chosen == 0:
        notes.append("no share of the folder's counts predicted its validation pieces better than the base "
                     "model: this model is the base model's counts unchanged")
    write_fine_tune_card(work, backend="markov", before=before, after=after, epochs=1, device="cpu",
                         loss_name="cross-entropy (nats/step)", parameters=None,
                         metrics={"chosen share of the folder's counts": f"{SHARES[chosen]:.0%}",
                                  "folder count weight": history[chosen]["weight"],
                                  "folder training tokens": mixer.user_tokens,
                                  "base training tokens": mixer.base_tokens, "n-gram order": base.order},
                         settings={"shares": list(SHARES), "transpose": list(shifts)}, notes=notes)
    return FineTuneResult(out, work.name, "markov", before, after, 1, work.seconds, history)
