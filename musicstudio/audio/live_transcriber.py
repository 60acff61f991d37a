"""Notes found while the recording runs, for showing them as they are sung or played.

:class:`LiveTranscriber` takes the input stream's blocks as they come. It analyses each new 10 ms
frame once (the same YIN candidates, level and semitone spectrum as
:mod:`~musicstudio.audio.pitch_track`), then decodes and segments only the last :data:`WINDOW_SECONDS`
of frames, so each block costs the same however long the take. A note is reported when it has
started (its duration so far) and again when it has ended (its whole duration), both times with the
same pitch and start: a display replaces the note it shows by (pitch, start). A note is shown once
it has lasted :data:`CERTAIN_SECONDS` (its pitch has settled) or has ended; a note first found
more than :data:`HORIZON_SECONDS` after its onset (a long note split later, once more of it is heard)
is not shown: the display never re-splits an old note late. :meth:`LiveTranscriber.finish`
transcribes the whole take again offline (:func:`~musicstudio.audio.transcribe.transcribe`), so the
final notes are those a file import would give.
"""

from __future__ import annotations

import numpy as np

from musicstudio.audio.note_segments import Segment, segment
from musicstudio.audio.pitch_track import (
    MAX_CANDIDATES,
    NOTE_BANDS,
    FrameSizes,
    PitchTrack,
    frame_features,
    to_mono,
    viterbi,
)
from musicstudio.audio.transcribe import Transcription, one_line, segments_to_notes, transcribe
from musicstudio.core.edits import quantize
from musicstudio.core.note import Note

WINDOW_SECONDS = 2.0
CERTAIN_SECONDS = 0.12     # a note is shown once it has lasted this long (or has ended): its pitch has settled
HORIZON_SECONDS = 0.25     # a note first found longer than this after its onset is not shown live
SAME_NOTE_FRAMES = 4        # a note found again within this many frames of its start is the same note
_TAPS = np.arange(-15, 16)


class _Growing:
    """An array that grows at its end in amortised constant time."""

    def __init__(self, width: int | None = None, dtype=np.float64):
        shape = (1024,) if width is None else (1024, width)
        self.data = np.zeros(shape, dtype)
        self.size = 0

    def extend(self, rows: np.ndarray) -> None:
        need = self.size + len(rows)
        if need > len(self.data):
            bigger = np.zeros((max(need, 2 * len(self.data)),) + self.data.shape[1:], self.data.dtype)
            bigger[:self.size] = self.data[:self.size]
            self.data = bigger
        self.data[self.size:need] = rows
        self.size = need

    def view(self, start: int = 0, end: int | None = None) -> np.ndarray:
        return self.data[start:self.size if end is None else min(end, self.size)]


class LiveTranscriber:
    """Notes of a take while it is recorded: ``feed(block)`` returns the notes newly started or ended."""

    def __init__(self, sample_rate: int, tempo_bpm: float, grid: int | None = 120, strength: float = 1.0):
        self.sample_rate, self.tempo_bpm, self.grid, self.strength = sample_rate, tempo_bpm, grid, strength
        self._halve = sample_rate > 24000
        self.rate = sample_rate // 2 if self._halve else sample_rate
        self._sizes = FrameSizes.of(self.rate)
        self._raw = _Growing()          # the whole take, mono, for finish()
        self._analysed = _Growing()      # halved when the rate is over 24 kHz
        self._midi = _Growing(MAX_CANDIDATES)
        self._prob = _Growing(MAX_CANDIDATES)
        self._level = _Growing()
        self._spectrum = _Growing(NOTE_BANDS, np.float32)
        self._horizon = round(HORIZON_SECONDS / (self._sizes.hop / self.rate))
        self._certain = round(CERTAIN_SECONDS / (self._sizes.hop / self.rate))
        self._started: dict[int, int] = {}      # onset frame -> pitch of notes reported started
        self._ended: set[int] = set()

    @property
    def seconds(self) -> float:
        """How much audio has been fed."""
        return self._raw.size / self.sample_rate

    def feed(self, block: np.ndarray) -> list[Note]:
        """Take the next block of the input (mono or frames x channels); the notes newly started (their
        length so far) or ended (their whole length), ticks from the take's start at its tempo."""
        self._raw.extend(to_mono(block))
        self._extend_analysed()
        if not self._analyse_new_frames():
            return []
        return self._report()

    def finish(self) -> Transcription:
        """The whole take, transcribed offline (raises as :func:`transcribe` does)."""
        return transcribe(self._raw.view(), self.sample_rate, self.tempo_bpm, self.grid, self.strength)

    def _extend_analysed(self) -> None:
        raw = self._raw.view()
        if not self._halve:
            self._analysed.extend(raw[self._analysed.size:])
            return
        first, last = self._analysed.size, (len(raw) - 16) // 2     # halved sample j needs raw 2j+15
        if last < first:
            return
        lo = 2 * first - 15
        part = np.pad(raw[max(0, lo):2 * last + 16], (max(0, -lo), 0))
        kernel = np.sinc(_TAPS / 2) * np.hamming(len(_TAPS))
        self._analysed.extend(np.convolve(part, kernel / kernel.sum(), mode="valid")[::2][:last - first + 1])

    def _analyse_new_frames(self) -> int:
        """Features of the frames whose samples have all arrived; how many were added."""
        first = self._level.size
        ready = (self._analysed.size - (self._sizes.length - self._sizes.length // 2)) // self._sizes.hop + 1
        count = ready - first
        if count <= 0:
            return 0
        features = frame_features(self._analysed.view(), self.rate, first, count)
        for store, values in zip((self._midi, self._prob, self._level, self._spectrum), features):
            store.extend(values)
        return count

    def _window_segments(self) -> tuple[int, list[Segment]]:
        frames = self._level.size
        start = max(0, frames - round(WINDOW_SECONDS / (self._sizes.hop / self.rate)))
        level = self._level.view(start)
        path = viterbi(self._midi.view(start), self._prob.view(start), level)
        voicing = self._prob.view(start).sum(axis=1)
        track = PitchTrack(self._sizes.hop / self.rate, path, level, voicing, self._spectrum.view(start))
        return start, segment(track)

    def _report(self) -> list[Note]:
        start, segments = self._window_segments()
        frames = self._level.size
        out = []
        for s in segments:
            first = s.first + start
            if start and s.first <= SAME_NOTE_FRAMES:
                continue                         # cut by the window's edge: reported already
            known = next((f for f, p in self._started.items() if abs(f - first) <= SAME_NOTE_FRAMES and p == s.pitch),
                         None)
            ended = s.last + start < frames - 2
            unsure = not ended and s.last - s.first < self._certain
            if known is None and (unsure or first < frames - self._horizon):
                continue                         # too short yet to be sure of, or found late (a re-split)
            if known is None:
                self._started[first] = s.pitch
                out.append(Segment(first, s.last + start, s.pitch, s.level_db))
            elif ended and known not in self._ended:
                self._ended.add(known)
                out.append(Segment(known, s.last + start, s.pitch, s.level_db))
        return self._as_notes(out)

    def _as_notes(self, segments: list[Segment]) -> list[Note]:
        notes = segments_to_notes(segments, self._sizes.hop / self.rate, self.tempo_bpm) if segments else []
        if self.grid and notes:
            notes = one_line(quantize(notes, self.grid, self.strength))
        return notes
