"""The harmonizer writes the voices it is asked for and leaves the given ones alone: shapes, masks respected,
the given voices unchanged, every note inside the span's bars and its voice's range; a damaged checkpoint is
refused with a message."""

import json

import numpy as np
import pytest
import torch

from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import CheckpointError, read_config
from musicstudio.generators.harmonizer.backend import load
from musicstudio.generators.harmonizer.generator import SpanError, assign_slots, octave_shift
from musicstudio.generators.harmonizer.model import HarmonizerConfig, HarmonizerNet
from musicstudio.generators.harmonizer.voices import TOKENS, Voices, meter_planes, rolls

BAR = 1920
MELODY = tuple(Note(67 + (0, 2, 4, 5, 7, 5, 4, 2)[i % 8], i * 480, 480, 90) for i in range(32))   # 8 bars


@pytest.fixture
def harmonizer(tiny_harmonizer):
    return load(tiny_harmonizer, read_config(tiny_harmonizer))


def test_the_network_answers_every_voice_and_step_and_ignores_what_masked_steps_held():
    net = HarmonizerNet(HarmonizerConfig(hidden=16, blocks=2, dilations=(1, 2), dropout=0.0)).eval()
    tokens = np.random.default_rng(0).integers(0, TOKENS, (2, 4, 24))
    mask = np.zeros((2, 4, 24), np.float32)
    mask[:, 1:, 5:9] = 1
    planes = torch.from_numpy(np.stack([meter_planes((3, 4), 24)] * 2))
    out = net(torch.from_numpy(rolls(tokens)), torch.from_numpy(mask), planes)
    assert out.shape == (2, 4, 24, TOKENS)
    roll = rolls(tokens)
    roll[:, 1:, 5:9] = np.random.default_rng(1).random(roll[:, 1:, 5:9].shape)     # whatever a masked step holds
    again = net(torch.from_numpy(roll), torch.from_numpy(mask), planes)
    assert torch.allclose(out, again, atol=1e-5)
    roll[:, 0, 5:9] = 0.0                                                           # an unmasked step counts
    assert not torch.allclose(out, net(torch.from_numpy(roll), torch.from_numpy(mask), planes), atol=1e-5)


def test_write_changes_only_the_masked_steps_and_keeps_to_the_allowed_pitches(harmonizer):
    voices = Voices.from_parts([MELODY, (), (), ()], (4, 4))
    write = np.zeros((4, voices.steps), bool)
    write[2, 16:48] = True
    takes = harmonizer.write(voices, write, [(36, 84), (36, 84), (50, 55), (36, 84)], variations=3, random_seed=1)
    assert len(takes) == 3
    for take in takes:
        assert take.tokens.shape == voices.tokens.shape
        assert (take.tokens[~write] == voices.tokens[~write]).all()
        pitches = [t - 2 + 36 for t in take.tokens[2] if t >= 2]
        assert all(50 <= p <= 55 for p in pitches)
    same = harmonizer.write(voices, write, [(36, 84)] * 2 + [(50, 55), (36, 84)], variations=3, random_seed=1)
    assert all((a.tokens == b.tokens).all() for a, b in zip(takes, same))


def test_harmonize_writes_three_parts_inside_the_bars_and_bachs_ranges(harmonizer):
    start, end = 2 * BAR, 10 * BAR
    melody = [n._replace(start=n.start + start) for n in MELODY]
    takes = harmonizer.harmonize(melody, (4, 4), start, end, variations=2, random_seed=0)
    assert len(takes) == 2 and all(len(take) == 3 for take in takes)
    for take in takes:
        for part, (low, high) in zip(take, harmonizer.ranges[1:]):
            assert part, "a written voice is silent"
            assert all(start <= n.start and n.end <= end for n in part)
            assert all(low <= n.pitch <= high for n in part)


def test_a_melody_out_of_the_models_range_moves_by_octaves_and_the_parts_move_back(harmonizer):
    high = [n._replace(pitch=n.pitch + 24) for n in MELODY]            # G6 and up: above C6
    for part, (low, top) in zip(harmonizer.harmonize(high, (4, 4), 0, 8 * BAR)[0], harmonizer.ranges[1:]):
        assert all(low + 24 <= n.pitch <= top + 24 for n in part)
    assert octave_shift(high, 70.5) == -24


def test_add_part_keeps_to_the_requested_register_and_says_when_it_cannot(harmonizer):
    given = [MELODY, [n._replace(pitch=n.pitch - 12) for n in MELODY]]
    for take in harmonizer.add_part(given, "bass", (3, 4), 0, 8 * 1440, register=(40, 47), variations=2):
        assert take and all(40 <= n.pitch <= 47 and n.end <= 8 * 1440 for n in take)
    with pytest.raises(SpanError, match="register"):
        harmonizer.add_part(given, "bass", (4, 4), 0, 8 * BAR, register=(0, 5))
    with pytest.raises(SpanError, match="role"):
        harmonizer.add_part(given, "descant", (4, 4), 0, 8 * BAR)


def test_given_lines_take_the_slots_their_registers_say():
    line = lambda pitch: [Note(pitch, 0, 480, 90)]   # noqa: E731
    assert assign_slots([line(72), line(60), line(50)], 2) == {0: 0, 1: 1, 2: 3}
    assert assign_slots([line(72)], 3) == {0: 0}
    assert assign_slots([line(45)], 0) == {0: 3}
    five = [line(84), line(72), line(62), line(55), line(40)]
    assert set(assign_slots(five, 3)) == {2, 3, 4}        # a bass hears the three lines nearest its register


def test_a_span_too_long_or_empty_is_refused(harmonizer):
    with pytest.raises(SpanError, match="16ths"):
        harmonizer.harmonize(MELODY, (4, 4), 0, 200 * BAR)
    with pytest.raises(SpanError, match="no notes"):
        harmonizer.harmonize(MELODY, (4, 4), 20 * BAR, 28 * BAR)


@pytest.mark.parametrize("damage", ["weights", "config"])
def test_a_damaged_checkpoint_is_refused_with_a_message(tiny_harmonizer, tmp_path, damage):
    folder = tmp_path / "broken"
    folder.mkdir()
    config = read_config(tiny_harmonizer)
    weights = (tiny_harmonizer / "weights.safetensors").read_bytes()
    if damage == "weights":
        weights = weights[:len(weights) // 2]
    else:
        config["model"]["hidden"] = 32
    (folder / "weights.safetensors").write_bytes(weights)
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError) as e:
        load(folder, read_config(folder))
    assert str(e.value)
    config["ranges"] = [[36, 84]] * 3
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="harmonizer"):
        load(folder, read_config(folder))


def test_the_voice_leading_rule_runs_in_the_sampler_and_keeps_the_given_voices(harmonizer):
    harmonizer.decoding = {**harmonizer.decoding, "parallel_penalty": 50.0}
    voices = Voices.from_parts([MELODY, (), (), ()], (4, 4))
    write = np.zeros((4, voices.steps), bool)
    write[1:] = True
    for take in harmonizer.write(voices, write, harmonizer.ranges, variations=2, random_seed=3):
        assert (take.tokens[0] == voices.tokens[0]).all()


@pytest.mark.parametrize("meter", [(4, 4), (3, 4)])
def test_generate_continues_a_melody_as_a_soprano_for_exactly_the_bars_asked(harmonizer, meter):
    from musicstudio.core.clip import Clip
    from musicstudio.core.key import Key
    from musicstudio.generators.interface import GenerationRequest, bar_ticks

    bar = bar_ticks(meter)
    seed = Clip(tuple(n for n in MELODY if n.start < 2 * bar), 2 * bar)
    request = GenerationRequest(seed=seed, bars=3, variations=3, random_seed=5, meter=meter, key=Key(0),
                                pitch_range=(60, 76))
    takes = harmonizer.generate(request)
    assert len(takes) == 3 and all(t.length == 3 * bar and t.backend == "harmonizer" for t in takes)
    for take in takes:
        assert take.notes and all(0 <= n.start and n.end <= 3 * bar for n in take.notes)
        assert all(60 <= n.pitch <= 76 and n.pitch % 12 in Key(0).scale() for n in take.notes)
    assert [t.notes for t in harmonizer.generate(request)] == [t.notes for t in takes]


def test_a_repair_round_leaves_no_written_note_moving_in_parallel(harmonizer):
    from musicstudio.generators.harmonizer.rules import parallel_penalty

    harmonizer.decoding = {**harmonizer.decoding, "parallel_penalty": 50.0, "repair_rounds": 2}
    voices = Voices.from_parts([MELODY, (), (), ()], (4, 4))
    write = np.zeros((4, voices.steps), bool)
    write[1:] = True
    takes = harmonizer.write(voices, write, harmonizer.ranges, variations=2, random_seed=4)
    tokens = np.stack([t.tokens for t in takes])
    left = np.take_along_axis(parallel_penalty(tokens, 50.0, [1, 2, 3]), tokens[..., None], axis=-1)[..., 0] > 0
    assert not (left & write).any()
    assert (tokens[:, 0] == voices.tokens[0]).all()


def test_a_continuation_past_the_longest_span_is_refused_in_bars_before_anything_is_drawn(harmonizer):
    from musicstudio.core.clip import Clip
    from musicstudio.generators.interface import GenerationError, GenerationRequest

    seed = Clip(tuple(n for n in MELODY if n.start < 2 * BAR), 2 * BAR)
    with pytest.raises(GenerationError, match="at most 64 bars at a time, the seed's last 2 bars included: "
                                              "ask for 62 bars or fewer, not 64"):
        harmonizer.generate(GenerationRequest(seed=seed, bars=64, variations=1))
    assert len(harmonizer.generate(GenerationRequest(seed=seed, bars=62, variations=1))) == 1
