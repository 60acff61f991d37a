"""Filling bars (issue 18): 2 bars between 8 bars of the track on either side, 4 variations (target 150 ms).

The request "Fill these bars" sends: the bars before the gap as the seed, the bars after it as ``after``,
two bars to write, four variations in one batch. Each shipped model whose family can fill
(:class:`~musicstudio.generators.capabilities.Infiller`) is timed on a single-track song (the folk tune of
bench_generate, eight bars on each side) and on a four-track one (three more tracks of four-voice chords
under it, given as ``others``: target 300 ms). Medians of 7 runs after one warm-up. Models that are not
installed are skipped. Each model decodes as it ships: the infill model with its copy cache (config.json's
``decoding``), whose matching runs in numpy at every step, and its draws (``decoding.draws``: each variation
sampled that many times in one batch, the draw the model finds likeliest to lead into the bar after kept).
"""

import statistics
import time
from dataclasses import replace

from benchmarks.bench_generate import CHORDS, MELODY
from benchmarks.timing import shipped, skipped
from musicstudio.core.clip import Clip
from musicstudio.generators.interface import BAR, GenerationRequest

TARGET_S, TARGET_TRACKS_S = 0.150, 0.300
REPEAT = 7
MODELS = ("infill", "vae")
GAP_BARS, CONTEXT_BARS = 2, 8


def _repeated(clip: Clip, bars: int) -> Clip:
    """``clip`` (whole bars of 4/4) repeated to fill ``bars`` bars."""
    times = -(-bars * BAR // clip.length)
    notes = tuple(n.moved_by(ticks=k * clip.length) for k in range(times) for n in clip.notes)
    return Clip(tuple(n for n in notes if n.start < bars * BAR), bars * BAR)


def requests(variations: int = 4) -> tuple[GenerationRequest, GenerationRequest]:
    """The single-track fill and the four-track one."""
    before, after = _repeated(MELODY, CONTEXT_BARS), _repeated(MELODY, CONTEXT_BARS)
    song = 2 * CONTEXT_BARS + GAP_BARS
    others = tuple(_repeated(CHORDS, song) for _ in range(3))
    one = GenerationRequest(seed=before, bars=GAP_BARS, variations=variations, after=after)
    return one, GenerationRequest(seed=before, bars=GAP_BARS, variations=variations, after=after, others=others)


def _median(generator, request: GenerationRequest) -> float:
    times = []
    for i in range(REPEAT + 1):
        started = time.perf_counter()
        generator.generate(replace(request, random_seed=i))
        if i:
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def run():
    from musicstudio.generators.backends import backend_named
    from musicstudio.generators.capabilities import Infiller

    figures = []
    one, four = requests()
    for name, generator in shipped(MODELS):
        if generator is None:
            figures.append(skipped(name))
            continue
        if not backend_named(generator.backend).can(Infiller):
            figures.append((f"{name}: its backend cannot fill, skipped", 0.0, "", None))
            continue
        figures.append((f"{name}: fill 2 bars, 8 either side, 4 variations (median)", _median(generator, one) * 1000,
                        "ms", lambda v: v <= TARGET_S * 1000))
        figures.append((f"{name}: the same with a 4-track context (median)", _median(generator, four) * 1000, "ms",
                        lambda v: v <= TARGET_TRACKS_S * 1000))
    return figures
