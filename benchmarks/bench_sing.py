"""Recording from the microphone (issue 24): how late the notes show while singing, and how long after stop.

A flute melody (FluidSynth, 120 BPM) goes through a voice take block by block, as a 44.1 kHz input
stream with 1024-frame blocks would give it, with the real live transcriber. The display lag of a note
is the audio time from its true onset to the end of the block after which it is first shown, plus the
CPU time that block took, plus one display frame (33 ms) at worst.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from musicstudio.audio.live_transcriber import LiveTranscriber
from musicstudio.audio.render import render_song
from musicstudio.audio.voice_take import VoiceTake
from musicstudio.core import Note, Song, Tempo, Track
from musicstudio.core.tempo import bpm_to_us

RATE, BLOCK, BPM, FRAME_MS = 44100, 1024, 120.0, 33.0
Q, E = 480, 240
LINE = [(72, Q), (74, Q), (76, Q), (72, Q), (72, Q), (74, Q), (76, Q), (72, Q), (76, Q), (77, Q), (79, 2 * Q),
        (79, E), (81, E), (79, E), (77, E), (76, Q), (72, Q)]


def melody(seconds: float) -> tuple[Note, ...]:
    notes, tick, end = [], 0, round(seconds * BPM / 60 * 480)
    while True:
        for pitch, length in LINE:
            if tick + length > end:
                return tuple(notes)
            notes.append(Note(pitch, tick, length - 40, 96))
            tick += length


def flute(notes) -> np.ndarray:
    song = Song((Track(name="Flute", program=73, notes=notes),), tempos=(Tempo(0, bpm_to_us(BPM)),))
    return render_song(song).mean(axis=1).astype(np.float32)


def live_lags(notes, audio) -> tuple[list[float], list[float]]:
    """Each note's display lag (ms) and each block's CPU time (ms), feeding the transcriber in this thread."""
    transcriber = LiveTranscriber(RATE, BPM, grid=120)
    seen: dict[int, float] = {}
    cpu = []
    for start in range(0, len(audio), BLOCK):
        t = time.process_time()
        found = transcriber.feed(audio[start:start + BLOCK])
        took = (time.process_time() - t) * 1000
        cpu.append(took)
        block_end_ms = (start + BLOCK) / RATE * 1000
        for i, n in enumerate(notes):
            if i not in seen and any(f.pitch == n.pitch and abs(f.start - n.start) <= 120 for f in found):
                seen[i] = block_end_ms + took
    onset_ms = [n.start / 480 * 60 / BPM * 1000 for n in notes]
    return [seen[i] - onset_ms[i] + FRAME_MS for i in sorted(seen)], cpu


def after_stop_seconds(audio, repeat: int = 3) -> float:
    """The wall time from stop to the take's notes: the last block's analysis and the offline pass."""
    times = []
    for _ in range(repeat):
        take = VoiceTake(LiveTranscriber(RATE, BPM, grid=120), RATE)
        for start in range(0, len(audio), BLOCK):
            take.push(audio[start:start + BLOCK])
        while not take._blocks.empty():
            time.sleep(0.01)
        t = time.perf_counter()
        take.finish()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run():
    notes = melody(10.0)
    audio = flute(notes)[:10 * RATE]
    lags, cpu = live_lags(notes, audio)
    yield "notes shown while recording (of the melody's)", len(lags) / len(notes), "share", lambda v: v >= 0.9
    yield "display lag, median over notes", statistics.median(lags), "ms", lambda v: v <= 300
    yield "display lag, worst note", max(lags), "ms", None
    yield "display lag, 90th percentile", float(np.percentile(lags, 90)), "ms", lambda v: v <= 300
    yield "CPU per 23 ms input block, median", statistics.median(cpu), "ms", lambda v: v < 23
    yield "CPU per 23 ms input block, worst", max(cpu), "ms", None
    yield "10 s take: stop to notes", after_stop_seconds(audio), "s", lambda v: v <= 1.0
