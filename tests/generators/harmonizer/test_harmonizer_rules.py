"""The sampler's voice-leading rule penalises exactly the note-ons that would move in parallel fifths or
octaves with another voice, into a step or out of it; holding, resting and other intervals are free."""

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs.melody import FIRST_NOTE, HOLD
from musicstudio.generators.harmonizer.rules import parallel_penalty
from musicstudio.generators.harmonizer.voices import LOW, TOKENS, Voices

Q = 480


def line(*pitches):
    return tuple(Note(p, i * Q, Q, 90) for i, p in enumerate(pitches))


def token(pitch):
    return FIRST_NOTE + pitch - LOW


def test_a_note_moving_in_parallel_fifths_or_octaves_into_a_step_is_penalised():
    tokens = Voices.from_parts([line(72, 74), line(67, 69), line(60, 60), line(48, 50)], (4, 4)).tokens[None]
    penalty = parallel_penalty(tokens, 3.0)
    assert penalty.shape == tokens.shape + (TOKENS,)
    at = 4                                            # the second beat, where soprano, alto and bass move up
    bass = penalty[0, 3, at]
    # bass from C3 with the soprano going C5 -> D5 (octaves) and the alto G4 -> A4 (fifths):
    assert bass[token(50)] == 3.0                     # D3: octaves with the soprano, fifths with nothing
    assert bass[token(53)] == 0.0                     # F3: a tenth, no parallel
    assert bass[token(62)] == 3.0                     # D4: still an octave (mod 12)
    assert bass[token(45)] == 0.0                     # A2 moves down against the soprano going up: contrary
    assert bass[HOLD] == 0.0 and bass[0] == 0.0       # holding or resting is never penalised
    assert penalty[0, 2, at, token(60)] == 0.0        # the tenor repeating C4: no motion, no parallel
    # between the beats the others hold: a new bass note there moves in parallel only into beat 2 (C3 struck
    # again, then D3 under the soprano's C5 -> D5)
    assert penalty[0, 3, 2, token(48)] == 3.0 and penalty[0, 3, 2, token(53)] == 0.0
    assert penalty[0, 0, 2, token(71)] == 0.0 and penalty[0, 0, 2, token(72)] == 3.0   # C5 again: octaves on
    assert not parallel_penalty(tokens, 0.0).any()


def test_the_move_out_of_a_step_counts_too():
    # alto and soprano a fifth apart on beat 2 moving up a step on beat 3: a note-on on beat 2 that makes
    # the fifth is penalised by the move it leads into
    tokens = Voices.from_parts([line(72, 74, 76), line(60, 67, 69), line(55, 55, 55), line(48, 48, 48)],
                               (4, 4)).tokens[None]
    alto = parallel_penalty(tokens, 2.0)[0, 1, 4]
    assert alto[token(67)] == 2.0                     # G4 under D5 moving to A4 under E5: fifths out
    assert alto[token(65)] == 0.0                     # F4: a sixth, then a fourth... free
    assert np.isfinite(alto).all()
