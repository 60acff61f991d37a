"""The polyphonic VAE's measurements (issue 23), on held-out rolls grouped by meter.

* **reconstruction per step**: share of steps whose every pitch's state (off, onset, hold) comes back when
  the phrase's posterior mean is decoded greedily; 2-bar phrases, and 4-bar ones as two 2-bar chunks (the
  flat model's codes laid end to end: no conductor). Beside it, two baselines that need no model: *all-rest*
  (every step silent) and *all-hold* (the phrase's first step as it is, then every pitch sounding there held
  to the end: a pad on the first chord); and a gentler figure, the F1 of the (step, pitch) onsets;
* **prior samples**: z ~ N(0, I) decoded greedily (and sampled at temperature 1), Yang & Lerch's mean
  overlapping area against held-out phrases of the same meter (:mod:`~..evaluation.overlap`);
* **diversity**: mean pairwise distance of 100 prior samples: 1 - Jaccard similarity of their (step, pitch)
  onsets (0: all alike, 1: no onset shared), and the same figure for held-out phrases;
* **MuseGAN-style figures** (Dong, Hsiao, Yang & Yang, "MuseGAN", 2018): qualified notes (share of notes at
  least an 8th long: on a 16th grid every note passes MuseGAN's 32nd), used pitch classes per bar, and
  polyphonicity (share of sounding steps with at least two pitches), for samples and held-out phrases;
* **slider control**: 100 held-out phrases moved along each slider by each amount, decoded greedily; the
  mean attribute at each amount and Spearman's rho against the amounts (and the median rho per phrase).
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar
from musicstudio.generators.vae.evaluation import spearman
from musicstudio.generators.vae_poly.objective import reconstruct, step_accuracy
from musicstudio.generators.vae_poly.phrases import ATTRIBUTES, roll_attributes
from musicstudio.generators.vae_poly.roll import HOLD, OFF, ONSET

AMOUNTS = np.linspace(-1.5, 1.5, 7)


def all_rest(rolls: np.ndarray) -> np.ndarray:
    return np.zeros_like(rolls)


def all_hold(rolls: np.ndarray) -> np.ndarray:
    out = np.zeros_like(rolls)
    out[:, 0] = rolls[:, 0]
    out[:, 1:] = np.where(rolls[:, :1] != OFF, HOLD, OFF)
    return out


def reconstruction(vae, groups: dict, bars: int = 2, refined: bool = False) -> dict:
    """Step accuracy of greedy reconstructions (chunks of 2 bars for ``bars`` 4), by meter and over all: decoded
    from the encoder's mean, or with ``refined`` from the code the model's encode path gives (:mod:`.refine`
    where its config asks for it)."""
    hits, steps, rest, hold, by_meter, tp, fp, fn = 0.0, 0, 0.0, 0.0, {}, 0, 0, 0
    for meter, rolls in groups.items():
        size = 2 * steps_in_bar(meter)
        chunks = rolls.reshape(-1, size, rolls.shape[-1])
        if refined:
            decoded = vae.rolls_for(vae.encode_rolls(chunks, meter), meter).reshape(rolls.shape)
        else:
            decoded = reconstruct(vae.model, chunks, vae.config.slots(meter, size)).reshape(rolls.shape)
        a = step_accuracy(decoded, rolls)
        n = rolls.shape[0] * rolls.shape[1]
        by_meter[f"{meter[0]}/{meter[1]}"] = {"phrases": len(rolls), "step_accuracy": round(a, 4)}
        hits, steps = hits + a * n, steps + n
        said, true = decoded == ONSET, rolls == ONSET
        tp, fp, fn = tp + (said & true).sum(), fp + (said & ~true).sum(), fn + (~said & true).sum()
        rest += step_accuracy(all_rest(rolls), rolls) * n
        hold += step_accuracy(all_hold(rolls), rolls) * n
    return {"bars": bars, "phrases": sum(map(len, groups.values())), "step_accuracy": round(hits / steps, 4),
            "all_rest_baseline": round(rest / steps, 4), "all_hold_baseline": round(hold / steps, 4),
            "onset_f1": round(float(2 * tp / max(1, 2 * tp + fp + fn)), 4), "by_meter": by_meter}


def onset_distance(a: np.ndarray, b: np.ndarray) -> float:
    x, y = a == ONSET, b == ONSET
    union = np.logical_or(x, y).sum()
    return float(1.0 - np.logical_and(x, y).sum() / union) if union else 0.0


def diversity(rolls) -> float:
    rolls = list(rolls)
    d = [onset_distance(rolls[i], rolls[j]) for i in range(len(rolls)) for j in range(i + 1, len(rolls))]
    return round(float(np.mean(d)), 4) if d else float("nan")


def musegan_figures(notes_list, rolls, meter) -> dict:
    from musicstudio.generators.evaluation.musegan import qualified_note_rate, used_pitch_classes

    bar = steps_in_bar(meter) * STEP_TICKS
    qn = [qualified_note_rate(n, bar, 2 * STEP_TICKS / bar) for n in notes_list if n]
    upc = [used_pitch_classes(n, bar, 2 * bar) for n in notes_list if n]
    counts = [(np.asarray(r) != OFF).sum(axis=-1) for r in rolls]
    pp = [float((c >= 2).sum() / max(1, (c >= 1).sum())) for c in counts if (c >= 1).any()]
    return {"qualified_notes": round(float(np.mean(qn)), 4) if qn else float("nan"),
            "used_pitch_classes": round(float(np.nanmean(upc)), 4) if upc else float("nan"),
            "polyphonicity": round(float(np.mean(pp)), 4) if pp else float("nan"),
            "empty_phrases": round(float(np.mean([not n for n in notes_list])), 4)}


def prior_samples(vae, groups: dict, n: int = 100, reference: int = 200, seed: int = 0) -> dict:
    """Per meter and temperature (0: greedy, 1: sampled): overlap with held-out phrases, diversity, MuseGAN."""
    from musicstudio.generators.evaluation.overlap import compare_sets, mean_oa

    rng = np.random.default_rng(seed)
    out = {}
    for meter, rolls in groups.items():
        held = rolls[rng.permutation(len(rolls))[:reference]]
        held_notes = [vae._notes(r, 0, 100) for r in held]
        bar = steps_in_bar(meter) * STEP_TICKS
        row = {"held_out": {"diversity": diversity(held[:n]), **musegan_figures(held_notes, held, meter)}}
        for temperature in (0.0, 1.0):
            z = vae.prior(np.random.default_rng(seed + 1).standard_normal((n, vae.latent)).astype(np.float32))
            sampled = vae.rolls_for(z, meter, temperature, rng=np.random.default_rng(seed + 2))
            notes = [vae._notes(r, 0, 100) for r in sampled]
            oa = mean_oa(compare_sets(notes, held_notes, bar_ticks=bar))
            row[f"temperature_{temperature:g}"] = {"mean_overlap_area": round(oa, 4), "diversity": diversity(sampled),
                                                   **musegan_figures(notes, sampled, meter)}
        out[f"{meter[0]}/{meter[1]}"] = row
    return out


def slider_control(vae, groups: dict, seeds: int = 100, amounts=AMOUNTS, seed: int = 0) -> dict:
    """Per slider: the mean of each attribute over ``seeds`` held-out phrases at each amount, Spearman's rho of
    those means against the amounts, and the median of the rho taken phrase by phrase."""
    rng = np.random.default_rng(seed)
    total = sum(map(len, groups.values()))
    picks = [(m, r[rng.permutation(len(r))[:max(1, round(seeds * len(r) / total))]]) for m, r in groups.items()]
    codes = [(m, vae.encode_rolls(r, m)) for m, r in picks]
    out = {}
    for name in vae.slider_names:
        table = {a: np.zeros((sum(len(z) for _, z in codes), len(amounts))) for a in ATTRIBUTES}
        for k, amount in enumerate(amounts):
            rows = []
            for meter, z in codes:
                rows += [roll_attributes(r, vae.codec.low, meter)
                         for r in vae.rolls_for(vae.move(z, name, float(amount)), meter)]
            for a in ATTRIBUTES:
                table[a][:, k] = [r[a] for r in rows]
        means = {a: [float(np.nanmean(table[a][:, k])) for k in range(len(amounts))] for a in ATTRIBUTES}
        own = name if name in ATTRIBUTES else None
        per_seed = [spearman(amounts, row) for row in table[own]] if own else []
        out[name] = {"amounts": [float(a) for a in amounts], "means": means,
                     "rho": {a: spearman(amounts, means[a]) for a in ATTRIBUTES},
                     "own_rho": spearman(amounts, means[own]) if own else None,
                     "median_rho_per_phrase": float(np.nanmedian(per_seed)) if per_seed else None,
                     "seeds": int(sum(len(z) for _, z in codes))}
    return out
