"""Errors that name the file and say what is wrong in words a musician understands."""

from __future__ import annotations

from pathlib import Path


class MusicFileError(Exception):
    """A file could not be read or written. ``str(error)`` is one line fit for a dialog or stderr."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(self.path).name}: {reason}")


class MidiImportError(MusicFileError):
    """A MIDI file that cannot be opened."""


class MidiExportError(MusicFileError):
    """A MIDI file that could not be written."""


class ProjectError(MusicFileError):
    """A project file that cannot be opened or saved."""


class WavExportError(MusicFileError):
    """A WAV file that could not be written."""


class SettingsError(MusicFileError):
    """The settings file could not be written (reading one never fails: defaults are used)."""


def describe_os_error(error: OSError) -> str:
    """An OSError as a reason a musician can act on."""
    import errno

    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.ENOENT:
        return "the file or its folder does not exist"
    if error.errno == errno.EISDIR:
        return "it is a folder, not a file"
    if error.errno == errno.EROFS:
        return "the disk is read-only"
    return error.strerror or str(error)
