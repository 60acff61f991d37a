"""A take sung, hummed or played into the microphone, turned into notes while it is recorded.

The audio thread only hands blocks over (:meth:`VoiceTake.push` never waits); a thread of the take's own
feeds them to a live transcriber, so the notes found so far are there to show while recording goes on,
and stopping has only the last blocks left to do. Time is counted in samples: the count-in's samples
(and the output's latency, since the singer follows clicks heard that much late) are skipped, and the
first sample after them is the song's ``start_tick``.

The transcriber is any object with ``feed(block) -> notes`` and ``finish() -> Transcription`` (see
:mod:`musicstudio.audio.live_transcriber`); its notes count ticks from the first sample it was fed, and
a note it reports again (longer, or ended) has the same pitch and start and replaces the one shown.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

from musicstudio.audio.errors import AudioError
from musicstudio.audio.microphone import dbfs
from musicstudio.core.note import Note

SILENT_PEAK_DBFS = -50.0      # a take whose loudest sample is quieter than this heard nothing worth notes
CLIPPED_LEVEL = 0.999         # a sample this close to full scale was cut off
CLIPPED_SHARE = 0.001         # clipping in more than 0.1% of the samples is worth saying


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


class LiveTranscriber(Protocol):
    def feed(self, block: np.ndarray) -> Sequence[Note]: ...

    def finish(self): ...


@dataclass(frozen=True)
class TakeLevels:
    """What the take sounded like: its loudest peak and how much of it was clipped."""

    seconds: float
    peak_dbfs: float
    clipped_share: float

    @property
    def heard_nothing(self) -> bool:
        """Too short or too quiet to hold notes: whatever a transcriber finds in it is noise."""
        return self.seconds <= 0 or self.peak_dbfs < SILENT_PEAK_DBFS

    def warnings(self) -> list[str]:
        """The take's faults in sentences, worst first."""
        if self.seconds <= 0:
            return ["Nothing was recorded: stop came before the count-in ended."]
        if self.peak_dbfs < SILENT_PEAK_DBFS:
            return [f"The recording was silent (its loudest moment was {self.peak_dbfs:.0f} dBFS). Check that the "
                    "microphone is on and not muted, and turn its input level up in the system's sound settings."]
        if self.clipped_share > CLIPPED_SHARE:
            return [f"The recording was too loud: {100 * self.clipped_share:.1f}% of it was clipped, which can "
                    "give wrong notes. Turn the input level down or move away from the microphone."]
        return []


@dataclass(frozen=True)
class TakeResult:
    notes: tuple[Note, ...]          # in the song's ticks
    warnings: tuple[str, ...]        # sentences for the user, the worst first
    transcription: object            # the transcriber's own result (its key, its tempo); None without notes


class VoiceTake:
    def __init__(self, transcriber: LiveTranscriber, sample_rate: int, start_tick: int = 0,
                 count_in_seconds: float = 0.0, latency_seconds: float = 0.0):
        self.transcriber = transcriber
        self.sample_rate = sample_rate
        self.start_tick = start_tick
        self.skip = max(0, round((count_in_seconds + latency_seconds) * sample_rate))
        self.received = 0          # samples pushed, the count-in's included
        self.heard = 0             # samples after the count-in
        self.peak = 0.0
        self.clipped = 0
        self.error: Exception | None = None
        self._found: dict[tuple[int, int], Note] = {}   # by (pitch, start)
        self._lock = threading.Lock()
        self._blocks: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._transcribe, name="voice take", daemon=True)
        self._thread.start()

    # -- from the audio thread --------------------------------------------------------------------
    def push(self, block: np.ndarray) -> None:
        """A block of mono samples, as recorded; returns at once."""
        first = self.received
        self.received += len(block)
        if self.received <= self.skip:
            return
        if first < self.skip:
            block = block[self.skip - first:]
        magnitude = np.abs(block)
        self.peak = max(self.peak, float(magnitude.max(initial=0.0)))
        self.clipped += int(np.count_nonzero(magnitude >= CLIPPED_LEVEL))
        self.heard += len(block)
        self._blocks.put(block)

    # -- while recording --------------------------------------------------------------------------
    @property
    def counting_in(self) -> bool:
        return self.received < self.skip

    @property
    def count_in_done(self) -> float:
        """How much of the count-in has passed, 0 to 1."""
        return min(1.0, self.received / self.skip) if self.skip else 1.0

    @property
    def seconds(self) -> float:
        """Seconds recorded after the count-in."""
        return self.heard / self.sample_rate

    def notes_so_far(self) -> list[Note]:
        with self._lock:
            found = list(self._found.values())
        return sorted(found, key=lambda n: (n.start, n.pitch))

    def levels(self) -> TakeLevels:
        return TakeLevels(self.seconds, dbfs(self.peak), self.clipped / self.heard if self.heard else 0.0)

    # -- the end ----------------------------------------------------------------------------------
    def finish(self) -> TakeResult:
        """Wait for the blocks still queued, then the transcriber's last word: the take's notes placed at
        ``start_tick`` (none from a silent take: they would be noise), and the take's own faults (silence,
        clipping) before the transcriber's warnings. Raises what the transcriber raised."""
        self._end()
        if self.error is not None:
            raise self.error
        levels = self.levels()
        own = levels.warnings()
        if levels.heard_nothing:
            return TakeResult((), tuple(own), None)
        try:
            result = self.transcriber.finish()
        except AudioError as e:       # no pitched sound in it: said, as the take's last word
            return TakeResult((), (*own, sentence(str(e))), None)
        warnings = own + [w for w in map(sentence, result.warnings) if w not in own]
        notes = sorted(self._placed(result.notes), key=lambda n: (n.start, n.pitch))
        return TakeResult(tuple(notes), tuple(warnings), result)

    def cancel(self) -> None:
        """Stop transcribing and let everything go."""
        self._end()

    def _end(self) -> None:
        if self._thread.is_alive():
            self._blocks.put(None)
            self._thread.join()

    def _transcribe(self) -> None:
        while (block := self._blocks.get()) is not None:
            if self.error is not None:
                continue                      # what is still queued is dropped; finish() raises
            try:
                found = self._placed(self.transcriber.feed(block))
            except Exception as e:  # given to the GUI thread by finish()
                self.error = e
                continue
            if found:
                with self._lock:
                    for note in found:        # a note reported again (ended, or longer) replaces itself
                        self._found[(note.pitch, note.start)] = note

    def _placed(self, notes: Sequence[Note]) -> list[Note]:
        return [n.moved_by(ticks=self.start_tick) for n in notes] if self.start_tick else list(notes)
