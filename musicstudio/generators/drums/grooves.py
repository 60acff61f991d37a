"""Drum grooves from Debian's ``mma`` (Musical MIDI Accompaniment, Bob van der Poel, GPL-2+): the training
and evaluation data of the drum model.

mma's groove library (``lib/stdlib/*.mma``, 118 files) defines about 1,100 named grooves (``DefGroove``):
each style's main groove, its variations, fills, intros and endings, in the style's meter. Rather than
parse mma's sequence language, mma itself (a separate Python program, run as a subprocess) renders each
groove over ``bars`` bars of a C chord to MIDI; the drum notes (channel 10) and the meter are read back
with :func:`musicstudio.io.midi_read.import_midi`. The result is a JSON list cached outside git
(``cache/drums/grooves.json``), one record per groove: style (the file's name), groove, meter, notes.

Build it with ``python -m musicstudio.generators.drums.grooves MMA_HOME [OUT]`` where ``MMA_HOME`` is the
folder holding ``MMA/`` and ``lib/`` (``apt-get download mma && dpkg -x mma_*.deb /tmp/mma`` gives
``/tmp/mma/usr/share/mma``; run ``mma -G`` there once so that it indexes its library).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from musicstudio.core.note import Note
from musicstudio.core.ticks import PPQ

CACHE = Path(__file__).resolve().parents[3] / "cache" / "drums" / "grooves.json"
RENDER_BARS = 16
# mma's libraries besides ``stdlib`` whose styles play with a band: Add drums' songs (:mod:`.songs`) train on
# them too. ``zoom`` (drum-machine patterns, no band) gives no songs. The drum model's grooves are stdlib's:
# an LSTM trained on these libraries' grooves as well was tried and not kept (docs/drums.md: Add drums, Targets).
BAND_LIBRARIES = ("casio", "yamaha", "kara", "pflib", "alexis")
STYLE_LIBRARIES = ("stdlib",) + BAND_LIBRARIES
# A style of the band libraries whose name holds one of these is of a held-out style's kind (:data:`.data.HELD_OUT`;
# casio's swing, yamaha's jazzbossa, casio's 68ballad): another hand's version of a held-out style, left out.
HELD_OUT_KINDS = ("swing", "bossa", "waltz", "march", "68ballad", "ballad68")
_DEFGROOVE = re.compile(r"^\s*DefGroove\s+(\S+)", re.IGNORECASE | re.MULTILINE)


def groove_names(text: str) -> list[str]:
    """The grooves an mma library file defines (its ``DefGroove`` lines), in order, each once."""
    return list(dict.fromkeys(_DEFGROOVE.findall(text)))


def song_text(groove: str, bars: int = RENDER_BARS) -> str:
    """An mma song: ``bars`` bars of C in ``groove`` at 120 beats a minute."""
    return ("Tempo 120\nGroove " + groove + "\nPrint MMATIME $_Time\n"
            + "".join(f"{i} C\n" for i in range(1, bars + 1)))


def bar_shape(beats: int, signature: tuple[int, int]) -> tuple[tuple[int, int], float]:
    """The meter of an mma groove of ``beats`` beats a bar (its ``Time``) written with time signature
    ``signature`` (its ``Timesig``), and how much mma's ticks stretch to it.

    mma counts its beats as quarter notes in the MIDI file whatever the signature says, and its library
    writes a compound meter in three ways, told apart by ``Time``: beats of triplets, each a dotted quarter
    (68march: ``Time 2``; ballad68: ``Time 4``, two bars of 6/8 a groove bar), stretched by 1.5; beats that
    are really 8ths (68swing, blues68: ``Time 6``, "these are actually QUARTERS"), halved; or quarter beats
    that already fill the bar (afro-cuban: ``Time 3`` "implemented as a 3/4 time"), kept. A simple
    signature that disagrees with ``Time`` (vienesewaltz: ``Time 3``, ``Timesig 4 4``) is wrong: the bar has
    ``Time`` quarter beats, so the meter is ``Time``/4.
    """
    numerator, denominator = signature
    if denominator == 8 and numerator % 3 == 0:
        if beats == numerator:
            return signature, 0.5
        return signature, 1.0 if 2 * beats == numerator else 1.5
    quarters = numerator * 4 / denominator
    if beats and quarters != beats:
        return (beats, 4), 1.0
    return signature, 1.0


def _mma_script(home: Path) -> Path:
    for candidate in (home.parents[1] / "bin" / "mma", Path("/usr/bin/mma")):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no mma program beside {home}")


def run_mma(home: Path, text: str):
    """mma's rendering of a song file's ``text``: (the song read back, beats a bar from its ``Print
    MMATIME $_Time`` line), or None when mma fails.

    mma draws its random skips, velocities and timing (a groove's ``RSkip``, ``RVolume``, ``RTime``) from
    Python's ``random``; the song is rendered after ``RndSeed`` with a number taken from its text (and a fixed
    hash seed), so the same song renders the same notes on every machine and every run."""
    from musicstudio.io.midi_read import import_midi

    with tempfile.TemporaryDirectory() as tmp:
        song = Path(tmp) / "song.mma"
        song.write_text(f"RndSeed {zlib.crc32(text.encode())}\n" + text)
        env = {**os.environ, "MMA_HOME": str(home), "PYTHONHASHSEED": "0"}
        done = subprocess.run([sys.executable, str(_mma_script(home)), str(song)], env=env, cwd=tmp,
                              capture_output=True, timeout=60)
        midi = song.with_suffix(".mid")
        beats = re.search(rb"MMATIME (\d+)", done.stdout)
        if done.returncode != 0 or not midi.exists() or beats is None:
            return None
        return import_midi(midi).song, int(beats.group(1))


def render(home: Path, style: str, groove: str, bars: int = RENDER_BARS) -> dict | None:
    """One groove rendered by mma: its record, or None when mma fails or it holds no drums."""
    rendered = run_mma(home, song_text(groove, bars))
    if rendered is None:
        return None
    result, beats = rendered
    notes = sorted((n for t in result.tracks if t.is_drum for n in t.notes), key=lambda n: (n.start, n.pitch))
    if not notes:
        return None
    signature = result.meter.signature_at(0)
    meter, k = bar_shape(beats, (signature.numerator, signature.denominator))
    length = round(bars * beats * PPQ * k)
    return {"style": style, "groove": groove, "meter": list(meter), "length": length,
            "notes": [[n.pitch, round(n.start * k), max(1, round(n.duration * k)), n.velocity] for n in notes
                      if n.start * k < length]}


def render_all(jobs: list[tuple], render_one, out: Path, workers: int = 2) -> list[dict]:
    """``render_one(*job)`` for each job (on ``workers`` threads: mma runs as a subprocess), the records
    that came back written to ``out`` as JSON."""
    with ThreadPoolExecutor(workers) as pool:
        records = [r for r in pool.map(lambda job: render_one(*job), jobs) if r is not None]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(records))
    return records


def load_records(path: Path, module: str) -> list[dict]:
    """A cache's records; a FileNotFoundError that says how ``python -m MODULE MMA_HOME`` builds it."""
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: build it with python -m {module} MMA_HOME")
    return json.loads(path.read_text())


def style_files(home: Path, libraries: tuple[str, ...] = STYLE_LIBRARIES) -> list[tuple[str, Path]]:
    """(library, style file) for each ``*.mma`` file of mma's ``libraries`` under ``home`` (its ``lib`` folder),
    the libraries in the order given, each one's files by name."""
    return [(library, path) for library in libraries for path in sorted((home / "lib" / library).glob("*.mma"))]


def named_grooves(home: Path, libraries: tuple[str, ...] = STYLE_LIBRARIES, keep=None) -> list[tuple[str, str]]:
    """(style, groove) for each groove of mma's ``libraries`` (those whose bare name ``keep`` passes, all
    without it), in a fixed order: the standard library's with bare style names (the held-out styles among
    them), the others' as ``library/style`` with grooves named ``library/style:Groove`` (how mma finds a
    groove outside its standard library), their styles of a held-out style's kind
    (:data:`HELD_OUT_KINDS`) left out."""
    out = []
    for library, path in style_files(home, libraries):
        if library != "stdlib" and any(kind in path.stem.lower() for kind in HELD_OUT_KINDS):
            continue
        style = path.stem if library == "stdlib" else f"{library}/{path.stem}"
        for groove in groove_names(path.read_text("latin-1")):
            if keep is None or keep(groove):
                out.append((style, groove if library == "stdlib" else f"{style}:{groove}"))
    return out


def in_standard_library(style: str) -> bool:
    """Whether a style (as :func:`named_grooves` names it) is of mma's standard library (the others' are
    ``library/style``)."""
    return "/" not in style


def build(home: Path, out: Path = CACHE, workers: int = 2, libraries: tuple[str, ...] = ("stdlib",)) -> list[dict]:
    """Render every groove of mma's ``libraries`` (:func:`named_grooves`; the standard library's unless given)
    into ``out`` (JSON)."""
    return render_all(named_grooves(home, libraries), lambda style, groove: render(home, style, groove), out,
                      workers)


def load(path: Path = CACHE) -> list[dict]:
    """The cached grooves (see the module's note for how to build them)."""
    return load_records(path, __name__)


def groove_notes(record: dict) -> tuple[Note, ...]:
    return tuple(Note(int(p), int(s), int(d), int(v)) for p, s, d, v in record["notes"])


if __name__ == "__main__":
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else CACHE
    made = build(Path(sys.argv[1]), target)
    print(f"{len(made)} grooves with drums written to {target}")
