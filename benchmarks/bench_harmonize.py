"""Harmonize and Add a part (issue 19): harmonize 8 bars of a melody (target 500 ms); add one part over 8
bars of a 4-track song, 4 variations (target 500 ms).

The melody is bench_generate's folk tune repeated over 8 bars of 4/4; the 4-track song is that tune over
three more tracks (bench_generate's chords dealt into three lines: the song's other tracks, each heard as its
top line). Each shipped harmonizer model decodes as it ships (config.json's ``decoding``: ``gibbs_steps``
blocked-Gibbs rounds for one take, ``variation_steps`` for four); the figures at other step counts show how
the time moves with them. Medians of 5 runs after one warm-up; the song-level functions the CLI and the app
call (:mod:`musicstudio.generators.harmonizer.song_parts`) are what is timed, from the song to the tracks.
"""

from functools import partial

from benchmarks.bench_generate import CHORDS, MELODY
from benchmarks.timing import median_seconds, shipped, skipped
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.interface import BAR

TARGET_S = 0.500
MODELS = ("harmonizer-nc",)
BARS = 8


def _repeated(notes, length: int, bars: int):
    return tuple(n.moved_by(ticks=k * length) for k in range(-(-bars * BAR // length)) for n in notes
                 if n.start + k * length < bars * BAR)


def songs() -> tuple[Song, Song]:
    """The melody alone, and the melody over three more tracks (the chords' notes from the top down)."""
    melody = Track("Melody", 73, False, _repeated(MELODY.notes, MELODY.length, BARS))
    chords = _repeated(CHORDS.notes, CHORDS.length, BARS)
    starts = sorted({n.start for n in chords})
    lines = [[], [], []]
    for start in starts:
        chord = sorted((n for n in chords if n.start == start), key=lambda n: -n.pitch)
        for line, note in zip(lines, chord):
            line.append(note)
    others = [Track(name, program, False, tuple(line)) for name, program, line in
              zip(("Strings", "Guitar", "Bass"), (48, 24, 32), lines)]
    return Song((melody,)), Song((melody, *others))


def run():
    from musicstudio.generators.harmonizer.song_parts import add_part, harmonize

    alone, four = songs()
    figures = []
    for name, generator in shipped(MODELS):
        if generator is None:
            figures.append(skipped(name))
            continue
        steps, variation_steps = generator.decoding.get("gibbs_steps"), generator.decoding.get("variation_steps")
        runs = [(f"harmonize 8 bars, {count} Gibbs steps (median)", count == steps,
                 partial(harmonize, generator, alone, 0, 1, steps=count)) for count in (steps, steps // 2)]
        runs += [(f"add a part, 4-track song, 4 takes, {count} steps", count == variation_steps,
                  partial(add_part, generator, four, "tenor", variations=4, steps=count))
                 for count in (variation_steps, 2 * variation_steps)]
        for label, shipped_steps, work in runs:
            work()    # warm-up
            figures.append((f"{name}: {label}", median_seconds(work) * 1000, "ms",
                            (lambda v: v <= TARGET_S * 1000) if shipped_steps else None))
    return figures
