"""``musicstudio eval MODEL [--data test|valid|DIR]``: how good is a model, in numbers and pictures.

1. **Likelihood** (token models): cross-entropy per step and per note, perplexity, next-step and
   note-onset accuracy on the held-out sequences, in the model's own codec.
2. **Continuations**: for up to ``--samples`` held-out phrases of at least 12 bars, the first 4 bars are
   the seed and the model writes the next 8 (temperature 1.0, one take, random seed = the phrase's
   number); the true next 8 bars are the reference. Yang & Lerch overlapping areas and KL, the musical
   statistics (pitch-class entropy, scale consistency, groove, empty beats, polyphony, MuseGAN's EB, UPC,
   QN) of both sets side by side.
3. **Free samples** from an empty seed, with the same statistics.
4. **Novelty**: the longest span of each continuation copied bar for bar from the training split, and
   the cosine similarity of style vectors to the training music.
5. **Audio**: energy and mean level of FluidSynth renders of generated and held-out phrases.
6. **Pictures**: a sample's piano roll, pitch / step / duration histograms, the model's loss curves.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.backends import backend_named
from musicstudio.generators.capabilities import NoteLikelihood, Scorer
from musicstudio.generators.interface import BAR, GenerationRequest

SEED_BARS, CONTINUATION_BARS = 4, 8
STAT_NAMES = ("pitch_class_entropy", "scale_consistency", "groove_consistency", "empty_beat_rate", "polyphony",
              "total_note_count", "pitch_range")


def phrase_of(tracks, phrases) -> tuple[Note, ...]:
    """What a model of this codec would see of a piece: a melody model the first pitched track that fits
    its range (moved by whole octaves where that helps), an events model every pitched note."""
    from musicstudio.generators.codecs.grid import on_grid
    from musicstudio.generators.codecs.melody import monophonic

    pitched = [t for t in tracks if not t.is_drum and t.notes]
    if not pitched:
        return ()
    if phrases is not None and phrases.is_melody:
        low, high = phrases.codec.low, phrases.codec.high
        for t in pitched:
            line = monophonic(on_grid(t.notes))
            lo, hi = min(n.pitch for n in line), max(n.pitch for n in line)
            for shift in (0, 12, -12, 24, -24):
                if low <= lo + shift and hi + shift <= high:
                    return tuple(n._replace(pitch=n.pitch + shift) for n in line)
        return ()
    return on_grid(tuple(n for t in pitched for n in t.notes))


def window(notes, first_bar: int, bars: int) -> tuple[Note, ...]:
    start, end = first_bar * BAR, (first_bar + bars) * BAR
    return tuple(n._replace(start=n.start - start, duration=min(n.end, end) - n.start)
                 for n in notes if start <= n.start < end)


def held_out(args, corpus, phrases) -> list[tuple[str, tuple[Note, ...], str]]:
    """(name, notes, meter class) of each held-out phrase: a corpus split or a folder of MIDI files."""
    out = []
    data = Path(args.data)
    if data.is_dir():
        from musicstudio.io.errors import MusicFileError
        from musicstudio.io.files import open_song
        for path in sorted(p for p in data.rglob("*") if p.suffix.lower() in (".mid", ".midi")):
            try:
                song = open_song(path).song
            except MusicFileError as e:
                print(f"musicstudio eval: skipping {e}", file=sys.stderr)
                continue
            meter = song.time_signatures[0]
            out.append((path.name, phrase_of(song.tracks, phrases),
                        "bar" if (meter.numerator, meter.denominator) in ((4, 4), (2, 4)) else "other"))
        return out
    if args.data not in ("test", "valid"):
        raise ValueError(f"--data is 'test', 'valid' or a folder of MIDI files, not {args.data!r}")
    for info in corpus.select(args.data):
        piece = corpus.piece(info.id)
        out.append((info.id, phrase_of(piece.tracks, phrases), info.meter_class))
    return out


def likelihood(generator, codec_sequences) -> dict:
    """The likelihood figures of (tokens, meter) sequences, each starting on a bar line of its meter."""
    from musicstudio.generators.evaluation.likelihood import likelihood_report

    log_p, top, onsets = [], [], []
    for tokens, meter in codec_sequences:
        lp, t = generator.score(tokens, meter)
        log_p.append(lp)
        top.append(t)
        onsets.append(generator.phrases.onsets(tokens))
    return likelihood_report(np.concatenate(log_p), np.concatenate(onsets), np.concatenate(top))


def statistics(phrases_: list) -> dict:
    if not phrases_:
        return {}
    from musicstudio.generators.evaluation.features import phrase_features
    from musicstudio.generators.evaluation.musegan import musegan_metrics

    feats = [phrase_features(p, length=CONTINUATION_BARS * BAR) for p in phrases_]
    out = {name: _mean([f[name] for f in feats]) for name in STAT_NAMES}
    mg = [musegan_metrics({"take": p}, length=CONTINUATION_BARS * BAR)["tracks"]["take"] for p in phrases_]
    for name in ("EB", "UPC", "QN"):
        out[name] = _mean([m[name] for m in mg])
    return out


CONSTRAINT_SEEDS = 25
LOCK_RANGE = (55, 79)   # G3 to G5


def constraints(generator, seeds: list) -> dict:
    """Key lock and pitch range, and the same request giving the same takes, over held-out ``seeds``.

    Seed ``i`` is continued for the report's 8 bars in 4 variations with the key locked to one of the major
    and minor keys from six flats to six sharps in turn (most of them foreign to the seed: the hard case)
    and the pitch range G3-G5; the request is made again with the same random seed and compared note for
    note."""
    from musicstudio.core.key import Key

    pitches = in_scale = in_range = identical = 0
    for i, notes in enumerate(seeds):
        key = Key(i % 13 - 6, bool(i % 2))  # six flats to six sharps, major and minor
        request = GenerationRequest(seed=Clip(tuple(notes), SEED_BARS * BAR), bars=CONTINUATION_BARS,
                                    variations=4, random_seed=100 + i, key=key, pitch_range=LOCK_RANGE)
        takes = generator.generate(request)
        again = generator.generate(request)
        identical += [t.notes for t in takes] == [t.notes for t in again]
        for take in takes:
            for n in take.notes:
                pitches += 1
                in_scale += key.contains(n.pitch)
                in_range += LOCK_RANGE[0] <= n.pitch <= LOCK_RANGE[1]
    return {"requests": len(seeds), "variations_each": 4, "pitches": pitches,
            "in_scale_share": in_scale / pitches if pitches else float("nan"),
            "in_range_share": in_range / pitches if pitches else float("nan"),
            "identical_when_repeated": f"{identical}/{len(seeds)}"}


def _mean(values) -> float:
    values = [v for v in values if not np.isnan(v)]
    return float(np.mean(values)) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="musicstudio eval", description="Evaluate a model; write JSON, Markdown "
                                "and pictures.")
    p.add_argument("model", help="a model name or folder")
    p.add_argument("--data", default="test", help="test (default), valid, or a folder of MIDI files")
    p.add_argument("--samples", type=int, default=100, help="held-out seeds to continue (default 100)")
    p.add_argument("--free", type=int, default=20, help="free samples from an empty seed (default 20)")
    p.add_argument("--out", metavar="DIR", help="report folder (default docs/eval/MODEL)")
    p.add_argument("--corpus", default="cache/corpus", metavar="DIR", help="corpus cache (for splits, training)")
    p.add_argument("--device", default="auto")
    p.add_argument("--no-audio", action="store_true", help="skip the FluidSynth renders")
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    from musicstudio.generators.checkpoint import CheckpointError
    from musicstudio.generators.corpus_store import CorpusCacheError
    from musicstudio.generators.registry import ModelRegistry
    try:
        generator = ModelRegistry().load(args.model, args.device)
        from musicstudio.generators.corpus import load_corpus
        corpus = load_corpus(args.corpus)
        report = evaluate(generator, corpus, args)
    except (CheckpointError, CorpusCacheError, ValueError, FileNotFoundError) as e:
        print(f"musicstudio eval: {e}", file=sys.stderr)
        return 3
    print(report)
    return 0


def evaluate(generator, corpus, args) -> Path:
    from musicstudio.generators.evaluation.overlap import compare_sets, mean_oa
    from musicstudio.generators.evaluation.report import write_report
    from musicstudio.generators.registry import ModelRegistry

    started = time.monotonic()
    folder = ModelRegistry().resolve(args.model)
    out = Path(args.out) if args.out else Path("docs") / "eval" / generator.name
    out.mkdir(parents=True, exist_ok=True)
    phrases = getattr(generator, "phrases", None)

    def log(message: str) -> None:
        print(f"{generator.name}: {message}", file=sys.stderr, flush=True)

    metrics: dict = {"model": generator.name, "backend": generator.backend, "data": args.data}
    held = held_out(args, corpus, phrases)
    figures = held_out_likelihood(generator, folder, corpus, held, args, log)
    if figures is not None:
        metrics["likelihood"] = figures
    chosen, seeds, generated, reference = continuations(generator, held, args.samples, log)
    log(f"{args.free} free samples ...")
    free = [t.notes for t in generator.generate(GenerationRequest(seed=Clip((), 0), bars=CONTINUATION_BARS,
                                                                  variations=max(1, args.free), random_seed=7))]
    if chosen:
        log("constraints: key lock, pitch range and repeatability ...")
        metrics["constraints"] = constraints(generator, seeds[:CONSTRAINT_SEEDS])
    if not chosen:
        log("no held-out phrase has 12 bars in 4/4 or 2/4: no continuation statistics")
    comparison = compare_sets(generated, reference)
    free_comparison = compare_sets(free, reference)
    metrics["continuations"] = {
        "seeds": len(chosen), "mean_overlap_area": mean_oa(comparison), "mean_kl": mean_oa(comparison, "kl"),
        "generated": statistics(generated), "held_out": statistics(reference),
        "overlap_by_feature": {k: {"oa": v["oa"], "kl": v["kl"]} for k, v in comparison.items()}}
    metrics["free_samples"] = {"samples": len(free), "mean_overlap_area": mean_oa(free_comparison),
                               "generated": statistics(free)}
    if chosen:
        gen_sc = metrics["continuations"]["generated"]["scale_consistency"]
        ref_sc = metrics["continuations"]["held_out"]["scale_consistency"]
        metrics["continuations"]["scale_consistency_gap"] = abs(gen_sc - ref_sc)
    log("indexing the training split for novelty ...")
    metrics["novelty"] = novelty(corpus, phrases, generated, reference)
    if not args.no_audio:
        log("rendering audio ...")
        metrics["audio"] = audio_levels(generated, reference)
    pics = pictures_of(generator.name, folder, out, seeds, generated, reference)
    metrics["seconds"] = round(time.monotonic() - started, 1)
    _, md = write_report(out, generator.name, metrics, pics)
    log(f"report in {md} ({metrics['seconds']:.0f} s)")
    return md


def held_out_likelihood(generator, folder: Path, corpus, held, args, log) -> dict | None:
    """The likelihood section: a model's own per-note figures, or a token model's scores on the held-out
    sequences in its codec; None for a model that declares neither."""
    family = backend_named(generator.backend)
    if family.can(NoteLikelihood):  # a model with figures of its own (lstm-notes: per note)
        log(f"likelihood on {len(held)} held-out phrases ...")
        meters = {p.id: tuple(p.meter) for p in corpus.select(args.data)} if args.data in ("test", "valid") else {}
        return generator.likelihood([(n, meters.get(name, (4, 4))) for name, n, _ in held if n])
    if not family.can(Scorer):
        return None
    phrases = generator.phrases
    if args.data in ("test", "valid"):  # the sequences the model was validated on, from the other split
        from musicstudio.generators.checkpoint import read_config
        from musicstudio.generators.training.data import DataConfig, metered_sequences
        data = DataConfig.from_dict(read_config(folder).get("data") or {})
        sequences = metered_sequences(corpus, args.data, phrases.codec, data, augment=False)
    else:   # MIDI files: scored as 4/4
        sequences = [(phrases.codec.encode(n), (4, 4)) for _, n, _ in held if n]
    log(f"likelihood on {len(sequences)} held-out sequences ...")
    return likelihood(generator, sequences)


def continuations(generator, held, samples: int, log) -> tuple[list, list, list, list]:
    """Up to ``samples`` held-out phrases of 12 bars in 4/4 or 2/4: their first 4 bars continued for 8
    (one take, random seed = the phrase's number). (chosen, seeds, generated, the true next 8 bars)."""
    long_enough = [(name, n) for name, n, meter in held
                   if meter == "bar" and n and max(x.start for x in n) >= (SEED_BARS + CONTINUATION_BARS - 1) * BAR]
    chosen = long_enough[::max(1, len(long_enough) // samples)][:samples]
    log(f"continuing {len(chosen)} held-out seeds ({SEED_BARS} bars -> {CONTINUATION_BARS} bars) ...")
    seeds, generated, reference = [], [], []
    for i, (_, notes) in enumerate(chosen):
        seed = Clip(window(notes, 0, SEED_BARS), SEED_BARS * BAR)
        take = generator.generate(GenerationRequest(seed=seed, bars=CONTINUATION_BARS, variations=1,
                                                    random_seed=i))[0]
        seeds.append(seed.notes)
        generated.append(take.notes)
        reference.append(window(notes, SEED_BARS, CONTINUATION_BARS))
    return chosen, seeds, generated, reference


def novelty(corpus, phrases, generated, reference) -> dict:
    """How much of each continuation is copied bar for bar from the training split, and how alike in
    style the continuations are to the training music."""
    from musicstudio.generators.evaluation.novelty import TrainingIndex, training_similarity

    index = TrainingIndex()
    training = []
    for info in corpus.select("train"):
        notes = phrase_of(corpus.piece(info.id).tracks, phrases)
        if notes:
            index.add(notes)
            training.append(notes)
    copies = [index.longest_copy(g, CONTINUATION_BARS * BAR).bars for g in generated]
    sample = training[::max(1, len(training) // 2000)]
    similar = [training_similarity(g, sample) for g in generated[:50]]
    return {
        "longest_copied_bars_mean": float(np.mean(copies)) if copies else float("nan"),
        "longest_copied_bars_max": int(max(copies, default=0)),
        "samples_copying_at_most_2_bars": int(sum(c <= 2 for c in copies)),
        "samples": len(copies),
        "held_out_copying_at_most_2_bars": int(sum(index.longest_copy(r, CONTINUATION_BARS * BAR).bars <= 2
                                                   for r in reference)),
        "cosine_to_training_mean": _mean([s["to_mean"] for s in similar]),
        "cosine_to_nearest_training": _mean([s["nearest"] for s in similar])}


def audio_levels(generated, reference) -> dict:
    """Energy and level of FluidSynth renders of up to 20 generated and held-out phrases."""
    try:
        from musicstudio.generators.evaluation.audio_level import phrase_level
        gen_levels = [phrase_level(g) for g in generated[:20] if g]
        ref_levels = [phrase_level(r) for r in reference[:20] if r]
        return {
            "phrases": len(gen_levels),
            "generated_energy": _mean([x.energy for x in gen_levels]),
            "generated_rms_dbfs": _mean([x.rms_dbfs for x in gen_levels]),
            "held_out_energy": _mean([x.energy for x in ref_levels]),
            "held_out_rms_dbfs": _mean([x.rms_dbfs for x in ref_levels])}
    except Exception as e:  # no FluidSynth: the report says so instead of failing
        return {"skipped": f"{type(e).__name__}: {e}"}


def pictures_of(name: str, folder: Path, out: Path, seeds, generated, reference) -> list:
    from musicstudio.generators.evaluation import pictures

    pics = []
    if generated:
        both = tuple(seeds[0]) + tuple(n.moved_by(ticks=SEED_BARS * BAR) for n in generated[0])
        pics.append(pictures.piano_roll_png(both, out / "sample.png", f"{name}: seed (bars 1-4) and "
                                            f"continuation (bars 5-12)"))
        pics.append(pictures.histograms_png(generated, reference, out / "histograms.png",
                                            f"{name} continuations vs held-out"))
    if (folder / "history.csv").exists():
        pics.append(pictures.loss_curves_png(folder / "history.csv", out / "loss.png", f"{name} training"))
    return pics


if __name__ == "__main__":
    sys.exit(main())
