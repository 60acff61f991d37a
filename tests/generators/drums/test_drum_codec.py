"""The drum codec: GM numbers into ten instruments, velocity in three levels, one token per 16th step."""

import numpy as np
import pytest
from drum_fixture import ROCK, WALTZ, pattern_notes

from musicstudio.core.note import Note
from musicstudio.generators.codecs.drums import (
    CANONICAL,
    GROUPS,
    LEVEL_VELOCITIES,
    DrumCodec,
    group_of,
    seed_pitches,
    step_hits,
)


def test_every_gm_number_has_a_group_and_each_group_decodes_to_a_number_of_its_own():
    assert [group_of(p) for p in (36, 38, 42, 46, 45, 48, 50, 49, 51, 75)] == list(range(10))
    assert group_of(35) == group_of(36) == GROUPS.index("kick")
    assert group_of(44) == GROUPS.index("closed hi-hat") and group_of(37) == GROUPS.index("snare")
    assert group_of(56) == group_of(63) == group_of(0) == group_of(127) == GROUPS.index("percussion")
    assert all(group_of(p) == g for g, p in enumerate(CANONICAL))
    assert all(35 <= p <= 81 for p in CANONICAL)


def test_a_groove_round_trips_on_its_16ths():
    notes = pattern_notes(ROCK, 16, 2)
    codec = DrumCodec.fit([(notes, 32)])
    tokens = codec.encode(notes, 32)
    assert len(tokens) == 32 and tokens[1] == 0          # the empty step is token 0
    back = codec.decode(tokens)
    assert [(n.pitch, n.start) for n in back] == [(n.pitch, n.start) for n in notes]
    assert {n.velocity for n in back} <= set(LEVEL_VELOCITIES)
    snare = [n for n in back if n.pitch == 38]
    assert {n.velocity for n in snare} == {LEVEL_VELOCITIES[2]}   # accented (110) snares come back loud
    assert codec.expected(notes, 32) == back


def test_vocabulary_round_trips_and_a_damaged_one_is_refused():
    codec = DrumCodec.fit([(pattern_notes(WALTZ, 12, 2), 24)])
    again = DrumCodec.from_vocabulary(codec.vocabulary())
    assert again.sets == codec.sets
    broken = {**codec.vocabulary(), "size": codec.vocab_size + 1}
    with pytest.raises(ValueError, match="says"):
        DrumCodec.from_vocabulary(broken)
    with pytest.raises(ValueError, match="empty step"):
        DrumCodec([((0, 1),)])


def test_a_set_outside_the_vocabulary_keeps_the_most_of_its_drums():
    codec = DrumCodec([(), ((0, 1),), ((0, 1), (2, 1)), ((1, 2),)])
    # kick + closed hat + crash (unknown) becomes kick + closed hat; a soft kick becomes the medium one
    assert codec.token_of(((0, 1), (2, 1), (7, 2))) == 2
    assert codec.token_of(((0, 0),)) == 1
    assert codec.token_of(((9, 0),)) == 0


def test_hits_snap_to_the_nearest_16th_and_the_seed_keeps_its_own_drum_numbers():
    notes = [Note(37, 118, 10, 80), Note(75, 245, 10, 80), Note(75, 480, 10, 80), Note(76, 600, 10, 80)]
    assert step_hits(notes, 8)[1] == ((1, 1),) and step_hits(notes, 8)[2] == ((9, 1),)
    assert seed_pitches(notes) == {1: 37, 9: 75}
    codec = DrumCodec([(), ((1, 1),), ((9, 1),)])
    back = codec.decode(codec.encode(notes, 8), seed_pitches(notes))
    assert [n.pitch for n in back] == [37, 75, 75, 75]
    assert np.all(np.diff([n.start for n in back]) > 0)
