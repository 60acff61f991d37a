"""The words of recovery after a crash: what the autosave holds, when it was saved, and what becomes of a
file the user asked to open at the same time."""

from __future__ import annotations

import time
from pathlib import Path

from musicstudio.ui.autosave import Recovery


def saved_when(seconds: float, now: float | None = None) -> str:
    """"today at 14:32", "yesterday at 09:05" or "on 3 March 2026 at 14:32" (local time)."""
    saved, today = time.localtime(seconds), time.localtime(time.time() if now is None else now)
    clock = f"{saved.tm_hour:02d}:{saved.tm_min:02d}"
    days = (_date(today) - _date(saved)) // 86400
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"yesterday at {clock}"
    return f"on {saved.tm_mday} {time.strftime('%B', saved)} {saved.tm_year} at {clock}"


def _date(moment: time.struct_time) -> int:
    """Seconds at noon of that local day: differences divide into whole days across summer time."""
    return int(time.mktime((moment.tm_year, moment.tm_mon, moment.tm_mday, 12, 0, 0, 0, 0, -1)))


def song_summary(found: Recovery) -> str:
    """“tune.mid” (4 tracks, 256 notes)."""
    song = found.project.song
    tracks, notes = len(song.tracks), song.note_count
    name = f"“{found.name}”" if found.name else "an untitled song"
    return (f"{name} ({tracks:,} track{'s' if tracks != 1 else ''}, "
            f"{notes:,} note{'s' if notes != 1 else ''})")


def recovery_question(found: Recovery, then_open: Path | None = None) -> str:
    """The question asked at start after a crash."""
    text = (f"Music Studio did not close properly last time. Restore {song_summary(found)}, autosaved "
            f"{saved_when(found.saved_at)}?")
    if then_open is not None:
        text += (f"\n\nYou also asked to open {then_open.name}. It opens after this: if you restore, you are "
                 f"asked first whether to save the restored song. If you do not restore, the autosave is "
                 f"deleted.")
    else:
        text += "\n\nIf you do not restore it, the autosave is deleted."
    return text


def not_opened_text(path: Path) -> str:
    """Why the file named at start did not open after a restore."""
    return (f"{path.name} was not opened, to keep the restored song, which is not saved yet: save it, "
            f"then open {path.name} with File ▸ Open")
