"""What Music Studio opens: the limits that MIDI import and project files share, and the words a
refusal uses, so a song is refused for the same reason in the same sentence whichever file held it.

MIDI export writes nothing these limits would refuse, so every MIDI file the app writes opens again.
"""

from __future__ import annotations

import stat
from pathlib import Path

from musicstudio.core.ticks import PPQ

MAX_FILE_BYTES = 64 * 1024 * 1024   # a MIDI file, or a project file
MAX_NOTES = 1_000_000
# Controllers, pitch bend, aftertouch, program changes and the song's words together: ten times the
# 200,000 of a long, densely played piece, and bounded so a 64 MB file of them cannot take gigabytes.
MAX_CONTROLS = 2_000_000
MAX_TRACKS = 1024
MAX_BARS = 100_000  # of 4/4: about 55 hours at 120 BPM; anything later is a damaged time value
MAX_TICK = MAX_BARS * 4 * PPQ  # the last tick an event may stand at, in the song model's ticks


def tick_limit(ppq: int) -> int:
    """The last tick an event may stand at, counted at ``ppq`` ticks per beat."""
    return MAX_BARS * 4 * ppq


def file_too_large(size: int, kind: str) -> str:
    """``kind``: what the app opens, "MIDI files" or "projects"."""
    return f"the file is {size / 2**20:.0f} MB; Music Studio opens {kind} up to {MAX_FILE_BYTES // 2**20} MB"


class Unreadable(Exception):
    """A file refused before it is read (a folder, a pipe, too large); ``str()`` says why."""


def read_within_limit(path: Path, kind: str, noun: str) -> bytes:
    """The bytes of the regular file ``path``, refused (:class:`Unreadable`) by kind and size before
    they are read; at most :data:`MAX_FILE_BYTES` + 1 bytes are ever read, so a file still growing, or
    a name for /dev/zero, is not read without end. ``kind``: "MIDI files" or "projects"; ``noun``: "a
    MIDI file" or "a project". OSError passes through."""
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise Unreadable(f"it is a folder, not {noun}")
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable("it is a device or a pipe, not a file")
    if info.st_size > MAX_FILE_BYTES:
        raise Unreadable(file_too_large(info.st_size, kind))
    with path.open("rb") as f:
        raw = f.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise Unreadable(file_too_large(len(raw), kind))
    return raw


def too_many_notes() -> str:
    return f"it holds over {MAX_NOTES:,} notes; Music Studio opens files up to that many"


def too_many_controls() -> str:
    return (f"it holds over {MAX_CONTROLS:,} controller, pitch-bend, aftertouch and text events; "
            "Music Studio opens files up to that many")


def too_many_tracks() -> str:
    return f"it has more than {MAX_TRACKS:,} tracks; Music Studio opens up to that many"


def note_too_late(track_no: int, ends: bool = False) -> str:
    """A note starting (or, with ``ends``, ending) beyond :data:`MAX_BARS`."""
    verb = "ends" if ends else "places"
    return f"track {track_no} {verb} a note over {MAX_BARS:,} bars into the song; its time values are damaged"


def event_too_late(track_no: int, what: str) -> str:
    """A controller or a text (``what``: "a controller", "a lyric") beyond :data:`MAX_BARS`."""
    return f"track {track_no} places {what} over {MAX_BARS:,} bars into the song; its time values are damaged"


def change_too_late(subject: str) -> str:
    """A tempo, meter or key change beyond :data:`MAX_BARS`; ``subject`` says where ("track 1", "it")."""
    return (f"{subject} places a tempo or meter change over {MAX_BARS:,} bars into the song; "
            "its time values are damaged")


def song_beyond_limits(song) -> str | None:
    """Why a file holding ``song`` would be refused when opened again (a reason for a writer's error), or None.

    Every note's end, every controller and text, and every tempo, meter and key change must stand
    within :data:`MAX_TICK`.
    """
    if len(song.tracks) > MAX_TRACKS:
        return f"the song has {len(song.tracks):,} tracks; Music Studio opens files of up to {MAX_TRACKS:,}"
    count = song.note_count
    if count > MAX_NOTES:
        return f"the song has {count:,} notes; Music Studio opens files of up to {MAX_NOTES:,}"
    events = sum(len(t.controls) + len(t.texts) for t in song.tracks) + len(song.texts)
    if events > MAX_CONTROLS:
        return (f"the song has {events:,} controller, pitch-bend, aftertouch and text events; "
                f"Music Studio opens files of up to {MAX_CONTROLS:,}")
    beyond = f"over {MAX_BARS:,} bars into the song"
    for no, track in enumerate(song.tracks, 1):
        end = max((n.start + n.duration for n in track.notes), default=0)
        if end > MAX_TICK:
            return f"track {no} has a note that ends {beyond} (at tick {end:,}), later than Music Studio opens"
        last = track.controls[-1].tick if track.controls else 0   # kept in tick order
        if last > MAX_TICK:
            return f"track {no} has a controller {beyond} (at tick {last:,}), later than Music Studio opens"
        if track.texts and track.texts[-1].tick > MAX_TICK:   # kept in tick order too
            return (f"track {no} has a {track.texts[-1].kind} {beyond} (at tick {track.texts[-1].tick:,}), "
                    "later than Music Studio opens")
    for what, events in (("tempo", song.tempos), ("time signature", song.time_signatures),
                         ("key", song.key_signatures)):
        last = max(e.tick for e in events)
        if last > MAX_TICK:
            return f"a {what} change stands {beyond} (at tick {last:,}), later than Music Studio opens"
    if song.texts and song.texts[-1].tick > MAX_TICK:
        return (f"a {song.texts[-1].kind} stands {beyond} (at tick {song.texts[-1].tick:,}), "
                "later than Music Studio opens")
    return None
