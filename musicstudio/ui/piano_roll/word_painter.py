"""The song's words in the piano roll, where a singer or a band would look for them.

A lyric of the current track stands just under the note it is sung on (the lowest of the track's notes that
start at its tick, as core.words ties a word to its notes), or on a line along the bottom of the roll where
none starts (a lyric on a rest). The song's own lyrics (a type 0 file keeps them there, and mma writes them
there beside its accompaniment) belong to no track, so they run along that bottom line as subtitles do.
Markers and cue points ("Chorus", "Solo") are labels along the top, each with a short stroke where it stands,
as a score's rehearsal marks. Shown: the current track's words and the song's own (a type 0 file keeps its
lyrics there); free text and copyright notices are the file's, not the music's, and stay out of the picture,
except a karaoke file's syllables, which such files spell as text events. Zoomed out, a word that would run
into the one before it on its line is left out, so what shows stays readable. View ▸ Show lyrics and markers
turns them off.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from musicstudio.core.controls import CUE, LYRIC, MARKER, SongText
from musicstudio.core.words import karaoke_syllables

if TYPE_CHECKING:
    from musicstudio.ui.piano_roll.canvas import NoteCanvas

LABELS = (MARKER, CUE)
PAD = 2.0                               # pixels around a word's text inside its box
GAP = 3.0                               # pixels at least between two words on one line
WORD_BOX = QColor(20, 21, 26, 200)      # behind a lyric, so it reads over the grid and other tracks' notes
LABEL_BOX = QColor(120, 90, 30, 220)    # behind a marker or a cue
WORD_TEXT = QColor("#e8e8ee")
_start = attrgetter("start")


class PlacedWord(NamedTuple):
    """A word and the box its text is drawn in, in the canvas's pixels."""

    word: SongText
    box: QRectF


def word_font(canvas: NoteCanvas) -> QFont:
    font = QFont(canvas.font())
    font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
    return font


def karaoke_lyrics(texts) -> list[SongText]:
    """A karaoke file's syllables as lyrics to show (core.words.karaoke_syllables, which Import MIDI carries
    too), trimmed. For the picture only: the song keeps the text events as they came, so the file is written
    back the same."""
    return [w._replace(text=w.text.strip()) for w in karaoke_syllables(texts)]


def shown_words(canvas: NoteCanvas, t0: int, t1: int) -> list[tuple[SongText, bool]]:
    """The lyrics, markers and cues of the current track and of the song in ticks [t0, t1) (a karaoke file's
    syllables among the lyrics), by tick, each with whether it is the current track's own."""
    roll, song = canvas.roll, canvas.document.song
    track = roll.active_track
    words = []
    for texts, own in ((song.texts, False), (track.texts if track is not None else (), True)):
        words += [(w, own) for w in texts if w.kind == LYRIC or w.kind in LABELS]
        words += [(w, own) for w in karaoke_lyrics(texts)]
    return sorted(((w, own) for w, own in words if t0 <= w.tick < t1), key=lambda pair: pair[0].tick)


def placed_words(canvas: NoteCanvas, t0: int, t1: int) -> list[PlacedWord]:
    """Where each shown word of [t0, t1) goes (the module's rules); none when the roll's ``show_words`` is off."""
    if not canvas.roll.show_words:
        return []
    g, track = canvas.geometry, canvas.roll.active_track
    notes = track.notes if track is not None else ()
    metrics = QFontMetricsF(word_font(canvas))
    height = metrics.height() + 2 * PAD
    bottom = canvas.height() - height - 1
    placed: list[PlacedWord] = []
    line_end: dict[float, float] = {}      # the right edge of the last word on each line (its top, in pixels)
    for word, own in shown_words(canvas, t0, t1):
        x = g.x_of(word.tick)
        if word.kind == LYRIC:
            sung = notes[bisect_left(notes, word.tick, key=_start):bisect_right(notes, word.tick, key=_start)]
            top = g.y_of(min(n.pitch for n in sung)) + g.row_height if sung and own else bottom
        else:
            top, x = 1.0, x + 2
        box = QRectF(x, top, metrics.horizontalAdvance(word.text) + 2 * PAD, height)
        if any(abs(top - line) < height and x < end + GAP for line, end in line_end.items()):
            continue                                  # it would run into the word before it
        line_end[top] = box.right()
        placed.append(PlacedWord(word, box))
    return placed


def paint_words(canvas: NoteCanvas, p: QPainter, t0: int, t1: int) -> None:
    """The shown words of [t0, t1), each in its box."""
    placed = placed_words(canvas, t0, t1)
    if not placed:
        return
    p.save()
    p.setFont(word_font(canvas))
    for word, box in placed:
        label = word.kind in LABELS
        if label:
            p.setPen(QPen(LABEL_BOX, 1))
            p.drawLine(QPointF(box.left() - 2, 0), QPointF(box.left() - 2, box.bottom() + 6))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(LABEL_BOX if label else WORD_BOX)
        p.drawRoundedRect(box, 3, 3)
        p.setPen(WORD_TEXT)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, word.text)
    p.restore()
