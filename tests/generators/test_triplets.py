"""Triplets (issue 17, item 2): the grid of 12 steps a quarter in the events codec, the corpus built on it,
the LSTM trained on it continuing a triplet seed with triplets; the 16th codec and the 16th models as
they were."""

import json
from fractions import Fraction

import numpy as np
import pytest
from grid_notes import SETTINGS
from hypothesis import given
from hypothesis import strategies as st

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.codecs import EventCodec, codec_from_spec, codec_from_vocabulary
from musicstudio.generators.codecs.grid import is_on_grid, is_triplet_onset, on_grid, steps_in_bar
from musicstudio.generators.corpus import build_corpus, load_corpus
from musicstudio.generators.corpus_piece import OFF_GRID
from musicstudio.generators.corpus_sources import _step
from musicstudio.generators.evaluation.triplet_report import score, triplet_count
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.lstm.model import LSTMConfig
from musicstudio.generators.registry import ModelRegistry
from musicstudio.generators.training.command import main as train_main
from musicstudio.io.midi_write import export_midi

TRIPLETS = EventCodec(max_shift=48, steps_per_quarter=12)
STRAIGHT = EventCodec()
T = 160   # an 8th-note triplet at 480 PPQ
BAR = 1920
# Beat 1: an 8th triplet; beat 2: four 16ths; beat 3: a 16th-note sextuplet (80 ticks); beat 4: a quarter
FIGURE = (tuple(Note(60 + i, i * T, T, 100) for i in range(3)) +
          tuple(Note(65 + i, 480 + i * 120, 120, 100) for i in range(4)) +
          tuple(Note(70 + i, 960 + i * 80, 80, 100) for i in range(6)) + (Note(77, 1440, 480, 100),))


@st.composite
def triplet_chords(draw, max_notes: int = 30):
    """Notes on the 40-tick grid (16ths, 8th and 16th triplets), overlapping ones too."""
    return [Note(draw(st.integers(0, 127)), draw(st.integers(0, 240)) * 40, draw(st.integers(1, 120)) * 40, 100)
            for _ in range(draw(st.integers(0, max_notes)))]


@SETTINGS
@given(triplet_chords())
def test_the_12_grid_codec_round_trips_triplets_and_16ths(notes):
    assert TRIPLETS.decode(TRIPLETS.encode(notes)) == on_grid(notes, velocity=100, step_ticks=40)


def test_a_triplet_figure_comes_back_exactly_on_the_12_grid_and_rounded_on_the_16th():
    assert TRIPLETS.decode(TRIPLETS.encode(Clip(FIGURE, BAR))) == FIGURE
    tokens = TRIPLETS.encode(Clip(FIGURE, BAR)).tolist()
    shift = lambda k: TRIPLETS.first_shift + k - 1  # noqa: E731
    assert tokens[:3] == [60, shift(4), TRIPLETS.first_off + 60]   # a triplet 8th is 4 steps of 40 ticks
    straight = STRAIGHT.decode(STRAIGHT.encode(Clip(FIGURE, BAR)))
    assert straight == on_grid(FIGURE, velocity=100) and is_on_grid(straight)
    assert sum(is_triplet_onset(n.start) for n in FIGURE) == 2 + 4 and not any(is_triplet_onset(n.start)
                                                                              for n in straight)


def test_the_default_codec_is_the_16th_codec_it_was():
    assert STRAIGHT.step_ticks == 120 and STRAIGHT.size == 272
    vocab = STRAIGHT.vocabulary()
    assert "steps_per_quarter" not in vocab and vocab["step_ticks"] == 120   # old records stay byte for byte
    notes = (Note(60, 0, 240), Note(64, 240, 120), Note(67, 480, 480))
    assert STRAIGHT.encode(Clip(notes, BAR)).tolist() == [60, 257, 188, 64, 256, 192, 256, 67, 259, 195, 263]
    assert codec_from_vocabulary({k: v for k, v in vocab.items()}) == STRAIGHT


def test_the_12_grid_codec_records_its_grid_and_refuses_one_that_does_not_divide_a_quarter():
    vocab = TRIPLETS.vocabulary()
    assert vocab["step_ticks"] == 40 and vocab["steps_per_quarter"] == 12 and vocab["size"] == 2 * 128 + 48
    assert codec_from_vocabulary(vocab) == TRIPLETS
    assert codec_from_spec({"codec": "events", "max_shift": 48, "steps_per_quarter": 12}) == TRIPLETS
    with pytest.raises(ValueError, match="7 steps a quarter"):
        EventCodec(steps_per_quarter=7)
    assert steps_in_bar((4, 4), 12) == 48 and steps_in_bar((6, 8), 12) == 36 and steps_in_bar((4, 4)) == 16


def test_a_meter_aware_lstm_on_the_12_grid_has_a_slot_per_step_of_each_bar():
    config = LSTMConfig.meter_aware(304, ((4, 4), (6, 8)), steps_per_quarter=12)
    assert config.positions == 48 + 36
    assert config.meter_slot_of((6, 8)) == (48, 36)
    assert config.position_slots(np.array([0, 4, 47, 48]), (4, 4)).tolist() == [0, 4, 47, 0]


def test_the_source_reader_steps_a_triplet_onto_the_12_grid_exactly():
    assert _step(Fraction(1, 3), 12) == (4, True)
    assert _step(Fraction(1, 3), 4) == (1, False)     # the 16th grid moves it (an off-grid piece)
    assert _step(Fraction(5, 4), 12) == (15, True)    # a 16th stays exact on both
    assert _step(Fraction(5, 4), 4) == (5, True)


def _jig(i: int) -> Song:
    """16 bars of 4/4: beats of 8th triplets and beats of 8ths, in a pattern that depends on ``i``."""
    rng = np.random.default_rng(i)
    notes, scale = [], [60, 62, 64, 65, 67, 69, 71, 72]
    for beat in range(64):
        start = beat * 480
        if (beat + i) % 3:
            notes += [Note(int(rng.choice(scale)), start + k * T, T, 90) for k in range(3)]
        else:
            notes += [Note(int(rng.choice(scale)), start + k * 240, 240, 90) for k in range(2)]
    return Song((Track("Jig", 0, False, tuple(notes)),), key_signatures=())


@pytest.fixture(scope="module")
def jig_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jigs")
    for i in range(48):   # ids midi/jig00.mid .. jig47.mid: 45 train, 1 valid, 2 test (jig44, jig46)
        export_midi(_jig(i), folder / f"jig{i:02d}.mid")
    return folder


@pytest.fixture(scope="module")
def corpora(tmp_path_factory, jig_folder):
    root = tmp_path_factory.mktemp("grids")
    for grid in (4, 12):
        build_corpus(root / f"grid{grid}", collections=(), midi_dir=jig_folder, processes=1, progress=False,
                     steps_per_quarter=grid)
    return root


def test_the_corpus_grid_option_keeps_a_triplet_and_the_split(corpora):
    straight, fine = load_corpus(corpora / "grid4"), load_corpus(corpora / "grid12")
    assert straight.manifest.step_ticks == 120 and fine.manifest.step_ticks == 40
    assert fine.manifest.build["steps_per_quarter"] == 12
    assert {p.id: p.split for p in straight.manifest.pieces} == {p.id: p.split for p in fine.manifest.pieces}
    assert {p.split for p in fine.manifest.pieces} == {"train", "valid", "test"}
    kept = fine.piece("midi/jig00.mid").notes
    assert sum(is_triplet_onset(n.start) for n in kept) > 50 and is_on_grid(kept, 40)
    assert not any(OFF_GRID in p.flags for p in fine.manifest.pieces)
    moved = straight.piece("midi/jig00.mid").notes
    assert not any(is_triplet_onset(n.start) for n in moved) and all(OFF_GRID in p.flags
                                                                     for p in straight.manifest.pieces)


@pytest.fixture(scope="module")
def registry(tmp_path_factory, corpora):
    root = tmp_path_factory.mktemp("triplet-models")
    for config in ("lstm-triplets-tiny", "lstm-meters-tiny"):
        assert train_main(["lstm", "--config", config, "--out", str(root / config), "--corpus",
                           str(corpora / "grid12"), "--quiet", "--device", "cpu"]) == 0
    return ModelRegistry([root])


def _triplet_seed() -> Clip:
    return Clip(tuple(n for bar in range(2) for n in _jig(3).tracks[0].notes if bar * BAR <= n.start < (bar + 1) * BAR),
                2 * BAR)


def test_the_triplet_lstm_records_its_grid_and_answers_a_triplet_seed_with_triplets(registry):
    generator = registry.load("lstm-triplets-tiny", "cpu")
    assert generator.phrases.step_ticks == 40 and generator.model.config.steps_per_quarter == 12
    assert generator.model.config.positions == sum(steps_in_bar(m, 12) for m in generator.model.config.meters)
    takes = generator.generate(GenerationRequest(seed=_triplet_seed(), bars=4, variations=4, random_seed=3))
    notes = [n for t in takes for n in t.notes]
    assert all(t.length == 4 * BAR for t in takes) and all(n.end <= 4 * BAR for n in notes)
    assert is_on_grid(notes, 40) and sum(is_triplet_onset(n.start) for n in notes) > 0


def test_a_16th_model_rounds_a_triplet_seed_and_still_writes_exactly_the_bars_asked_for(registry):
    generator = registry.load("lstm-meters-tiny", "cpu")
    assert generator.phrases.step_ticks == 120
    # a 16th-triplet note in the seed's last 40 ticks rounds onto the bar line on the 16th grid
    seed = Clip(_triplet_seed().notes + (Note(79, 2 * BAR - 40, 40, 90),), 2 * BAR)
    takes = generator.generate(GenerationRequest(seed=seed, bars=4, variations=4, random_seed=3))
    notes = [n for t in takes for n in t.notes]
    assert all(t.length == 4 * BAR for t in takes) and all(n.end <= 4 * BAR for n in notes)
    assert not any(is_triplet_onset(n.start) for n in notes)


def test_a_triplet_lstm_refuses_a_config_whose_grid_is_not_its_codecs(registry, tmp_path):
    from musicstudio.generators.checkpoint import CheckpointError
    from musicstudio.generators.lstm.backend import load

    folder = registry.resolve("lstm-triplets-tiny")
    config = json.loads((folder / "config.json").read_text())
    config["codec"].pop("steps_per_quarter")
    with pytest.raises(CheckpointError):
        load(folder, config)


def test_the_triplet_measure_counts_triplet_onsets_and_scores_the_relative_difference():
    assert triplet_count(FIGURE) == (6, 14)
    assert score((1, 10), (2, 10))["meets_target"] and not score((0, 10), (2, 10))["meets_target"]
    assert score((3, 10), (2, 10))["relative_difference"] == pytest.approx(0.5)


def test_a_16th_lstm_carried_onto_the_12_grid_gives_the_same_probabilities_to_what_the_16th_grid_can_say(registry):
    import torch

    from musicstudio.generators.lstm.generator import LSTMGenerator
    from musicstudio.generators.lstm.grid_transfer import UNHEARD_BIAS, warm_start
    from musicstudio.generators.lstm.model import EventLSTM
    from musicstudio.generators.phrases import TokenPhrases

    coarse = registry.load("lstm-meters-tiny", "cpu")
    c = coarse.model.config
    fine_config = LSTMConfig.meter_aware(TRIPLETS.size, c.meters, 12, embed=c.embed, hidden=c.hidden, layers=c.layers,
                                         dropout=c.dropout, trained_meters=c.trained_meters)
    model = EventLSTM(fine_config)
    warm_start(model, TRIPLETS, registry.resolve("lstm-meters-tiny"))
    fine = LSTMGenerator("fine", model, TokenPhrases(TRIPLETS), "cpu")
    notes = Clip(tuple(Note(60 + (i * 7) % 12, i * 240, 240) for i in range(20)), 3 * BAR)
    said = list(range(TRIPLETS.first_shift)) + [TRIPLETS.first_shift + 3 * k - 1 for k in range(1, 17)]
    for meter in ((4, 4), (6, 8)):
        want = torch.cat([lp for lp, _ in coarse.distributions(STRAIGHT.encode(notes), meter=meter)])
        got = torch.cat([lp for lp, _ in fine.distributions(TRIPLETS.encode(notes), meter=meter)])[:, said]
        assert torch.allclose(torch.log_softmax(got, dim=1), want, atol=1e-5)
    bias = model.head.bias.detach()
    assert bias[TRIPLETS.first_shift + 3] == pytest.approx(bias[TRIPLETS.first_shift + 2] - UNHEARD_BIAS)  # k=4 ~ 3


def test_a_seed_goes_onto_the_models_grid_a_16th_seed_exactly_and_a_triplet_seed_with_its_triplets():
    from musicstudio.generators.phrases import TokenPhrases

    sixteenths = Clip(tuple(Note(60 + i % 5, i * 120, 120, 100) for i in range(16)), BAR)
    for seed in (Clip(FIGURE, BAR), sixteenths):
        tokens, steps, shift = TokenPhrases(TRIPLETS).seed_tokens(seed)
        assert steps == 48 and shift == 0 and TRIPLETS.decode(tokens) == seed.notes
    tokens, steps, _ = TokenPhrases(STRAIGHT).seed_tokens(Clip(FIGURE, BAR))
    assert steps == 16 and STRAIGHT.decode(tokens) == on_grid(FIGURE, velocity=100)


def test_training_sequences_of_a_triplet_piece_are_on_the_codecs_grid(corpora):
    from musicstudio.generators.training.data import piece_sequences

    piece = load_corpus(corpora / "grid12").piece("midi/jig00.mid")
    want = [(n.pitch + 2, n.start, n.duration) for n in piece.notes]
    (tokens,) = piece_sequences(piece, TRIPLETS, shifts=(2,))
    assert [(n.pitch, n.start, n.duration) for n in TRIPLETS.decode(tokens)] == sorted(want, key=lambda t: (t[1], t[0]))


def test_the_triplet_report_scores_every_model_on_the_triplet_rich_test_pieces(registry, corpora, tmp_path, capsys):
    from musicstudio.generators.evaluation.triplet_report import main

    fine, straight = (str(registry.resolve(n)) for n in ("lstm-triplets-tiny", "lstm-meters-tiny"))
    assert main(["--corpus", str(corpora / "grid4"), "--models", fine]) == 3   # a 16th corpus has no triplets
    assert main(["--corpus", str(corpora / "grid12"), "--models", f"{fine},{straight}", "--json",
                 str(tmp_path / "t.json"), "--docs", str(tmp_path / "t.md")]) == 0
    figures = json.loads((tmp_path / "t.json").read_text())
    assert [p["id"] for p in figures["pieces"]] == ["midi/jig44.mid", "midi/jig46.mid"]
    assert figures["true"]["share"] == pytest.approx(0.5, abs=0.05)   # 2 of 3 beats in triplets: 4 of 8 onsets
    assert figures["models"][straight]["share"] == 0 and figures["models"][fine]["triplet_onsets"] > 0
    assert all(m["exact_bars"] == m["takes"] == 8 for m in figures["models"].values())
    assert "| `" + fine + "` | lstm |" in (tmp_path / "t.md").read_text()


def test_the_shipped_lstm_triplets_is_licence_clean_and_continues_a_triplet_seed_with_triplets():
    from pathlib import Path

    models = Path(__file__).resolve().parents[2] / "models"
    generator = ModelRegistry([models]).load("lstm-triplets", "cpu")
    assert generator.phrases.step_ticks == 40 and generator.phrases.codec.size == 304
    config = json.loads((models / "lstm-triplets" / "config.json").read_text())
    assert config["trained_on"] == ["oneills1850", "ryansMammoth"]
    assert "redistributable" in (models / "lstm-triplets" / "card.md").read_text()
    takes = generator.generate(GenerationRequest(seed=_triplet_seed(), bars=4, variations=4, random_seed=3))
    notes = [n for t in takes for n in t.notes]
    assert all(t.length == 4 * BAR for t in takes) and is_on_grid(notes, 40)
    assert sum(is_triplet_onset(n.start) for n in notes) >= 0.1 * len(notes)


def test_the_triplet_report_measures_the_default_lstm_as_the_musician_gets_it(corpora, tmp_path):
    """The auto-picked row goes through the model choice: the triplet seeds go to lstm-triplets (so its takes
    hold triplets, where lstm's cannot), and the meter report's pieces that flip are counted per meter."""
    from musicstudio.generators.evaluation.triplet_report import AUTO, main

    assert main(["--corpus", str(corpora / "grid12"), "--models", f"lstm,{AUTO}", "--json",
                 str(tmp_path / "t.json"), "--docs", str(tmp_path / "t.md")]) == 0
    figures = json.loads((tmp_path / "t.json").read_text())
    auto = figures["models"][AUTO]
    assert auto["switched"] == len(figures["pieces"]) == 2 and auto["triplet_onsets"] > 0
    assert figures["models"]["lstm"]["triplet_onsets"] == 0
    assert all(len(f) == 4 and f[2] == 0 and f[0] <= f[1] for f in figures["flips"].values())
    assert "## What the musician gets by default" in (tmp_path / "t.md").read_text()
