"""lstm-notes in the song's meter: each row's position slot in the bar (3/4 and 6/8 apart), the generator
feeding each new note's true position back, a toy model trained on 3/4 only keeping to 3/4's beats, old
checkpoints (no meters) loading and writing their config as before, and the non-commercial
``lstm-notes-nc`` beside the licence-clean default."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import read_config
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.licences import NON_COMMERCIAL, REDISTRIBUTABLE
from musicstudio.generators.lstm.model import METERS
from musicstudio.generators.lstm_notes.generator import (
    NotesLSTMGenerator,
    _keep_articulation,
    home_shift,
    steps_by_onset_prior,
)
from musicstudio.generators.lstm_notes.model import NotesLSTM, NotesLSTMConfig, losses
from musicstudio.generators.lstm_notes.rows import NoteRows, onset_prior, trained_meters, training_register
from musicstudio.generators.registry import ModelRegistry, model_info

MODELS = Path(__file__).resolve().parents[2] / "models"
AWARE = NotesLSTMConfig(window=4, hidden=8, meters=METERS)


def _line(steps_16ths, pitch=60) -> tuple[Note, ...]:
    """Notes starting at the given 16th steps, each an 8th long."""
    return tuple(Note(pitch + i % 3, s * 120, 240, 90) for i, s in enumerate(steps_16ths))


def _first(meter) -> int:
    return int(AWARE.position_slots(np.array([0]), meter)[0])


def test_each_row_reads_its_position_in_the_bar_of_its_pieces_meter():
    starts = [0, 2, 4, 8, 12, 14, 18, 24]
    rows = NoteRows([(_line(starts), (3, 4)), (_line(starts), (6, 8)), _line(starts)], AWARE.window, AWARE)
    slots = rows.slots[rows.notes].reshape(3, len(starts))
    within = [s % 12 for s in starts]
    assert slots[0].tolist() == [_first((3, 4)) + s for s in within]
    assert slots[1].tolist() == [_first((6, 8)) + s for s in within]
    assert slots[2].tolist() == [_first((4, 4)) + s % 16 for s in starts]   # notes alone are read as 4/4
    assert _first((3, 4)) != _first((6, 8))   # same bar length, slots of their own
    assert (rows.slots[~rows.real] == AWARE.positions - 1).all()   # the rows before a piece: padding
    windows, targets, positions = rows.batch(rows.notes[:3])
    assert positions.shape == (3, AWARE.window) and positions[2, -1] == slots[0, 1]


def test_a_meter_without_enough_training_pieces_borrows_a_kins_slots():
    config = NotesLSTMConfig(meters=METERS, trained_meters=trained_meters([(6, 8)] * 60 + [(12, 8)] * 40 +
                                                                         [(3, 4)] * 99 + [(3, 2)] * 1, AWARE))
    assert set(config.trained_meters) == {(6, 8), (12, 8), (3, 4)}
    assert config.position_slots(np.array([0, 4]), (3, 2)).tolist() == \
        config.position_slots(np.array([0, 4]), (3, 4)).tolist()   # 3/2 reads as two bars of 3/4


def test_generated_notes_feed_back_their_true_position_in_a_6_8_bar(monkeypatch):
    torch.manual_seed(0)
    generator = NotesLSTMGenerator("toy", NotesLSTM(AWARE), "cpu")
    seen = []
    predict = generator.predict

    def spy(windows, slots):
        seen.append((windows.copy(), slots.copy()))
        return predict(windows, slots)

    monkeypatch.setattr(generator, "predict", spy)
    seed = Clip(_line(range(0, 24, 2)), 2 * 1440)
    takes = generator.generate(GenerationRequest(seed=seed, bars=2, variations=1, random_seed=1, meter=(6, 8)))
    assert [t.length for t in takes] == [2 * 1440]
    first = _first((6, 8))
    assert seen[0][1][0].tolist() == [first + s % 12 for s in (16, 18, 20, 22)]   # the seed's last 4 notes
    # each later window ends with the note just generated, at the seed's last note + the steps since
    steps = 22 + np.rint(np.cumsum([w[0, -1, 1] for w, _ in seen[1:]]) * 4).astype(int)
    assert [s[0, -1] for _, s in seen[1:]] == (first + steps % 12).tolist()
    assert len(seen) > 2 and all((s[0, :-1] == p[0, 1:]).all() for (_, p), (_, s) in zip(seen, seen[1:]))


def _toy_bars(rng, bars: int) -> tuple[Note, ...]:
    """A 3/4 line of random bars: three quarters, a half and a quarter, or a dotted half."""
    notes, start = [], 0
    for _ in range(bars):
        for beats in ([1, 1, 1], [2, 1], [3])[rng.integers(3)]:
            notes.append(Note(int(rng.integers(60, 72)), start, beats * 480, 90))
            start += beats * 480
    return tuple(notes)


def test_a_toy_model_trained_on_3_4_only_puts_its_onsets_on_3_4_beats():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    config = NotesLSTMConfig(window=6, hidden=32, pitch_weight=0.01, meters=METERS)
    rows = NoteRows([(_toy_bars(rng, 16), (3, 4)) for _ in range(40)], config.window, config)
    model = NotesLSTM(config)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(300):
        windows, targets, positions = rows.random_batch(64, rng, [0])
        loss = losses(model, windows, targets, positions)["loss"]
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    generator = NotesLSTMGenerator("toy", model, "cpu")
    seed = Clip(_toy_bars(np.random.default_rng(5), 4), 4 * 1440)
    takes = generator.generate(GenerationRequest(seed=seed, bars=8, variations=4, random_seed=2, meter=(3, 4)))
    onsets = [n.start for t in takes for n in t.notes]
    assert all(t.length == 8 * 1440 for t in takes) and len(onsets) >= 4 * 8
    assert all(s % 480 == 0 for s in onsets)                       # on 3/4's beats, never between them
    downbeats = {s // 1440 for t in takes for s in (n.start for n in t.notes) if s % 1440 == 0}
    assert len(downbeats) == 8                                     # every bar has its first beat somewhere


def test_a_config_without_meters_loads_and_writes_itself_as_before():
    old = read_config(MODELS / "lstm-notes-nc")["model"]
    assert "meters" not in old
    config = NotesLSTMConfig(**old)
    assert config.positions == 0 and config.to_dict() == old
    model = NotesLSTM(config)
    assert model.lstm.input_size == 3 and not hasattr(model, "position")
    rows = NoteRows([_line(range(0, 16, 2))], config.window, config)
    assert rows.slots is None and len(rows.batch(rows.notes[:2])) == 2


def test_the_default_is_meter_aware_and_licence_clean_and_the_earlier_model_is_nc():
    registry = ModelRegistry([MODELS])
    default, earlier = registry.load("lstm-notes", "cpu"), registry.load("lstm-notes-nc", "cpu")
    assert default.model.config.positions > 0 and earlier.model.config.positions == 0
    assert earlier.name == "lstm-notes-nc" and default.name == "lstm-notes"
    assert model_info(MODELS / "lstm-notes").licence.name == REDISTRIBUTABLE
    assert model_info(MODELS / "lstm-notes-nc").licence.name == NON_COMMERCIAL
    assert json.loads((MODELS / "lstm-notes-nc" / "config.json").read_text())["data"]["collections"] is None
    seed = Clip(_line(range(0, 24, 2)), 2 * 1440)
    for generator in (default, earlier):
        takes = generator.generate(GenerationRequest(seed=seed, bars=4, variations=2, random_seed=3, meter=(3, 4)))
        assert all(t.length == 4 * 1440 and t.notes and t.model == generator.name for t in takes)


@pytest.mark.parametrize("meter", [(3, 4), (6, 8)])
def test_held_out_likelihood_reads_each_phrase_in_its_own_meter(meter):
    torch.manual_seed(0)
    generator = NotesLSTMGenerator("toy", NotesLSTM(AWARE), "cpu")
    notes = _line(range(0, 24, 2))
    as_meter, as_4_4 = generator.likelihood([(notes, meter)]), generator.likelihood([notes])
    assert as_meter["notes"] == as_4_4["notes"] == len(notes)
    assert as_meter["pitch_ce_nats_per_note"] != as_4_4["pitch_ce_nats_per_note"]


def test_the_onset_prior_draws_steps_that_land_where_the_meters_tunes_put_onsets():
    first, length = AWARE.meter_runs()[METERS.index((6, 8))]
    prior = np.full(AWARE.positions - 1, 1e-3)
    prior[first:first + length:2] = 0.9 / 6                 # 6/8's tunes: onsets on 8ths only
    config = NotesLSTMConfig(window=4, hidden=8, meters=METERS, onset_prior=prior, chord_share=0.5,
                             step_sigma=0.14)
    rows = 4000
    # from the bar line, a regression of 0.74 quarters (3 16ths) mostly goes to an 8th step, 0.5 or 1.0
    step = steps_by_onset_prior(np.full(rows, 0.74), np.zeros(rows, np.int64), config, (6, 8),
                                np.random.default_rng(0))
    assert set(step.tolist()) <= {0.25, 0.5, 0.75, 1.0, 1.25} and np.mean(np.isin(step, (0.5, 1.0))) > 0.9
    assert 0.3 < np.mean(step == 0.5) < 0.7     # the two 8th steps, about as near, share the draws
    cold = steps_by_onset_prior(np.full(rows, 0.74), np.zeros(rows, np.int64), config, (6, 8),
                                np.random.default_rng(0), temperature=0.05)
    assert np.isin(cold, (0.5, 1.0)).all()
    flat = NotesLSTMConfig(window=4, hidden=8, meters=METERS, onset_prior=np.full(AWARE.positions - 1, 0.1),
                           chord_share=0.1, step_sigma=0.14)
    step = steps_by_onset_prior(np.full(rows, 0.74), np.zeros(rows, np.int64), flat, (6, 8),
                                np.random.default_rng(0))
    assert np.mean(step == 0.75) > 0.6                       # a flat prior keeps the nearest step likeliest
    near_zero = steps_by_onset_prior(np.full(rows, 0.02), np.full(rows, 4), config, (6, 8), np.random.default_rng(1))
    assert np.mean(near_zero == 0.0) > 0.9                   # a chord stays a chord
    assert NotesLSTMGenerator("flat", NotesLSTM(flat), "cpu")._decodes_by_prior
    assert not NotesLSTMGenerator("none", NotesLSTM(AWARE), "cpu")._decodes_by_prior   # no prior: rounding


def test_training_records_the_onset_prior_of_each_meters_bar_and_the_share_of_chord_notes():
    chords = (Note(72, 0, 480, 90), Note(64, 1440, 480, 90))   # two notes that start with another
    rows = NoteRows([(_line([0, 4, 8, 12]), (3, 4))] * 3 + [(_line([0, 12]) + chords, (3, 4))],
                    AWARE.window, AWARE)
    prior, chord_share = onset_prior(rows, AWARE)
    first, length = AWARE.meter_runs()[METERS.index((3, 4))]
    run = np.array(prior[first:first + length])
    # 14 onsets: 8 on the bar line (0 and 12), 3 on each of beats 2 and 3; add-one smoothed over 12 slots;
    # the chord notes are not onsets of their own
    assert np.allclose(run, np.array([9, 1, 1, 1, 4, 1, 1, 1, 4, 1, 1, 1]) / 26, atol=1e-6)
    assert np.isclose(sum(prior), len(METERS), atol=1e-4)   # every meter's run sums to 1
    assert np.isclose(chord_share, (2 + 1) / (16 + 2))        # 2 of 16 notes, add-one smoothed


def test_a_note_ends_as_far_from_a_moved_onset_as_the_network_meant():
    out = [[Note(60, 0, 240, 90)], [Note(62, 0, 240, 90)], [Note(64, 1680, 240, 90)]]
    windows = np.zeros((3, 4, 3), np.float32)
    windows[:, -1, 2] = 0.5
    # row 0: the next onset comes a 16th earlier than the regression's; row 1: a 16th later (the note
    # before was legato, it stays so); row 2 would run past the take's end (1,920 ticks)
    _keep_articulation(out, windows, np.array([True, True, True]), np.array([-0.25, 0.25, 0.5]), 1920)
    assert [notes[-1].duration for notes in out] == [120, 360, 240]
    assert windows[:, -1, 2].tolist() == [0.25, 0.75, 0.5]
    untouched = [[Note(60, 0, 240, 90)]]
    _keep_articulation(untouched, windows[:1], np.array([False]), np.array([-0.25]), 1920)   # a seed note
    assert untouched[0][0].duration == 240


# The earlier model's two takes of this request, written by the code before meters (commit 677a06c's parent)
EARLIER_TAKES = [
    [
        (62, 0, 240), (65, 240, 240), (61, 480, 240), (59, 720, 240), (68, 960, 240), (64, 1200, 240),
        (67, 1440, 240), (62, 1680, 240), (66, 1920, 240), (68, 2160, 240), (74, 2400, 240), (71, 2640, 240),
        (68, 2880, 240), (65, 3120, 240), (69, 3360, 240), (67, 3600, 240),
    ],
    [
        (66, 0, 240), (59, 240, 240), (68, 480, 240), (61, 720, 240), (65, 960, 240), (65, 1200, 240),
        (64, 1440, 240), (67, 1680, 240), (66, 1920, 240), (66, 2160, 240), (63, 2400, 240), (64, 2640, 240),
        (65, 2880, 240), (68, 3120, 240), (63, 3360, 240), (63, 3600, 240),
    ],
]


def test_the_earlier_model_gives_the_takes_it_gave_before_meters():
    generator = ModelRegistry([MODELS]).load("lstm-notes-nc", "cpu")
    seed = Clip(tuple(Note(60 + (i * 7) % 12, i * 240, 240, 90) for i in range(24)), 3 * 1440)
    takes = generator.generate(GenerationRequest(seed=seed, bars=2, variations=2, random_seed=11))
    assert [[(n.pitch, n.start, n.duration) for n in t.notes] for t in takes] == EARLIER_TAKES


def test_a_bass_seed_is_continued_in_the_models_register_and_its_takes_come_back_down():
    assert home_shift([40, 43, 45, 47], (62, 83)) == 24 and home_shift([70, 72], (62, 83)) == 0
    assert home_shift([96, 98, 100], (62, 83)) == -24 and home_shift([40], None) == 0
    rng = np.random.default_rng(3)
    rows = NoteRows([_toy_bars(rng, 8) for _ in range(10)], 4)
    assert training_register(rows, [0]) == (60, 71) and training_register(rows, [-12, 12])[0] < 60
    torch.manual_seed(0)
    config = NotesLSTMConfig(window=4, hidden=8, register=(62, 83))
    generator = NotesLSTMGenerator("toy", NotesLSTM(config), "cpu")
    seen = []
    predict = generator.predict
    generator.predict = lambda windows, slots: seen.append(windows[0, -1, 0]) or predict(windows, slots)
    bass = Clip(tuple(Note(36 + i % 5, i * 480, 480, 90) for i in range(8)), 2 * 1920)
    takes = generator.generate(GenerationRequest(seed=bass, bars=2, variations=2, random_seed=1,
                                                 pitch_range=(31, 45)))
    assert seen[0] == 36 + 7 % 5 + 36      # the network reads the seed three octaves up
    notes = [n for t in takes for n in t.notes]
    assert notes and all(31 <= n.pitch <= 45 for n in notes)   # and the takes are in the range asked for


def test_a_triplet_16th_just_before_the_bar_line_does_not_add_a_bar_to_the_take():
    generator = ModelRegistry([MODELS]).load("lstm-notes", "cpu")
    quarters = tuple(Note(67 + i % 3, i * 480, 480, 90) for i in range(15))
    last = (Note(72, 4 * 1920 - 40, 40, 90),)                 # a 16th triplet ending on the bar line
    seed = Clip(quarters + last, 4 * 1920)                    # on the 16th grid it would start on the bar line
    takes = generator.generate(GenerationRequest(seed=seed, bars=2, variations=2, random_seed=3))
    assert all(t.length == 2 * 1920 and all(n.end <= t.length for n in t.notes) for t in takes)
