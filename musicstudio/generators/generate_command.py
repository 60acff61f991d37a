"""``musicstudio generate``: continue a MIDI seed with a model (``musicstudio models`` lists them:
:mod:`.models_command`).

The output MIDI file is the whole seed song, every track, with the first take in place right after the
seed on a track of its own; each other take is the same song in a file of its own (``OUT-take2.mid`` ...),
so no two takes ever sound at once (:mod:`~musicstudio.generators.take_files`). ``--fill 5-8 --track N``
makes those bars of the track again in place, hearing both sides with a model that fills (:mod:`.fill_command`).

A VAE model has modes of its own (``--mode``): ``sample`` (phrases from the prior, no seed needed),
``vary`` (takes around the seed's last 2 bars), ``interpolate`` (from the seed to ``--seed-b`` in
``--steps`` phrases, one after another, one track each) and ``slide`` (the seed re-decoded with ``--slider NAME=VALUE``
moved; ``--slider list`` prints the sliders and the seed's coordinates).

A GAN model follows a chord progression (``--chords "C Am F G"``, one chord a bar; without it, the seed's own
chords) and keeps a melody seed's continuation to one line (``--texture auto|melody|chords``); with ``--chords``
it needs no seed. ``--add-drums``, ``--harmonize``, ``--add-part``: new tracks beside the song's (:mod:`.new_tracks`).

``--track all --voices``: the seed file's parts stay separate tracks, and each take is dealt out to them voice by
voice (:func:`~musicstudio.core.voices.continue_voices`), one track per part and take, each with its part's
instrument, so a chorale continues in its four parts (a take's tracks in its own file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from musicstudio.core.clip import Clip
from musicstudio.core.feel import AUTO
from musicstudio.core.key_finding import song_key
from musicstudio.core.scale import MODES as SCALES
from musicstudio.core.scale import Scale, parse_scale
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators import fill_command, model_choice, new_tracks
from musicstudio.generators.argument_types import feel, pitch_range
from musicstudio.generators.backends import UnknownBackend, backend_named
from musicstudio.generators.capabilities import ChordFollower, DrumWriter, LatentModel
from musicstudio.generators.checkpoint import CheckpointError, read_config
from musicstudio.generators.controls import arguments as control_arguments
from musicstudio.generators.fitting import fit_request
from musicstudio.generators.interface import GenerationError, GenerationRequest
from musicstudio.generators.seed_plan import drums_refused, meter_refused, seed_register, take_meter
from musicstudio.generators.take_files import take_files_line, take_path, with_take

MODES = ("continue", "sample", "vary", "interpolate", "slide")
VAE_MODES = MODES[1:]

HOT_TEMPERATURE = 2.0     # above it, sampling is close to uniform: a warning, not a refusal


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="musicstudio generate", description="Continue a MIDI seed with a model.")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--backend", help="markov, lstm, ...: the installed model of that backend")
    which.add_argument("--model", help="a model name (see: musicstudio models) or a model folder")
    p.add_argument("--seed", metavar="IN.mid", help="the phrase to continue (.mid or .msproj); needed except "
                   "with --mode sample")
    p.add_argument("--mode", default="continue", choices=MODES,
                   help="continue (default, any model); with a VAE also sample, vary, interpolate, slide")
    p.add_argument("--seed-b", metavar="B.mid", help="interpolate: the phrase to arrive at")
    p.add_argument("--steps", type=int, default=8, help="interpolate: phrases from A to B, both included (default 8)")
    p.add_argument("--slider", action="append", default=[], metavar="NAME=VALUE",
                   help="slide: move a slider to VALUE (repeatable); 'list' shows them")
    p.add_argument("--amount", type=float, default=0.5, help="vary: how far from the seed (default 0.5)")
    p.add_argument("--chords", metavar="PROGRESSION",
                   help="GAN: chords to follow, one a bar, repeated, e.g. 'C Am F G' (default: the seed's own)")
    p.add_argument("--texture", default="auto", choices=("auto", "melody", "chords"),
                   help="GAN: one line (melody), several voices (chords), or as the seed (auto, default)")
    p.add_argument("--out", required=True, metavar="OUT.mid", help="where to write the seed and the takes")
    p.add_argument("--force", action="store_true",
                   help="overwrite OUT even if another program wrote it while this command ran (without it, "
                        "the command refuses, exit code 3)")
    p.add_argument("--track", default=None, metavar="N",
                   help="which track of the seed file (1 = first; default the first with notes), or 'all': "
                        "every pitched track merged (a chorale in four tracks seeds four voices)")
    p.add_argument("--voices", action="store_true",
                   help="with --track all: keep the seed's parts as tracks and deal each take out to them voice by "
                        "voice (a track per part and take)")
    p.add_argument("--seed-bars", type=int, default=None, metavar="N", help="use only the last N bars of the seed")
    p.add_argument("--bars", type=int, default=4, help="bars to generate (default 4)")
    fill_command.add_argument(p)     # --fill 5-8: those bars of --track again, in place
    new_tracks.add_arguments(p)
    control_arguments.add_arguments(p)   # --density (shared with --add-drums), --polyphony
    p.add_argument("--variations", type=int, default=4, help="takes to make (default 4)")
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--top-p", type=float, default=1.0, help="nucleus sampling, 0 < p <= 1 (default 1: off)")
    p.add_argument("--random-seed", type=int, default=0, help="the same seed gives the same takes (default 0)")
    p.add_argument("--key", help="lock pitches to a key's scale: 'D minor', 'F#m', 'Bb', 'f#' (minor), 'D dorian', "
                   "'A melodic minor' (a minor key locks to harmonic minor; scales: " + ", ".join(SCALES) + "), or "
                   "'song' for the seed file's key (its notes' key where they disagree with its signature)")
    p.add_argument("--range", type=pitch_range, default=None, metavar="LOW-HIGH|low|mid|high",
                   help="pitch range in MIDI numbers or note names: 48-84, C3-C6, 0-127 for any, or a register: "
                        "low C2-B3, mid E3-E5, high G4-G6 (default: the "
                        "seed's register, 5 semitones beyond its lowest and highest notes, so a bass line stays "
                        "a bass line)")
    p.add_argument("--swing", type=feel, default=AUTO, metavar="auto|off|RATIO",
                   help="the takes' feel: auto (default: the seed's swing, straightened for the model and given "
                        "back to the takes), off (the seed as it is, the takes as the model writes them), or a "
                        "swing: where the off-beat 8th falls in its pair, 50 (straight) to 75, e.g. 60, 0.6, triplet")
    p.add_argument("--device", default="auto", help="auto|cpu|cuda|mps")
    p.add_argument("--models-dir", action="append", default=[], metavar="DIR", help="also look for models here")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    return p


def _pick_model(registry, args) -> str:
    if args.model:
        return args.model
    models = registry.models()
    candidates = [m for m in models if m.backend == args.backend]
    if not candidates:
        try:
            backend_named(args.backend)
        except UnknownBackend as e:
            named = any(args.backend in (m.name, m.folder.name) for m in models)
            hint = f"{args.backend} is a model: give --model {args.backend}" if named else \
                "a model's name goes with --model (see: musicstudio models)"
            raise ValueError(f"{e}; {hint}") from None
        raise ValueError(f"no {args.backend} model is installed (see: musicstudio models)")
    exact = [m for m in candidates if m.name == args.backend]
    return (exact or candidates)[0].name


def _seed_clip(song, args, drums_first: bool = False) -> tuple[Clip, Track, int, int | None]:
    """The seed, the track it comes from (every track merged for ``--track all``), where it starts, and
    the index of its track (None for ``--track all``), planned as the app plans it
    (:func:`~musicstudio.generators.seed_plan.plan_seed`: the song's bars)."""
    from musicstudio.generators.seed_plan import plan_seed

    pitched = [k for k, t in enumerate(song.tracks) if not t.is_drum and t.notes]
    drums = [k for k, t in enumerate(song.tracks) if t.is_drum and t.notes]
    if args.track != "all" and args.track is not None:
        number = int(args.track) if str(args.track).isdigit() else None
        if number is None or not 1 <= number <= len(song.tracks):
            raise ValueError(f"the seed file has {len(song.tracks)} tracks, so there is no track {args.track} "
                             "(give a number from 1, or 'all')")
        index = number - 1
    elif pitched or drums:
        # a file of drums alone: the model's family says whether it can; a drum model takes the drums first
        index = ((drums or pitched) if drums_first else (pitched or drums))[0]
    else:
        raise ValueError("the seed file has no notes to continue")
    if args.seed_bars is not None and args.seed_bars < 1:
        raise ValueError("--seed-bars must be at least 1")
    source = "every track" if args.track == "all" else "track"   # a VAE's phrases to move are whole bars
    plan = plan_seed(song, index, source, "continue", seed_bars=args.seed_bars,
                     whole_bars=getattr(args, "mode", "continue") in ("interpolate", "slide"))
    track = song.tracks[index]
    if args.track == "all":
        return plan.seed, Track("Seed", track.program, False, song.pitched_notes()), plan.seed_start, None
    return plan.seed, track, plan.seed_start, index


def _seed_parts(song, seed: Clip, start: int) -> list[tuple[Track, tuple]]:
    """``--voices``: each pitched track of the seed file with its notes in the seed's window."""
    parts = []
    for t in song.tracks:
        notes = tuple(n.moved_by(ticks=-start) for n in t.notes if start <= n.start < start + seed.length)
        if not t.is_drum and notes:
            parts.append((t, notes))
    if len(parts) < 2:
        raise ValueError("--voices needs a seed in two parts or more (its tracks, with --track all)")
    return parts


def _voice_tracks(parts, seed: Clip, takes, model: str, at: int) -> list[list[Track]]:
    """``--voices``: each take dealt out to the seed's parts, a track per part, starting at tick ``at``."""
    from musicstudio.core.voices import continue_voices, lines_of, most_at_once

    order, last = zip(*lines_of([notes for _, notes in parts]))
    names = [t.name or f"Part {k + 1}" for k, (t, _) in enumerate(parts)]
    per_take = []
    for take in takes:
        if most_at_once(take.notes) > 1:
            lines = continue_voices(take.notes, last)
        else:   # one line goes whole to the part it starts nearest
            nearest = min(range(len(last)), key=lambda k: abs(take.notes[0].pitch - last[k])) if take.notes else 0
            lines = [list(take.notes) if k == nearest else [] for k in range(len(last))]
        by_part = dict(zip(order, lines))
        per_take.append([Track(f"{model} take {take.variation + 1}: {names[k]}", t.program, False,
                               tuple(n.moved_by(ticks=at) for n in by_part[k])) for k, (t, _) in enumerate(parts)])
    return per_take


def _slider_values(generator, specs: list[str]) -> dict[str, float]:
    values = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or name not in generator.slider_names:
            raise ValueError(f"a slider is NAME=VALUE with NAME one of {', '.join(generator.slider_names)}, "
                             f"not {spec!r}")
        try:
            values[name] = float(value)
        except ValueError:
            raise ValueError(f"{spec!r}: the value must be a number, e.g. {name}=1.5") from None
    return values


def _vae_edit(generator, song, seed: Clip, track: Track, at: tuple[int, int | None], args, guard) -> int:
    """``--mode interpolate`` and ``--mode slide``: phrases from the VAE's latent space, one track each,
    one after another after the seed (``at``: where the seed starts, and its track) in the song."""
    from musicstudio.io.files import open_song

    meter = take_meter(song, at[0])     # the phrases are in the song's meter where the seed starts
    if args.mode == "interpolate":
        if not args.seed_b:
            raise ValueError("--mode interpolate needs --seed-b B.mid, the phrase to arrive at")
        other = open_song(Path(args.seed_b)).song
        b, _, _, _ = _seed_clip(other, argparse.Namespace(track=None, seed_bars=args.seed_bars, mode=args.mode))
        phrases = generator.interpolate(seed, b, args.steps, meter)
        names = [f"{generator.name} step {k + 1} of {len(phrases)}" for k in range(len(phrases))]
        length = max(seed.length, b.length)
    else:
        if args.slider == ["list"] or not args.slider:
            for name, value in generator.sliders_for(seed, meter).items():
                print(f"{name:>20} {value:+.2f}")
            return 0
        values = _slider_values(generator, args.slider)
        phrases = [generator.move_sliders(seed, values, meter)]
        names = [f"{generator.name} " + ", ".join(f"{k}={v:+g}" for k, v in values.items())]
        length = seed.length
    start, index = at
    tracks = [Track(name, track.program, False, tuple(n.moved_by(ticks=start + seed.length + k * length)
                                                      for n in notes))
              for k, (name, notes) in enumerate(zip(names, phrases))]
    if _write_out(with_take(song, tracks, index), args.out, guard):
        return 3
    counts = ", ".join(str(len(p)) for p in phrases)
    print(f"{args.out}: seed ({len(seed.notes)} notes) + {len(phrases)} phrases from {generator.name} "
          f"({args.mode}; notes per phrase: {counts})")
    return 0


def _write_out(song: Song, path: Path, guard) -> int:
    """Save ``path``: 0, or 3, said in one line on stderr, when it could not be written or another program
    wrote it while this command ran (:class:`~musicstudio.io.output_guard.OutputGuard`; ``--force`` overwrites)."""
    from musicstudio.io.errors import MusicFileError
    from musicstudio.io.files import save_song

    try:
        with guard.writing():
            save_song(song, Path(path))
    except MusicFileError as e:
        print(f"musicstudio generate: {e}", file=sys.stderr)
        return 3
    return 0


def _request(args, song: Song, seed: Clip, start: int = 0) -> GenerationRequest:
    """The request for a seed that starts at tick ``start`` of ``song``: ``--bars`` bars of the song's meter
    where the seed ends."""
    key = (Scale.of_key(song_key(song)) if args.key == "song" else parse_scale(args.key)) if args.key else None
    options = {"mode": args.mode, "amount": args.amount} if args.mode in ("sample", "vary") else {}
    if args.chords:
        options["chords"] = args.chords
    if args.texture != "auto":
        options["texture"] = args.texture
    options.update(control_arguments.options(args))
    return GenerationRequest(seed=seed, bars=args.bars, variations=args.variations, temperature=args.temperature,
                             top_p=args.top_p, random_seed=args.random_seed, key=key,
                             pitch_range=args.range or seed_register(seed) or (0, 127),
                             options=options, meter=take_meter(song, start + seed.length))


def _check_family(info, args) -> None:
    """A ValueError when the options asked for are not the model's (the VAE's modes, the GAN's chords) or
    cannot be read (a chord): said from the model's config, before its network loads."""
    family = info.family
    control_arguments.check(info, args)
    if args.mode in VAE_MODES and not family.can(LatentModel):
        raise ValueError(f"--mode {args.mode} needs a VAE model (one with a latent space); {info.name} is "
                         f"{info.backend}")
    if args.chords or args.texture != "auto":
        if not family.can(ChordFollower):
            raise ValueError(f"--chords and --texture need a GAN model (one that follows chords); "
                             f"{info.name} is {info.backend}")
        family.read_options({"chords": args.chords or "", "texture": args.texture})
        if refusal := family.options.texture_refused(info.name, read_config(info.folder), args.texture):
            raise ValueError(refusal)


def _warn(args) -> None:
    """Options that run but rarely make music: one line each on stderr."""
    if args.temperature > HOT_TEMPERATURE:
        print(f"musicstudio generate: warning: --temperature {args.temperature:g} is above {HOT_TEMPERATURE:g}, "
              "where the takes come out close to random (clusters of many notes at once); 0.7 to 1.3 is "
              "the usual range", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Exit codes: 0 written, 2 usage, 3 bad input (seed file, model) or an OUT that another program wrote
    while the command ran (not overwritten without ``--force``), 1 internal error."""
    from musicstudio.generators.devices import DeviceError
    from musicstudio.generators.registry import ModelRegistry, model_info
    from musicstudio.io.errors import MusicFileError
    from musicstudio.io.files import open_song
    from musicstudio.io.output_guard import OutputGuard

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if (command := new_tracks.asked(args)) is not None:
        return command.main(args)
    # every file the command may write, as it was when the command started
    guards = [OutputGuard.watch(take_path(args.out, v), args.force) for v in range(max(1, args.variations))]
    _warn(args)
    try:
        if args.seed is None and args.mode != "sample" and not args.chords:
            raise ValueError("--seed IN.mid is needed (only --mode sample, or a GAN with --chords, works "
                             "without one)")
        registry = ModelRegistry()
        for folder in args.models_dir:
            registry.add_folder(folder)
        info = model_info(registry.resolve(_pick_model(registry, args)))
        _check_family(info, args)     # every mistake in the command is said before the model loads
        if args.seed is not None:   # a family that writes drums takes the song's drum track first
            song = open_song(Path(args.seed)).song
            seed, track, start, index = _seed_clip(song, args, info.family.can(DrumWriter))
        else:
            song, track, start, index, seed = Song(), Track("Seed", 0, False, ()), 0, None, Clip((), 0)
        info = model_choice.for_seed(info, seed.notes, registry.models(), bool(args.model), model_choice.told)
        if args.voices and args.track != "all":
            raise ValueError("--voices deals takes out to the seed's parts: give --track all too")
        parts = _seed_parts(song, seed, start) if args.voices else []
        request, fill = fill_command.planned(song, index, info, args, _request(args, song, seed, start))
        refusal = (drums_refused(song, index, info.family) if args.seed is not None else None) or \
            meter_refused(info.family, request.meter, info)
        if refusal:
            raise ValueError(refusal)
        generator = registry.load(info.folder, args.device)
        if args.mode in ("interpolate", "slide"):
            return _vae_edit(generator, song, seed, track, (start, index), args, guards[0])
    except (ValueError, DeviceError) as e:
        print(f"musicstudio generate: {e}", file=sys.stderr)
        return 2
    except (MusicFileError, CheckpointError) as e:
        print(f"musicstudio generate: {e}", file=sys.stderr)
        return 3

    def progress(done: float) -> None:
        if not args.quiet:
            print(f"\r{generator.name}: {done:4.0%}", end="", file=sys.stderr, flush=True)

    fitted = fit_request(request, info.family, args.swing, model_choice.grid_ticks(info))   # as the model hears it
    try:
        takes = fitted.takes(generator.generate(fitted.request, progress))
    except GenerationError as e:
        print(f"\nmusicstudio generate: {e}", file=sys.stderr)
        return 3
    if not args.quiet:
        print(file=sys.stderr)
    if fill is not None:      # the takes in place of the bars
        return fill.write(song, takes, generator, args, guards, _write_out)
    return _write_takes(song, (seed, track, start + seed.length, index), parts, takes, generator, args, guards,
                        (request.meter, fitted.summary))


def _write_takes(song: Song, placing, parts, takes, generator, args, guards, said) -> int:
    """Each take in its own copy of the song, right after the seed (``placing``: the seed, its track, where
    it ends in the song, the track's index), and a line that says so (``said``: the meter, and what the
    feel did); 0, or 3 when a file could not be written."""
    (seed, track, at, index), (meter, feel) = placing, said
    if parts:
        per_take = _voice_tracks(parts, seed, takes, generator.name, at)
    else:
        per_take = [[Track(f"{generator.name} take {t.variation + 1}", track.program, track.is_drum,
                           tuple(n.moved_by(ticks=at) for n in t.notes))] for t in takes]
    for take, take_tracks, guard in zip(takes, per_take, guards):
        if _write_out(with_take(song, take_tracks, index), take_path(args.out, take.variation), guard):
            return 3
    counts = ", ".join(str(len(t.notes)) for t in takes)
    print(f"{args.out}: {len(takes)} takes of {args.bars} bars of {meter[0]}/{meter[1]} from "
          f"{generator.name} on {generator.device} "
          f"after the seed ({len(seed.notes)} notes; notes per take: {counts}{'; ' + feel if feel else ''}); "
          f"{take_files_line(args.out, len(takes))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
