"""Measuring the 4-bar conductor (:mod:`.conductor`): 4-bar reconstruction through the hierarchy against the flat
path, and prior samples against the app's way of writing 4 bars from the prior, with the coherence of their
halves. Safe to import: no side effects."""

from __future__ import annotations

import math

import numpy as np

from musicstudio.generators.vae_poly.conductor_model import Conductor
from musicstudio.generators.vae_poly.conductor_training import chunk_codes, phrase_groups


# -- measuring ---------------------------------------------------------------------------------------------------
def halves(rolls: np.ndarray, low: int) -> dict[str, np.ndarray]:
    """Per 4-bar phrase ``(n, steps, pitches)``: ``pitch_class_overlap`` (the shared area of the pitch-class
    histograms of the cells sounding in bars 1-2 and in bars 3-4; NaN where a half is silent) and
    ``density_ratio`` (the fewer onsets of the two halves over the more; NaN where both are silent)."""
    from musicstudio.generators.vae_poly.roll import OFF, ONSET

    rolls = np.asarray(rolls)
    half = rolls.shape[1] // 2
    classes = (np.arange(rolls.shape[-1]) + low) % 12
    onehot = np.eye(12)[classes]                                    # (pitches, 12)

    def histogram(part):
        return (part != OFF).sum(axis=1) @ onehot                   # (n, 12)

    a, b = histogram(rolls[:, :half]), histogram(rolls[:, half:])
    sa, sb = a.sum(axis=1), b.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        pc = np.minimum(a / sa[:, None], b / sb[:, None]).sum(axis=1)
        pc[(sa == 0) | (sb == 0)] = np.nan
        na, nb = (rolls[:, :half] == ONSET).sum(axis=(1, 2)), (rolls[:, half:] == ONSET).sum(axis=(1, 2))
        ratio = np.minimum(na, nb) / np.maximum(na, nb)
    return {"pitch_class_overlap": pc, "density_ratio": ratio.astype(float)}


def coherence(rolls: np.ndarray, low: int, reference: dict[str, np.ndarray] | None = None) -> dict:
    """Means of :func:`halves` (NaN phrases left out), and with ``reference`` (the held-out phrases' own
    :func:`halves`) the overlapping area of each figure's distribution with the reference's."""
    from musicstudio.generators.evaluation.overlap import overlap_area

    own = halves(rolls, low)
    out = {}
    for name, values in own.items():
        kept = values[~np.isnan(values)]
        out[name] = round(float(kept.mean()), 4) if len(kept) else float("nan")
        if reference is not None:
            ref = reference[name][~np.isnan(reference[name])]
            out[f"{name}_oa"] = round(overlap_area(kept, ref), 4) if len(kept) > 1 and len(ref) > 1 else float("nan")
    return out


def flat_prior_codes(vae, n: int, rng: np.random.Generator, chunks: int = 2, drift: float = 0.25,
                     temperature: float = 1.0) -> np.ndarray:
    """Codes ``(n, chunks, latent)`` the app's sample mode writes from the prior (generator.generate): the 2-bar
    model's prior for each chunk, its noise drifting by ``drift`` from one chunk to the next."""
    noise = rng.standard_normal((n, vae.latent))
    out = []
    for k in range(chunks):
        if k:
            noise = math.sqrt(1 - drift ** 2) * noise + drift * rng.standard_normal((n, vae.latent))
        out.append(vae.prior((temperature * noise).astype(np.float32)))
    return np.stack(out, axis=1)


def play(vae, codes: np.ndarray, meter, temperature: float = 0.0, seed: int = 0) -> np.ndarray:
    """Rolls ``(n, chunks * phrase steps, pitches)`` of chunk codes ``(n, chunks, latent)``, each chunk decoded
    by the 2-bar decoder (greedy at temperature 0)."""
    n, chunks = codes.shape[:2]
    rolls = vae.rolls_for(codes.reshape(-1, vae.latent), meter, temperature, rng=np.random.default_rng(seed))
    return rolls.reshape(n, chunks * rolls.shape[1], -1)


def reconstruction(vae, conductor: Conductor, groups: dict, refined: bool = False) -> dict:
    """Greedy step accuracy of 4-bar phrases through the hierarchy (codes -> z4 mean -> conductor's codes ->
    decoder) and the flat path (codes -> decoder), with the encoder's means or the refined codes."""
    from musicstudio.generators.vae_poly.objective import step_accuracy

    totals = {"hierarchy": 0.0, "flat": 0.0}
    steps = 0
    for meter, rolls in groups.items():
        codes = chunk_codes(vae, rolls, meter, refined)
        n = rolls.shape[0] * rolls.shape[1]
        totals["flat"] += step_accuracy(play(vae, codes, meter), rolls) * n
        totals["hierarchy"] += step_accuracy(play(vae, conductor.reconstruct(codes), meter), rolls) * n
        steps += n
    return {k: round(v / steps, 4) for k, v in totals.items()} | {"phrases": sum(map(len, groups.values()))}


def prior_comparison(vae, conductor: Conductor, groups: dict, n: int = 100, reference: int = 200, seed: int = 0,
                     temperature: float = 0.0, drift: float = 0.25,
                     ways: tuple[str, ...] = ("hierarchy", "flat", "independent")) -> dict:
    """Per way of writing 4 bars from the prior (``hierarchy``: z4 ~ prior -> conductor; ``flat``: the app's
    drifting 2-bar codes; ``independent``: two independent 2-bar codes), decoded at ``temperature``: the mean
    overlapping area against held-out 4-bar phrases (Yang & Lerch's features, :func:`~.evaluation.prior_samples`'
    measure), averaged over the meters, and the halves' coherence against the held-out phrases' own."""
    from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar
    from musicstudio.generators.evaluation.overlap import compare_sets, mean_oa

    rng = np.random.default_rng(seed)
    oa = {w: [] for w in ways}
    sampled = {w: [] for w in ways}
    held_all = []
    for k, (meter, rolls) in enumerate(groups.items()):
        held = rolls[rng.permutation(len(rolls))[:reference]]
        held_all.append(held)
        held_notes = [vae._notes(r, 0, 100) for r in held]
        bar = steps_in_bar(meter) * STEP_TICKS
        for w in ways:
            r = np.random.default_rng(seed + 1 + k)
            if w == "hierarchy":
                codes = conductor.sample(n, r)
            else:
                codes = flat_prior_codes(vae, n, r, conductor.chunks, drift if w == "flat" else 1.0)
            out = play(vae, codes, meter, temperature, seed + 2 + k)
            sampled[w].append(out)
            notes = [vae._notes(x, 0, 100) for x in out]
            oa[w].append(mean_oa(compare_sets(notes, held_notes, bar_ticks=bar)))
    low = vae.codec.low
    reference_halves = {name: np.concatenate([halves(h, low)[name] for h in held_all])
                        for name in ("pitch_class_overlap", "density_ratio")}
    result = {"held_out": coherence(np.concatenate([_pad(h, held_all) for h in held_all]), low)}
    for w in ways:
        rows = np.concatenate([_pad(s, sampled[w]) for s in sampled[w]])
        result[w] = {"mean_overlap_area": round(float(np.mean(oa[w])), 4), **coherence(rows, low, reference_halves)}
    return result


def _pad(rolls: np.ndarray, every: list) -> np.ndarray:
    """Rolls padded with silent steps to the longest of ``every`` (meters differ in length), centred so that each
    half stays a half."""
    longest = max(r.shape[1] for r in every)
    extra = (longest - rolls.shape[1]) // 2
    if extra == 0:
        return rolls
    half = rolls.shape[1] // 2
    pad = np.zeros((len(rolls), extra, rolls.shape[2]), rolls.dtype)
    return np.concatenate([rolls[:, :half], pad, rolls[:, half:], pad], axis=1)


def measure(vae, conductor: Conductor, cache, split: str, refined: bool = True, samples: int = 100) -> dict:
    """:func:`reconstruction` (means, and refined codes with ``refined``) and :func:`prior_comparison` (greedy
    and sampled at temperature 1) on the split's 4-bar phrases (hop 4 bars)."""
    groups = phrase_groups(vae, cache, split, 4, 4)
    out = {"split": split, "reconstruction_means": reconstruction(vae, conductor, groups)}
    if refined:
        out["reconstruction_refined"] = reconstruction(vae, conductor, groups, refined=True)
    for t in (0.0, 1.0):
        out[f"prior_temperature_{t:g}"] = prior_comparison(vae, conductor, groups, samples, temperature=t)
    return out
