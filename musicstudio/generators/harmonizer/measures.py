"""The harmonizer's measures on held-out chorales (the corpus's test split), for :mod:`.report`:

* :func:`harmonized`: each test chorale's soprano harmonized (``variations`` takes each) and the texture
  figures (:mod:`.texture`) of the takes beside Bach's own parts on the same chorales;
* :func:`gan_texture`: the GAN's chorale continuations (4 bars of the chorale, 8 bars written, dealt out to
  four voices as docs/gan.md measured them: :func:`~musicstudio.core.voices.continue_voices`) measured the
  same way;
* :func:`added_parts`: 8-bar excerpts with one real part removed (rotating which), written back in the
  removed part's register: Yang & Lerch's overlapping area of the written parts against the removed ones
  (:func:`~musicstudio.generators.evaluation.overlap.compare_features`) and the share of takes inside the
  register.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from musicstudio.core.meter import TimeSignature
from musicstudio.generators.harmonizer.data import Chorale
from musicstudio.generators.harmonizer.texture import figures
from musicstudio.generators.harmonizer.voices import VOICE_NAMES

EXCERPT_BARS = 8


def bach_ranges(chorales: Sequence[Chorale]) -> list[tuple[int, int]]:
    """Each voice's lowest and highest pitch in ``chorales`` (the training chorales: Bach's range)."""
    return [(min(n.pitch for c in chorales for n in c.parts[v]), max(n.pitch for c in chorales for n in c.parts[v]))
            for v in range(4)]


def harmonized(harmonizer, test: Sequence[Chorale], ranges, variations: int = 4, log: Callable = print) -> dict:
    takes, truth = [], []
    for i, chorale in enumerate(test):
        for alto, tenor, bass in harmonizer.harmonize(chorale.parts[0], chorale.meter, 0, chorale.end,
                                                      variations=variations, random_seed=i):
            takes.append(((chorale.parts[0], alto, tenor, bass), chorale.meter))
        truth.append((chorale.parts, chorale.meter))
        log(f"harmonized {i + 1}/{len(test)}: {chorale.id}")
    return {"chorales": len(test), "takes": len(takes), "written": figures(takes, ranges),
            "bach": figures(truth, ranges), "examples": takes[:1]}


def gan_texture(gan, test: Sequence[Chorale], ranges, variations: int = 4, seed_bars: int = 4,
                bars: int = 8) -> dict:
    """The GAN's 4/4 chorale continuations dealt out to four voices, and Bach's own continuations."""
    from musicstudio.core.clip import Clip
    from musicstudio.core.voices import continue_voices, lines_of
    from musicstudio.generators.interface import GenerationRequest

    bar = TimeSignature(0, 4, 4).bar_ticks
    chosen = [c for c in test if c.meter == (4, 4) and c.end >= (seed_bars + bars) * bar]
    takes, truth = [], []
    for i, chorale in enumerate(chosen):
        seed_parts = [[n for n in part if n.start < seed_bars * bar] for part in chorale.parts]
        lines = lines_of(seed_parts)
        merged = sorted((n for p in seed_parts for n in p), key=lambda n: (n.start, n.pitch))
        seed = Clip(tuple(merged), seed_bars * bar)
        request = GenerationRequest(seed=seed, bars=bars, variations=variations, random_seed=i)
        for take in gan.generate(request):
            dealt = continue_voices(take.notes, [pitch for _, pitch in lines])
            takes.append((tuple(dealt[:4]) + ((),) * (4 - len(dealt[:4])), (4, 4)))
        window = [[n._replace(start=n.start - seed_bars * bar) for n in part
                   if seed_bars * bar <= n.start < (seed_bars + bars) * bar] for part in chorale.parts]
        truth.append((window, (4, 4)))
    return {"chorales": len(chosen), "takes": len(takes), "written": figures(takes, ranges),
            "bach": figures(truth, ranges)}


def excerpts(test: Sequence[Chorale], count: int = 100) -> list[tuple[Chorale, int, int, int]]:
    """(chorale, start tick, end tick, removed voice) for ``count`` 8-bar excerpts: every test chorale's bars
    from 0, 8, 16 ..., then from 4, 12 ..., in turn, the removed voice rotating."""
    out = []
    for offset in (0, 4, 2, 6):
        for chorale in test:
            bar = TimeSignature(0, *chorale.meter).bar_ticks
            for first in range(offset, chorale.end // bar - EXCERPT_BARS + 1, EXCERPT_BARS):
                out.append((chorale, first * bar, (first + EXCERPT_BARS) * bar))
    return [(c, a, b, i % 4) for i, (c, a, b) in enumerate(out[:count])]


def added_parts(harmonizer, test: Sequence[Chorale], count: int = 100, log: Callable = print) -> dict:
    from musicstudio.generators.evaluation.features import phrase_features
    from musicstudio.generators.evaluation.overlap import compare_features, mean_oa

    written, removed, inside, by_role = [], [], 0, {name: [] for name in VOICE_NAMES}
    chosen = excerpts(test, count)
    for i, (chorale, start, end, voice) in enumerate(chosen):
        part = [n for n in chorale.parts[voice] if start <= n.start < end]
        given = [[n for n in p if start <= n.start < end] for v, p in enumerate(chorale.parts) if v != voice]
        register = (min(n.pitch for n in part), max(n.pitch for n in part))
        take = harmonizer.add_part(given, VOICE_NAMES[voice], chorale.meter, start, end, register=register,
                                   random_seed=i)[0]
        bar = TimeSignature(0, *chorale.meter).bar_ticks
        written.append(phrase_features([n._replace(start=n.start - start) for n in take], bar))
        removed.append(phrase_features([n._replace(start=n.start - start) for n in part], bar))
        inside += bool(take) and all(register[0] <= n.pitch <= register[1] for n in take)
        offset = np.mean([n.pitch for n in take]) - np.mean([n.pitch for n in part]) if take else np.nan
        by_role[VOICE_NAMES[voice]].append(float(offset))
        if (i + 1) % 20 == 0:
            log(f"added parts: {i + 1}/{len(chosen)}")
    comparison = compare_features(written, removed)
    return {"excerpts": len(chosen), "mean_oa": mean_oa(comparison),
            "oa": {k: v["oa"] for k, v in comparison.items()}, "in_register": inside / max(1, len(chosen)),
            "mean_pitch_offset": {k: float(np.nanmean(v)) if v else float("nan") for k, v in by_role.items()}}
