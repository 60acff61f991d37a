"""The project file (.msproj): the song and its generation history as versioned JSON.

Saved atomically with the previous version kept as ``NAME.msproj.bak``; a file written by a newer
Music Studio is refused rather than half-read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from musicstudio import __version__
from musicstudio.core.key import Key, KeySignature, is_valid_key
from musicstudio.core.meter import TimeSignature, is_valid_time_signature
from musicstudio.core.note import make_note
from musicstudio.core.song import Song
from musicstudio.core.tempo import MAX_TEMPO_US, Tempo
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track
from musicstudio.io.atomic import write_atomically
from musicstudio.io.errors import ProjectError, describe_os_error

SCHEMA_VERSION = 1
SUFFIX = ".msproj"
MAX_PROJECT_BYTES = 256 * 1024 * 1024


@dataclass
class Project:
    """What a project file holds: the song, and the record of how generated takes came to be."""

    song: Song
    history: list[dict] = field(default_factory=list)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


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


def project_from_dict(data: dict, path: str | Path = "project") -> Project:
    """Build a project from parsed JSON, checking every value. Raises :class:`ProjectError`."""
    def bad(reason: str) -> ProjectError:
        return ProjectError(path, f"the project is damaged: {reason}")

    if not isinstance(data, dict) or data.get("format") != "musicstudio-project":
        raise ProjectError(path, "it is not a Music Studio project")
    schema = data.get("schema")
    if not isinstance(schema, int) or schema < 1:
        raise bad("its format version is missing")
    if schema > SCHEMA_VERSION:
        raise ProjectError(path, f"it was saved by a newer Music Studio (project format {schema}; this "
                                 f"version {__version__} reads up to format {SCHEMA_VERSION}). "
                                 "Update Music Studio to open it")
    if data.get("ppq", PPQ) != PPQ:
        raise bad(f"it counts {data.get('ppq')!r} ticks per beat instead of {PPQ}")
    try:
        s = data["song"]
        tempos = []
        for tick, us in s["tempos"]:
            if not (_tick(tick) and isinstance(us, int) and 1 <= us <= MAX_TEMPO_US):
                raise bad(f"impossible tempo {us!r} at tick {tick!r}")
            tempos.append(Tempo(tick, us))
        signatures = []
        for tick, num, den in s["time_signatures"]:
            if not (_tick(tick) and isinstance(num, int) and isinstance(den, int)
                    and is_valid_time_signature(num, den)):
                raise bad(f"impossible time signature {num!r}/{den!r}")
            signatures.append(TimeSignature(tick, num, den))
        keys = []
        for tick, sharps, minor in s["keys"]:
            if not (_tick(tick) and isinstance(sharps, int) and minor in (0, 1) and is_valid_key(sharps, minor)):
                raise bad(f"impossible key signature {sharps!r}")
            keys.append(KeySignature(tick, Key(sharps, bool(minor))))
        tracks = []
        for t in s["tracks"]:
            name, program, drum = t.get("name", ""), t.get("program", 0), t.get("drum", False)
            if not isinstance(name, str) or not isinstance(drum, bool) or not isinstance(program, int) \
                    or not 0 <= program <= 127:
                raise bad(f"track {len(tracks) + 1} has an impossible name, program or drum flag")
            try:
                notes = tuple(make_note(*n) for n in t["notes"])
            except (TypeError, ValueError) as e:
                raise bad(f"track {len(tracks) + 1}: {e}") from e
            muted, solo, colour = t.get("muted", False), t.get("solo", False), t.get("colour", "")
            if not (isinstance(muted, bool) and isinstance(solo, bool) and isinstance(colour, str)):
                raise bad(f"track {len(tracks) + 1} has an impossible mute, solo or colour")
            tracks.append(Track(name, program, drum, notes, muted, solo, colour))
        title = s.get("title", "")
        if not isinstance(title, str):
            raise bad("the song title is not text")
        history = data.get("history", [])
        if not isinstance(history, list):
            raise bad("the generation history is not a list")
    except ProjectError:
        raise
    except (KeyError, TypeError, ValueError) as e:
        raise bad(f"a required part is missing or malformed ({type(e).__name__}: {e})") from e
    song = Song(tuple(tracks), tuple(tempos), tuple(signatures), tuple(keys), title)
    return Project(song, history)


def _tick(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def load_project(path: str | Path) -> Project:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_PROJECT_BYTES:
            raise ProjectError(path, f"the file is over {MAX_PROJECT_BYTES // 2**20} MB, too large for a project")
        text = path.read_bytes().decode("utf-8")
    except OSError as e:
        raise ProjectError(path, f"it could not be read ({describe_os_error(e)})") from e
    except UnicodeDecodeError as e:
        raise ProjectError(path, "it is not a Music Studio project (it is not text)") from e
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise ProjectError(path, f"the project is damaged (not valid JSON: {getattr(e, 'msg', e)})") from e
    return project_from_dict(data, path)


def save_project(project: Project, path: str | Path) -> None:
    """Save atomically; the version that was there before is kept as ``NAME.msproj.bak``."""
    path = Path(path)
    data = json.dumps(project_to_dict(project), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        write_atomically(path, data, backup=backup_path(path))
    except OSError as e:
        raise ProjectError(path, f"it could not be saved ({describe_os_error(e)}); the previous version "
                                 "is unchanged") from e
