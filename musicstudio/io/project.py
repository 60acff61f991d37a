"""The project file (.msproj): the song and its generation history as versioned JSON.

Saved atomically with the previous version kept as ``NAME.msproj.bak`` (which opens as a project too);
a file written by a newer Music Studio is refused rather than half-read.

The song's part of the file (format 2: notes, controller events, the MIDI channel and the song's words)
is written and checked by :mod:`.project_song`; a format 1 project (notes only) still opens.

A project obeys the limits MIDI import does (:mod:`.limits`: size, notes, controller events, tracks,
bars), refused in the same words, and each is checked as early as it can be: the size before the file is
read, the number of lists before it is parsed, the number of notes and of controller events before one is
built. What JSON itself does not allow (NaN, Infinity, a key twice in one record) is refused as damage, as
is a value of the wrong type (``true`` for a number, ``480.0`` for a tick). Saving refuses a song that
would not open again.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from musicstudio import __version__
from musicstudio.core.song import Song
from musicstudio.core.ticks import PPQ
from musicstudio.io.atomic import write_atomically
from musicstudio.io.collector import collector_paused
from musicstudio.io.errors import ProjectError, describe_os_error
from musicstudio.io.limits import (
    MAX_CONTROLS,
    MAX_FILE_BYTES,
    MAX_NOTES,
    Unreadable,
    read_within_limit,
    song_beyond_limits,
    too_many_controls,
    too_many_notes,
)
from musicstudio.io.project_song import (
    Refused,
    clip,
    damaged,
    shown,
    song_from_dict,
    song_to_dict,
    whole,
)

SCHEMA_VERSION = 3   # 2: controls and words; 3: a track's own words (lyrics) in its record, which 2 ignored
SUFFIX = ".msproj"
BACKUP_SUFFIX = SUFFIX + ".bak"
MAX_PROJECT_BYTES = MAX_FILE_BYTES
# Every note is a list, and so is each copy of it in the history (a kept take and its seed), and every
# controller event and text of the song: a file with more lists and records than this is refused before
# it is parsed, as damaged.
MAX_LISTS = 4 * MAX_NOTES + MAX_CONTROLS
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
    return {
        "format": "musicstudio-project",
        "schema": SCHEMA_VERSION,
        "app_version": __version__,
        "ppq": PPQ,
        "song": song_to_dict(project.song),
        "history": project.history,
    }


def project_from_dict(data: dict, path: str | Path = "project") -> Project:
    """Build a project from parsed JSON, checking every value. Raises :class:`ProjectError`."""
    try:
        if not isinstance(data, dict) or data.get("format") != "musicstudio-project":
            raise Refused("it is not a Music Studio project")
        schema = data.get("schema")
        if not whole(schema) or schema < 1:
            raise damaged("its format version is missing")
        if schema > SCHEMA_VERSION:
            raise Refused(f"it was saved by a newer Music Studio (project format {schema}; this version "
                          f"{__version__} reads up to format {SCHEMA_VERSION}). Update Music Studio to open it")
        if data.get("ppq", PPQ) != PPQ:
            raise damaged(f"it counts {shown(data.get('ppq'))} ticks per beat instead of {PPQ}")
        song = song_from_dict(data["song"])
        history = _history(data.get("history", []))
    except Refused as e:
        raise ProjectError(path, str(e)) from None
    except (KeyError, TypeError, ValueError) as e:
        raise ProjectError(path, f"the project is damaged: a required part is missing or malformed "
                                 f"({type(e).__name__}: {clip(str(e))})") from e
    return Project(song, history)


def _history(raw) -> list[dict]:
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise damaged("the generation history is not a list of records")
    stack = [(raw, 1)]  # no deeper than MAX_DEPTH, so that copying or saving it never recurses too far
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise damaged(f"its generation history is nested over {MAX_DEPTH} levels deep")
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
                raise damaged(f"the key {shown(key)} appears twice in one record")
            seen.add(key)
    return record


def _no_constant(name: str):
    raise damaged(f"it holds the value {name}, which JSON does not allow")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise damaged(f"the number {clip(text, 40)} is too large")
    return value


def _read(path: Path) -> bytes:
    """The file's bytes, refused by size (or kind) before they are read."""
    try:
        return read_within_limit(path, "projects", "a project")
    except Unreadable as e:
        raise Refused(str(e)) from e
    except OSError as e:
        raise Refused(f"it could not be read ({describe_os_error(e)})") from e


# A "notes" or "controls" key whose list holds lists, and the end of a list of lists: in a project each
# such list is lists of numbers (and a controller event's kind, a word without brackets), so the first
# "]]" after it opens is where it ends.
_EVENTS_LIST = {key: re.compile(rb'"' + key + rb'"\s*:\s*\[\s*(?=\[)') for key in (b"notes", b"controls")}
_LISTS_END = re.compile(rb"\]\s*\]")


def _list_sizes(raw: bytes, key: bytes) -> list[int]:
    """How many events each "notes" or "controls" list holds, counted in the bytes before they are parsed.

    Exact for a well-formed project. A damaged one may be miscounted (a "[" inside text counts), but a
    list holding anything other than events is refused once parsed anyway, and counted again before
    one of them is built.
    """
    sizes = []
    for opened in _EVENTS_LIST[key].finditer(raw):
        closed = _LISTS_END.search(raw, opened.end())
        sizes.append(raw.count(b"[", opened.end(), closed.end() if closed else len(raw)))
    return sizes


def _parse(raw: bytes):
    if raw.count(b"[") + raw.count(b"{") > MAX_LISTS:
        raise damaged(f"it holds over {MAX_LISTS:,} lists and records, more than a project of "
                      f"{MAX_NOTES:,} notes and {MAX_CONTROLS:,} controller events has")
    # one track of millions of notes, or millions of controller events: refused without parsing them
    if max(_list_sizes(raw, b"notes"), default=0) > MAX_NOTES:
        raise Refused(too_many_notes())
    if sum(_list_sizes(raw, b"controls")) > MAX_CONTROLS:
        raise Refused(too_many_controls())
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("it is not a Music Studio project (it is not text)") from None
    del raw
    try:
        return json.loads(text, object_pairs_hook=_record, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as e:
        raise damaged(f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}") from e
    except RecursionError as e:
        raise damaged("its lists and records are nested too deeply") from e
    except MemoryError as e:
        raise Refused("it needs more memory than this computer has free") from e
    except ValueError as e:  # an integer of over 4,300 digits
        raise damaged(f"not valid JSON ({clip(str(e))})") from e


def load_project(path: str | Path) -> Project:
    path = Path(path)
    with collector_paused():
        try:
            data = _parse(_read(path))
        except Refused as e:
            raise ProjectError(path, str(e)) from e.__cause__
        return project_from_dict(data, path)


def _dumped(data: dict) -> bytes:
    """The project as UTF-8 JSON; text that UTF-8 cannot spell (a lone surrogate, which a project's JSON
    may hold as an escape) is written as JSON escapes, so that it opens again as it was."""
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, separators=(",", ":"), allow_nan=False).encode("ascii")


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
        data = _dumped(project_to_dict(project))
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
