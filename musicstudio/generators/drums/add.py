"""Add drums: a drum part for a song (or some of its bars) that has none, written as a new drum track.

A drummer asked to join a band listens first: where the bass and the chords land in the bar says which
groove fits and where its kick and snare go. For each run of bars in one meter (a song that changes meter
is taken a run at a time), the pitched tracks' rhythm (:func:`.library.rhythm_features`) is set against the
library's (the training styles' grooves, each heard with the tracks mma plays beside it; :mod:`.library`)
in that meter: the nearest grooves, weighted by nearness, predict where kick and snare land
(:func:`expected_kit`), and the groove whose kick and snare come closest to that prediction is chosen (of
the asked ``style`` if it has one in that meter; nearest the asked ``density``, 0 the meter's sparsest
grooves and 1 its busiest, if given). Then the listener (:mod:`.listener`), small networks reading
each step's rhythm and metric place, gives each step's chance of a kick and a snare; mixed with the nearest
grooves' kick and snare (:func:`mixed_kit`, weight :data:`NEIGHBOURS`), it ranks the steps of the bar, and
kick and snare hit as many of the likeliest as can expect to overlap the song's own most, truths drawn from the
listener's chances and the near grooves' own kits (:func:`.kit_choice.expected_pattern`); the groove's kick
and snare are moved there (:func:`steered`; its hi-hat, ride, toms and percussion stay): a pattern the library
need not hold. With a ``style`` asked, the style's own kick and snare are kept.
That pattern seeds the drum LSTM, which then plays the run's bars with each step's distribution mixed with the
pattern (:mod:`.pattern`, weight ``repeat``), as Continue does. It plays :data:`DRAFTS` drafts of each take,
and the draft whose kick and snare the other drafts share most is the take (:func:`consensus`). Fills
(:func:`fill_bars`): by default in the last bar of each pass through the song's form, heard from the band's
harmony (:mod:`.form`); with ``fills`` = N in the last bar of every N (counted from the song's first bar);
none with 0. A fill bar is guided by a fill of the groove's style (or of the meter's, :func:`fill_for`)
instead of the pattern, and the bars after it copy the pattern, not the fill. The feel (:func:`part_swing`):
the part swings as the band does where the band's 8ths swing (or as asked: straight, or a swing), its off-beat
hits moved onto the swung off-beat (:func:`swung_hits`). The take's notes use the GM numbers the groove plays;
they sound on channel 10.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.core.feel import AUTO, OFF, Swing, feel_fits, measure_swing
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar
from musicstudio.generators.drums.form import FILL_GROUPS, form_ends
from musicstudio.generators.drums.kit_choice import Nearest, expected_pattern
from musicstudio.generators.drums.library import Library, LibraryGroove, distance, rhythm_features
from musicstudio.generators.drums.listener import KIT
from musicstudio.generators.drums.pattern import copy_distribution, cycle_steps
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress

DEFAULT_REPEAT = 0.7     # how firmly a part keeps the chosen groove (the `repeat` option)
DENSITY_WEIGHT = 0.5     # a whole density step (0 to 1) weighs as much as this much kick/snare overlap
SPREAD = 0.2             # how far (rhythm distance) the grooves that predict the kit reach; chosen on the
                         # training styles, each song predicted from the other styles (0.05 to 3 tried)
NEIGHBOURS = 0.45        # the library neighbours' share in the kick/snare pattern (the listener's the rest),
                         # chosen on the training styles held out by fold, with the listener's networks
GAMMA = 1.5              # the mixture's sharpening in the rule used until 2026-12-04 (`listener.kit_pattern`),
                         # kept for the measurements that compare with it (`kit_validation`, `song_neighbours`;
                         # docs/drums.md: Add drums, Targets)
DRUM_CHANNEL = 9         # channel 10
DRAFTS = 16              # drafts the drum model plays for each take, the one most like the others kept; 1, 4, 8,
                         # 16, 32 tried on the training styles (docs/drums.md: Add drums, Targets)


class AddDrumsError(ValueError):
    """A request Add drums cannot serve (no notes to follow, an unknown style, a bad option)."""


@dataclass(frozen=True)
class AddRequest:
    style: str | None = None        # an mma style of the library (``Library.styles``), or any
    density: float | None = None    # 0 sparse .. 1 busy, or whatever fits the rhythm best
    fills: int | None = None        # a fill in the last bar of every ``fills`` bars; 0 none; None at the
                                    # end of each pass through the song's form (:mod:`.form`)
    repeat: float = DEFAULT_REPEAT
    variations: int = 1
    temperature: float = 1.0
    random_seed: int = 0
    first_bar: int = 0
    last_bar: int | None = None     # exclusive; None: the song's last bar that holds notes
    feel: str | float = AUTO        # the part's swing: the band's ("auto"), straight ("off"), or a ratio of 8ths
    drafts: int = DRAFTS            # drafts a take (:func:`consensus`)

    def __post_init__(self) -> None:
        if self.density is not None and not 0.0 <= self.density <= 1.0:
            raise AddDrumsError(f"density must lie between 0 and 1, not {self.density}")
        if not 0.0 <= self.repeat <= 1.0:
            raise AddDrumsError(f"repeat must lie between 0 and 1, not {self.repeat}")
        if (self.fills or 0) < 0 or self.variations < 1 or self.drafts < 1 or self.first_bar < 0:
            raise AddDrumsError("fills, variations, drafts and the first bar cannot be negative "
                                "(and a take and a draft are needed)")


@dataclass(frozen=True)
class Segment:
    first_bar: int
    bars: int
    meter: tuple[int, int]
    start: int               # tick of the first bar line


def segments(song: Song, first_bar: int, last_bar: int) -> list[Segment]:
    """The runs of bars in one meter between ``first_bar`` and ``last_bar`` (exclusive)."""
    out: list[Segment] = []
    for bar in range(first_bar, last_bar):
        start = song.meter.bar_start(bar)
        signature = song.meter.signature_at(start)
        meter = (signature.numerator, signature.denominator)
        if out and out[-1].meter == meter:
            out[-1] = Segment(out[-1].first_bar, out[-1].bars + 1, meter, out[-1].start)
        else:
            out.append(Segment(bar, 1, meter, start))
    return out


def _ranks(values: list[float]) -> np.ndarray:
    order = np.argsort(np.argsort(values, kind="stable"), kind="stable")
    return order / max(1, len(values) - 1)


def nearest_kits(pool: list[LibraryGroove], rhythm: np.ndarray, spread: float = SPREAD) -> Nearest:
    """The pool's kick and snare histograms, each weighted by ``exp(-distance / spread)`` from the rhythm."""
    d = np.array([distance(g.rhythm, rhythm) for g in pool])
    w = np.exp(-(d - d.min()) / spread)
    return Nearest(w / w.sum(), np.stack([g.kit for g in pool]))


def expected_kit(pool: list[LibraryGroove], rhythm: np.ndarray, spread: float = SPREAD) -> np.ndarray:
    """``(2, bar_steps)``: the kick's and snare's onset-position histograms the rhythm predicts: the
    pool's averaged by :func:`nearest_kits`' weights."""
    return nearest_kits(pool, rhythm, spread).mean


def kit_overlap(kit: np.ndarray, predicted: np.ndarray) -> float:
    """Mean over kick and snare (those the prediction plays) of the histograms' overlapping area."""
    scores = [float(np.minimum(a, b).sum()) for a, b in zip(kit, predicted) if b.any()]
    return float(np.mean(scores)) if scores else 0.0


def meter_pool(library: Library, meter: tuple[int, int]) -> list[LibraryGroove]:
    """The library's grooves in ``meter``, or of its bar's length when none is in it."""
    bar = steps_in_bar(meter)
    return [g for g in library.grooves if g.meter == meter] or [g for g in library.grooves
                                                                if steps_in_bar(g.meter) == bar]


def choose(library: Library, rhythm: np.ndarray, meter: tuple[int, int], style: str | None = None,
           density: float | None = None) -> LibraryGroove | None:
    """The library groove (in ``meter``, or of its bar's length when no groove has it; of ``style`` when
    given and it has one there, else of any) whose kick and snare land where the rhythm's nearest grooves
    put theirs (:func:`expected_kit`), nearest ``density`` when given (its rank among the meter's grooves,
    0 the sparsest); None when no groove has the bar's length."""
    pool = meter_pool(library, meter)
    if not pool:
        return None
    ranks = _ranks([g.density for g in pool])
    chosen = [i for i, g in enumerate(pool) if g.style == style] or list(range(len(pool)))
    predicted = expected_kit(pool, rhythm)

    def score(i: int) -> float:
        penalty = 0.0 if density is None else DENSITY_WEIGHT * abs(ranks[i] - density)
        return kit_overlap(pool[i].kit, predicted) - penalty
    return pool[max(chosen, key=score)]


def fill_for(codec, library: Library, groove: LibraryGroove, meter: tuple[int, int]) -> np.ndarray | None:
    """The bar of fill a part in ``groove`` plays: its style's own when it has one of the bar's length, else
    of the fills of styles that play ``meter`` (any of the bar's length when none does) the one that breaks
    into snare and toms on the most steps (the fill measure's mark of a fill, :mod:`.fill_rate`), the first
    by style name on a tie; None when no fill has the bar's length."""
    bar = steps_in_bar(meter)
    own = library.fills.get(groove.style)
    if own is not None and len(own) == bar:
        return own
    fills = [(s, f) for s, f in sorted(library.fills.items()) if len(f) == bar]
    in_meter = {g.style for g in library.grooves if g.meter == meter}
    pool = [f for s, f in fills if s in in_meter] or [f for _, f in fills]
    return max(pool, key=lambda f: sum(any(g in FILL_GROUPS for g, _ in codec.sets[t]) for t in f), default=None)


def steered(codec, tokens: np.ndarray, kit: np.ndarray) -> np.ndarray:
    """``tokens`` (whole bars) with their kick and snare hits on the steps ``kit`` (``(2, bar_steps)``
    booleans) marks, in every bar, and nowhere else; each drum at the level the tokens play it most (medium
    when they never do)."""
    sets = [dict(codec.sets[t]) for t in tokens]
    levels = []
    for group in KIT:
        played = [hits[group] for hits in sets if group in hits]
        levels.append(max(set(played), key=played.count) if played else 1)
    out = np.empty_like(tokens)
    for i, hits in enumerate(sets):
        kept = {g: lv for g, lv in hits.items() if g not in KIT}
        kept.update({g: hits.get(g, levels[j]) for j, g in enumerate(KIT) if kit[j, i % kit.shape[1]]})
        out[i] = codec.token_of(tuple(sorted(kept.items())))
    return out


def kit_histograms(codec, tokens: np.ndarray, bar: int) -> np.ndarray:
    """``(rows, 2, bar)``: each row's kick and snare onset-position histograms over the bar's steps (each
    summing to 1, or all 0 where the row never plays that drum)."""
    plays = np.array([[g in dict(s) for g in KIT] for s in codec.sets], float)      # (vocab, 2)
    tokens = np.atleast_2d(tokens)
    steps = tokens.shape[1] - tokens.shape[1] % bar
    hits = plays[tokens[:, :steps]].reshape(len(tokens), steps // bar, bar, len(KIT)).sum(axis=1)
    hits = hits.transpose(0, 2, 1)
    return hits / np.maximum(1e-12, hits.sum(axis=2, keepdims=True))


def consensus(kits: np.ndarray, takes: int) -> list[int]:
    """Of ``kits`` (:func:`kit_histograms`; ``takes`` groups of drafts, a group's rows together), each
    group's draft whose kick and snare overlap the other drafts' most on average (:func:`kit_overlap`, the
    other draft as the reference): the minimum-Bayes-risk choice under the overlap (Kumar and Byrne,
    "Minimum Bayes-Risk Decoding for Statistical Machine Translation", 2004), the other drafts standing
    for the drum model's distribution."""
    n = len(kits)
    drafts = n // takes
    if drafts <= 1:
        return list(range(n))
    mean = np.array([sum(kit_overlap(kit, other) for j, other in enumerate(kits) if j != i) / (n - 1)
                     for i, kit in enumerate(kits)])
    return [g * drafts + int(np.argmax(mean[g * drafts:(g + 1) * drafts])) for g in range(takes)]


def _others(song: Song, segment: Segment) -> list[list[Note]]:
    end = segment.start + segment.bars * steps_in_bar(segment.meter) * STEP_TICKS
    return [[n.moved_by(-segment.start) for n in t.notes if segment.start <= n.start < end]
            for t in song.tracks if not t.is_drum]


def part_swing(band: list[list[Note]], meter: tuple[int, int], feel: str | float = AUTO) -> Swing | None:
    """The swing the part plays over ``band`` (the pitched tracks' notes of a run of bars in ``meter``): with
    ``feel`` "auto" the band's (its 8ths or 16ths read as :func:`~musicstudio.core.feel.measure_swing` reads a
    seed: a drummer swings with the band), "off" none, a ratio its swing of 8ths. None where it plays straight:
    "off", a band playing straight or too few pairs to be sure, or a compound meter (its 8ths are the beat's
    thirds)."""
    if feel == OFF or not feel_fits(meter):
        return None
    if feel != AUTO:
        return Swing.of_ratio(float(feel)) if float(feel) != 0.5 else None
    reading = measure_swing([n for t in band for n in t])
    return reading.swing if reading is not None else None


def swung_hits(notes: list[Note], swing: Swing) -> list[Note]:
    """Drum hits on the 16th grid played with ``swing``: in each pair of the swing's notes, a hit in its second
    half (the straight off-beat, or the 16th after it, where the grid keeps a shuffle's late 8th) falls on the
    swung off-beat, one in the first quarter's second 16th halfway to it; a hit doubled that way is played
    once, the louder. Not :meth:`Swing.swung`, which would push the shuffle's late 8th later still."""
    pair, off = 2 * swing.unit, swing.tick(swing.unit)
    loudest: dict[tuple[int, int], Note] = {}
    for n in notes:
        k, x = divmod(n.start, pair)
        at = k * pair + (x if 4 * x < pair else off // 2 if 2 * x < pair else off)
        if (n.pitch, at) not in loudest or loudest[n.pitch, at].velocity < n.velocity:
            loudest[n.pitch, at] = n._replace(start=at)
    return sorted(loudest.values(), key=lambda n: (n.start, n.pitch))


def mixed_kit(chances: np.ndarray, neighbours: np.ndarray | None, weight: float = NEIGHBOURS) -> np.ndarray:
    """``(2, bar_steps)``: the listener's chances, each drum's normalised to sum 1, mixed with the library
    neighbours' kick and snare histograms (:func:`expected_kit`) at ``weight``; the chances alone when no
    groove has the bar's length or ``weight`` is 0."""
    if neighbours is None or weight <= 0.0:
        return chances
    shares = chances / np.maximum(1e-12, chances.sum(axis=1, keepdims=True))
    return (1.0 - weight) * shares + weight * neighbours


def kit_steps(chances: np.ndarray, near: Nearest | None, weight: float = NEIGHBOURS) -> np.ndarray:
    """``(2, bar_steps)`` booleans: the steps kick and snare hit, the listener's ``chances`` mixed with the near
    grooves' kits at ``weight`` ranking the steps (:func:`mixed_kit`) and the expected overlap saying how many
    (:func:`.kit_choice.expected_pattern`)."""
    mixture = mixed_kit(chances, None if near is None else near.mean, weight)
    return expected_pattern(mixture, chances, near, weight)


def seed_pattern(generator, song: Song, request: AddRequest, segment: Segment,
                 groove: LibraryGroove | None) -> np.ndarray:
    """The pattern a run's part keeps: the groove's bars with the kick and snare that the listener and the
    neighbours lead to (:func:`.kit_choice.expected_pattern`; one bar of them alone when no groove has the bar's
    length), or the groove's own with a style asked or no listener."""
    listener = generator.library.listener
    seed = groove.tokens if groove is not None else np.zeros(0, np.int64)
    if listener is None or (request.style is not None and groove is not None):
        return seed
    others = _others(song, segment)
    chances = listener.predict(others, segment.meter, segment.bars)
    pool = meter_pool(generator.library, segment.meter)
    kit = kit_steps(chances, nearest_kits(pool, rhythm_features(others, segment.meter)) if pool else None)
    return steered(generator.codec, seed if len(seed) else np.zeros(kit.shape[1], np.int64), kit)


def fill_bars(song: Song, request: AddRequest, segment: Segment) -> set[int]:
    """The run's bars (song bars, 0-based) that get a fill: the last of every ``request.fills`` bars counted
    from the song's first, none for 0, or (None) the last bar of each pass through the band's form."""
    last = segment.first_bar + segment.bars
    if request.fills is None:
        ends = form_ends(_others(song, segment), steps_in_bar(segment.meter) * STEP_TICKS, segment.bars)
        return {segment.first_bar + e for e in ends}
    if request.fills == 0:
        return set()
    return {b for b in range(segment.first_bar, last) if (b + 1) % request.fills == 0}


def _segment_tokens(generator, request: AddRequest, segment: Segment, groove: LibraryGroove | None,
                    seed: np.ndarray, filled: set[int], progress: Progress | None,
                    cancel: CancelToken | None) -> np.ndarray:
    bar = steps_in_bar(segment.meter)
    cycle, vocab = cycle_steps(len(seed), bar), generator.codec.vocab_size
    fill = None if groove is None or not filled else fill_for(generator.codec, generator.library, groove,
                                                                segment.meter)
    in_fill = [fill is not None and segment.first_bar + b in filled for b in range(segment.bars)]
    plain: list[np.ndarray] = []     # the history with the fill bars' steps put back to the seed's pattern

    def guide(history: np.ndarray, position: int):
        step = position - len(seed)
        if not plain:
            plain.append(history.copy())
        elif step > 0:
            back = in_fill[(step - 1) // bar] and len(seed)
            plain[0][:, position - 1] = seed[(position - 1) % len(seed)] if back else history[:, position - 1]
        if in_fill[step // bar]:
            copy = np.zeros((history.shape[0], vocab))
            copy[:, fill[step % bar]] = 1.0
            return copy
        return copy_distribution(plain[0], position, cycle, vocab) if cycle else None
    generation = GenerationRequest(seed=Clip((), 0), bars=segment.bars,
                                   variations=request.variations * request.drafts,
                                   temperature=request.temperature, random_seed=request.random_seed + segment.first_bar,
                                   meter=segment.meter)
    return generator.sample_steps(generation, seed, segment.bars * bar, guide, request.repeat, progress, cancel)


def add_drums(generator, song: Song, request: AddRequest, progress: Progress | None = None,
              cancel: CancelToken | None = None) -> list[Track]:
    """``request.variations`` drum tracks for the song's bars (see the module's note); each holds notes
    only inside the bars asked for. ``generator``: a drum model with a groove library."""
    library: Library | None = getattr(generator, "library", None)
    if library is None:
        raise AddDrumsError(f"the drum model {generator.name} has no groove library to add drums with")
    if request.style is not None and request.style not in library.styles:
        raise AddDrumsError(f"no style {request.style!r} (styles: {', '.join(library.styles)})")
    last = song.bar_count if request.last_bar is None else request.last_bar
    if last <= request.first_bar:
        raise AddDrumsError(f"no bars to add drums to (bars {request.first_bar + 1} to {last})")
    runs = segments(song, request.first_bar, last)
    if not any(n for s in runs for t in _others(song, s) for n in t):
        raise AddDrumsError("the song has no notes to add drums to in those bars")
    notes: list[list[Note]] = [[] for _ in range(request.variations)]
    names = []
    total, done = sum(s.bars for s in runs), 0
    for segment in runs:
        band = _others(song, segment)
        groove = choose(library, rhythm_features(band, segment.meter), segment.meter,
                        request.style, request.density)
        scaled = None if progress is None else (lambda f, d=done, b=segment.bars: progress((d + f * b) / total))
        seed = seed_pattern(generator, song, request, segment, groove)
        tokens = _segment_tokens(generator, request, segment, groove, seed, fill_bars(song, request, segment),
                                 scaled, cancel)
        tokens = tokens[consensus(kit_histograms(generator.codec, tokens, steps_in_bar(segment.meter)),
                                  request.variations)]
        pitches = groove.pitches if groove is not None else {}
        swing = part_swing(band, segment.meter, request.feel)
        for row, take in zip(tokens, notes):
            played = generator.codec.decode(row, pitches, start=segment.start)
            take.extend(swung_hits(played, swing) if swing is not None else played)
        if groove is not None:          # a run no groove fits is played from the listener's pattern alone
            names.append(groove.style)
        done += segment.bars
    name = "Drums" + (" (" + ", ".join(dict.fromkeys(names)) + ")" if names else "")
    return [Track(name, 0, True, tuple(take), channel=DRUM_CHANNEL) for take in notes]
