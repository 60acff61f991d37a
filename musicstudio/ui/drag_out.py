"""Dragging a clip out of the app: the notes become a .mid file that a DAW or a file manager accepts.

Each drag writes its file into a fresh temporary folder (the drop target may read it after the drag
has ended, so it cannot be deleted at once); :func:`remove_old_drag_files` clears earlier ones.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import unicodedata
from pathlib import Path

from PySide6.QtCore import QByteArray, QMimeData, QPoint, QRectF, Qt, QUrl
from PySide6.QtGui import QColor, QDrag, QPainter, QPixmap
from PySide6.QtWidgets import QMessageBox, QWidget

from musicstudio.core.song import Song
from musicstudio.io.errors import MusicFileError
from musicstudio.io.midi_write import export_midi

DRAG_PREFIX = "musicstudio-drag-"
MIDI_MIME = "audio/midi"
MAX_NAME = 80
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_UNSAFE = re.compile(r"[^\w\- ().,+]+")  # \w is Unicode-aware: letters of any script stay
PIXMAP_SIZE = (96, 40)


def safe_file_name(name: str, fallback: str = "clip") -> str:
    """``name`` as a file name stem that every OS accepts: no separators, no control or reserved
    characters, no leading dot, not a reserved Windows device name, at most 80 characters."""
    name = unicodedata.normalize("NFC", name)
    stem = _UNSAFE.sub("_", name)
    stem = re.sub(r"_+", "_", stem).strip(" ._")
    if stem.lower().endswith(".mid"):
        stem = stem[:-4].rstrip(" ._")
    stem = stem[:MAX_NAME].rstrip(" ._")
    if not stem:
        return fallback
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    return stem


def clip_mime_data(song: Song, name: str) -> QMimeData:
    """Write ``song`` as ``<safe name>.mid`` in a new temporary folder; mime data with its file URL
    and, as ``audio/midi``, its bytes. Raises :class:`~musicstudio.io.errors.MidiExportError`."""
    folder = Path(tempfile.mkdtemp(prefix=DRAG_PREFIX))
    path = folder / f"{safe_file_name(name)}.mid"
    try:
        export_midi(song, path)
        data = path.read_bytes()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    mime.setData(MIDI_MIME, QByteArray(data))
    return mime


def clip_pixmap(song: Song) -> QPixmap:
    """A small picture of the clip's notes for the drag cursor."""
    width, height = PIXMAP_SIZE
    pixmap = QPixmap(width, height)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(40, 40, 48))
        painter.setBrush(QColor(250, 250, 252, 230))
        painter.drawRoundedRect(QRectF(0.5, 0.5, width - 1, height - 1), 6, 6)
        notes = [n for t in song.tracks for n in t.notes]
        if notes:
            end = max(n.end for n in notes) or 1
            low, high = min(n.pitch for n in notes), max(n.pitch for n in notes)
            span = max(high - low, 1)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(70, 130, 220))
            inner_w, inner_h = width - 12, height - 12
            for n in notes:
                x = 6 + inner_w * n.start / end
                w = max(1.5, inner_w * n.duration / end)
                y = 6 + inner_h * (high - n.pitch) / span
                painter.drawRect(QRectF(x, min(y, height - 8), w, 2))
    finally:
        painter.end()
    return pixmap


def build_drag(source_widget: QWidget, song: Song, name: str) -> QDrag:
    """A drag carrying the clip as a .mid file, with a picture of its notes."""
    drag = QDrag(source_widget)
    drag.setMimeData(clip_mime_data(song, name))
    pixmap = clip_pixmap(song)
    drag.setPixmap(pixmap)
    drag.setHotSpot(QPoint(pixmap.width() // 2, pixmap.height() // 2))
    return drag


def start_drag(source_widget: QWidget, song: Song, name: str) -> Qt.DropAction:
    """Drag the clip out of the app (blocks until the drop, as QDrag.exec does). A file that cannot
    be written is shown in a message box and no drag starts."""
    try:
        drag = build_drag(source_widget, song, name)
    except MusicFileError as e:
        QMessageBox.warning(source_widget, "Cannot drag the clip", str(e))
        return Qt.DropAction.IgnoreAction
    return drag.exec(Qt.DropAction.CopyAction)


def remove_old_drag_files(max_age_s: float = 24 * 3600, folder: str | Path | None = None) -> int:
    """Delete the temporary folders of drags older than ``max_age_s`` (call at start-up).
    Returns how many were removed."""
    base = Path(folder) if folder is not None else Path(tempfile.gettempdir())
    cutoff = time.time() - max_age_s
    removed = 0
    for path in base.glob(DRAG_PREFIX + "*"):
        try:
            if path.is_dir() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                shutil.rmtree(path)
                removed += 1
        except OSError:
            continue
    return removed
