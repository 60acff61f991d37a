"""Issue 17, item 4's figure: do takes stay in a bass seed's register? On 50 held-out bass-register seeds,
the share of take notes inside the seed's range +- 5 semitones, per model (aim: at least 90%).

The seeds, 4 bars (16 quarter notes) each, set in 4/4 on one bass track (General MIDI acoustic bass):

* real bass lines: 4-bar windows of the bass tracks (by General MIDI program or by name: bass, cello, tuba,
  bassoon) in the MIDI files that installed packages ship, whose notes lie in bass register as written
  (median at most C3, every note within E1-C4, at least 8 notes): on this machine the cello and bass of
  music21's test04.mid and the violoncello and contrabass of its K.525 (k525MIDIMvt1.mid). Windows are taken every
  4 bars; at most :data:`REAL_SHARE` of the seeds come from them, spread evenly over what was found. No
  model trains on these files (they are music21's MIDI test files, not a corpus collection).
* the rest: test-split melodies of the corpus (held out from every model's training and tuning) in duple
  meters (2/4, 2/2, 4/4, whose 16 beats are whole bars), their first 16 beats moved down by whole
  octaves until their median is at most C3, kept when every note then lies within E1-C4 and there are at
  least 8: few pieces of the corpus are bass lines, so the melodies are put where a bass plays. Pieces are
  taken in id order, spread evenly over those that qualify.

Each model generates 4 bars x 4 variations after each seed through the CLI's path for
``musicstudio generate --seed SEED.mid --out OUT.mid --model NAME`` and nothing else: the seed planned as
the CLI plans it (:func:`~musicstudio.generators.seed_plan.plan_seed`, the whole track), and a request with
the CLI's defaults (its parser's: temperature, top-p, random seed), the pitch range left to its default, the
seed's own register (:func:`~musicstudio.generators.seed_plan.seed_register`). A take note counts as inside
when its pitch lies within [lowest seed pitch - 5, highest seed pitch + 5].

``python -m musicstudio.generators.evaluation.register_report [--corpus DIR] [--seeds 50] [--models a,b]
[--out docs/register.md]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track

BASS_MEDIAN = 48            # C3: a seed's median pitch at most this
LOWEST, HIGHEST = 28, 60    # E1 .. C4: every seed note within
MARGIN = 5                  # semitones either side of the seed's range that count as inside
SEED_TICKS = 16 * PPQ       # 4 bars of 4/4
MIN_NOTES = 8
REAL_SHARE = 0.2            # at most this share of the seeds from real bass lines
DUPLE = ((2, 4), (2, 2), (4, 4))
BASS_PROGRAM = 32           # acoustic bass
# A bass track by its General MIDI program (basses, cello, contrabass, tuba, bassoon) or by its name.
BASS_PROGRAMS = frozenset(range(32, 40)) | {42, 43, 58, 70}
BASS_NAMES = ("bass", "cello", "tuba", "bassoon", "fagott", "basso")
TARGET = 0.9


@dataclass(frozen=True)
class Seed:
    name: str
    source: str                 # where its notes come from, in words
    notes: tuple[Note, ...]     # from tick 0, within SEED_TICKS

    @property
    def song(self) -> Song:
        return Song((Track("Bass", BASS_PROGRAM, False, self.notes),), time_signatures=(TimeSignature(0, 4, 4),))

    @property
    def range(self) -> tuple[int, int]:
        pitches = [n.pitch for n in self.notes]
        return min(pitches), max(pitches)


def in_bass_register(notes: Sequence[Note]) -> bool:
    pitches = [n.pitch for n in notes]
    return len(pitches) >= MIN_NOTES and statistics.median(pitches) <= BASS_MEDIAN and \
        LOWEST <= min(pitches) and max(pitches) <= HIGHEST


def lowered(notes: Sequence[Note]) -> tuple[tuple[Note, ...], int] | None:
    """``notes`` moved down by whole octaves until their median is at most C3, and the octaves, or None when
    they then reach outside E1-C4 (or are too few)."""
    if len(notes) < MIN_NOTES:
        return None
    median = statistics.median(n.pitch for n in notes)
    octaves = max(0, -(-(median - BASS_MEDIAN) // 12))
    moved = tuple(n._replace(pitch=n.pitch - 12 * int(octaves)) for n in notes)
    return (moved, int(octaves)) if in_bass_register(moved) else None


def window(notes: Iterable[Note], start: int, ticks: int = SEED_TICKS) -> tuple[Note, ...]:
    """The notes that start in [start, start + ticks), moved to 0 and cut at its end."""
    return tuple(n._replace(start=n.start - start, duration=min(n.duration, start + ticks - n.start))
                 for n in sorted(notes, key=lambda n: (n.start, n.pitch)) if start <= n.start < start + ticks)


def spread(items: list, count: int) -> list:
    """``count`` items taken evenly across ``items`` (all of them when there are no more)."""
    if len(items) <= count:
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


def shipped_midi_files(roots: Iterable[Path] | None = None) -> list[Path]:
    """The MIDI files under the installed Python packages and /usr/share (what Debian and Python packages ship)."""
    if roots is None:
        roots = {Path(sysconfig.get_paths()["purelib"]), Path(sysconfig.get_paths()["platlib"]), Path("/usr/share")}
    found = set()
    for root in roots:
        if root.is_dir():
            found.update(p for pattern in ("*.mid", "*.midi", "*.MID") for p in root.rglob(pattern) if p.is_file())
    return sorted(found)


def is_bass_track(track: Track) -> bool:
    return not track.is_drum and (track.program in BASS_PROGRAMS or any(w in track.name.lower() for w in BASS_NAMES))


def file_seeds(paths: Iterable[Path]) -> list[Seed]:
    """Every 4-bar window of every bass track of the files (:func:`is_bass_track`) that lies in bass
    register as written."""
    from musicstudio.io.errors import MusicFileError
    from musicstudio.io.files import open_song

    seeds = []
    for path in paths:
        try:
            song = open_song(path).song
        except MusicFileError:
            continue
        for k, track in enumerate(song.tracks):
            if not is_bass_track(track) or not track.notes:
                continue
            for start in range(0, max(n.end for n in track.notes), SEED_TICKS):
                notes = window(track.notes, start)
                if in_bass_register(notes):
                    seeds.append(Seed(f"{path.name} track {k + 1} ({track.name.strip() or 'unnamed'}) from beat "
                                      f"{start // PPQ + 1}", f"real bass line ({path.parent.name}/{path.name})",
                                      notes))
    return seeds


def corpus_seeds(corpus, split: str = "test") -> list[Seed]:
    """The corpus's ``split`` melodies in duple meters, their first 16 beats moved down into bass register."""
    seeds = []
    for info in sorted(corpus.select(split), key=lambda info: info.id):
        if tuple(info.meter) not in DUPLE:
            continue
        piece = corpus.piece(info.id)
        notes = window([n for t in piece.tracks if not t.is_drum for n in t.notes], 0)
        moved = lowered(notes)
        if moved is not None:
            seeds.append(Seed(info.id, f"{info.collection} {split} melody, {moved[1]} octave(s) down", moved[0]))
    return seeds


def pick_seeds(real: list[Seed], melodies: list[Seed], count: int) -> list[Seed]:
    chosen = spread(real, min(len(real), int(count * REAL_SHARE)))
    return chosen + spread(melodies, count - len(chosen))


def cli_request(seed: Seed, open_range: bool = False):
    """What ``musicstudio generate --seed SEED.mid --out OUT.mid --model M`` asks a model for after ``seed``:
    the seed planned as the CLI plans it, the CLI's defaults, the pitch range its default (the seed's), or
    with ``open_range`` what ``--range 0-127`` asks (the model's own choice of register)."""
    from musicstudio.generators.generate_command import build_parser
    from musicstudio.generators.interface import GenerationRequest
    from musicstudio.generators.seed_plan import plan_seed, seed_register, take_meter

    words = ["--seed", "SEED.mid", "--out", "OUT.mid", "--model", "M"] + (["--range", "0-127"] if open_range else [])
    args = build_parser().parse_args(words)
    plan = plan_seed(seed.song, 0, "track", "continue", seed_bars=args.seed_bars)
    return GenerationRequest(seed=plan.seed, bars=args.bars, variations=args.variations,
                             temperature=args.temperature, top_p=args.top_p, random_seed=args.random_seed,
                             pitch_range=args.range or seed_register(plan.seed) or (0, 127),
                             meter=take_meter(seed.song, plan.at))


def inside(seed: Seed, notes: Iterable[Note], margin: int = MARGIN) -> tuple[int, int]:
    """(notes inside the seed's range +- ``margin``, notes)."""
    low, high = seed.range
    pitches = [n.pitch for n in notes]
    return sum(low - margin <= p <= high + margin for p in pitches), len(pitches)


@dataclass
class ModelResult:
    model: str
    backend: str
    seeds: int = 0
    takes: int = 0
    notes: int = 0
    inside: int = 0
    own: int = 0                # inside the seed's own range, no margin
    failures: int = 0
    seconds: float = 0.0
    first_failure: str = ""
    pitches: list[int] = field(default_factory=list)   # every take note's pitch

    @property
    def median(self) -> float | None:
        return statistics.median(self.pitches) if self.pitches else None

    @property
    def share(self) -> float | None:
        return self.inside / self.notes if self.notes else None

    @property
    def own_share(self) -> float | None:
        return self.own / self.notes if self.notes else None


def evaluate(generator, seeds: Sequence[Seed], model: str, backend: str, keep_takes: list | None = None,
             open_range: bool = False) -> ModelResult:
    """``generator``'s takes after every seed (with ``--range 0-127`` if ``open_range``), counted;
    ``keep_takes`` (a list) gets (seed, takes) pairs."""
    from musicstudio.generators.backends import backend_named
    from musicstudio.generators.fitting import fit_request
    from musicstudio.generators.interface import GenerationError

    result = ModelResult(model, backend)
    started = time.perf_counter()
    for seed in seeds:
        try:   # as generate runs a model: the seed fitted to its family (feel, bar lines), the takes brought back
            fitted = fit_request(cli_request(seed, open_range), backend_named(backend))
            takes = fitted.takes(generator.generate(fitted.request))
        except GenerationError as e:
            result.failures += 1
            result.first_failure = result.first_failure or str(e)
            continue
        result.seeds += 1
        result.takes += len(takes)
        for take in takes:
            counted = inside(seed, take.notes)
            result.inside += counted[0]
            result.notes += counted[1]
            result.own += inside(seed, take.notes, 0)[0]
            result.pitches += [n.pitch for n in take.notes]
        if keep_takes is not None:
            keep_takes.append((seed, takes))
    result.seconds = time.perf_counter() - started
    return result


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.1%}"


def _median(result: ModelResult | None) -> str:
    return "-" if result is None or result.median is None else f"{result.median:g}"


def markdown(results: Sequence[ModelResult], seeds: Sequence[Seed], corpus_dir: Path | str, seconds: float,
             open_results: Sequence[ModelResult] = ()) -> str:
    """The report: a row per model (with its ``--range 0-127`` figures beside, where given), then the seeds."""
    real = sum(s.source.startswith("real") for s in seeds)
    seed_median = statistics.median(n.pitch for s in seeds for n in s.notes)
    opened = {r.model: r for r in open_results}
    lines = ["# Takes in a bass seed's register (issue 17, item 4)", "",
             "Written by `python -m musicstudio.generators.evaluation.register_report`; the method is in its "
             "docstring. Aim: at least 90% of take notes inside the seed's range +- 5 semitones, per model. The "
             "default range makes that so for every model (no generator writes a pitch outside its request's "
             "range); the columns after it say whether the takes also sit where the seed sits.", "",
             f"{len(seeds)} seeds: {real} real bass lines from MIDI files that installed packages ship, "
             f"{len(seeds) - real} test-split melodies of the corpus ({corpus_dir}) moved down into bass register "
             "(median at most C3, every note within E1-C4). 4 bars x 4 variations per seed, the CLI's defaults, "
             "the default pitch range (the seed's own, +- 5). The seeds' notes have median pitch "
             f"{seed_median:g} (C3 = 48). Whole run: {seconds:.0f} s on this machine.", ""]
    if opened:
        lines += ["The last two columns: the same seeds with `--range 0-127`, where the model picks the register "
                  "itself.", ""]
    lines += ["| model | backend | seeds | take notes | inside seed range +- 5 | aim | inside the seed's own range | "
              "median pitch | with --range 0-127: inside +- 5 | median pitch |",
              "|---|---|---:|---:|---:|---|---:|---:|---:|---:|"]
    for r in results:
        verdict = "-" if r.share is None else ("met" if r.share >= TARGET else "MISSED")
        other = opened.get(r.model)
        lines.append(f"| {r.model} | {r.backend} | {r.seeds} | {r.notes} | {_percent(r.share)} | {verdict} | "
                     f"{_percent(r.own_share)} | {_median(r)} | {_percent(other and other.share)} | "
                     f"{_median(other)} |")
    failed = [r for r in list(results) + list(open_results) if r.failures]
    if failed:
        lines += ["", "Seeds a model refused (GenerationError), counted out of its row:", ""]
        lines += [f"- {r.model}: {r.failures}, first: {r.first_failure}" for r in failed]
    lines += ["", "## The seeds", "", "| seed | from | notes | range |", "|---|---|---:|---|"]
    lines += [f"| {s.name} | {s.source} | {len(s.notes)} | {s.range[0]}-{s.range[1]} |" for s in seeds]
    return "\n".join(lines) + "\n"


def build_parser() -> argparse.ArgumentParser:
    from musicstudio.generators.corpus import DEFAULT_CACHE

    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.evaluation.register_report",
                                description="Share of take notes in a bass seed's register, per model.")
    p.add_argument("--corpus", default=str(DEFAULT_CACHE), help="corpus cache (default %(default)s)")
    p.add_argument("--seeds", type=int, default=50, help="how many seeds (default 50)")
    p.add_argument("--models", default="", help="comma-separated model names (default: every installed model)")
    p.add_argument("--out", default=None, help="also write the report here (Markdown)")
    p.add_argument("--open-range", action="store_true",
                   help="also generate with --range 0-127 (twice the time), for the register models pick alone")
    return p


def _refused(backend: str, seeds: Sequence[Seed]) -> str | None:
    """The CLI's words when ``backend``'s family refuses every seed's track before it runs, else None."""
    from musicstudio.generators.backends import backends
    from musicstudio.generators.seed_plan import drums_refused

    family = backends().get(backend)
    refusals = [drums_refused(seed.song, 0, family) for seed in seeds] if family is not None else [None]
    return refusals[0] if all(refusals) else None


def main(argv: list[str] | None = None) -> int:
    from musicstudio.generators.corpus import load_corpus
    from musicstudio.generators.registry import ModelRegistry

    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    seeds = pick_seeds(file_seeds(shipped_midi_files()), corpus_seeds(load_corpus(args.corpus)), args.seeds)
    registry = ModelRegistry()
    wanted = [m for m in args.models.split(",") if m]
    infos = [i for i in registry.models() if not wanted or i.name in wanted]
    results, open_results = [], []
    for info in infos:
        refusal = _refused(info.backend, seeds)
        if refusal:   # as the CLI would: a drum family is never given a bass line
            print(f"{info.name:<16} {info.backend:<14} left out: {refusal}", flush=True)
            continue
        generator = registry.load(info.folder, "cpu")
        results.append(evaluate(generator, seeds, info.name, info.backend))
        if args.open_range:
            open_results.append(evaluate(generator, seeds, info.name, info.backend, open_range=True))
        r = results[-1]
        print(f"{info.name:<16} {info.backend:<14} seeds {r.seeds:>3}  take notes {r.notes:>6}  inside seed range "
              f"+-{MARGIN}: {_percent(r.share)}" + (f"  (--range 0-127: {_percent(open_results[-1].share)})"
                                                    if open_results else ""), flush=True)
        registry.forget()
    corpus = Path(args.corpus).resolve()
    shown = corpus.relative_to(Path.cwd()) if corpus.is_relative_to(Path.cwd()) else corpus
    text = markdown(results, seeds, shown, time.perf_counter() - started, open_results)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
