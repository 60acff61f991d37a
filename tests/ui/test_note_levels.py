"""A zoomed-out view of many notes draws a track's levels (note_levels), worked out ahead on the reading
thread: the note canvas and the velocity lane then do work in proportion to the pixels, not the notes
(issue 21: a million notes landed with a 60 ms canvas paint and a 40 ms velocity lane paint), and what
they draw is the notes' picture, a pixel or less out at the ends of a stretch."""

import numpy as np
import pytest

import musicstudio.ui.piano_roll.raster as raster
from musicstudio.core import Note, Song, Track
from musicstudio.ui.piano_roll.geometry import Geometry
from musicstudio.ui.piano_roll.note_index import LEVELS_ABOVE, NoteIndex
from musicstudio.ui.piano_roll.note_levels import SHRINK, NoteLevels


def dense_track(n: int, seed: int = 5) -> Track:
    """``n`` notes packed into 16 bars of a few pitches, as a zoomed-out busy track looks."""
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, 16 * 1920, n)
    return Track("Dense", 0, False, tuple(
        Note(int(p), int(s), int(d), int(v)) for p, s, d, v in
        zip(rng.integers(40, 52, n), starts, rng.integers(1, 240, n), rng.integers(1, 128, n))))


def array_of(track: Track) -> np.ndarray:
    return NoteIndex(track).array


@pytest.mark.parametrize("px_per_tick", [0.01, 0.03, 0.1])
def test_spans_cover_the_notes_pixels_and_at_most_one_more_at_each_end(px_per_tick):
    array = array_of(dense_track(30_000))
    level = NoteLevels(array).spans_for(px_per_tick)
    assert level is not None and level.cell * px_per_tick <= 1
    g = Geometry(px_per_tick=px_per_tick, scroll_x=37.0)
    w = 900
    exact = raster.covered(g, array, w, 0, 127)
    drawn = raster.covered(g, level.in_span(g.tick_at(0), g.tick_at(w) + 1), w, 0, 127)
    assert (drawn >= exact).all(), "a pixel the notes cover is left empty"
    # every extra pixel touches a pixel the notes cover, in its row
    near = exact | np.roll(exact, 1, axis=1) | np.roll(exact, -1, axis=1)
    assert not (drawn & ~near).any()
    assert len(level.rows) * 10 < len(array)


def test_loudest_per_column_is_the_notes_give_or_take_a_column():
    array = array_of(dense_track(30_000, seed=8))
    levels = NoteLevels(array)
    px_per_tick, w = 0.02, 700
    level = levels.loudest_for(px_per_tick)
    assert level is not None

    def columns(starts, velocities):
        x = np.floor(starts * px_per_tick).astype(np.int64)
        keep = (x >= 0) & (x < w)
        out = np.zeros(w, np.int64)
        np.maximum.at(out, x[keep], velocities[keep])
        return out

    exact = columns(array[:, 0], array[:, 3])
    rows = level.in_span(0, int(w / px_per_tick) + 1)
    drawn = columns(rows[:, 0], rows[:, 1])
    widened = np.maximum(exact, np.maximum(np.roll(exact, 1), np.roll(exact, -1)))
    assert (drawn <= widened).all()
    assert (np.maximum(drawn, np.roll(drawn, 1)) >= exact).all()   # a cell is drawn at its first column
    assert len(rows) < 2 * w


def test_levels_are_kept_only_where_they_halve_the_rows():
    array = array_of(dense_track(20_000, seed=2))
    levels = NoteLevels(array)
    for kept in (levels.spans, levels.loudest):
        sizes = [len(level.rows) for level in kept]
        assert sizes and sizes[0] * SHRINK <= len(array)
        assert all(b * SHRINK <= a for a, b in zip(sizes, sizes[1:]))
        cells = [level.cell for level in kept]
        assert cells == sorted(set(cells))
    starts = [level.rows[:, 0] for level in levels.spans]
    assert all((np.diff(s) >= 0).all() for s in starts), "a level's rows are in order of start"


def test_notes_that_never_bunch_get_no_levels_and_are_drawn_as_they_are():
    track = Track("Sparse", 0, False, tuple(Note(60 + i % 12, i * 10_000, 100) for i in range(1000)))
    index = NoteIndex(track)
    assert index.levels.spans == [] and index.levels.loudest == []
    assert index.rows_in_view(0, 10**8, 0.002) is not None
    assert len(index.rows_in_view(0, 10**8, 0.002)) == 1000


def test_a_big_song_lands_and_paints_from_its_prepared_levels(main_window, monkeypatch):
    """The reading thread works the levels out; the opening paint of the canvas and of the velocity lane
    draws from them (rows a fraction of the notes), with no pass over every note."""
    roll = main_window.roll
    track = dense_track(LEVELS_ABOVE + 10_000)
    song = Song((track,))
    roll.prepare(song)      # what the reading thread does
    prepared = roll._indexes._cache[id(track)]
    assert prepared._levels is not None, "the levels are worked out ahead, not in the first paint"
    drawn = []
    real = raster.covered
    monkeypatch.setattr(raster, "covered", lambda g, arr, *a: drawn.append(len(arr)) or real(g, arr, *a))
    main_window.document.load(song, None)
    roll.canvas.repaint()
    roll.velocity_lane.repaint()
    assert roll.index_of(main_window.document.song.tracks[0]) is prepared
    assert drawn and max(drawn) * 10 < len(track.notes), f"the canvas drew {drawn} rows"
    image = roll.velocity_lane.grab().toImage()
    assert any(image.pixelColor(x, image.height() - 2).value() > 60 for x in range(image.width())), \
        "the velocity lane shows the notes' stems"
