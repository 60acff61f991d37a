"""Reading a song file (a project or a MIDI file) off the GUI thread, as a cancellable job.

A big song's objects are then set aside from Python's cycle collector (``gc.freeze``): a million notes are
a million tuples it would otherwise walk, holding the interpreter, 90-250 ms each time here (once per
generation in the seconds after the collector comes back on, on whichever thread allocates: the
1,000,000-note file landed with a 90 ms stall from it). Notes make no reference cycles and are freed as
ever when their song goes; what the collector no longer sees are cycles among the objects that were alive
when the song was read, should they become garbage later (the next big song's reading sets aside the
objects alive then, as well).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from musicstudio.core.song import Song
from musicstudio.io.errors import MusicFileError
from musicstudio.io.files import is_project
from musicstudio.io.midi_read import ImportResult, import_midi
from musicstudio.io.project import load_project
from musicstudio.workers.background_job import BackgroundJob, Say

SET_ASIDE_FROM = 100_000   # notes: a song this big is set aside from the cycle collector once read


@dataclass(frozen=True)
class SongRead:
    """What reading a file gave: the song, its generation history (projects only) and, for a MIDI file,
    the import's result with its warnings."""

    song: Song
    history: list[dict]
    midi: ImportResult | None = None


def size_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return ""
    return f" ({size / 2**20:.1f} MB)" if size >= 2**20 else f" ({max(1, size // 1024)} KB)"


def read_song(path: Path, say: Say = lambda text: None, prepare: Callable[[Song], None] | None = None) -> SongRead:
    """Read ``path``; raises :class:`~musicstudio.io.errors.MusicFileError` for a file that cannot open.
    ``prepare(song)`` runs here too, on the reading thread: what the views would otherwise work out on the
    GUI thread when the song lands (the piano roll's note indexes). Run in a
    :class:`~musicstudio.workers.background_job.BackgroundJob`, which pauses the cycle collector."""
    say(f"Reading {path.name}{size_text(path)}…")
    if is_project(path):
        project = load_project(path)
        read = SongRead(project.song, project.history)
    else:
        result = import_midi(path)
        read = SongRead(result.song, [], result)
    say(f"Preparing {read.song.note_count:,} notes…")
    read.song.meter   # noqa: B018 - worked out here, once, rather than on the GUI thread
    read.song.end_tick   # noqa: B018 - each track's end, cached on the track
    if prepare is not None:
        prepare(read.song)
    if read.song.note_count >= SET_ASIDE_FROM:
        gc.freeze()   # while the collector is paused (BackgroundJob): nothing was collected since the read began
    return read


def song_read_job(path: Path, prepare: Callable[[Song], None] | None = None) -> BackgroundJob:
    """A job that reads ``path`` (and runs ``prepare`` on the song, see :func:`read_song`): ``finished``
    carries a :class:`SongRead`, ``failed`` the reason it cannot open, as a sentence that names the file."""
    return BackgroundJob(lambda say: read_song(path, say, prepare), (MusicFileError,), name=f"reading {path}")
