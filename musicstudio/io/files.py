"""Opening and saving a song by file type: .mid/.midi (MIDI) and .msproj (project; its backup
``NAME.msproj.bak`` opens as a project too)."""

from __future__ import annotations

from pathlib import Path

from musicstudio.core.song import Song
from musicstudio.io.midi_read import ImportResult, MidiWarning, import_midi
from musicstudio.io.midi_write import export_midi
from musicstudio.io.project import BACKUP_SUFFIX, SUFFIX, Project, is_project_path, load_project, save_project

MIDI_SUFFIXES = (".mid", ".midi", ".smf", ".kar", ".rmi")


def is_project(path: str | Path) -> bool:
    """``NAME.msproj``, or the backup ``NAME.msproj.bak`` kept by the last save."""
    return is_project_path(path)


def song_stem(path: str | Path) -> str:
    """The name a song's files share: ``tune`` for tune.mid, tune.msproj and its backup tune.msproj.bak."""
    name = Path(path).name
    for suffix in (BACKUP_SUFFIX, SUFFIX):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return Path(name).stem


def open_song(path: str | Path) -> ImportResult:
    """Open a MIDI file or a project as a song (projects load without warnings).

    Raises :class:`~musicstudio.io.errors.MidiImportError` or :class:`~musicstudio.io.errors.ProjectError`.
    """
    path = Path(path)
    if is_project(path):
        return ImportResult(load_project(path).song, [])
    return import_midi(path)


def save_song(song: Song, path: str | Path) -> None:
    """Save as a project (.msproj) or export as MIDI (any other name)."""
    path = Path(path)
    if is_project(path):
        save_project(Project(song), path)
    else:
        export_midi(song, path)


__all__ = ["open_song", "save_song", "is_project", "song_stem", "MIDI_SUFFIXES", "MidiWarning"]
