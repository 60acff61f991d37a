"""The project file (.msproj): the song and its generation history as versioned JSON.

Saved atomically with the previous version kept as ``NAME.msproj.bak`` (which opens as a project too);
a file written by a newer Music Studio is refused rather than half-read.

A project obeys the limits MIDI import does (:mod:`.limits`: size, notes, tracks, bars), refused in the
same words, and each is checked as early as it can be: the size before the file is read, the number of
lists before it is parsed, the number of notes before one is built. What JSON itself does not allow
(NaN, Infinity, a key twice in one record) is refused as damage, as is a value of the wrong type
(``true`` for a number, ``480.0`` for a tick). Saving refuses a song that would not open again.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from musicstudio import __version__
from musicstudio.core.key import Key, KeySignature, is_valid_key
from musicstudio.core.meter import TimeSignature, is_valid_time_signature
from musicstudio.core.note import Note, make_note
from musicstudio.core.song import Song
from musicstudio.core.tempo import MAX_TEMPO_US, Tempo
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track
from musicstudio.io.atomic import write_atomically
from musicstudio.io.errors import ProjectError, describe_os_error
from musicstudio.io.limits import (
    MAX_FILE_BYTES,
    MAX_NOTES,
    MAX_TICK,
    MAX_TRACKS,
    Unreadable,
    change_too_late,
    note_too_late,
    read_within_limit,
    song_beyond_limits,
    too_many_notes,
    too_many_tracks,
)

SCHEMA_VERSION = 1
SUFFIX = ".msproj"
BACKUP_SUFFIX = SUFFIX + ".bak"
MAX_PROJECT_BYTES = MAX_FILE_BYTES
# Every note is a list, and so is each copy of it in the history (a kept take and its seed): a file
# with more lists and records than this is refused before it is parsed, as damaged.
MAX_LISTS = 4 * MAX_NOTES
MAX_DEPTH = 32  # lists and records inside one another; a take record needs 5


@dataclass
class Project:
    """What a project file holds: the song, and the record of how generated takes came to be."""

    song: Song
    history: list[dict] = field(default_factory=list)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def is_project_path(path: str | Path) -> bool:
    """A project by its name: ``NAME.msproj``, or the backup ``NAME.msproj.bak`` that opens like it."""
    name = Path(path).name.lower()
    return name.endswith(SUFFIX) or name.endswith(BACKUP_SUFFIX)


def project_to_dict(project: Project) -> dict:
    song = project.song
    return {
        "format": "musicstudio-project",
        "schema": SCHEMA_VERSION,
        "app_version": __version__,
        "ppq": PPQ,
        "song": {
            "title": song.title,
            "tempos": [[t.tick, t.us_per_beat] for t in song.tempos],
            "time_signatures": [[s.tick, s.numerator, s.denominator] for s in song.time_signatures],
            "keys": [[k.tick, k.key.sharps, int(k.key.minor)] for k in song.key_signatures],
            "tracks": [
                {
                    "name": t.name,
                    "program": t.program,
                    "drum": t.is_drum,
                    "notes": [[n.pitch, n.start, n.duration, n.velocity] for n in t.notes],
                    "muted": t.muted,
                    "solo": t.solo,
                    "colour": t.colour,
                }
                for t in song.tracks
            ],
        },
        "history": project.history,
    }


class _Refused(Exception):
    """Why the project cannot be opened, already in words (raised inside the JSON parser and the checks)."""


def _damaged(reason: str) -> _Refused:
    return _Refused(f"the project is damaged: {reason}")


def _clip(text: str, limit: int = 80) -> str:
    """Text for a message, cut short: a 50 MB string must not become a 50 MB message."""
    return text if len(text) <= limit else text[:limit] + "…"


def _shown(value, limit: int = 40) -> str:
    """A value for a message, as JSON would show it, cut short."""
    return _clip(repr(value[:limit + 1] if isinstance(value, (str, list)) else value), limit)


def _whole(value) -> bool:
    return type(value) is int  # not a bool, not a float such as 480.0


def project_from_dict(data: dict, path: str | Path = "project") -> Project:
    """Build a project from parsed JSON, checking every value. Raises :class:`ProjectError`."""
    try:
        if not isinstance(data, dict) or data.get("format") != "musicstudio-project":
            raise _Refused("it is not a Music Studio project")
        schema = data.get("schema")
        if not _whole(schema) or schema < 1:
            raise _damaged("its format version is missing")
        if schema > SCHEMA_VERSION:
            raise _Refused(f"it was saved by a newer Music Studio (project format {schema}; this version "
                           f"{__version__} reads up to format {SCHEMA_VERSION}). Update Music Studio to open it")
        if data.get("ppq", PPQ) != PPQ:
            raise _damaged(f"it counts {_shown(data.get('ppq'))} ticks per beat instead of {PPQ}")
        song = _song(data["song"])
        history = _history(data.get("history", []))
    except _Refused as e:
        raise ProjectError(path, str(e)) from None
    except (KeyError, TypeError, ValueError) as e:
        raise ProjectError(path, f"the project is damaged: a required part is missing or malformed "
                                 f"({type(e).__name__}: {_clip(str(e))})") from e
    return Project(song, history)


def _song(s) -> Song:
    if not isinstance(s, dict):
        raise _damaged("the song is not a record")
    tempos = []
    for tick, us in _changes(s["tempos"], 2, "tempo"):
        if not 1 <= us <= MAX_TEMPO_US:
            raise _damaged(f"impossible tempo {_shown(us)} at tick {tick}")
        tempos.append(Tempo(tick, us))
    signatures = []
    for tick, num, den in _changes(s["time_signatures"], 3, "time signature"):
        if not is_valid_time_signature(num, den):
            raise _damaged(f"impossible time signature {_shown(num)}/{_shown(den)}")
        signatures.append(TimeSignature(tick, num, den))
    keys = []
    for tick, sharps, minor in _changes(s["keys"], 3, "key"):
        if not is_valid_key(sharps, minor):
            raise _damaged(f"impossible key signature {_shown(sharps)} ({_shown(minor)})")
        keys.append(KeySignature(tick, Key(sharps, bool(minor))))
    title = s.get("title", "")
    if not isinstance(title, str):
        raise _damaged("the song title is not text")
    return Song(tuple(_tracks(s["tracks"])), tuple(tempos), tuple(signatures), tuple(keys), title)


def _changes(raw, width: int, what: str) -> list:
    """A tempo, meter or key map: lists of ``width`` whole numbers, the first a tick within the limit."""
    if not isinstance(raw, list):
        raise _damaged(f"the {what} changes are not a list")
    for change in raw:
        if not (isinstance(change, list) and len(change) == width and all(_whole(v) for v in change)):
            raise _damaged(f"impossible {what} change {_shown(change)}")
        if change[0] < 0:
            raise _damaged(f"a {what} change stands before the song (tick {change[0]})")
        if change[0] > MAX_TICK:
            raise _Refused(change_too_late("it"))
    return raw


def _tracks(raw) -> list[Track]:
    """The tracks, counted (tracks, then notes) before a single note is built."""
    if not isinstance(raw, list):
        raise _damaged("the track list is not a list")
    if len(raw) > MAX_TRACKS:
        raise _Refused(too_many_tracks())
    total = 0
    for no, t in enumerate(raw, 1):
        if not isinstance(t, dict):
            raise _damaged(f"track {no} is not a record")
        if not isinstance(t["notes"], list):
            raise _damaged(f"the notes of track {no} are not a list")
        total += len(t["notes"])
    if total > MAX_NOTES:
        raise _Refused(too_many_notes())
    return [_track(t, no) for no, t in enumerate(raw, 1)]


def _track(t: dict, no: int) -> Track:
    name, program, drum = t.get("name", ""), t.get("program", 0), t.get("drum", False)
    if not isinstance(name, str) or not isinstance(drum, bool) or not _whole(program) or not 0 <= program <= 127:
        raise _damaged(f"track {no} has an impossible name, program or drum flag")
    muted, solo, colour = t.get("muted", False), t.get("solo", False), t.get("colour", "")
    if not (isinstance(muted, bool) and isinstance(solo, bool) and isinstance(colour, str)):
        raise _damaged(f"track {no} has an impossible mute, solo or colour")
    return Track(name, program, drum, _notes(t["notes"], no), muted, solo, colour)


def _notes(raw: list, no: int) -> tuple[Note, ...]:
    notes = []
    append = notes.append
    for n in raw:
        # the common case, checked inline: a million notes through make_note take seconds
        if type(n) is list and len(n) == 4:
            pitch, start, duration, velocity = n
            if (type(pitch) is int and type(start) is int and type(duration) is int and type(velocity) is int
                    and 0 <= pitch <= 127 and 0 <= start and 1 <= duration and 1 <= velocity <= 127
                    and start + duration <= MAX_TICK):
                append(Note(pitch, start, duration, velocity))
                continue
        raise _note_refused(n, no)
    return tuple(notes)


def _note_refused(n, no: int) -> _Refused:
    """Why one note of track ``no`` cannot be read."""
    if not isinstance(n, list) or len(n) != 4:
        return _damaged(f"track {no}: a note is not four whole numbers ({_shown(n)})")
    try:
        note = make_note(*n)
    except (TypeError, ValueError) as e:
        return _damaged(f"track {no}: {_clip(str(e), 120)}")
    return _Refused(note_too_late(no, ends=note.start <= MAX_TICK))


def _history(raw) -> list[dict]:
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise _damaged("the generation history is not a list of records")
    stack = [(raw, 1)]  # no deeper than MAX_DEPTH, so that copying or saving it never recurses too far
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _damaged(f"its generation history is nested over {MAX_DEPTH} levels deep")
        items = value.values() if isinstance(value, dict) else value
        stack.extend((v, depth + 1) for v in items if isinstance(v, (dict, list)))
    return raw


# -- reading the JSON ---------------------------------------------------------------------------

def _record(pairs: list) -> dict:
    """A JSON object; the same key twice is refused rather than one of them silently dropped."""
    record = dict(pairs)
    if len(record) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _damaged(f"the key {_shown(key)} appears twice in one record")
            seen.add(key)
    return record


def _no_constant(name: str):
    raise _damaged(f"it holds the value {name}, which JSON does not allow")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _damaged(f"the number {_clip(text, 40)} is too large")
    return value


def _read(path: Path) -> bytes:
    """The file's bytes, refused by size (or kind) before they are read."""
    try:
        return read_within_limit(path, "projects", "a project")
    except Unreadable as e:
        raise _Refused(str(e)) from e
    except OSError as e:
        raise _Refused(f"it could not be read ({describe_os_error(e)})") from e


# A "notes" key whose list holds lists, and the end of a list of lists: in a project each notes list
# is lists of four numbers, so the first "]]" after it opens is where it ends.
_NOTES_LIST = re.compile(rb'"notes"\s*:\s*\[\s*(?=\[)')
_LISTS_END = re.compile(rb"\]\s*\]")


def _largest_notes_list(raw: bytes) -> int:
    """How many notes the longest notes list holds, counted in the bytes before they are parsed.

    Exact for a well-formed project. A damaged one may be miscounted (a "[" inside text counts), but a
    notes list holding anything other than lists of numbers is refused once parsed anyway.
    """
    largest = 0
    for opened in _NOTES_LIST.finditer(raw):
        closed = _LISTS_END.search(raw, opened.end())
        largest = max(largest, raw.count(b"[", opened.end(), closed.end() if closed else len(raw)))
    return largest


def _parse(raw: bytes):
    if raw.count(b"[") + raw.count(b"{") > MAX_LISTS:
        raise _damaged(f"it holds over {MAX_LISTS:,} lists and records, more than a project of "
                       f"{MAX_NOTES:,} notes has")
    if _largest_notes_list(raw) > MAX_NOTES:  # one track of millions: refused without parsing it
        raise _Refused(too_many_notes())
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Refused("it is not a Music Studio project (it is not text)") from None
    del raw
    try:
        return json.loads(text, object_pairs_hook=_record, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as e:
        raise _damaged(f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}") from e
    except RecursionError as e:
        raise _damaged("its lists and records are nested too deeply") from e
    except MemoryError as e:
        raise _Refused("it needs more memory than this computer has free") from e
    except ValueError as e:  # an integer of over 4,300 digits
        raise _damaged(f"not valid JSON ({_clip(str(e))})") from e


def load_project(path: str | Path) -> Project:
    path = Path(path)
    try:
        data = _parse(_read(path))
    except _Refused as e:
        raise ProjectError(path, str(e)) from e.__cause__
    return project_from_dict(data, path)


def save_project(project: Project, path: str | Path) -> None:
    """Save atomically; the version that was there before is kept as ``NAME.msproj.bak``.

    A project that would not open again (over the limits, or with a number JSON cannot hold) is refused,
    so that saving never turns the last good version into the backup for a file that cannot be read.
    """
    path = Path(path)
    unchanged = "; the previous version is unchanged"
    reason = song_beyond_limits(project.song)
    if reason:
        raise ProjectError(path, f"it could not be saved: {reason}{unchanged}")
    try:
        data = json.dumps(project_to_dict(project), ensure_ascii=False, separators=(",", ":"),
                          allow_nan=False).encode("utf-8")
    except ValueError as e:  # NaN or infinity in the generation history
        raise ProjectError(path, f"it could not be saved: the generation history holds a number that is "
                                 f"not finite ({e}){unchanged}") from e
    if len(data) > MAX_PROJECT_BYTES:
        raise ProjectError(path, f"it could not be saved: it would be {len(data) / 2**20:.0f} MB; Music Studio "
                                 f"opens projects up to {MAX_PROJECT_BYTES // 2**20} MB{unchanged}")
    try:
        write_atomically(path, data, backup=backup_path(path))
    except OSError as e:
        raise ProjectError(path, f"it could not be saved ({describe_os_error(e)}){unchanged}") from e
