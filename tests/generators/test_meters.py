"""Issue 17, meter everywhere: a request carries the song's meter; every token backend writes exactly the
bars asked for in it (after completing the seed's unfinished bar); the meter-aware LSTM feeds the step in the
bar of that meter; old checkpoints ignore it as before; the bar-based GAN and VAE refuse meters they cannot
write, in words, before a model loads."""

from pathlib import Path

import numpy as np
import pytest
import torch
from tiny_models import train_tiny

from musicstudio.cli import main
from musicstudio.core.clip import Clip
from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.backends import backend_named
from musicstudio.generators.codecs.grid import steps_in_bar
from musicstudio.generators.interface import GenerationError, GenerationRequest
from musicstudio.generators.lstm.model import METERS, LSTMConfig
from musicstudio.generators.lstm.training import windows
from musicstudio.generators.phrases import TokenPhrases
from musicstudio.generators.registry import ModelRegistry
from musicstudio.generators.seed_plan import meter_refused, plan_seed, take_meter
from musicstudio.io.files import open_song
from musicstudio.io.midi_write import export_midi

TOKEN_MODELS = ("markov-tiny", "lstm-tiny", "lstm-meters-tiny", "lstm-notes-tiny", "lstm-ensemble-tiny")
THREE_FOUR = 1440   # ticks in a bar of 3/4 (and of 6/8)


def waltz(bars: int, extra_beats: int = 0) -> Clip:
    """A 3/4 seed: a dotted-crotchet-quaver-crotchet bar, ``bars`` times, then ``extra_beats`` crotchets."""
    notes, t = [], 0
    for b in range(bars):
        for pitch, length in ((60 + b % 3, 720), (64, 240), (67, 480)):
            notes.append(Note(pitch, t, length, 80))
            t += length
    for k in range(extra_beats):
        notes.append(Note(62 + k, t, 480, 80))
        t += 480
    return Clip(tuple(notes), t)


@pytest.fixture(scope="module")
def models_dirs(tmp_path_factory, tiny_corpus_dir):
    """Folders of the tiny token models: lstm (old and meter-aware), markov, lstm-notes, lstm-ensemble."""
    return [train_tiny(tmp_path_factory, tiny_corpus_dir, backend, *configs, extra=("--device", "cpu"))
            for backend, *configs in (("lstm", "lstm-tiny", "lstm-meters-tiny"), ("markov", "markov-tiny"),
                                      ("lstm-notes", "lstm-notes-tiny"), ("lstm-ensemble", "lstm-ensemble-tiny"))]


@pytest.fixture(scope="module")
def registry(models_dirs):
    return ModelRegistry(models_dirs)


def test_bar_steps_of_the_meters_on_the_16th_grid():
    assert [steps_in_bar(m) for m in ((4, 4), (3, 4), (2, 4), (6, 8), (9, 8), (12, 8), (3, 2), (2, 2))] == \
        [16, 12, 8, 12, 18, 24, 24, 16]


def test_each_known_meter_has_its_own_run_of_position_slots():
    config = LSTMConfig.meter_aware(10)
    runs = [config.meter_slot_of(m) for m in METERS]
    assert config.positions == sum(length for _, length in runs)
    slots = [set(range(first, first + length)) for first, length in runs]
    assert all(not (a & b) for i, a in enumerate(slots) for b in slots[i + 1:])   # no two meters share a slot
    steps = np.arange(40)
    three, six = config.position_slots(steps, (3, 4)), config.position_slots(steps, (6, 8))
    assert three[0] == three[12] == three[24] and three[0] != three[4]             # a 12-step cycle from the bar line
    assert not set(three) & set(six)                                                # 3/4 is not read as 6/8
    assert list(config.position_slots(np.arange(18), (9, 8))) == list(range(*_run(config, (9, 8))))
    # a meter without slots of its own borrows those of a bar as long and of the same kind, else 4/4's
    assert config.meter_slot_of((6, 4)) != config.meter_slot_of((5, 4)) == config.meter_slot_of((4, 4))
    with pytest.raises(ValueError, match="position slot"):
        LSTMConfig(10, positions=16, meters=((4, 4), (3, 4)))


def test_meters_with_too_few_training_tunes_borrow_the_slots_of_a_trained_meter_of_their_kind():
    from musicstudio.generators.lstm.training import model_config_of

    seen = [(6, 8)] * 60 + [(3, 4)] * 30 + [(4, 4)] * 9 + [(12, 8)]      # 12/8: 1% of the tunes, just enough
    config = model_config_of(10, {"meters": [list(m) for m in METERS]}, seen)
    assert config.trained_meters == ((4, 4), (3, 4), (6, 8), (12, 8))
    config = model_config_of(10, {"meters": [list(m) for m in METERS]}, seen[:-1])
    assert config.trained_meters == ((4, 4), (3, 4), (6, 8))
    six, three = config.meter_slot_of((6, 8)), config.meter_slot_of((3, 4))
    assert config.meter_slot_of((12, 8)) == six             # two bars of 6/8
    assert config.meter_slot_of((3, 8)) == six              # the first half of a 6/8 bar
    assert config.meter_slot_of((3, 2)) == config.meter_slot_of((6, 4)) == three   # two bars of 3/4
    assert config.meter_slot_of((2, 4)) == config.meter_slot_of((5, 4)) == config.meter_slot_of((4, 4))
    assert model_config_of(10, {"meters": [list(m) for m in METERS]}).trained_meters is None   # all of them


def _run(config, meter):
    first, length = config.meter_slot_of(meter)
    return first, first + length


def test_an_old_config_feeds_the_steps_from_the_start_whatever_the_meter():
    old = LSTMConfig(10)
    steps = np.arange(30)
    assert list(old.position_slots(steps, (3, 4))) == list(steps) == list(old.position_slots(steps, (4, 4)))


def test_training_windows_carry_the_slots_of_each_sequences_meter():
    phrases = TokenPhrases(TokenPhrases.from_vocabulary(
        {"codec": "events", "low": 0, "high": 127, "max_shift": 16, "velocity_bins": 0}).codec)
    codec = phrases.codec
    notes = waltz(4).notes
    seq = codec.encode(notes, steps=4 * 12)
    config = LSTMConfig.meter_aware(codec.size)
    [(inputs, positions, targets)] = windows([seq], phrases, 1000, 1, np.random.default_rng(0), config, [(3, 4)])
    steps_at = np.cumsum(np.concatenate([[0], phrases.steps_of()[targets][:-1]]))
    first, _ = config.meter_slot_of((3, 4))
    assert list(positions) == list(first + steps_at % 12)
    onsets = positions[phrases.onsets(targets)]
    assert set(onsets - first) == {0, 6, 8}        # the waltz's onsets on steps 0, 6 and 8 of every bar


def test_the_meter_aware_lstm_is_saved_meter_aware_and_hears_the_meter(registry):
    generator = registry.load("lstm-meters-tiny", "cpu")
    assert generator.model.config.meters == tuple(METERS)
    seed = generator.phrases.seed_tokens(waltz(2))[0]
    three = generator.begin(seed, 1, (3, 4))["log_probs"]
    assert not np.allclose(three, generator.begin(seed, 1, (4, 4))["log_probs"])


def test_an_old_lstm_ignores_the_meter_and_hears_the_step_modulo_16_as_before(registry):
    generator = registry.load("lstm-tiny", "cpu")
    assert generator.model.config.meters == ()
    seed = generator.phrases.seed_tokens(waltz(2))[0]
    three, four = generator.begin(seed, 2, (3, 4)), generator.begin(seed, 2, (4, 4))
    assert np.array_equal(three["log_probs"], four["log_probs"])
    steps = generator.phrases.steps_of()
    positions = np.cumsum(steps[seed])     # the step each next token falls on, from the seed's start
    with torch.no_grad():
        logits, _ = generator.model(torch.from_numpy(np.concatenate([[generator.model.start_token], seed]))[None],
                                    torch.from_numpy(np.concatenate([[0], positions]) % 16)[None])
    assert np.allclose(torch.log_softmax(logits[0, -1], -1).numpy(), three["log_probs"][0], atol=1e-5)


@pytest.mark.parametrize("name", TOKEN_MODELS)
def test_every_token_backend_writes_exactly_the_bars_of_3_4_asked_for(registry, name):
    generator = registry.load(name, "cpu")
    takes = generator.generate(GenerationRequest(seed=waltz(4), bars=8, variations=3, random_seed=3, meter=(3, 4)))
    assert [t.length for t in takes] == [8 * THREE_FOUR] * 3       # 24 beats, not 32
    assert all(0 <= n.start < n.end <= 8 * THREE_FOUR for t in takes for n in t.notes)
    assert any(n.start >= 7 * THREE_FOUR for t in takes for n in t.notes)   # the last bar is written too


@pytest.mark.parametrize("name", TOKEN_MODELS)
def test_a_seed_ending_mid_bar_gets_its_bar_completed_first(registry, name):
    generator = registry.load(name, "cpu")
    seed = waltz(2, extra_beats=1)                          # a beat into the third bar of 3/4
    assert seed.length == 2 * THREE_FOUR + 480
    takes = generator.generate(GenerationRequest(seed=seed, bars=2, variations=2, random_seed=1, meter=(3, 4)))
    assert [t.length for t in takes] == [960 + 2 * THREE_FOUR] * 2   # the rest of the bar, then 2 bars
    six = generator.generate(GenerationRequest(seed=seed, bars=1, variations=1, random_seed=1, meter=(6, 8)))
    assert six[0].length == 960 + THREE_FOUR


def test_take_meter_is_the_songs_time_signature_where_the_take_goes():
    song = Song((Track("Waltz", 0, False, waltz(4).notes),),
                time_signatures=(TimeSignature(0, 3, 4), TimeSignature(4 * THREE_FOUR, 6, 8)))
    plan = plan_seed(song, 0, "track", "continue")
    assert plan.at == 4 * THREE_FOUR and take_meter(song, plan.at) == (6, 8)
    assert take_meter(song, plan.at - 1) == (3, 4)


def test_the_gan_and_the_vae_declare_their_meters_and_refuse_others_in_words():
    for name, other in (("gan", (7, 4)), ("vae", (5, 4))):     # the meter-aware vae and gan write 6/8; 7/4 is
                                                                 # wider than the gan's 24-step roll
        family = backend_named(name)
        assert family.writes_meter((4, 4)) and not family.writes_meter(other)
        said = meter_refused(family, other)
        assert said and f"{other[0]}/{other[1]}" in said and "4/4" in said and "lstm" in said
    for name in ("markov", "lstm", "lstm-notes", "lstm-ensemble"):
        assert meter_refused(backend_named(name), (9, 8)) is None


def test_the_gan_and_the_vae_refuse_a_6_8_request_themselves_too():
    shipped = Path(__file__).resolve().parents[2] / "models"
    for generator in (ModelRegistry([shipped]).load("vae-nc", "cpu"),      # a VAE without meters: 4/4 only
                      ModelRegistry([shipped]).load("gan-nc", "cpu")):       # the GAN trained before meters
        with pytest.raises(GenerationError, match="6/8"):
            generator.generate(GenerationRequest(seed=waltz(2), bars=2, meter=(6, 8)))


@pytest.fixture
def seven_four_seed(tmp_path):
    notes = tuple(Note(60 + i % 5, i * 480, 480, 80) for i, _ in enumerate(range(14)))
    path = tmp_path / "seven.mid"
    export_midi(Song((Track("Whistle", 78, False, notes),), time_signatures=(TimeSignature(0, 7, 4),)), path)
    return path


@pytest.mark.parametrize("backend", ("gan",))    # the vae and the gan write 6/8 (test_vae_meters, test_gan_meters)
def test_the_cli_refuses_a_7_4_seed_for_the_gan_before_a_model_loads(seven_four_seed, tmp_path, backend,
                                                                     capsys, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded before the meter was refused")
    monkeypatch.setattr("musicstudio.generators.registry.ModelRegistry.load", refuse)
    code = main(["generate", "--backend", backend, "--seed", str(seven_four_seed), "--out", str(tmp_path / "o.mid"),
                 "--quiet"])
    said = capsys.readouterr().err
    assert code == 2 and "7/4" in said and f"{backend} models write bars of 2/4, 3/4, 4/4" in said


def test_the_cli_writes_8_bars_of_3_4_after_a_waltz(models_dirs, tmp_path, capsys):
    path = tmp_path / "waltz.mid"
    export_midi(Song((Track("Violin", 40, False, waltz(4).notes),), time_signatures=(TimeSignature(0, 3, 4),)),
                path)
    out = tmp_path / "out.mid"
    assert main(["generate", "--models-dir", str(models_dirs[0]), "--model", "lstm-meters-tiny", "--seed", str(path),
                 "--out", str(out), "--bars", "8", "--variations", "1", "--quiet"]) == 0
    assert "takes of 8 bars of 3/4" in capsys.readouterr().out
    song = open_song(out).song
    take = song.tracks[-1].notes
    assert take and min(n.start for n in take) >= 4 * THREE_FOUR
    assert max(n.end for n in take) <= 12 * THREE_FOUR                   # 8 bars of 3/4 after 4: 36 beats in all


def test_the_meter_report_continues_held_out_pieces_in_their_own_meter(registry, tiny_corpus):
    from musicstudio.generators.evaluation.meter_report import continue_pieces, held_out

    pieces = held_out(tiny_corpus, (3, 4), 3, split="train")
    assert pieces, "the tiny corpus has no 3/4 piece of 8 bars"
    generator = registry.load("lstm-meters-tiny", "cpu")
    figures = continue_pieces(generator, pieces, (3, 4))
    assert figures["takes"] == 4 * len(pieces) == figures["exact_bars"] and 0 < figures["overlap"] <= 1
    before = continue_pieces(generator, pieces, (3, 4), asked=(4, 4))   # as every request was before meters
    assert before["takes"] == 4 * len(pieces) and before["exact_bars"] == 0
