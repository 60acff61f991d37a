"""``musicstudio saliency --seed SEED.mid --take OUT.mid --model lstm [--track N] [--method M] --png OUT.png``:
which notes of a seed shaped a take, as a picture (:mod:`musicstudio.generators.saliency.picture`) and a line per note.

The seed is planned as ``musicstudio generate`` plans it (the track's notes, from a bar line); the take is the
track ``generate`` put right after the seed's track in OUT.mid (the one track that the seed file does not
have), or, when OUT.mid has no new track, the same track from the seed's end on. Exit codes: 0 done, 2 a
usage error, 3 bad input (a file that cannot be read, a model that cannot give gradients, damaged notes).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_USAGE, EXIT_BAD_INPUT = 0, 2, 3


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="musicstudio saliency",
                                description="Tint a seed's notes by how much each shaped a take.")
    p.add_argument("--seed", required=True, type=Path, help="the seed MIDI file")
    p.add_argument("--take", required=True, type=Path, help="the MIDI file musicstudio generate wrote")
    p.add_argument("--model", default="lstm", help="the model that made the take (lstm, infill, vae ...)")
    p.add_argument("--track", type=int, default=None, metavar="N", help="the seed's track (1 = first; default "
                                                                          "the first with notes)")
    p.add_argument("--method", choices=("ig+copy", "ig", "gradxinput+copy", "gradxinput"), default="ig+copy",
                   help="integrated gradients note by note (ig) or gradient x input (one pass, rougher); '+copy' "
                        "(the default) adds what a model's copy cache copied from each note (infill)")
    p.add_argument("--png", type=Path, help="write the picture here")
    return p


def _seed_and_take(seed_song, take_song, track: int | None):
    """(seed clip, where it starts, take clip from the seed's end, meter) the files hold."""
    from musicstudio.core.clip import Clip
    from musicstudio.generators.seed_plan import plan_seed, take_meter

    pitched = [k for k, t in enumerate(seed_song.tracks) if t.notes and not t.is_drum]
    if track is not None and not 1 <= track <= len(seed_song.tracks):
        raise ValueError(f"the seed file has {len(seed_song.tracks)} tracks, so there is no track {track}")
    if track is None and not pitched:
        raise ValueError("the seed file has no pitched notes")
    index = track - 1 if track is not None else pitched[0]
    plan = plan_seed(seed_song, index, "track", "continue")
    end = plan.seed_start + plan.seed.length
    known = {t.notes for t in seed_song.tracks}
    added = [t for t in take_song.tracks if t.notes not in known and t.notes]
    source = added[0] if added else take_song.tracks[min(index, len(take_song.tracks) - 1)]
    notes = tuple(n.moved_by(ticks=-end) for n in source.notes if n.start >= end)
    if not notes:
        raise ValueError(f"the take file has no notes after the seed's end (tick {end})")
    meter = take_meter(seed_song, end)
    bar = seed_song.meter.signature_at(end).bar_ticks
    length = -(-max(n.end for n in notes) // bar) * bar
    return plan.seed, plan.seed_start, Clip(notes, length), meter


def run(args: argparse.Namespace) -> int:
    from musicstudio.generators.checkpoint import CheckpointError
    from musicstudio.generators.registry import ModelRegistry
    from musicstudio.generators.saliency.saliency import SaliencyError, attribute
    from musicstudio.io.errors import MusicFileError
    from musicstudio.io.midi_read import import_midi

    try:
        seed_song, take_song = import_midi(args.seed).song, import_midi(args.take).song
        seed, start, take, meter = _seed_and_take(seed_song, take_song, args.track)
        found = attribute(ModelRegistry().load(args.model, "cpu"), seed, take, meter, args.method)
    except (MusicFileError, CheckpointError, SaliencyError, ValueError) as e:
        print(f"musicstudio saliency: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for n, score, read in sorted(zip(found.notes, found.scores, found.read), key=lambda r: -r[1]):
        where = f"tick {n.start + start}" + ("" if read else " (not read by the model)")
        print(f"pitch {n.pitch:3d} at {where}: {score:+.3f}")
    if args.png:
        from musicstudio.generators.saliency.picture import saliency_png
        saliency_png(found, take, args.png, seed.length, meter)
        print(f"{args.png}: the seed's {len(seed.notes)} notes tinted by {found.model} ({found.method})")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
