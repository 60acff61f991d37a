"""Transcription measured on the rendered test set (issue 24): note-level F-measure per timbre and
condition, with and without offsets, and the share of notes on the right 16th after quantizing.

    python -m benchmarks.transcription_eval              # 100 melodies x 5 timbres, the docs' table
    python -m benchmarks.transcription_eval --melodies 5 --timbres flute,violin
    python -m benchmarks.transcription_eval --detector heuristic     # without the learned detector

mir_eval's note matching (Raffel et al., "mir_eval: A transparent implementation of common MIR
metrics", 2014): an onset within 50 ms and a pitch within 50 cents; with offsets, the offset within
20% of the note's length (at least 50 ms). "On the right 16th": the found notes are quantized to 16ths
at the known tempo, and a reference note counts when a found note of its pitch starts on its step
(each found note counts once), out of all reference notes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from benchmarks.transcription_set import CONDITIONS, TIMBRES, Item, melodies, render_item
from musicstudio.audio.transcribe import transcribe
from musicstudio.core.edits import quantize
from musicstudio.core.ticks import PPQ

SIXTEENTH = PPQ // 4


@dataclass(frozen=True)
class Score:
    timbre: str
    condition: str
    f_onset: float
    f_offset: float
    matched: int
    on_step: int
    reference: int
    seconds: float        # transcription time
    audio_seconds: float


def _hz(pitches) -> np.ndarray:
    return 440.0 * 2 ** ((np.asarray(pitches, dtype=np.float64) - 69) / 12)


def score(item: Item, detector: str = "auto") -> Score:
    import mir_eval

    started = time.perf_counter()
    found = transcribe(item.samples, 44100, tempo_bpm=item.bpm, grid=None, detector=detector).notes
    took = time.perf_counter() - started
    ref_i = np.array([[item.seconds(n.start), item.seconds(n.end)] for n in item.notes])
    est_i = np.array([[item.seconds(n.start), item.seconds(n.end)] for n in found]).reshape(-1, 2)
    ref_p, est_p = _hz([n.pitch for n in item.notes]), _hz([n.pitch for n in found])
    f = fo = 0.0
    on_step = matched = 0
    if len(found):
        f = mir_eval.transcription.precision_recall_f1_overlap(ref_i, ref_p, est_i, est_p, offset_ratio=None)[2]
        fo = mir_eval.transcription.precision_recall_f1_overlap(ref_i, ref_p, est_i, est_p, offset_ratio=0.2)[2]
        matched = len(mir_eval.transcription.match_notes(ref_i, ref_p, est_i, est_p, offset_ratio=None))
        on_step = on_the_step(item.notes, quantize(found, SIXTEENTH))
    return Score(item.timbre, item.condition, f, fo, matched, on_step, len(item.notes), took,
                 len(item.samples) / 44100)


def on_the_step(reference, snapped) -> int:
    """How many reference notes have a quantized found note of their pitch on their step (one each)."""
    left = Counter((n.pitch, n.start) for n in snapped)
    count = 0
    for n in reference:
        if left[n.pitch, n.start]:
            left[n.pitch, n.start] -= 1
            count += 1
    return count


def run_set(count: int, timbres: list[str], progress: bool = True, detector: str = "auto") -> list[Score]:
    scores = []
    for index, (piece, notes) in enumerate(melodies(count)):
        for timbre in timbres:
            scores.append(score(render_item(index, piece, notes, timbre=timbre), detector))
        if progress:
            print(f"\r{index + 1}/{count} melodies", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return scores


def summary(scores: list[Score]) -> dict[str, tuple[float, float, float, float, int]]:
    """Per timbre, per condition and overall: mean F, mean F with offsets, the share of reference notes
    matched (onset and pitch) and of those on the right 16th, and the number of renders."""
    groups: dict[str, list[Score]] = defaultdict(list)
    for s in scores:
        groups[s.timbre].append(s)
        groups[s.condition].append(s)
        groups["overall"].append(s)
    out = {}
    for name, group in groups.items():
        matched = sum(s.matched for s in group)
        on_step = sum(s.on_step for s in group)
        reference = max(sum(s.reference for s in group), 1)
        out[name] = (statistics.fmean(s.f_onset for s in group), statistics.fmean(s.f_offset for s in group),
                     matched / reference, on_step / reference, len(group))
    return out


def table(scores: list[Score]) -> str:
    rows = summary(scores)
    order = [t for t in TIMBRES if t in rows] + [c for c in CONDITIONS if c in rows] + ["overall"]
    lines = ["| renders | n | F (onset, pitch) | F (with offsets) | notes found (recall) | on the right 16th |",
             "|---|---:|---:|---:|---:|---:|"]
    for name in order:
        f, fo, recall, step, n = rows[name]
        lines.append(f"| {name} | {n} | {f:.3f} | {fo:.3f} | {recall:.1%} | {step:.1%} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.transcription_eval", description=__doc__.splitlines()[0])
    p.add_argument("--melodies", type=int, default=100, help="held-out melodies (default 100)")
    p.add_argument("--timbres", default=",".join(TIMBRES), help="comma-separated, of: " + ", ".join(TIMBRES))
    p.add_argument("--detector", choices=("auto", "model", "heuristic"), default="auto",
                   help="the learned detector (models/transcriber; auto: the heuristic where it cannot load) "
                        "or the heuristic one alone")
    args = p.parse_args(argv)
    timbres = [t.strip() for t in args.timbres.split(",")]
    unknown = [t for t in timbres if t not in TIMBRES]
    if unknown:
        p.error(f"unknown timbre {unknown[0]!r}")
    started = time.perf_counter()
    scores = run_set(args.melodies, timbres, detector=args.detector)
    print(table(scores))
    audio = sum(s.audio_seconds for s in scores)
    work = sum(s.seconds for s in scores)
    print(f"\n{len(scores)} renders, {audio / 60:.1f} min of audio transcribed in {work:.1f} s "
          f"({audio / work:.0f}x realtime); whole evaluation {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
