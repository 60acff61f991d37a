"""The VAE's own measurements (issue 7's acceptance points), on held-out 2-bar phrases.

* reconstruction: per-step accuracy decoding each phrase's posterior mean greedily and teacher-forced,
  note-onset accuracy, KL per phrase, and the all-HOLD baseline (most steps of a melody are HOLD);
* prior samples: Yang & Lerch overlapping areas against held-out phrases, empty-bar rates;
* attribute control: the mean attribute of phrases decoded after moving each slider from -1.5 to +1.5,
  and the Spearman correlation of that mean with the amount;
* interpolation: end points' accuracy against A and B, in-between phrases non-empty and in range, and
  how smoothly the attributes and the distance from A move along the way;
* timing of the operations the app calls while a slider is dragged.

Every measurement takes the phrases' ``meter`` (2-bar phrases of it; 4/4 by default), so that a meter-aware
model is measured meter by meter.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from musicstudio.core.clip import Clip
from musicstudio.generators.interface import BAR, bar_ticks
from musicstudio.generators.vae.attributes import ATTRIBUTES, phrase_attributes
from musicstudio.generators.vae.decoding import decode_tokens
from musicstudio.generators.vae.phrases import FIRST_NOTE, HOLD

AMOUNTS = np.linspace(-1.5, 1.5, 7)


FOUR_FOUR = (4, 4)


def phrase_tokens(vae, notes, meter=FOUR_FOUR) -> np.ndarray:
    """The tokens of a 2-bar phrase of ``meter`` (in the model's octave)."""
    return vae.clip_tokens(Clip(tuple(notes), 2 * bar_ticks(meter)), meter)[0][0]


def step_accuracy(vae, clip: Clip, phrase, meter=FOUR_FOUR) -> float:
    """Share of the phrase's steps on which ``phrase`` has the same token as ``clip``."""
    return float((vae.clip_tokens(clip, meter)[0][0] == phrase_tokens(vae, phrase, meter)).mean())


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 2 or np.ptp(y) == 0 or np.ptp(x) == 0:
        return float("nan")
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    return float(np.corrcoef(rx, ry)[0, 1])


@torch.no_grad()
def reconstruction(vae, windows: np.ndarray, batch: int = 512, meter=FOUR_FOUR) -> dict:
    from musicstudio.generators.vae.model import kl_per_dim

    model = vae.model
    slots = vae.config.slots(meter, windows.shape[1])
    greedy, forced, kls = [], [], []
    for i in range(0, len(windows), batch):
        x = torch.from_numpy(windows[i:i + batch].astype(np.int64))
        mu, logvar = model.encode(x, slots)
        kls.append(kl_per_dim(mu, logvar).sum(dim=1).numpy())
        forced.append((model.decode_logits(mu, x, slots).argmax(dim=-1) == x).numpy())
        greedy.append(decode_tokens(model, mu.numpy(), slots=slots, steps=windows.shape[1]))
    greedy_tokens, forced_hits = np.concatenate(greedy), np.concatenate(forced)
    hits = greedy_tokens == windows
    onsets = windows >= FIRST_NOTE
    return {"phrases": len(windows), "greedy_accuracy": float(hits.mean()),
            "teacher_forced_accuracy": float(forced_hits.mean()),
            "greedy_onset_accuracy": float(hits[onsets].mean()),
            "phrases_exactly_reconstructed": float(hits.all(axis=1).mean()),
            "all_hold_baseline": float((windows == HOLD).mean()),
            "kl_nats_mean": float(np.concatenate(kls).mean())}


def empty_bar_rate(phrases, bars: int = 2, bar: int = BAR) -> float:
    from musicstudio.generators.evaluation.musegan import empty_bar_rate as eb
    return float(np.mean([eb(p, bar, bars * bar) for p in phrases]))


def prior_samples(vae, reference, n: int = 200, temperature: float = 1.0, random_seed: int = 0,
                  meter=FOUR_FOUR) -> dict:
    from musicstudio.generators.evaluation.overlap import compare_sets, mean_oa

    samples = vae.sample(n, temperature=temperature, random_seed=random_seed, meter=meter)
    comparison = compare_sets(samples, reference)
    return {"samples": n, "temperature": temperature, "mean_overlap_area": mean_oa(comparison),
            "overlap_by_feature": {k: round(v["oa"], 3) for k, v in comparison.items()},
            "empty_bar_rate": empty_bar_rate(samples, bar=bar_ticks(meter)),
            "empty_phrases": float(np.mean([not s for s in samples])),
            "notes_per_phrase": float(np.mean([len(s) for s in samples]))}, samples


def attribute_control(vae, seeds: list[Clip], amounts: np.ndarray = AMOUNTS, meter=FOUR_FOUR) -> dict:
    """Per slider: the mean of each attribute over the seeds at each amount, and Spearman's rho."""
    z = np.concatenate([vae.encode(c, meter)[:1] for c in seeds])
    low = vae.phrases.codec.low
    out = {}
    for name in vae.slider_names:
        means = {a: [] for a in ATTRIBUTES}
        for amount in amounts:
            moved = vae.move(z, name, float(amount))
            tokens = vae.tokens_for(moved, meter)
            table = [phrase_attributes(t, low) for t in tokens]
            for a in ATTRIBUTES:
                means[a].append(float(np.nanmean([r[a] for r in table])))
        own = name if name in ATTRIBUTES else None
        out[name] = {"amounts": [float(a) for a in amounts], "means": means,
                     "rho": {a: spearman(amounts, means[a]) for a in ATTRIBUTES},
                     "own_rho": spearman(amounts, means[own]) if own else None}
    return out


def interpolation(vae, pairs: list[tuple[Clip, Clip]], steps: int = 8, meter=FOUR_FOUR) -> dict:
    low, high = vae.phrases.codec.low, vae.phrases.codec.high
    ends, empty, out_of_range, hamming, rho = [], 0, 0, [], {a: [] for a in ATTRIBUTES}
    max_jump = []
    for a, b in pairs:
        phrases = vae.interpolate(a, b, steps, meter)
        ends += [step_accuracy(vae, a, phrases[0], meter), step_accuracy(vae, b, phrases[-1], meter)]
        empty += sum(not p for p in phrases[1:-1])
        out_of_range += sum(any(not low <= n.pitch <= high for n in p) for p in phrases[1:-1])
        tokens = np.stack([phrase_tokens(vae, p, meter) for p in phrases])
        dist = (tokens != tokens[0]).mean(axis=1)
        hamming.append(dist)
        max_jump.append(float(np.abs(np.diff(dist)).max()))
        table = [phrase_attributes(t, low) for t in tokens]
        for name in ATTRIBUTES:
            values = np.array([r[name] for r in table])
            if not np.isnan(values).any() and values[0] != values[-1]:
                rho[name].append(spearman(np.arange(steps), values * np.sign(values[-1] - values[0])))
    return {"pairs": len(pairs), "steps": steps, "end_accuracy": float(np.mean(ends)),
            "end_accuracy_min": float(np.min(ends)), "empty_in_between": int(empty),
            "out_of_range_in_between": int(out_of_range),
            "mean_hamming_from_a": [float(x) for x in np.mean(hamming, axis=0)],
            "largest_step_change_mean": float(np.mean(max_jump)),
            "attribute_rho_mean": {k: float(np.mean(v)) if v else float("nan") for k, v in rho.items()}}


def timings(vae, clip_4_bars: Clip, other: Clip, repeats: int = 30, meter=FOUR_FOUR) -> dict:
    """Median milliseconds of the operations the app calls interactively."""
    def median_ms(fn) -> float:
        fn()
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return 1000 * float(np.median(times))

    values = {name: 0.5 for name in vae.slider_names[:1]}
    return {"encode_decode_4_bars_ms": median_ms(lambda: vae.decode(vae.encode(clip_4_bars, meter), meter=meter)),
            "slider_move_ms": median_ms(lambda: vae.move_sliders(clip_4_bars, values, meter)),
            "interpolate_8_steps_ms": median_ms(lambda: vae.interpolate(clip_4_bars, other, 8, meter)),
            "torch_threads": torch.get_num_threads()}
