"""Which note each token belongs to, so that token scores add up to one score per seed note."""

from __future__ import annotations

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs import EventCodec, MelodyCodec
from musicstudio.generators.saliency.ownership import event_owners, melody_owners, note_keys, note_scores

EVENTS = EventCodec(low=60, high=71, max_shift=16)


def test_an_events_note_owns_its_on_its_off_and_the_time_shifts_that_lead_up_to_it():
    notes = (Note(60, 0, 480, 100), Note(64, 960, 240, 100))     # a rest of a quarter between them
    tokens = EVENTS.encode(notes, steps=12)
    owners = event_owners(EVENTS, tokens)
    first, second = (60, 0), (64, 8)
    kinds = ["on" if t < EVENTS.first_off else "off" if t < EVENTS.first_shift else "shift" for t in tokens]
    # the shifts before the second note starts are its (they place it); the ones after the last note, the last's
    assert list(zip(kinds, owners)) == [("on", first), ("shift", second), ("off", first), ("shift", second),
                                        ("on", second), ("shift", second), ("off", second), ("shift", second)]


def test_a_melody_note_owns_its_onset_its_holds_and_its_note_off_and_a_rest_owns_nothing():
    codec = MelodyCodec()
    tokens = codec.encode((Note(60, 0, 240, 100), Note(62, 480, 120, 100)), steps=6)
    assert melody_owners(codec, tokens) == [(60, 0), (60, 0), (60, 0), None, (62, 4), (62, 4)]


def test_note_scores_add_a_note_s_tokens_and_a_note_the_codec_dropped_scores_zero():
    codec = MelodyCodec()
    chord = (Note(67, 0, 480, 100), Note(60, 0, 480, 100))    # the melody codec keeps the higher
    tokens = codec.encode(chord, steps=4)
    keys = note_keys(chord, codec, 0, 120)
    scores = note_scores(np.array([1.0, 2.0, 3.0, 4.0]), melody_owners(codec, tokens), keys)
    assert scores.tolist() == [10.0, 0.0]
