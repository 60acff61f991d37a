"""The polyphonic VAE: its roll codec round-trips notes, its phrases are exactly 2 bars of the meter asked
for, a damaged checkpoint is refused with a message that names the file, and on a tiny model trained on
made-up chords the polyphony and note-density sliders move their attribute the way they say."""

import json
import shutil

import numpy as np
import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import CheckpointError, read_config
from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar
from musicstudio.generators.interface import GenerationRequest, bar_ticks
from musicstudio.generators.vae.model import MeterRefused
from musicstudio.generators.vae_poly.backend import load
from musicstudio.generators.vae_poly.phrases import roll_attributes
from musicstudio.generators.vae_poly.roll import HOLD, ONSET, RollCodec

Q = 4 * STEP_TICKS
CHORDS = Clip(tuple(Note(p, bar * 4 * Q + beat * Q, Q, 80) for bar, chord in
                    enumerate([(55, 59, 62, 67), (48, 55, 64, 72)]) for beat in range(4) for p in chord), 8 * Q)


@pytest.fixture(scope="module")
def poly(tiny_poly_models):
    folder = tiny_poly_models / "vae-poly-tiny"
    return load(folder, read_config(folder))


def _walked(codec: RollCodec, roll, velocity: int) -> tuple[Note, ...]:
    """The notes of a roll read cell by cell, pitch by pitch: what decode's rule says, written the slow way."""
    out = []
    for p in range(roll.shape[1]):
        start = None
        for t, state in enumerate(roll[:, p]):
            if state == ONSET or (state == HOLD and start is None):
                if start is not None:
                    out.append(Note(p + codec.low, start * STEP_TICKS, (t - start) * STEP_TICKS, velocity))
                start = t
            elif state == 0 and start is not None:
                out.append(Note(p + codec.low, start * STEP_TICKS, (t - start) * STEP_TICKS, velocity))
                start = None
        if start is not None:
            out.append(Note(p + codec.low, start * STEP_TICKS, (len(roll) - start) * STEP_TICKS, velocity))
    return tuple(sorted(out, key=lambda n: (n.start, n.pitch)))


@pytest.mark.parametrize("weights", [(5, 1, 3), (90, 4, 6), (1, 1, 1), (0, 1, 0), (0, 0, 1)])
def test_decoding_a_roll_reads_every_cell_as_walking_it_would(weights):
    codec, rng = RollCodec(), np.random.default_rng(sum(weights))
    p = np.array(weights, float) / sum(weights)
    for steps in (0, 1, 2, 17, 64):
        for _ in range(20):
            roll = rng.choice(3, size=(steps, codec.pitches), p=p).astype(np.uint8)
            assert codec.decode(roll, 77) == _walked(codec, roll, 77)


def test_the_roll_codec_round_trips_chords_and_lines():
    codec = RollCodec(24, 108)
    notes = (Note(60, 0, 240, 100), Note(64, 0, 480, 100), Note(67, 120, 120, 100), Note(60, 240, 360, 100),
             Note(36, 480, 960, 100))
    roll = codec.encode(notes, 16)
    assert roll[0, 60 - 24] == ONSET and roll[1, 60 - 24] == HOLD and roll[2, 60 - 24] == ONSET
    assert set(codec.decode(roll)) == set(notes)
    # a note past the roll's end is cut there; a pitch outside the range is left out
    assert codec.decode(codec.encode([Note(60, 0, 4000, 100), Note(110, 0, 120, 100)], 8)) == (Note(60, 0, 960, 100),)


@pytest.mark.parametrize("meter", [(4, 4), (3, 4), (6, 8), (2, 4), (12, 8)])
def test_takes_are_exactly_the_bars_asked_for_in_each_meter(poly, meter):
    bar = bar_ticks(meter)
    takes = poly.generate(GenerationRequest(seed=Clip(CHORDS.notes, 2 * bar), bars=3, variations=2, meter=meter))
    assert len(takes) == 2
    for take in takes:
        assert take.length == 3 * bar and all(n.end <= 3 * bar for n in take.notes)
    assert poly.phrase_steps(meter) == 2 * steps_in_bar(meter if meter != (12, 8) else (6, 8))


def test_a_meter_it_does_not_write_is_refused(poly):
    with pytest.raises(MeterRefused):
        poly.phrase_steps((5, 4))


def test_chords_come_back_as_chords_and_interpolation_keeps_its_ends(poly):
    heard = poly.move_sliders(CHORDS, {})
    starts = {}
    for n in heard:
        starts.setdefault(n.start, []).append(n.pitch)
    assert heard and max(len(p) for p in starts.values()) >= 2          # chords, not one line
    phrases = poly.interpolate(CHORDS, Clip(CHORDS.notes[:8], 8 * Q), 5)
    assert len(phrases) == 5 and phrases[0] == heard
    assert poly.mix([CHORDS], [1.0]) == heard


@pytest.mark.parametrize("slider, attribute", [("polyphony", "polyphony"), ("note_density", "note_density")])
def test_sliders_move_their_attribute(poly, slider, attribute):
    z = np.random.default_rng(1).standard_normal((30, poly.latent)).astype(np.float32) * 0.5
    means = []
    for amount in (-2.0, 0.0, 2.0):
        rolls = poly.rolls_for(poly.move(z, slider, amount), (4, 4))
        means.append(np.nanmean([roll_attributes(r, poly.codec.low, (4, 4))[attribute] for r in rolls]))
    assert means[0] < means[1] < means[2], means


def test_a_damaged_checkpoint_is_refused_with_a_message(tiny_poly_models, tmp_path):
    folder = tmp_path / "damaged"
    shutil.copytree(tiny_poly_models / "vae-poly-tiny", folder)
    weights = folder / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="weights"):
        load(folder, read_config(folder))
    config = json.loads((tiny_poly_models / "vae-poly-tiny" / "config.json").read_text())
    config["sliders"] = config["sliders"][:-1]
    with pytest.raises(CheckpointError, match="slider names"):
        load(tiny_poly_models / "vae-poly-tiny", config)


def _tiny_model(**kw):
    import torch

    from musicstudio.generators.vae_poly.model import PolyConfig, PolyVAE

    torch.manual_seed(0)
    return PolyVAE(PolyConfig(pitches=12, embed=8, encoder=8, decoder=16, latent=4, position_embed=4, **kw))


def _two_rolls(model):
    import torch

    rng = np.random.default_rng(0)
    rolls = torch.from_numpy(rng.integers(0, 2, (2, 32, 12)))         # off and onset states
    features = torch.cat([rolls == ONSET, rolls != 0], dim=-1).float()
    return features, model.config.slots((4, 4), 32)


def test_feedback_dropout_blanks_the_fed_back_steps_only_while_training():
    import torch

    model = _tiny_model(feedback_dropout=1.0)
    features, slots = _two_rolls(model)
    z = torch.zeros(2, 4)
    model.train()
    assert torch.allclose(model.decode_logits(z, features, slots), model.decode_logits(z, 1 - features, slots))
    model.eval()
    assert not torch.allclose(model.decode_logits(z, features, slots), model.decode_logits(z, 1 - features, slots))


def test_the_parallel_decoder_reads_only_z_and_its_greedy_states_are_well_formed():
    import torch

    model = _tiny_model(decoder_kind="parallel").eval()
    features, slots = _two_rolls(model)
    z = torch.randn(2, 4)
    assert torch.equal(model.decode_logits(z, features, slots), model.decode_logits(z, 1 - features, slots))
    states = model.decode_states(z, slots)
    assert states.shape == (2, 32, 12)
    sounding_before = torch.cat([torch.zeros(2, 1, 12, dtype=torch.bool), states[:, :-1] != 0], dim=1)
    assert not ((states == HOLD) & ~sounding_before).any()          # no hold after silence
    with pytest.raises(ValueError, match="decoder"):
        _tiny_model(decoder_kind="sideways")


def test_without_sampling_training_reads_the_posterior_mean():
    import torch

    model = _tiny_model().train()
    features, slots = _two_rolls(model)
    first, mu, _ = model(features, slots, sample=False)
    again, _, _ = model(features, slots, sample=False)
    assert torch.equal(first, again)
    noisy, _, _ = model(features, slots)
    assert not torch.equal(first, noisy)


def test_the_report_keeps_the_hand_written_part_of_the_docs(tmp_path):
    from musicstudio.generators.vae_poly.report import KEPT, kept_part

    docs = tmp_path / "vae-poly.md"
    assert kept_part(docs) == ""                                       # no file yet
    docs.write_text("# measured\n\n| a | 1 |\n")
    assert kept_part(docs) == ""                                       # nothing marked
    docs.write_text(f"# measured\n\n| a | 1 |\n\n{KEPT}\n\n## Diagnosis\n\nby hand\n")
    assert kept_part(docs) == f"{KEPT}\n\n## Diagnosis\n\nby hand\n"
