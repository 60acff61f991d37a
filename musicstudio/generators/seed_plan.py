"""Seed planning: which notes of a song seed a generation, and where the take goes. Pure (no Qt), so the
app's Generate panel and ``musicstudio generate`` plan a seed by the same rules, in the song's bars (its
meter map), never a fixed 4/4 bar.

The seed is the selection, the selected bars (the ruler's loop, or the CLI's ``--seed-bars``), the whole
track, or every track merged (a chorale in four tracks continues as four voices), from the bar line before
it to its real end (its last note's end, or the loop's end): a take placed after it starts there and first
completes the seed's unfinished bar (:mod:`.fitting` fits that to each family). Regenerated bars, and the
VAE studio's phrases, are whole bars. A take is placed after it ("continue"), over it ("regenerate": the
bars are generated again; one track only), or after it in a new track. A "regenerate" plan carries both
sides of the bars: the seed (up to :data:`CONTEXT_BARS` bars before them), ``after`` (the track from their
end, up to as many bars) and ``others`` (the other pitched tracks over that whole window); a model that
fills (:class:`~musicstudio.generators.capabilities.Infiller`) is given all three, a left-only model the
seed alone (:meth:`SeedPlan.request_context`). A chordal take that continues every track is dealt out to those
tracks again, voice by voice (:func:`~musicstudio.core.voices.continue_voices`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from musicstudio.core.changes import Change, ChangeGroup, NoteChange, TrackChange
from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.ticks import PPQ
from musicstudio.core.track import Track
from musicstudio.core.voices import continue_voices, lines_of, most_at_once
from musicstudio.generators.capabilities import DrumWriter, Infiller
from musicstudio.generators.interface import GenerationError, Take

SOURCES = ("selection", "bars", "track", "every track")
MODES = ("continue", "regenerate", "new track")
CONTEXT_BARS = 8   # how much of the track before (and, for a fill, after) regenerated bars the model sees
REGISTER_MARGIN = 5   # semitones a take may go beyond the seed's lowest and highest notes by default
BAR_LINE_SLACK = PPQ // 4   # a seed ending within a 16th of a bar line ends on it (a staccato last note, a drum hit)


class SeedError(ValueError):
    """The editor holds nothing to seed from in the chosen way; the message says what to do."""


@dataclass(frozen=True)
class SeedPlan:
    track: int                      # the source track
    seed: Clip                      # what the model continues, counted from ``seed_start``
    seed_start: int
    at: int                         # where the take starts in the song
    mode: str                       # one of MODES
    replaced: tuple[Note, ...] = () # notes that a kept take replaces (regenerate)
    end: int | None = None          # regenerate: the take is cut at this tick
    bars: int | None = None         # regenerate: the number of bars is fixed by the span
    lines: tuple[tuple[int, int], ...] = ()  # every track: (track, its last pitch), highest part first
    after: Clip | None = None       # regenerate: the track from ``end`` on (up to the context bars), from ``end``
    others: tuple[Clip, ...] = ()   # regenerate: the other pitched tracks over seed, span and after, from
                                    # ``seed_start`` (those with notes there, in the song's order)

    def request_context(self, family) -> dict:
        """What a request for ``family``'s models carries beside the seed: ``after`` and ``others`` for a
        family that fills (:class:`~musicstudio.generators.capabilities.Infiller`), nothing for a left-only
        one (it regenerates the bars from the bars before them) or for a plan that regenerates nothing."""
        if self.mode != "regenerate" or self.after is None or not family.can(Infiller):
            return {}
        return {"after": self.after, "others": self.others}

    def placed(self, take: Take) -> tuple[Note, ...]:
        """The take's notes at their place in the song (cut to the regenerated span)."""
        notes = [n.moved_by(self.at) for n in take.notes]
        if self.end is not None:
            notes = [n.with_duration(min(n.end, self.end) - n.start) for n in notes if n.start < self.end]
        return tuple(notes)

    def change(self, song: Song, notes: tuple[Note, ...], name: str) -> Change:
        """The edit that keeps ``notes``: added to the track (replacing ``replaced``) or as a new track."""
        if self.mode == "new track":
            source = song.tracks[self.track]
            return TrackChange(len(song.tracks), None, Track(name, source.program, source.is_drum, notes))
        if self.lines and most_at_once(notes) > 1:
            parts = continue_voices(notes, [pitch for _, pitch in self.lines])
            changes = tuple(NoteChange(track, (), tuple(part)) for (track, _), part in zip(self.lines, parts) if part)
            return changes[0] if len(changes) == 1 else ChangeGroup(changes)
        return NoteChange(self.track, self.replaced, notes)

    def target_track(self, song: Song) -> int:
        return len(song.tracks) if self.mode == "new track" else self.track


def voice_lines(song: Song) -> tuple[tuple[int, int], ...]:
    """Each pitched track that holds notes as (track, the top pitch of its last onset), the highest part
    (by mean pitch) first; none when there are fewer than two such parts."""
    lines = lines_of([() if t.is_drum else t.notes for t in song.tracks])
    return tuple(lines) if len(lines) >= 2 else ()


def _bar_floor(song: Song, tick: int) -> int:
    return song.meter.bar_start(song.meter.bar_at(max(0, tick)))


def _bar_ceil(song: Song, tick: int) -> int:
    return 0 if tick <= 0 else song.meter.bar_start(song.meter.bar_at(tick - 1) + 1)


def seed_end(song: Song, notes, end: int) -> int:
    """Where a seed whose notes end at ``end`` ends: there, or at a bar line within :data:`BAR_LINE_SLACK`
    of it (a note let go just before the bar line, or held a hair past it, ends that bar; unless a note
    starts in the hair past it)."""
    line = _bar_floor(song, end)
    if 0 < end - line <= BAR_LINE_SLACK and not any(line <= n.start < end for n in notes):
        return line
    after = _bar_ceil(song, end)
    return after if 0 < after - end <= BAR_LINE_SLACK else end


def _cut(notes, end: int) -> tuple[Note, ...]:
    return tuple(n.with_duration(min(n.end, end) - n.start) for n in notes if n.start < end)


def source_span(song: Song, track: int, source: str, selection, loop,
                whole_bars: bool = True) -> tuple[tuple[Note, ...], int, int]:
    """The seed's notes and its span [start, end): from the bar line before it to the bar line after it
    (``whole_bars``), or to its real end: its last note's end (:func:`seed_end`), or the loop's end, the
    notes cut there, so that a take completes the seed's unfinished bar."""
    if not 0 <= track < len(song.tracks):
        raise SeedError("there is no track to generate into: add a track first")
    notes = song.tracks[track].notes
    if source == "selection":
        if not selection:
            raise SeedError("select the notes to continue first (or choose the selected bars or the whole track)")
        notes = tuple(selection)
        start, end = _bar_floor(song, min(n.start for n in notes)), max(n.end for n in notes)
    elif source == "bars":
        if loop is None:
            raise SeedError("drag across the ruler to select bars first")
        start = _bar_floor(song, loop[0])
        notes = tuple(n for n in notes if start <= n.start < loop[1])
        return (notes, start, _bar_ceil(song, loop[1])) if whole_bars else (_cut(notes, loop[1]), start, loop[1])
    elif source in ("track", "every track"):
        notes = tuple(notes) if source == "track" else song.pitched_notes()
        start, end = 0, max((n.end for n in notes), default=0)
    else:
        raise ValueError(f"unknown seed source {source!r}")
    if whole_bars:
        return notes, start, _bar_ceil(song, end)
    end = max(start, seed_end(song, notes, end))
    return _cut(notes, end), start, end


def last_bars(song: Song, end: int, bars: int) -> int:
    """Where the last ``bars`` bars of the song before ``end`` start (0 at the most); a bar that ``end``
    leaves unfinished counts as one of them."""
    meter = song.meter
    return meter.bar_start(max(0, meter.bar_at(_bar_ceil(song, end)) - bars))


def plan_seed(song: Song, track: int, source: str, mode: str, selection=(), loop=None,
              context_bars: int = CONTEXT_BARS, seed_bars: int | None = None, whole_bars: bool = False) -> SeedPlan:
    """What to generate from and where the take goes; ``seed_bars``: only the notes that start in the
    span's last bars (the CLI's ``--seed-bars``). The seed runs to its real end and the take starts there
    (it completes the seed's unfinished bar); with ``whole_bars`` (and to regenerate) it is widened to the bar
    line after it. Raises SeedError with advice."""
    if mode not in MODES:
        raise ValueError(f"unknown placement {mode!r}")
    if source == "every track" and mode == "regenerate":
        raise SeedError("bars are regenerated in one track: choose the whole track or the selected bars, or "
                        "continue after every track")
    notes, start, end = source_span(song, track, source, selection, loop, whole_bars or mode == "regenerate")
    if seed_bars is not None:
        start = max(start, last_bars(song, end, seed_bars))
        notes = tuple(n for n in notes if start <= n.start < end)
    if mode != "regenerate":
        seed = Clip(tuple(n.moved_by(-start) for n in notes), end - start)
        lines = voice_lines(song) if source == "every track" and mode == "continue" else ()
        return SeedPlan(track, seed, start, end, mode, lines=lines)
    if end <= start:
        raise SeedError("there are no bars to regenerate: the track is empty (use Continue instead)")
    meter = song.meter
    first = meter.bar_start(max(0, meter.bar_at(start) - context_bars)) if start else 0
    before = [n for n in song.tracks[track].notes if first <= n.start < start]
    context = tuple(n.moved_by(-first).with_duration(min(n.end, start) - n.start) for n in before)
    bars = meter.bar_at(end - 1) - meter.bar_at(start) + 1   # bars of the song's meter, not of 4/4
    plan = SeedPlan(track, Clip(context, start - first), first, start, mode, notes, end, bars)
    after = _after(song, track, end, context_bars)
    return replace(plan, after=after, others=_others(song, track, first, end + after.length))


def _after(song: Song, track: int, end: int, context_bars: int) -> Clip:
    """Track ``track``'s notes from ``end`` (a bar line) to ``context_bars`` bars later or the song's last
    bar line, whichever comes first, cut there, counted from ``end`` (empty past the song's end)."""
    meter = song.meter
    last = max(end, min(meter.bar_start(meter.bar_at(end) + context_bars), _bar_ceil(song, song.end_tick)))
    notes = tuple(n.with_duration(min(n.end, last) - n.start).moved_by(-end)
                  for n in song.tracks[track].notes if end <= n.start < last)
    return Clip(notes, last - end)


def _others(song: Song, track: int, first: int, last: int) -> tuple[Clip, ...]:
    """The song's other pitched tracks' notes that start in [``first``, ``last``), cut at ``last``, counted
    from ``first``: one clip per track that has some there."""
    clips = []
    for k, other in enumerate(song.tracks):
        notes = tuple(n.with_duration(min(n.end, last) - n.start).moved_by(-first)
                      for n in other.notes if first <= n.start < last)
        if k != track and not other.is_drum and notes:
            clips.append(Clip(notes, last - first))
    return tuple(clips)


# -- what a model may be given, and where its takes may go ----------------------------------------------
def drums_refused(song: Song, track: int | None, family) -> str | None:
    """Why ``family``'s models cannot continue the seed of track ``track`` (None: every track), said
    before anything runs; None when they can. A model that writes pitched notes is never given a drum
    part: the groove would come back as piano; and a model that writes drums is only given a drum track."""
    if family.can(DrumWriter):
        if track is None:
            return f"{family.name} models continue one drum track, not every track merged: choose a drum track"
        if not song.tracks[track].is_drum and song.tracks[track].notes:   # the notes would come back as drums
            name = song.tracks[track].name or "untitled"
            return (f"track {track + 1} ({name}) holds pitched notes and {family.name} models continue drum tracks: "
                    "choose a drum track (channel 10) to continue")
        return None
    from musicstudio.generators.backends import backends

    model = f"{family.name} models write pitched notes, not drums"
    writers = ", ".join(name for name, other in backends().items() if other.can(DrumWriter))
    instead = f"a {writers} model continues drums" if writers else "no model family continues drums"
    if track is not None and song.tracks[track].is_drum:
        name = song.tracks[track].name or "the drum track"
        return (f"track {track + 1} ({name}) is a drum track and {model}: choose a pitched track to continue "
                f"({instead})")
    if track is None and not song.pitched_notes() and any(t.is_drum and t.notes for t in song.tracks):
        drums = sum(len(t.notes) for t in song.tracks if t.is_drum)
        return f"the song holds only drums ({drums:,} drum notes) and {model} ({instead})"
    return None


def take_meter(song: Song, at: int) -> tuple[int, int]:
    """The song's time signature for a take placed at tick ``at`` (the seed's end): that of the bar the
    take starts in, or of the bar the seed ends in when it ends mid-bar."""
    signature = song.meter.signature_at(max(0, at))
    return signature.numerator, signature.denominator


def meter_refused(family, meter: tuple[int, int], model=None) -> str | None:
    """Why ``family``'s models (or ``model``, a :class:`~musicstudio.generators.registry.ModelInfo` of it,
    whose own config may say fewer meters) cannot write bars of ``meter``, said before any model loads;
    None when they can (the token models write any meter; the bar-based GAN and VAE declare theirs)."""
    from musicstudio.generators.backends import backends

    meters = family.meters if model is None else model.meters
    if meters is None or tuple(meter) in meters:
        return None
    theirs = ", ".join(f"{n}/{d}" for n, d in meters)
    if model is not None and meters != family.meters:
        return (f"{model.name} writes bars of {theirs} only (it was trained before {family.name} models learnt "
                f"meters), and the song is in {meter[0]}/{meter[1]} where the take goes: choose another "
                f"{family.name} model, or a model that writes any meter")
    others = ", ".join(name for name, other in backends().items()   # of the same kind of part (pitched or drums)
                       if other.writes_meter(meter) and other.can(DrumWriter) == family.can(DrumWriter))
    return (f"{family.name} models write bars of {theirs} only, and the song is in {meter[0]}/{meter[1]} where "
            f"the take goes: choose a model that writes any meter ({others})")


def refuse_meter(family, meter: tuple[int, int]) -> None:
    """A :class:`GenerationError` saying :func:`meter_refused`'s words when ``family`` cannot write ``meter``."""
    refusal = meter_refused(family, meter)
    if refusal:
        raise GenerationError(refusal)


def seed_register(seed: Clip, margin: int = REGISTER_MARGIN) -> tuple[int, int] | None:
    """The pitch range a take keeps to when the user sets none: the seed's own register, ``margin``
    semitones either side, so that a bass line continues as a bass line and a melody as a melody.
    None for a seed without notes (any pitch goes)."""
    if not seed.notes:
        return None
    low = min(n.pitch for n in seed.notes)
    high = max(n.pitch for n in seed.notes)
    return max(0, low - margin), min(127, high + margin)
