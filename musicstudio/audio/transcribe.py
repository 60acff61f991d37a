"""Audio to notes: one line of pitched audio (a voice, whistling, a single-line instrument) becomes
notes at 480 PPQ, quantized to the song's tempo and grid, with the key they are in.

The frames' analysis comes from :mod:`~musicstudio.audio.pitch_track` (probabilistic YIN and a
Viterbi path, and a semitone spectrum); the notes from the learned onset and pitch detector shipped
in models/transcriber (:mod:`~musicstudio.audio.onset_model`, decoded by
:mod:`~musicstudio.audio.model_notes`), or, where that model cannot be loaded (a warning says why),
from the heuristic :mod:`~musicstudio.audio.note_segments`. docs/transcription.md has the figures on
the rendered test set and how to reproduce them. Nothing here needs Qt, torch or a sound card.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.audio.errors import AudioError
from musicstudio.audio.model_notes import model_segments
from musicstudio.audio.note_segments import Segment, segment
from musicstudio.audio.onset_model import shipped_transcriber
from musicstudio.audio.pitch_track import PitchTrack, to_mono, track_pitch
from musicstudio.audio.tempo_detect import detect_tempo
from musicstudio.core.edits import quantize
from musicstudio.core.key import Key
from musicstudio.core.key_finding import find_key
from musicstudio.core.note import Note
from musicstudio.core.ticks import PPQ

SILENT_DB = -50.0          # a recording whose peak stays below this is silence
CLIP_LEVEL = 0.999         # samples this close to full scale are clipped
CLIP_RUN = 3               # consecutive clipped samples: a clipped peak
NO_SOUND = "no sound was recorded: is the microphone muted?"
NO_PITCH = ("no notes were found: the recording holds no pitched sound that lasts (sing, hum, whistle or "
            "play one note at a time)")


class TranscriptionError(AudioError):
    """The audio could not be turned into notes; ``str(error)`` says why in words."""


@dataclass(frozen=True)
class Transcription:
    """Notes found in a recording (ticks at 480 PPQ, tick 0 at the recording's start or, when the
    tempo was detected, at the beat found before the first note), the tempo used, whether it was
    detected, the key the notes are in (None: too few to say) and warnings in words."""

    notes: tuple[Note, ...]
    tempo_bpm: float
    tempo_detected: bool
    key: Key | None
    warnings: tuple[str, ...] = ()


def check_level(mono: np.ndarray) -> list[str]:
    """Refuse silence (:class:`TranscriptionError`); a warning for clipping."""
    peak = float(np.abs(mono).max(initial=0.0))
    if peak <= 10 ** (SILENT_DB / 20):
        raise TranscriptionError(NO_SOUND)
    clipped = np.abs(mono) >= CLIP_LEVEL
    runs = np.convolve(clipped.astype(np.int8), np.ones(CLIP_RUN, np.int8), mode="valid") == CLIP_RUN
    places = int(np.count_nonzero(np.diff(np.concatenate([[0], runs.astype(np.int8)])) == 1))
    if places:
        return [f"the recording is clipped (too loud) in {places} place{'s' if places > 1 else ''}: the notes "
                "were found, but turn the input level down for a cleaner take"]
    return []


def velocity_of(level_db: float, loudest_db: float) -> int:
    """A velocity from a note's peak level: the loudest note 112, 2 steps less per dB below it."""
    return int(np.clip(round(112 + 2 * (level_db - loudest_db)), 20, 127))


def segments_to_notes(segments: list[Segment], hop: float, bpm: float, phase: float = 0.0) -> list[Note]:
    """Segments (frames) as notes in ticks at ``bpm``, tick 0 at ``phase`` seconds; one line: a note
    ends where the next begins."""
    if not segments:
        return []
    ticks_per_second = bpm / 60.0 * PPQ
    loudest = max(s.level_db for s in segments)
    notes = []
    for s in segments:
        start = max(0, round((s.first * hop - phase) * ticks_per_second))
        end = round((s.last * hop - phase) * ticks_per_second)
        notes.append(Note(int(np.clip(s.pitch, 0, 127)), start, max(1, end - start), velocity_of(s.level_db, loudest)))
    return one_line(notes)


def one_line(notes: list[Note]) -> list[Note]:
    """Notes in order with no overlaps: a note that starts where another does goes (the shorter), a
    note that runs into the next ends where it begins."""
    notes = sorted(notes, key=lambda n: (n.start, -n.duration))
    out: list[Note] = []
    for n in notes:
        if out and n.start == out[-1].start:
            continue
        if out and out[-1].end > n.start:
            out[-1] = out[-1].with_duration(n.start - out[-1].start)
        out.append(n)
    return out


def track_segments(track: PitchTrack, detector: str = "auto") -> tuple[list[Segment], list[str]]:
    """The notes of a pitch track as segments, and warnings. ``detector``: "model" or "auto" (the
    shipped learned detector, :mod:`~musicstudio.audio.onset_model`; "auto" falls back to the
    heuristic one with a warning when the model cannot be used), or "heuristic"."""
    if detector == "heuristic":
        return segment(track), []
    model, problem = shipped_transcriber()
    if model is None:
        if detector == "model":
            raise TranscriptionError(problem or "the transcription model could not be used")
        return segment(track), [problem] if problem else []
    return model_segments(track, model), []


def notes_from_track(track: PitchTrack, tempo_bpm: float | None, grid: int | None,
                     strength: float, segments: list[Segment] | None = None) -> tuple[list[Note], float, bool]:
    """The notes of a pitch track (or of its ``segments`` found already), the tempo and whether it
    was detected."""
    segments = segment(track) if segments is None else segments
    if not segments:
        raise TranscriptionError(NO_PITCH)
    detected = tempo_bpm is None
    phase = 0.0
    if detected:
        tempo_bpm, phase = detect_tempo([s.first * track.hop for s in segments])
    notes = segments_to_notes(segments, track.hop, tempo_bpm, phase)
    if grid:
        notes = one_line(quantize(notes, grid, strength))
    return notes, float(tempo_bpm), detected


def transcribe(samples: np.ndarray, sample_rate: int, tempo_bpm: float | None = None, grid: int | None = 120,
               strength: float = 1.0, detector: str = "auto") -> Transcription:
    """The notes of one line of pitched audio.

    ``samples``: mono or (frames x channels), float in [-1, 1] or integers. ``tempo_bpm``: the song's
    tempo, the recording starting on a beat (a take after a count-in); None finds the tempo and the
    beat from the notes. ``grid``: the quantize step in ticks (120 = 16ths at 480 PPQ; None: keep the
    timing as played); ``strength``: 1.0 snaps fully, 0.5 halfway; ``detector``: as
    :func:`track_segments` takes it. Raises
    :class:`TranscriptionError` for silence or audio with no pitched notes; clipping is a warning.
    """
    if sample_rate < 8000:
        raise TranscriptionError(f"the audio's sample rate ({sample_rate} Hz) is too low for notes (8 kHz at least)")
    if tempo_bpm is not None and not 20 <= tempo_bpm <= 400:
        raise TranscriptionError(f"a tempo of {tempo_bpm:g} BPM is outside 20-400")
    mono = to_mono(samples)
    if not len(mono):
        raise TranscriptionError(NO_SOUND)
    warnings = check_level(mono)
    track = track_pitch(mono, sample_rate)
    segments, problems = track_segments(track, detector)
    notes, bpm, detected = notes_from_track(track, tempo_bpm, grid, strength, segments)
    warnings += problems
    fit = find_key(notes)
    return Transcription(tuple(notes), bpm, detected, fit.key if fit else None, tuple(warnings))
