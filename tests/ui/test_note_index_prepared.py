"""A big song's note indexes are built on the thread that reads it (issue 21: a million notes land in the
window without stopping it): built in chunks, the index is the one a plain reading gives, and the roll
uses the prepared index instead of building another."""

import random

import numpy as np

from musicstudio.core import Note, Song, Track
from musicstudio.ui.piano_roll.editor import PREPARE_FROM
from musicstudio.ui.piano_roll.note_index import CHUNK, NoteIndex


def big_track(n: int) -> Track:
    rng = random.Random(3)
    return Track("Big", 0, False, tuple(Note(rng.randrange(128), rng.randrange(10**6), rng.randrange(1, 2000),
                                             rng.randrange(1, 128)) for _ in range(n)))


def test_an_index_built_in_chunks_is_the_plain_one():
    track = big_track(2 * CHUNK + 17)
    index = NoteIndex(track)
    notes = track.notes
    assert index.starts == [n.start for n in notes]
    assert index.longest == max(n.duration for n in notes)
    assert np.array_equal(index.array, np.array([(n.start, n.end, n.pitch, n.velocity) for n in notes]))
    assert index.in_span(5000, 6000) == [n for n in notes if n.start < 6000 and n.end > 5000]
    empty = NoteIndex(Track("Empty"))
    assert empty.starts == [] and empty.array.shape == (0, 4) and empty.in_span(0, 10) == []


def test_the_roll_uses_the_index_prepared_for_it(main_window):
    roll = main_window.roll
    song = Song((big_track(PREPARE_FROM), Track("Small", 0, False, (Note(60, 0, 480),))))
    roll.prepare(song)       # what the reading thread does
    prepared = roll._indexes._cache[id(song.tracks[0])]
    main_window.document.load(song, None)
    assert roll.index_of(main_window.document.song.tracks[0]) is prepared


def test_the_song_before_lets_go_of_its_indexes(main_window, monkeypatch):
    """A new song keeps only its own tracks' indexes; those of the song it replaced are let go of (their
    notes freed off the GUI thread), not kept until the cache fills."""
    import musicstudio.ui.piano_roll.editor as editor

    let_go = []
    monkeypatch.setattr(editor, "let_go", lambda objects, parts: let_go.extend(objects))
    roll = main_window.roll
    first = Song((big_track(PREPARE_FROM),))
    roll.prepare(first)
    main_window.document.load(first, None)
    old = roll.index_of(first.tracks[0])
    second = Song((Track("Small", 0, False, (Note(60, 0, 480),)),))
    main_window.document.load(second, None)
    assert old in let_go
    roll.canvas.repaint()
    assert [index.track for index in roll._indexes._cache.values()] == [second.tracks[0]]
