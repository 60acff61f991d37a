"""Hypothesis property tests for the core domain."""

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from musicstudio.core import Key, KeySignature, Note, Song, Tempo, TimeSignature, Track
from musicstudio.core.edits import clip_of, join, notes_in_range, quantize, slice_bars, transpose
from musicstudio.core.key import parse_key
from musicstudio.core.meter import Meter
from musicstudio.core.note import make_note

# database=None: keep runs from writing a .hypothesis folder into the checkout.
SETTINGS = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

notes_st = st.builds(Note,
                     pitch=st.integers(0, 127),
                     start=st.integers(0, 20_000),
                     duration=st.integers(1, 4_000),
                     velocity=st.integers(1, 127))
note_lists = st.lists(notes_st, max_size=30)
grids = st.sampled_from([1, 7, 60, 80, 120, 160, 240, 480, 960])

signature_st = st.builds(TimeSignature,
                         tick=st.integers(0, 20_000),
                         numerator=st.integers(1, 13),
                         denominator=st.sampled_from([2, 4, 8, 16]))
signature_lists = st.lists(signature_st, max_size=5)


@st.composite
def songs(draw):
    tracks = tuple(Track(draw(st.sampled_from(["a", "b", "c"])), draw(st.integers(0, 127)), draw(st.booleans()),
                         tuple(draw(note_lists)))
                   for _ in range(draw(st.integers(0, 3))))
    tempos = draw(st.lists(st.builds(Tempo, st.integers(0, 20_000), st.integers(200_000, 1_000_000)), max_size=4))
    keys = draw(st.lists(st.builds(KeySignature, st.integers(0, 20_000),
                                   st.builds(Key, st.integers(-7, 7), st.booleans())), max_size=3))
    return Song(tracks=tracks, tempos=tempos, time_signatures=draw(signature_lists), key_signatures=keys)


@SETTINGS
@given(note_lists, st.integers(-127, 127))
def test_transpose_there_and_back_is_identity(notes, k):
    assume(all(0 <= n.pitch + k <= 127 for n in notes))
    up = transpose(notes, k)
    assert [n.pitch for n in up] == [n.pitch + k for n in notes]
    assert transpose(up, -k) == notes


@SETTINGS
@given(note_lists, grids)
def test_full_quantize_without_swing_lands_on_grid(notes, grid):
    out = quantize(notes, grid)
    assert len(out) == len(notes)
    for before, after in zip(notes, out, strict=True):
        assert after.start % grid == 0
        assert abs(after.start - before.start) <= grid / 2
        assert (after.pitch, after.duration, after.velocity) == (before.pitch, before.duration, before.velocity)
    assert quantize(out, grid) == out  # idempotent


@SETTINGS
@given(note_lists, grids, st.floats(0, 0.99))
def test_full_quantize_with_swing_lands_on_swung_grid(notes, grid, swing):
    delay = round(swing * grid)
    out = quantize(notes, grid, swing=swing)
    for n in out:
        j, r = divmod(n.start, grid)
        assert (j % 2 == 0 and r == 0) or (j % 2 == 1 and r == delay)
    assert quantize(out, grid, swing=swing) == out


@SETTINGS
@given(note_lists, grids, st.floats(0, 1), st.floats(0, 0.99), st.booleans())
def test_quantize_keeps_notes_valid(notes, grid, strength, swing, ends):
    out = quantize(notes, grid, strength=strength, swing=swing, ends=ends)
    assert all(n.start >= 0 and n.duration >= 1 for n in out)
    if not ends:
        assert [n.duration for n in out] == [n.duration for n in notes]


@SETTINGS
@given(songs())
def test_song_maps_start_at_zero_and_are_sorted(song):
    for events in (song.tempos, song.time_signatures, song.key_signatures):
        ticks = [e.tick for e in events]
        assert ticks[0] == 0
        assert ticks == sorted(set(ticks))
    assert song.end_tick <= song.length_ticks
    assert song.bar_count >= 1
    assert song.meter.bar_at(song.length_ticks) == song.bar_count


@SETTINGS
@given(songs())
def test_slice_of_all_bars_is_the_song(song):
    whole = slice_bars(song, 0, song.bar_count - 1)
    assert whole.tracks == song.tracks
    assert whole.tempos == tuple(t for t in song.tempos if t.tick < song.length_ticks)
    assert whole.time_signatures == tuple(t for t in song.time_signatures if t.tick < song.length_ticks)
    assert whole.key_signatures == tuple(k for k in song.key_signatures if k.tick < song.length_ticks)


@SETTINGS
@given(songs(), st.integers(0, 12), st.integers(0, 4))
def test_slice_bars_notes_fit_inside_slice(song, first_bar, extra):
    last_bar = first_bar + extra
    start, end = song.meter.bars_to_ticks(first_bar, last_bar)
    part = slice_bars(song, first_bar, last_bar)
    for original, sliced in zip(song.tracks, part.tracks, strict=True):
        assert len(sliced.notes) == len(notes_in_range(original.notes, start, end))
        assert all(0 <= n.start and n.end <= end - start for n in sliced.notes)
    assert all(events[0].tick == 0 for events in (part.tempos, part.time_signatures, part.key_signatures))


@SETTINGS
@given(note_lists, st.integers(0, 20_000), st.integers(0, 5_000))
def test_clip_placed_back_is_inside_span(notes, start, length):
    clip = clip_of(notes, start, start + length)
    placed = clip.placed_at(start)
    assert len(placed) == len(notes_in_range(notes, start, start + length))
    assert all(start <= n.start and n.end <= start + length and n.duration >= 1 for n in placed)


@SETTINGS
@given(songs(), songs())
def test_join_keeps_every_note_and_puts_second_after_first(first, second):
    joined = join(first, second)
    assert joined.note_count == first.note_count + second.note_count
    offset = first.length_ticks
    late = sorted(n for t in joined.tracks for n in t.notes if n.start >= offset)
    expected = sorted(n.moved_by(ticks=offset) for t in second.tracks for n in t.notes)
    assert late == expected
    assert joined.tempos[0].tick == 0
    # the second song's opening tempo is in effect at the join point
    in_effect = [t for t in joined.tempos if t.tick <= offset][-1]
    assert in_effect.us_per_beat == second.tempos[0].us_per_beat


@SETTINGS
@given(signature_lists, st.integers(0, 40))
def test_meter_bar_start_and_bar_at_agree(signatures, bar):
    m = Meter(tuple(signatures))
    s = m.bar_start(bar)
    nxt = m.bar_start(bar + 1)
    assert nxt > s
    assert m.bar_at(s) == bar
    assert m.bar_at(nxt - 1) == bar
    assert nxt - s <= m.signature_at(s).bar_ticks
    # every signature change starts a bar
    for sig in m.signatures:
        assert m.bar_start(m.bar_at(sig.tick)) == sig.tick


@SETTINGS
@given(st.integers(-7, 7), st.booleans())
def test_key_name_parses_back_and_scale_has_tonic(sharps, minor):
    key = Key(sharps, minor)
    assert parse_key(key.name) == key
    assert key.tonic in key.scale()
    assert len(key.scale()) == 7


@SETTINGS
@given(st.integers(-5, 200), st.integers(-5, 100), st.integers(-5, 100), st.integers(-5, 200))
def test_make_note_accepts_exactly_the_valid_range(pitch, start, duration, velocity):
    ok = 0 <= pitch <= 127 and start >= 0 and duration >= 1 and 1 <= velocity <= 127
    try:
        note = make_note(pitch, start, duration, velocity)
    except ValueError:
        assert not ok
    else:
        assert ok and note == Note(pitch, start, duration, velocity)
