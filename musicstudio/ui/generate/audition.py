"""Hearing a take in its place: the song with the take in it plays from a bar before the take to its end,
through the app's playback; the song itself is not changed, and playback gets it back afterwards."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from musicstudio.core.song import Song


class TakeAudition(QObject):
    stopped = Signal()

    def __init__(self, playback, document, parent: QObject | None = None):
        super().__init__(parent)
        self.playback, self.document = playback, document
        self.active = False
        self.end = 0
        self.song: Song | None = None      # what is playing (tests look at it)
        playback.position_changed.connect(self._position)
        playback.playing_changed.connect(self._playing_changed)

    def play(self, song: Song, start: int, end: int) -> bool:
        """Play ``song`` (the document's song with a take in it) from ``start`` to ``end`` ticks."""
        self.stop()
        self.song, self.end = song, end
        self.playback.set_song(song)
        if not self.playback.play(max(0, start)):
            self._restore()
            return False
        self.active = True
        return True

    def stop(self) -> None:
        if self.active:
            self.playback.stop()
            self._restore()

    def _position(self, tick: int) -> None:
        if self.active and tick >= self.end:
            self.stop()

    def _playing_changed(self, playing: bool) -> None:
        if self.active and not playing:
            self._restore()

    def _restore(self) -> None:
        was = self.active
        self.active = False
        self.song = None
        self.playback.set_song(self.document.song)
        if was:
            self.stopped.emit()
