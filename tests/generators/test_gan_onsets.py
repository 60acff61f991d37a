"""Where a GAN melody's notes start: per-meter onset thresholds (fitted on the validation split), the
decoding they switch on, and the training term that matches where the bars of each meter start notes. A
model without a table (gan-nc, every GAN before) writes exactly what it wrote before."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from tiny_models import train_tiny

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.gan.backend import load
from musicstudio.generators.gan.calibration import (
    fit_meter,
    onset_frequencies,
    take_frequencies,
    updated,
)
from musicstudio.generators.gan.meters import meter_grid
from musicstudio.generators.gan.onsets import OnsetThresholds
from musicstudio.generators.gan.rolls import binarise, one_line
from musicstudio.generators.gan.training import onset_profile_gap
from musicstudio.generators.interface import GenerationRequest

SHIPPED = Path(__file__).resolve().parents[2] / "models"


def test_a_table_gives_each_step_of_its_meters_bar_a_threshold_and_other_meters_none():
    table = OnsetThresholds.from_config({"3/4": [0.3] * 12, "2/4": [0.5, 0.1] * 4})
    steps = table.steps((3, 4), 24)
    assert steps.shape == (24,) and np.allclose(steps[:12], 0.3) and np.allclose(steps[12:], 0.5)
    assert table.steps((6, 8), 24) is None and OnsetThresholds.from_config(None).steps((3, 4), 24) is None
    assert OnsetThresholds.from_config(table.to_config()) == table
    with pytest.raises(ValueError, match="12"):
        OnsetThresholds.from_config({"3/4": [0.3] * 8})
    with pytest.raises(ValueError, match="between 0 and 1"):
        OnsetThresholds.from_config({"2/4": [0.5] * 7 + [1.5]})


def _line(onsets_at, sounding_from=0, steps=8, pitches=4):
    probs = np.zeros((1, 2, steps, pitches), np.float32)
    probs[0, 0, sounding_from:, 1] = 0.9
    for t, p, level in onsets_at:
        probs[0, 0, t:, :] = 0.0
        probs[0, 0, t:, p] = 0.9
        probs[0, 1, t, p] = level
    return probs


def test_a_steps_threshold_decides_whether_a_note_starts_there():
    probs = _line([(0, 1, 0.9), (2, 2, 0.3), (4, 3, 0.3)])
    _, plain = one_line(probs)
    assert plain[0].any(axis=1).nonzero()[0].tolist() == [0, 2, 4]   # at 0.5 the pitch change starts one anyway
    low_at_2 = np.full(8, 0.5, np.float32)
    low_at_2[2] = 0.2
    sounding, onset = one_line(probs, onsets=low_at_2)
    assert onset[0].any(axis=1).nonzero()[0].tolist() == [0, 2]      # step 4 stays the note of step 2
    assert sounding[0].any(axis=1).all() and sounding[0, 4:, 2].all()


def test_with_a_table_no_note_starts_without_an_onset_and_the_held_note_goes_on():
    probs = _line([(0, 1, 0.9)])
    probs[0, 0, 3:, 1] = 0.0
    probs[0, 0, 3:, 2] = 0.9               # the sound moves to pitch 2 with no onset
    _, plain = one_line(probs)
    assert plain[0].any(axis=1).nonzero()[0].tolist() == [0, 3]
    sounding, onset = one_line(probs, onsets=np.full(8, 0.5, np.float32))
    assert onset[0].any(axis=1).nonzero()[0].tolist() == [0] and sounding[0, :, 1].all()


def test_binarisation_hands_the_table_to_melodies_only():
    probs = _line([(0, 1, 0.9)])
    probs[0, 0, 3:, 1] = 0.0
    probs[0, 0, 3:, 2] = 0.9               # the sound moves to pitch 2 with no onset
    table = np.full(8, 0.5, np.float32)
    melody = binarise(probs, True, onsets=table)
    assert melody[0, 1].any(axis=1).nonzero()[0].tolist() == [0]
    assert (binarise(probs, False, onsets=table) == binarise(probs, False)).all()   # chords as before


def test_frequencies_count_the_bars_that_start_a_note_at_each_step():
    rolls = np.zeros((4, 2, 24, 3), bool)
    rolls[:, 1, 0, 0] = True
    rolls[:2, 1, 6, [1, 2]] = True         # two pitches at once count once
    assert onset_frequencies(rolls, 12).tolist() == [1.0] + [0.0] * 5 + [0.5] + [0.0] * 5
    takes = [(Note(60, 0, 240, 90), Note(62, 1440 + 720, 240, 90)), (Note(60, 0, 120, 90),)]
    made = take_frequencies(takes, (3, 4), 2)
    assert made[0] == 0.5 and made[6] == 0.25 and made.sum() == 0.75


def test_the_fit_moves_thresholds_until_the_decoded_frequencies_meet_the_target():
    rng = np.random.default_rng(0)
    peaks = rng.random((400, 6)) ** np.array([1, 3, 1, 3, 1, 3])   # the model's onset certainty a step

    def decode(thresholds):
        return (peaks >= thresholds).mean(axis=0)
    target = np.array([0.9, 0.6, 0.8, 0.6, 0.9, 0.1])
    fit = fit_meter(decode, target, rounds=12)
    assert fit["distance"] < 0.05 < fit["history"][0]
    assert np.abs(decode(fit["thresholds"]) - target).max() < 0.1
    assert (updated(np.full(2, 0.5), np.array([0.2, 0.9]), np.array([0.4, 0.3])) == np.array([0.25, 0.98])).all()


def test_the_onset_profile_term_compares_each_meters_bars_with_its_own():
    grid = torch.from_numpy(np.stack([meter_grid((3, 4))] * 2 + [meter_grid((2, 4))] * 2))
    real = torch.zeros(4, 24, 3)
    real[:, 0, 0] = 1
    real[:2, 8, 1] = 1                      # the 3/4 bars start a note on beat 3
    assert onset_profile_gap(real.clone(), real, grid).item() == 0
    fake = real.clone()
    fake[2:, 4, 2] = 1                      # the 2/4 bars start one on the second beat too
    gap = onset_profile_gap(fake, real, grid).item()
    assert gap == pytest.approx(1 / 20)     # one step of 2/4's 8 wrong, over the 12 + 8 steps
    fake[:2, 4, 2] = 1                      # in 3/4 that step is wrong as well
    assert onset_profile_gap(fake, real, grid).item() == pytest.approx(2 / 20)


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory, tiny_corpus_dir):
    return train_tiny(tmp_path_factory, tiny_corpus_dir, "gan", "gan-tiny-meters",
                      extra=("--set", 'data.collections=["essenFolksong"]', "--set", "objective.onset_profile=2.0")) \
        / "gan-tiny-meters"


def _takes(folder, table):
    config = json.loads((folder / "config.json").read_text())
    config["onset_thresholds"] = table
    seed = Clip(tuple(Note(60 + i % 5, i * 240, 240, 90) for i in range(24)), 4 * 1440)
    return load(folder, config).generate(GenerationRequest(seed=seed, bars=4, variations=4, random_seed=3,
                                                           meter=(3, 4)))


def test_a_models_table_decides_where_its_takes_start_notes(tiny_folder):
    plain, empty = _takes(tiny_folder, None), _takes(tiny_folder, {})
    assert [t.notes for t in plain] == [t.notes for t in empty]      # no table: as before
    only_downbeats = _takes(tiny_folder, {"3/4": [0.01] + [0.99] * 11})
    starts = [n.start for t in only_downbeats for n in t.notes]
    assert starts and all(s % 1440 == 0 for s in starts)
    assert [t.length for t in only_downbeats] == [4 * 1440] * 4


@pytest.mark.skipif(not (SHIPPED / "gan-nc" / "weights.safetensors").exists(), reason="needs the shipped gan-nc")
def test_gan_nc_writes_exactly_what_it_wrote_before_onset_thresholds():
    melody = Clip(tuple(Note(60 + (i * 5) % 12, i * 240, 240, 90) for i in range(32)), 4 * 1920)
    chorale = Clip(tuple(Note(p + 12 * (b % 2), b * 1920 + k * 480, 480, 80) for b in range(4) for k in range(4)
                         for p in (48, 55, 64, 72)), 4 * 1920)
    folder = SHIPPED / "gan-nc"
    generator = load(folder, json.loads((folder / "config.json").read_text()))
    digest = hashlib.sha256()
    for seed, texture in ((melody, "auto"), (chorale, "chords")):
        for meter in ((4, 4), (2, 2)):
            for take in generator.generate(GenerationRequest(seed=seed, bars=6, variations=4, random_seed=7,
                                                             meter=meter, options={"texture": texture})):
                digest.update(repr(take.notes).encode())
    assert digest.hexdigest()[:16] == "c6856437c8911835"   # the code before the tables (commit 6ee0a6b)
