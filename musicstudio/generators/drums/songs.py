"""Whole songs from Debian's ``mma`` (Bob van der Poel, GPL-2+): a groove played over a chord progression,
drums, bass, chords and arpeggios together, the data Add drums (:mod:`.add`) learns and is measured on.

Besides its standard library (``lib/stdlib``, whose styles keep their bare names and hold the held-out
styles), mma ships other libraries of styles with a band (:data:`.grooves.BAND_LIBRARIES`: conversions of Casio and
Yamaha keyboard styles, and libraries by Rony Steelandt, Peter Falk and Alexis Archambault); their styles are
named ``library/style`` and train Add drums too, except those of a held-out style's kind
(:data:`.grooves.HELD_OUT_KINDS`). mma's ``zoom`` library is drum-machine patterns without a band: no songs.

:mod:`.grooves` keeps only a groove's drums; a song keeps every track, so that a drum part can be matched
to the rhythm of the tracks around it. mma renders each song (a groove's main form or one of its
variations, the intros, endings, fills and breaks left out) over a progression of :data:`PROGRESSIONS` at a
tempo, and the tracks are read back with :func:`musicstudio.io.midi_read.import_midi`, stretched to the groove's
meter as :func:`.grooves.bar_shape` says. The records are cached outside git (``cache/drums/songs.json``):
style, groove, meter, tempo, length, the drum notes and each other track's notes.

Build: ``python -m musicstudio.generators.drums.songs MMA_HOME [OUT]`` (one song of 8 bars per groove of
the training styles, the Add drums library; and :data:`HELD_OUT_SONGS` songs of 16 bars in the held-out
styles, the evaluation's, each with its own progression and tempo).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

from musicstudio.core.ticks import PPQ
from musicstudio.generators.drums.data import HELD_OUT
from musicstudio.generators.drums.grooves import bar_shape, load_records, named_grooves, render_all, run_mma

CACHE = Path(__file__).resolve().parents[3] / "cache" / "drums" / "songs.json"
LIBRARY_BARS, HELD_OUT_BARS, HELD_OUT_SONGS = 8, 16, 80
PROGRESSIONS = (
    ("C", "Am", "F", "G"), ("C", "F", "G", "C"), ("Dm7", "G7", "Cmaj7", "Cmaj7"), ("Am", "Dm", "E7", "Am"),
    ("C", "C7", "F", "Fm"), ("G", "Em", "C", "D7"), ("F", "Bb", "C7", "F"), ("Cmaj7", "A7", "Dm7", "G7"),
)
_SECTION = re.compile(r"(intro|end|fill|break)", re.IGNORECASE)
_PFLIB_SECTION = re.compile(r"[a-z0-9](E|F[A-D])$")     # pflib's "16beat1E" (ending), "16beat1FA" (fill of A)


def is_main(groove: str) -> bool:
    """Whether a groove (its bare name, as its style file defines it) is a style's main form or a variation
    (not an intro, an ending, a fill or a break); pflib names its endings and fills by a letter after the
    style's name, not a word."""
    return _SECTION.search(groove) is None and _PFLIB_SECTION.search(groove) is None


def library_styles(home: Path) -> list[tuple[str, str]]:
    """(style, groove) for each main groove that trains Add drums or is held out (:func:`.grooves.named_grooves`
    of every library, intros, endings, fills and breaks left out)."""
    return named_grooves(home, keep=is_main)


def song_text(groove: str, chords: tuple[str, ...], bars: int, tempo: int) -> str:
    return (f"Tempo {tempo}\nGroove {groove}\nPrint MMATIME $_Time\n"
            + "".join(f"{i} {chords[(i - 1) % len(chords)]}\n" for i in range(1, bars + 1)))


def _notes(track, k: float, length: int) -> list[list[int]]:
    return [[n.pitch, round(n.start * k), max(1, round(n.duration * k)), n.velocity] for n in track.notes
            if n.start * k < length]


def render(home: Path, style: str, groove: str, chords: tuple[str, ...], bars: int, tempo: int) -> dict | None:
    """One song rendered by mma: its record, or None when mma fails or the song has no drums."""
    rendered = run_mma(home, song_text(groove, chords, bars, tempo))
    if rendered is None:
        return None
    result, beats = rendered
    signature = result.meter.signature_at(0)
    meter, k = bar_shape(beats, (signature.numerator, signature.denominator))
    length = round(bars * beats * PPQ * k)
    drums = [n for t in result.tracks if t.is_drum for n in _notes(t, k, length)]
    others = [_notes(t, k, length) for t in result.tracks if not t.is_drum and t.notes]
    if not drums or not others:
        return None
    return {"style": style, "groove": groove, "meter": list(meter), "length": length, "tempo": tempo,
            "chords": list(chords), "drums": sorted(drums, key=lambda n: (n[1], n[0])), "others": others}


def jobs(home: Path, seed: int = 0) -> list[tuple]:
    """(style, groove, chords, bars, tempo) for each song to render: every main groove of a training style
    once (8 bars), and :data:`HELD_OUT_SONGS` held-out songs drawn over the held-out styles' main grooves."""
    rng = np.random.default_rng(seed)
    library, held = [], []
    for style, groove in library_styles(home):
        (held if style in HELD_OUT else library).append((style, groove))
    out = [(s, g, PROGRESSIONS[i % len(PROGRESSIONS)], LIBRARY_BARS, 120) for i, (s, g) in enumerate(library)]
    for i in rng.permutation(len(held))[:HELD_OUT_SONGS]:
        style, groove = held[int(i)]
        out.append((style, groove, PROGRESSIONS[int(rng.integers(len(PROGRESSIONS)))], HELD_OUT_BARS,
                    int(rng.integers(80, 180))))
    return out


def build(home: Path, out: Path = CACHE, workers: int = 2) -> list[dict]:
    return render_all(jobs(home), lambda *job: render(home, *job), out, workers)


def load(path: Path = CACHE) -> list[dict]:
    return load_records(path, __name__)


if __name__ == "__main__":
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else CACHE
    made = build(Path(sys.argv[1]), target)
    print(f"{len(made)} songs written to {target} "
          f"({sum(r['style'] in HELD_OUT for r in made)} of held-out styles)")
