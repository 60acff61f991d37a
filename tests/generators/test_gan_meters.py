"""The meter-aware GAN (issue 17): a bar of the song's meter in a 24-step roll with the meter's grid as
conditioning; takes of exactly the bars asked for with a chord a bar; the licence-clean ``gan`` writes
melodies and says so when asked for chords; the earlier model ships as ``gan-nc``, loads as before and
refuses other meters in words."""

import json
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
from musicstudio.core.voices import most_at_once
from musicstudio.generators.codecs.pianoroll import PianorollCodec
from musicstudio.generators.gan.chords import condition_vectors, parse_progression
from musicstudio.generators.gan.fast import check
from musicstudio.generators.gan.meters import WIDTH, beat_steps, fits, meter_grid
from musicstudio.generators.gan.model import BarCritic, BarGenerator, GANConfig
from musicstudio.generators.interface import BAR, GenerationError, GenerationRequest
from musicstudio.generators.licences import NON_COMMERCIAL, REDISTRIBUTABLE
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.files import open_song
from musicstudio.io.midi_write import export_midi

SHIPPED = Path(__file__).resolve().parents[2] / "models"
THREE_FOUR = 1440


def waltz(bars: int, extra_beats: int = 0) -> Clip:
    """A one-line waltz tune: C major and G major arpeggios, a bar each, in 3/4."""
    notes, shapes = [], ((60, 64, 67), (59, 62, 67))
    for b in range(bars):
        notes += [Note(p, b * THREE_FOUR + i * 480, 480, 80) for i, p in enumerate(shapes[b % 2])]
    notes += [Note(72, bars * THREE_FOUR + i * 480, 480, 80) for i in range(extra_beats)]
    return Clip(tuple(notes), bars * THREE_FOUR + extra_beats * 480)


CHORALE = Clip(tuple(Note(p, b * BAR + beat * 480, 480, 90) for b in range(4) for beat in range(4)
                     for p in ((48, 64, 67, 72), (53, 65, 69, 72), (55, 62, 67, 71), (48, 64, 67, 72))[b]), 4 * BAR)


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory, tiny_corpus_dir):
    return train_tiny(tmp_path_factory, tiny_corpus_dir, "gan", "gan-tiny-meters",
                      extra=("--set", 'data.collections=["essenFolksong"]'))


@pytest.fixture(scope="module")
def tiny(models_dir):
    return ModelRegistry([models_dir]).load("gan-tiny-meters", "cpu")


def test_the_grid_tells_bars_of_one_length_apart_by_their_beats():
    three, six = meter_grid((3, 4)), meter_grid((6, 8))
    assert three.shape == (3, WIDTH) and three[0].sum() == six[0].sum() == 12     # both 12 steps inside
    assert list(np.flatnonzero(three[1])) == [0, 4, 8] and list(np.flatnonzero(six[1])) == [0, 6]
    assert list(np.flatnonzero(meter_grid((2, 2))[1])) == [0, 8] and list(np.flatnonzero(meter_grid((4, 4))[1])) == [
        0, 4, 8, 12]
    assert meter_grid((9, 8))[0].sum() == 18 and beat_steps((12, 8)) == 6 and fits((12, 8)) and not fits((7, 4))
    assert not meter_grid((2, 4))[:, 8:].any()   # nothing after the bar's end, not even its position


def test_a_bar_of_any_meter_round_trips_in_a_wide_roll():
    codec = PianorollCodec(48, 84, WIDTH)
    notes = (Note(60, 0, 480), Note(64, 480, 1440), Note(67, 2160, 240), Note(72, 2400, 480))   # one held over
    roll = codec.encode_bars(notes, 12, 2)
    assert roll.shape == (2, 2, WIDTH, 37) and not roll[:, :, 12:].any()
    assert roll[0, 1, 0, 64 - 48] and not roll[1, 1, 0, 64 - 48]   # held over the bar line: sounds, no onset
    assert codec.decode_bars(roll, 12) == notes
    with pytest.raises(ValueError, match="does not fit"):
        codec.encode_bars(notes, 25)


def test_a_meter_aware_network_writes_nothing_after_the_bars_end_and_its_numpy_pass_is_torchs():
    torch.manual_seed(0)
    config = GANConfig(noise=8, width=16, critic=16, steps=WIDTH, meter_channels=3)
    generator, critic = BarGenerator(config).eval(), BarCritic(config)
    grid = torch.from_numpy(np.stack([meter_grid((3, 4)), meter_grid((9, 8))]))
    chord = torch.from_numpy(condition_vectors([0, 7]))
    logits = generator(torch.randn(2, 8), torch.zeros(2, 2, WIDTH, 49), chord, grid)
    assert logits.shape == (2, 2, WIDTH, 49)
    assert (torch.sigmoid(logits[0, :, 12:]) < 1e-9).all() and (torch.sigmoid(logits[1, :, 18:]) < 1e-9).all()
    assert critic(torch.sigmoid(logits), torch.zeros_like(logits), chord, grid)[0].shape == (2,)
    with pytest.raises(ValueError, match="grid"):
        generator(torch.randn(2, 8), torch.zeros(2, 2, WIDTH, 49), chord)
    for meter in ((3, 4), (6, 8), (9, 8), (2, 4), (4, 4), (12, 8)):
        assert check(generator, meter=meter) < 1e-4


def test_training_reads_each_piece_in_its_own_meter(models_dir):
    config = json.loads((models_dir / "gan-tiny-meters" / "config.json").read_text())
    assert config["model"]["steps"] == WIDTH and config["model"]["meter_channels"] == 3
    assert config["textures"] == ["melody"]
    assert {"3/4", "6/8", "4/4"} <= set(config["training_bars_by_meter"])


@pytest.mark.parametrize("meter, bar", [((3, 4), 1440), ((6, 8), 1440), ((9, 8), 2160), ((2, 4), 960),
                                        ((2, 2), 1920)])
def test_takes_are_exactly_the_bars_asked_for_in_the_songs_meter(tiny, meter, bar):
    seed = waltz(6) if bar == 1440 else Clip(tuple(n for n in waltz(6).notes if n.end <= 3 * bar), 3 * bar)
    takes = tiny.generate(GenerationRequest(seed=seed, bars=5, variations=3, random_seed=2, meter=meter))
    assert [t.length for t in takes] == [5 * bar] * 3
    assert all(0 <= n.start < n.end <= 5 * bar for t in takes for n in t.notes)
    assert any(n.start >= 4 * bar for t in takes for n in t.notes)   # the last bar is written too


def test_a_chord_a_bar_of_3_4(tiny, monkeypatch):
    heard = []
    real = tiny.bar_probabilities

    def listen(noise, previous, chords, grid=None):
        heard.append((chords[0].copy(), grid[0].copy()))
        return real(noise, previous, chords, grid)
    monkeypatch.setattr(tiny, "bar_probabilities", listen)
    tiny.generate(GenerationRequest(seed=waltz(4), bars=4, variations=2, meter=(3, 4),
                                    options={"chords": "C G Am F"}))
    assert [tuple(c) for c, _ in heard] == [tuple(v) for v in condition_vectors(parse_progression("C G Am F"))]
    assert all(np.array_equal(g, meter_grid((3, 4))) for _, g in heard)
    heard.clear()
    tiny.generate(GenerationRequest(seed=waltz(4), bars=2, variations=1, meter=(3, 4)))   # the seed's own: C G
    assert [tuple(c) for c, _ in heard] == [tuple(v) for v in condition_vectors(parse_progression("C G"))]


def test_a_seed_ending_mid_bar_gets_its_bar_completed_first(tiny):
    seed = waltz(2, extra_beats=1)
    takes = tiny.generate(GenerationRequest(seed=seed, bars=2, variations=2, random_seed=1, meter=(3, 4)))
    assert [t.length for t in takes] == [960 + 2 * THREE_FOUR] * 2
    assert all(n.start >= 0 for t in takes for n in t.notes)


def test_a_melody_model_writes_one_line_after_chords_and_refuses_chords_naming_gan_nc(tiny):
    takes = tiny.generate(GenerationRequest(seed=CHORALE, bars=3, variations=3, meter=(4, 4)))
    assert all(most_at_once(t.notes) <= 1 for t in takes)
    with pytest.raises(GenerationError, match="gan-nc"):
        tiny.generate(GenerationRequest(seed=CHORALE, bars=3, options={"texture": "chords"}))


def test_the_shipped_gan_is_licence_clean_and_gan_nc_keeps_the_earlier_model():
    infos = {m.name: m for m in ModelRegistry([SHIPPED]).models()}
    clean, nc = infos["gan"], infos["gan-nc"]
    assert set(clean.collections) == {"oneills1850", "ryansMammoth"} and clean.licence.name == REDISTRIBUTABLE
    assert "bach" in nc.collections and nc.licence.name == NON_COMMERCIAL
    assert "non-commercial" in (SHIPPED / "gan-nc" / "card.md").read_text()


def test_gan_nc_writes_4_4_and_chorales_as_before_and_refuses_3_4_in_words():
    nc = ModelRegistry([SHIPPED]).load("gan-nc", "cpu")
    assert not nc.meter_aware and nc.codec.steps_per_bar == 16
    takes = nc.generate(GenerationRequest(seed=CHORALE, bars=4, variations=2, random_seed=5,
                                          options={"texture": "chords"}))
    assert [t.length for t in takes] == [4 * BAR] * 2 and max(most_at_once(t.notes) for t in takes) >= 3
    with pytest.raises(GenerationError, match="3/4.*choose gan"):
        nc.generate(GenerationRequest(seed=waltz(2), bars=2, meter=(3, 4)))


def test_the_cli_continues_a_3_4_seed_with_the_gan_in_bars_of_3_4(tmp_path, capsys):
    path = tmp_path / "waltz.mid"
    export_midi(Song((Track("Violin", 40, False, waltz(4).notes),), time_signatures=(TimeSignature(0, 3, 4),)),
                path)
    out = tmp_path / "out.mid"
    assert main(["generate", "--backend", "gan", "--seed", str(path), "--out", str(out), "--bars", "8",
                 "--variations", "1", "--quiet"]) == 0
    assert "takes of 8 bars of 3/4" in capsys.readouterr().out
    take = open_song(out).song.tracks[-1].notes
    assert take and min(n.start for n in take) >= 4 * THREE_FOUR and max(n.end for n in take) <= 12 * THREE_FOUR
    assert any(n.start >= 11 * THREE_FOUR for n in take)


def test_the_cli_refuses_chords_from_the_licence_clean_gan_and_names_gan_nc(tmp_path, capsys, monkeypatch):
    load = ModelRegistry.load

    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded before the texture was refused")
    monkeypatch.setattr(ModelRegistry, "load", refuse)
    code = main(["generate", "--backend", "gan", "--chords", "C F G C", "--texture", "chords", "--bars", "4",
                 "--out", str(tmp_path / "o.mid"), "--quiet"])
    said = capsys.readouterr().err
    assert code == 2 and "gan-nc" in said and "melodies" in said     # a usage error, said before loading
    monkeypatch.setattr(ModelRegistry, "load", load)
    assert main(["generate", "--model", "gan-nc", "--chords", "C F G C", "--texture", "chords", "--bars", "4",
                 "--out", str(tmp_path / "c.mid"), "--variations", "1", "--quiet"]) == 0
    assert most_at_once(open_song(tmp_path / "c.mid").song.tracks[-1].notes) >= 3


def test_the_meter_aware_gan_fine_tunes_on_a_folder_and_still_writes_3_4(models_dir, tmp_path):
    from musicstudio.generators.fine_tune.job import FineTuneJob, fine_tune

    folder = tmp_path / "my-midi"
    folder.mkdir()
    for i in range(12):   # one-line tunes of 32 eighths in 4/4
        notes = tuple(Note(60 + (k * (i + 2)) % 9, k * 240, 240, 90) for k in range(32))
        export_midi(Song((Track("Melody", 0, False, notes),)), folder / f"tune{i:02d}.mid")
    out = tmp_path / "models" / "my-gan"
    fine_tune(FineTuneJob(str(models_dir / "gan-tiny-meters"), str(folder), str(out), epochs=1))
    tuned = ModelRegistry([tmp_path / "models"]).load("my-gan", "cpu")
    assert tuned.meter_aware
    takes = tuned.generate(GenerationRequest(seed=waltz(2), bars=3, variations=2, meter=(3, 4)))
    assert [t.length for t in takes] == [3 * THREE_FOUR] * 2
