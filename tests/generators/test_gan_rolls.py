"""Masking and binarisation of the GAN's piano rolls: key lock by folding, onsets, one line for a melody."""

import numpy as np

from musicstudio.generators.gan.rolls import (
    MAX_LEAP,
    binarise,
    fold,
    held_chords,
    last_outer,
    last_pitches,
    lengthen_chord_notes,
    merge_fragments,
    nearest_allowed,
    one_line,
    tidy,
)


def test_a_forbidden_pitch_hands_its_probability_to_the_nearest_allowed():
    allowed = np.array([0, 1, 0, 1, 0, 0, 1, 0], bool)
    assert nearest_allowed(allowed).tolist() == [1, 1, 1, 3, 3, 6, 6, 6]   # 4 -> 3 (nearer), tie 2 -> 1 (lower)
    probs = np.array([[0.9, 0.1, 0.2, 0.0, 0.3, 0.4, 0.0, 0.8]])
    assert fold(probs, nearest_allowed(allowed)).tolist() == [[0, 0.9, 0, 0.3, 0, 0, 0.8, 0]]


def test_an_onset_needs_a_sounding_cell_and_a_held_note_stays_one_note():
    probs = np.zeros((1, 2, 4, 3))
    probs[0, 0, :, 1] = 0.9           # pitch 1 sounds for four steps
    probs[0, 1, 0, 1] = 0.8           # and starts once
    probs[0, 1, 2, 2] = 0.9           # an onset where nothing sounds is dropped
    rolls = binarise(probs)
    assert rolls[0, 0, :, 1].all() and rolls[0, 1, :, 1].tolist() == [True, False, False, False]
    assert not rolls[0, :, :, 2].any()


def test_a_melody_keeps_one_pitch_a_step_and_holds_it_until_an_onset():
    probs = np.zeros((1, 2, 4, 3))
    probs[0, 0, :, 0] = [0.9, 0.9, 0.9, 0.9]
    probs[0, 0, :, 2] = [0.0, 0.95, 0.95, 0.95]   # likelier from step 1, but it never says it starts...
    probs[0, 1, 0, 0] = 0.9
    probs[0, 1, 3, 2] = 0.9                       # ...until step 3
    sounding, onset = one_line(probs)
    assert sounding[0].sum(axis=1).tolist() == [1, 1, 1, 1]
    assert sounding[0, :, 0].tolist() == [True, True, True, False] and sounding[0, 3, 2]
    assert onset[0].nonzero()[0].tolist() == [0, 3]
    poly = binarise(probs, melody=False)
    assert poly[0, 0].sum() == 7                   # without the melody rule both pitches sound


def test_onsets_that_cut_one_step_fragments_out_of_a_held_note_are_merged():
    sounding = np.ones((1, 8, 1), bool)
    onset = np.zeros((1, 8, 1), bool)
    onset[0, [0, 1, 4, 7], 0] = True      # fragments of 1, 3, 3 and 1 steps
    merged = merge_fragments(sounding, onset)
    assert merged[0, :, 0].nonzero()[0].tolist() == [0, 4]   # 2 + 2 ... : the one-step cuts are gone
    repeated = np.zeros((1, 8, 1), bool)
    repeated[0, [0, 2, 4, 6], 0] = True   # eighth notes of one pitch stay four notes
    assert (merge_fragments(sounding, repeated) == repeated).all()


def test_flicker_is_tidied_but_notes_the_model_starts_stay():
    sounding = np.zeros((1, 8, 2), bool)
    onset = np.zeros((1, 8, 2), bool)
    sounding[0, [0, 1, 3, 4], 0] = True        # a one-step hole, no onset after it: one held note
    onset[0, 0, 0] = True
    sounding[0, [2, 6], 1] = True              # two lone steps: the second says it starts, the first does not
    onset[0, 6, 1] = True
    s, o = tidy(sounding, onset)
    assert s[0, :, 0].tolist() == [True] * 5 + [False] * 3 and o[0, :, 0].nonzero()[0].tolist() == [0]
    assert s[0, :, 1].nonzero()[0].tolist() == [6] and o[0, 6, 1]


def test_a_melody_follows_the_voice_it_is_in_rather_than_the_likeliest_leap():
    probs = np.zeros((1, 2, 2, 25))
    probs[0, :, 0, 2] = 0.8     # near the last note (pitch 0)
    probs[0, :, 0, 24] = 0.9    # two octaves up, a little likelier
    probs[0, 0, 1, 2] = 0.8
    sounding, _ = one_line(probs, last=np.array([0]))
    assert sounding[0, :, 2].all() and not sounding[0, :, 24].any()
    sounding, _ = one_line(probs)          # with nothing before, the likeliest
    assert sounding[0, 0, 24]
    # then pitch 2, 22 semitones down: it moves up an octave towards the line (14; 26 is out of range)
    assert last_pitches(np.stack([np.stack([sounding[0], sounding[0]])])).tolist() == [14]


def test_a_voice_limit_keeps_the_likeliest_pitches_of_each_step():
    probs = np.zeros((1, 2, 1, 12))
    probs[0, 0, 0, [0, 4, 7, 9]] = [0.9, 0.6, 0.8, 0.7]
    probs[0, 1, 0] = 0.9
    rolls = binarise(probs, voices=2)
    assert rolls[0, 0, 0].nonzero()[0].tolist() == [0, 7] and rolls[0, 1, 0].nonzero()[0].tolist() == [0, 7]
    assert binarise(probs)[0, 0, 0].sum() == 4


def test_a_chord_note_holds_while_its_probability_stays_above_the_hold_level_and_goes_first():
    c, e, g = 0, 4, 7
    probs = np.zeros((1, 2, 4, 12))
    probs[0, 0, :, c] = [0.9, 0.3, 0.3, 0.05]    # starts, then hovers above HOLD (0.2), then falls
    probs[0, 0, :, e] = [0.0, 0.45, 0.45, 0.0]   # never reaches 0.5: not a new note (without free voices)
    probs[0, 0, :, g] = [0.0, 0.55, 0.55, 0.0]   # a new pitch, likelier than the held one
    sounding = held_chords(probs, voices=2)
    assert sounding[0, :, c].tolist() == [True, True, True, False]
    assert not sounding[0, :, e].any() and sounding[0, :, g].tolist() == [False, True, True, False]
    assert held_chords(probs, voices=1)[0, 1:3].nonzero()[1].tolist() == [c, c]   # one voice: the held note
    probs[0, 1, 1, c] = 0.9                      # an onset cuts the hold: below 0.5 it does not sound again
    assert held_chords(probs, voices=2)[0, :, c].tolist() == [True, False, False, False]
    probs[0, 0, :, e] = [0.3, 0.3, 0.0, 0.0]
    assert not held_chords(probs, voices=1)[0, :, e].any()
    before = np.zeros((1, 12), bool)
    before[0, e] = True                          # the bar before ended on E: it holds over the bar line
    assert held_chords(probs, before=before, voices=2)[0, :, e].tolist() == [True, True, False, False]


def test_chords_keep_no_two_pitches_a_semitone_apart_and_fill_free_voices():
    probs = np.zeros((1, 2, 1, 12))
    probs[0, 0, 0, [0, 1, 2, 7, 10]] = [0.9, 0.8, 0.7, 0.15, 0.05]   # C C# D stacked; G and Bb unlikely
    probs[0, 1, 0, :3] = 0.9
    assert held_chords(probs)[0, 0].nonzero()[0].tolist() == [0, 2]        # C# goes: a semitone from C
    assert held_chords(probs, voices=4)[0, 0].nonzero()[0].tolist() == [0, 2, 7]   # G (above FILL) fills one
    assert held_chords(probs, voices=1)[0, 0].nonzero()[0].tolist() == [0]


def test_one_step_chord_notes_take_a_free_next_step_or_go():
    sounding = np.zeros((1, 6, 16), bool)
    sounding[0, 1, 0] = True                   # one step, with room after it: lasts two
    sounding[0, 3:6, [10, 14]] = True          # two held voices...
    sounding[0, 3, 3] = True                   # ...and a one-step note where the next step has no room
    sounding[0, 5, 0] = True                   # on the last step: may go on in the next bar
    onset = sounding & ~np.roll(sounding, 1, axis=1)
    s, o = lengthen_chord_notes(sounding, onset, voices=2)
    assert s[0, :, 0].tolist() == [False, True, True, False, False, True]
    assert not s[0, :, 3].any() and not o[0, :, 3].any()
    assert (s[0, :, 10] == sounding[0, :, 10]).all() and (s[0, :, 14] == sounding[0, :, 14]).all()
    assert lengthen_chord_notes(sounding, onset)[0][0, 4, 3]   # no voice limit: it lasts two as well
    sounding[0, 4, 4] = True                   # a semitone above it at the next step: it goes
    assert not lengthen_chord_notes(sounding, onset)[0][0, 3, 3]


def test_a_melody_note_far_from_the_last_moves_by_octaves_to_an_allowed_pitch():
    assert MAX_LEAP == 9
    probs = np.zeros((1, 2, 3, 40))
    probs[0, :, 0, 10] = 0.9           # the first note
    probs[0, :, 1, 31] = 0.9           # 21 semitones up: sounds at 19 (9 up), its pitch class kept
    probs[0, 0, 2, 31] = 0.9           # and goes on there while the model holds it
    sounding, onset = one_line(probs)
    assert sounding[0].nonzero()[1].tolist() == [10, 19, 19] and onset[0].nonzero()[1].tolist() == [10, 19]
    allowed = np.ones(40, bool)
    allowed[19] = False                # out of the player's range: the next octave down, which is
    assert one_line(probs, allowed=allowed)[0][0].nonzero()[1].tolist() == [10, 7, 7]
    probs[0, :, 1, 31], probs[0, :, 1, 18] = 0, 0.9    # 8 semitones: a leap it keeps
    probs[0, 0, 2, 31], probs[0, 0, 2, 18] = 0, 0.9
    assert one_line(probs)[0][0].nonzero()[1].tolist() == [10, 18, 18]


def test_where_the_bass_drops_out_of_a_chord_the_likeliest_bass_near_it_comes_back():
    steps, pitches = 4, 40
    before = np.zeros((1, 2, steps, pitches))
    before[0, 0, :, [10, 22, 26, 29]] = 1                      # a four-part chord, the bass on 10
    assert last_outer(before[:, 0] > 0, 4).tolist() == [[10, 29]]
    probs = np.zeros((1, 2, steps, pitches))
    probs[0, 0, :, [22, 26, 29]] = 0.9                         # the upper three voices go on
    probs[0, 0, :, 12] = 0.04                                  # a bass below FILL (0.1), but the likeliest there
    probs[0, 0, :, 35] = 0.03                                  # far from the bass: never a bass
    rolls = binarise(probs, False, previous=before, voices=4)
    assert rolls[0, 0, :, 12].all() and not rolls[0, 0, :, 35].any()
    assert not binarise(probs, False, previous=before, voices=2)[0, 0, :, 12].any()    # two voices: no bass rule
    probs[0, 0, :, 11] = 0.05                                  # likelier, and a semitone from 12: 11 alone
    rolls = binarise(probs, False, previous=before, voices=4)
    assert rolls[0, 0, :, 11].all() and not rolls[0, 0, :, 12].any()
    rest = np.zeros_like(probs)
    rest[0, 0, :, 12] = 0.04
    assert not binarise(rest, False, previous=before, voices=4).any()     # a rest of every voice stays a rest
