"""Add drums' listener: kick and snare predicted step by step from the band's rhythm, the groove steered to
them, and the fill count at phrase ends."""

import json
from pathlib import Path

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs.drums import DrumCodec
from musicstudio.generators.drums import fill_rate
from musicstudio.generators.drums import listener as lsn
from musicstudio.generators.drums.add import steered
from musicstudio.generators.drums.listener import Listener, example, fit_listener, kit_pattern, kit_profile

SHIPPED = Path(__file__).resolve().parents[3] / "models" / "drums" / "library.json"
BAR = 1920


def _band(bass_steps, chord_steps, bars=8, bar_steps=16):
    bass = [Note(36, (b * bar_steps + s) * 120, 240, 90) for b in range(bars) for s in bass_steps]
    chords = [Note(p, (b * bar_steps + s) * 120, 480, 70) for b in range(bars) for s in chord_steps
              for p in (60, 64, 67)]
    return [bass, chords]


def _record(style, bass_steps, chord_steps, bars=8):
    """A 4/4 song whose kick plays with the bass and whose snare plays with the chords."""
    others = _band(bass_steps, chord_steps, bars)
    drums = [[36, n.start, 120, 100] for n in others[0]] + [[38, n.start, 120, 100] for n in others[1][::3]]
    return {"style": style, "groove": style, "meter": [4, 4], "length": bars * BAR, "drums": drums,
            "others": [[[n.pitch, n.start, n.duration, n.velocity] for n in t] for t in others]}


TRAINING = [_record("a", (0, 8), (4, 12)), _record("b", (0, 6, 10), (4, 12)), _record("c", (0, 3, 8), (8,)),
            _record("d", (0, 10), (4, 12)), _record("e", (0, 2, 8), (4,))]


def test_a_listener_fitted_on_bands_puts_the_kick_on_the_bass_it_hears():
    listener = fit_listener([example(r) for r in TRAINING])
    chances = listener.predict(_band((0, 8), (4, 12)), (4, 4), 8)
    pattern = kit_pattern(chances)
    assert set(np.flatnonzero(pattern[0])) == {0, 8}          # kick with the bass on 1 and 3
    assert set(np.flatnonzero(pattern[1])) == {4, 12}         # snare with the chords on 2 and 4
    moved = kit_pattern(listener.predict(_band((0, 6), (4, 12)), (4, 4), 8))
    assert set(np.flatnonzero(moved[0])) == {0, 6}            # a bass it has not heard there moves the kick


def test_the_shipped_listener_hears_rock_and_a_waltz():
    listener = Listener.from_json(json.loads(SHIPPED.read_text())["listener"])
    rock = listener.predict(_band((0, 8), (4, 12)), (4, 4), 8)
    off_beats = [s for s in range(16) if s % 4]
    assert rock[0][[0, 8]].min() > rock[0][off_beats].max()   # kick chances on 1 and 3 above every off-beat
    assert rock[1][[4, 12]].min() > rock[1][[0, 8]].max()     # snare on 2 and 4 rather than 1 and 3
    waltz = listener.predict(_band((0,), (4, 8), bar_steps=12), (3, 4), 8)
    assert waltz[0].argmax() == 0 and kit_pattern(waltz)[1][[4, 8]].all()


def test_the_listener_is_an_ensemble_of_small_networks_that_survives_its_file():
    shipped = Listener.from_json(json.loads(SHIPPED.read_text())["listener"])
    assert len(shipped.members) == lsn.MEMBERS
    assert all(m.hidden is not None and m.hidden[0].shape[1] == lsn.HIDDEN for m in shipped.members)
    listener = fit_listener([example(r) for r in TRAINING], members=2)
    assert len({m.hidden[0].tobytes() for m in listener.members}) == 2          # each from its own start
    again = Listener.from_json(json.loads(json.dumps(listener.to_json())))
    features = example(TRAINING[1])[0]
    assert np.allclose(again.chances(features), listener.chances(features), atol=1e-3)
    assert again.chances(features).shape == (2, 16)


def test_a_library_file_written_before_the_networks_still_reads():
    linear = fit_listener([example(r) for r in TRAINING], hidden=0)
    [member] = linear.members
    assert member.hidden is None
    old = {"context": lsn.CONTEXT, "weights": member.weights.tolist(), "bias": member.bias.tolist()}
    read = Listener.from_json(old)
    features = example(TRAINING[0])[0]
    assert np.allclose(read.chances(features), linear.chances(features))


def test_features_and_profiles_follow_the_meter():
    assert lsn.step_features(_band((0,), (4, 8), bar_steps=12), (3, 4), 8).shape[0] == 12
    assert lsn.step_features([], (6, 8), 4).shape[0] == 12
    profile = kit_profile([Note(36, 0, 120, 90), Note(36, BAR, 120, 90), Note(38, 4 * 120, 120, 90)], (4, 4), 2)
    assert profile[0, 0] == 1.0 and profile[1, 4] == 0.5 and profile.sum() == 1.5


def test_the_pattern_picks_the_likely_steps_and_the_overlap_scores_it():
    chances = np.zeros((2, 16))
    chances[0, [0, 8]] = 0.9
    chances[1, 4] = 0.2
    pattern = kit_pattern(chances)
    assert set(np.flatnonzero(pattern[0])) == {0, 8} and set(np.flatnonzero(pattern[1])) == {4}
    assert lsn.pattern_overlap(pattern, pattern.astype(float)) == 1.0
    assert lsn.pattern_overlap(np.roll(pattern, 1, axis=1), pattern.astype(float)) == 0.0


def test_the_validation_holds_styles_out():
    result = lsn.validate(TRAINING, folds=5, members=1)
    assert result["songs"] == 5 and 0.0 <= result["overlap"] <= 1.0 and set(result["per_meter"]) == {"4/4"}


def test_other_libraries_styles_join_the_folds_without_moving_the_standard_styles():
    standard = [f"style{i:02}" for i in range(19)]
    before = lsn.style_folds(standard)
    after = lsn.style_folds(standard + ["casio/funk1", "alexis/hiphop", "kara/twi", "pflib/metal1"])
    assert [fold & set(standard) for fold in after] == before
    assert sorted(s for fold in after for s in fold if "/" in s) == [
        "alexis/hiphop", "casio/funk1", "kara/twi", "pflib/metal1"]
    assert [len(fold) for fold in after] == [4, 4, 4, 3, 2, 2, 2, 2]


def test_steering_moves_kick_and_snare_and_keeps_the_hats():
    codec = DrumCodec([(), ((0, 2),), ((1, 2),), ((2, 1),), ((0, 2), (2, 1)), ((1, 2), (2, 1))])
    tokens = np.array([4, 0, 3, 0, 5, 0, 3, 0] * 2)      # kick + hat, -, hat, -, snare + hat ...
    kit = np.zeros((2, 8), bool)
    kit[0, 2], kit[1, 6] = True, True
    out = [dict(codec.sets[t]) for t in steered(codec, tokens, kit)]
    assert [sorted(s) for s in out[:8]] == [[2], [], [0, 2], [], [2], [], [1, 2], []]
    assert out[2][0] == 2 and out[8:] == out[:8]           # the groove's kick level, every bar alike


def _roll(bars, fill_at):
    notes = []
    for b in range(bars):
        steps = range(0, 16, 2) if b in fill_at else (4, 12)
        notes += [Note(38, (b * 16 + s) * 120, 120, 90) for s in steps] + [Note(36, b * BAR, 120, 90)]
    return notes


def test_a_bar_that_breaks_into_a_snare_roll_counts_as_a_fill_at_its_phrase_end():
    fills = fill_rate.fill_bars(_roll(16, {7, 13}), BAR)
    assert list(np.flatnonzero(fills)) == [7, 13]
    assert fill_rate.phrase_rate(fills) == (1, 4)            # bar 8 ends a phrase, bar 14 does not
    assert not fill_rate.fill_bars(_roll(8, set()), BAR).any()


def test_a_song_file_that_plays_a_fill_groove_is_read_as_such():
    styles_of = {"bossanova": "bossanova", "bossanovafill": "bossanova", "swing": "swing"}
    text = "Groove BossaNova\n1 C\nGroove BossaNovaFill  // the fill\n2 C\nGroove Swing\n"
    assert fill_rate.groove_styles(text, styles_of) == {"bossanova", "swing"}
    assert fill_rate.plays_fill(text) and not fill_rate.plays_fill("Groove BossaNova // no fill here\n")
