"""Turning a recording file into notes off the GUI thread: read it, transcribe it, and hand the result
back by a signal. A thin Qt shell over :func:`musicstudio.audio.audio_file.read_audio` and a transcribe
function (see :mod:`musicstudio.audio.transcribe`)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from musicstudio.audio.audio_file import read_audio
from musicstudio.audio.errors import AudioError
from musicstudio.audio.voice_take import sentence

log = logging.getLogger(__name__)

Transcribe = Callable[[np.ndarray, int], object]   # (samples, sample rate) -> a Transcription


class AudioNotesJob(QObject):
    """Read ``path`` and transcribe it; run :meth:`run` in a worker thread (see
    :func:`musicstudio.workers.render_worker.start_in_thread`). Exactly one of ``finished``, ``failed`` or
    ``cancelled`` ends it. Cancelling stops at the next step; a transcription under way runs to its end
    (a few seconds at most) and its result is dropped."""

    progress = Signal(str)           # what it is doing, in a sentence
    finished = Signal(object, float)  # the transcription, the recording's length in seconds
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, path: str | Path, transcribe: Transcribe, parent: QObject | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.transcribe = transcribe
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Safe from any thread, before, while or after it runs."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            self.progress.emit(f"Reading {self.path.name}…")
            samples, rate = read_audio(self.path)
            seconds = len(samples) / rate
            if self._cancel.is_set():
                self.cancelled.emit()
                return
            self.progress.emit(f"Finding the notes in {seconds:.1f} s of {self.path.name}…")
            result = self.transcribe(samples, rate)
        except AudioError as e:   # unreadable, silent, or no pitched sound in it
            self.failed.emit(sentence(str(e)))
        except Exception as e:  # a bug: shown to the user and logged, never swallowed
            log.exception("turning %s into notes failed", self.path)
            self.failed.emit(f"internal error: {type(e).__name__}: {e}")
        else:
            if self._cancel.is_set():
                self.cancelled.emit()
            else:
                self.finished.emit(result, seconds)
