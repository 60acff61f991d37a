"""The GAN backend end to end on a tiny model trained by the train command: loading by name, takes that
honour the request (bars, variations, key lock, range, repeatability, texture, chords), the numpy forward
pass against torch, cancel and progress, damaged checkpoints, and the CLI."""

import json
import shutil

import numpy as np
import pytest
from tiny_models import train_tiny

from musicstudio.core.clip import Clip
from musicstudio.core.key import Key
from musicstudio.core.note import Note
from musicstudio.core.voices import most_at_once
from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.gan.chords import NO_CHORD, seed_chords
from musicstudio.generators.gan.fast import check
from musicstudio.generators.interface import BAR, CancelToken, GenerationCancelled, GenerationError, GenerationRequest
from musicstudio.generators.registry import ModelRegistry, find_models

MELODY = Clip(tuple(Note(p, i * 240, 240, 70) for i, p in enumerate([60, 62, 64, 65, 67, 65, 64, 62] * 4)), 4 * BAR)
CHORALE = Clip(tuple(Note(p, b * BAR + beat * 480, 480, 90) for b in range(4) for beat in range(4)
                     for p in ((48, 64, 67, 72), (53, 65, 69, 72), (55, 62, 67, 71), (48, 64, 67, 72))[b]), 4 * BAR)


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory, tiny_corpus_dir):
    return train_tiny(tmp_path_factory, tiny_corpus_dir, "gan", "gan-tiny")


@pytest.fixture(scope="module")
def gan(models_dir):
    return ModelRegistry([models_dir]).load("gan-tiny", "cpu")


def test_training_writes_a_card_history_and_both_loss_curves(models_dir):
    folder = models_dir / "gan-tiny"
    assert {"card.md", "history.csv", "loss.png", "weights.safetensors"} <= {p.name for p in folder.iterdir()}
    assert (folder / "critic" / "weights.safetensors").exists()   # the critic ships too, for fine-tuning
    header = (folder / "history.csv").read_text().splitlines()[0].split(",")
    assert {"d_loss", "g_loss", "feature_matching", "valid_distance", "valid_pitch_classes"} <= set(header)
    config = json.loads((folder / "config.json").read_text())
    assert config["backend"] == "gan" and config["codec"]["codec"] == "pianoroll"
    assert set(config["validation_bars"]) >= {"empty_bar_rate", "pitch_classes", "notes_per_bar"}
    card = (folder / "card.md").read_text()
    assert "validation distance" in card and "critic" in card
    models, problems = find_models([models_dir])
    assert [m.backend for m in models] == ["gan"] and not problems


def test_takes_honour_bars_variations_key_and_range(gan):
    for seed in (MELODY, CHORALE, Clip((), 0)):
        request = GenerationRequest(seed=seed, bars=5, variations=3, random_seed=3, key=Key(-1, False),
                                    pitch_range=(57, 76))
        takes = gan.generate(request)
        assert len(takes) == 3 and all(t.length == 5 * BAR and t.backend == "gan" for t in takes)
        notes = [n for t in takes for n in t.notes]
        assert notes, "the tiny model wrote nothing at all"
        assert all(request.allows(n.pitch) for n in notes)
        assert all(0 <= n.start and n.end <= 5 * BAR and n.duration > 0 for n in notes)
        assert [t.variation for t in takes] == [0, 1, 2]


def test_the_same_request_gives_the_same_takes_and_another_seed_others(gan):
    request = GenerationRequest(seed=MELODY, bars=4, variations=4, random_seed=11)
    again = gan.generate(request)
    assert [t.notes for t in gan.generate(request)] == [t.notes for t in again]
    other = gan.generate(GenerationRequest(seed=MELODY, bars=4, variations=4, random_seed=12))
    assert [t.notes for t in other] != [t.notes for t in again]


def test_takes_keep_the_seeds_texture_unless_asked_for_another(gan):
    takes = gan.generate(GenerationRequest(seed=MELODY, bars=4, variations=4, random_seed=2))
    assert all(most_at_once(t.notes) <= 1 for t in takes)
    melody = gan.generate(GenerationRequest(seed=CHORALE, bars=4, variations=4, options={"texture": "melody"}))
    assert all(most_at_once(t.notes) <= 1 for t in melody)
    assert most_at_once(CHORALE.notes) == 4
    chords = gan.generate(GenerationRequest(seed=CHORALE, bars=4, variations=4, random_seed=2))
    assert all(most_at_once(t.notes) <= 4 for t in chords)
    assert gan.voices(GenerationRequest(seed=MELODY, options={"texture": "chords"}), list(MELODY.notes)) == 4
    with pytest.raises(GenerationError, match="texture"):
        gan.generate(GenerationRequest(seed=MELODY, options={"texture": "loud"}))


def test_chords_come_from_the_seed_the_user_or_the_key(gan):
    assert seed_chords(CHORALE.notes, CHORALE.length) == [0, 5, 7, 0]   # C F G C
    request = GenerationRequest(seed=CHORALE, bars=6)
    assert gan.progression(request, list(CHORALE.notes)) == [0, 5, 7, 0, 0, 5]
    typed = GenerationRequest(seed=CHORALE, bars=3, options={"chords": "Am | Dm G7"})
    assert gan.progression(typed, list(CHORALE.notes)) == [21, 14, 7]
    assert gan.progression(GenerationRequest(seed=Clip((), 0), bars=4, key=Key(0, True)), []) == \
        [21, 14, 4, 21]   # i iv V i of A minor
    # a silent seed bar keeps the chord before it
    gap = Clip(tuple(n for n in CHORALE.notes if not BAR <= n.start < 2 * BAR), 4 * BAR)
    assert seed_chords(gap.notes, gap.length) == [0, 0, 7, 0]
    with pytest.raises(GenerationError, match="H7"):
        gan.generate(GenerationRequest(seed=MELODY, options={"chords": "C H7"}))
    assert NO_CHORD not in gan.progression(GenerationRequest(seed=MELODY, bars=8), list(MELODY.notes))


def test_the_numpy_forward_pass_is_torchs(gan):
    assert check(gan.model, rows=5) < 1e-4


def test_a_seed_outside_the_models_range_is_moved_by_octaves_and_back(gan):
    high = Clip(tuple(n._replace(pitch=n.pitch + 36) for n in MELODY.notes), MELODY.length)  # C7 and up
    takes = gan.generate(GenerationRequest(seed=high, bars=2, variations=2))
    pitches = [n.pitch for t in takes for n in t.notes]
    assert pitches and min(pitches) >= 84   # it sounds where the seed does, not in the model's C2-C6
    with pytest.raises(GenerationError, match="pitch range"):
        gan.generate(GenerationRequest(seed=MELODY, key=Key(0, False), pitch_range=(61, 61)))


def test_progress_and_cancel(gan):
    seen = []
    gan.generate(GenerationRequest(seed=MELODY, bars=4, variations=2), progress=seen.append)
    assert seen == [0.25, 0.5, 0.75, 1.0]
    token = CancelToken()
    with pytest.raises(GenerationCancelled):
        gan.generate(GenerationRequest(seed=MELODY, bars=4), progress=lambda d: token.cancel(), cancel=token)


def test_damaged_checkpoints_name_the_file(models_dir, tmp_path):
    folder = tmp_path / "gan-broken"
    shutil.copytree(models_dir / "gan-tiny", folder)
    weights = folder / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(CheckpointError, match="weights.safetensors"):
        ModelRegistry([tmp_path]).load("gan-tiny", "cpu")
    shutil.rmtree(folder)
    shutil.copytree(models_dir / "gan-tiny", folder)
    config = json.loads((folder / "config.json").read_text())
    config["model"]["pitches"] = 12
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="bar GAN"):
        ModelRegistry([tmp_path]).load("gan-tiny", "cpu")


def test_the_cli_follows_chords_without_a_seed_and_refuses_them_for_other_backends(models_dir, tmp_path, capsys):
    from musicstudio.core.song import Song
    from musicstudio.core.track import Track
    from musicstudio.generators.generate_command import main
    from musicstudio.io.files import open_song
    from musicstudio.io.midi_write import export_midi

    out = tmp_path / "gan.mid"
    assert main(["--model", str(models_dir / "gan-tiny"), "--chords", "C Am F G", "--bars", "4",
                 "--variations", "2", "--out", str(out), "--quiet"]) == 0
    for path in (out, tmp_path / "gan-take2.mid"):     # a take each, never two at once
        assert sum(1 for t in open_song(path).song.tracks if t.notes) == 1
    assert main(["--model", str(models_dir / "gan-tiny"), "--out", str(tmp_path / "x.mid"), "--quiet"]) == 2
    seed = tmp_path / "seed.mid"
    export_midi(Song((Track("Flute", 73, False, MELODY.notes),)), seed)
    capsys.readouterr()
    assert main(["--backend", "markov", "--seed", str(seed), "--chords", "C G", "--out", str(tmp_path / "m.mid"),
                 "--quiet"]) == 2
    assert "need a GAN model" in capsys.readouterr().err


def test_the_cli_deals_takes_out_to_the_seeds_parts_with_voices(models_dir, tmp_path, capsys):
    from musicstudio.core.song import Song
    from musicstudio.core.track import Track
    from musicstudio.generators.generate_command import main
    from musicstudio.io.files import open_song
    from musicstudio.io.midi_write import export_midi

    names = ("Soprano", "Alto", "Tenor", "Bass")
    parts = ((72, 71), (67, 69), (64, 65, 62), (48, 53, 55))
    by_part = [[n for n in CHORALE.notes if n.pitch in part] for part in parts]
    seed = tmp_path / "chorale.mid"
    export_midi(Song(tuple(Track(name, 52 + k, False, tuple(notes)) for k, (name, notes) in
                           enumerate(zip(names, by_part)))), seed)
    out = tmp_path / "voices.mid"
    assert main(["--model", str(models_dir / "gan-tiny"), "--seed", str(seed), "--track", "all", "--voices",
                 "--texture", "chords", "--bars", "2", "--variations", "2", "--out", str(out), "--quiet"]) == 0
    takes = []
    for v, path in ((1, out), (2, tmp_path / "voices-take2.mid")):   # each take in the song, a file each
        tracks = open_song(path).song.tracks
        assert [t.name for t in tracks] == list(names) + [f"gan-tiny take {v}: {n}" for n in names]
        assert [t.program for t in tracks] == [52, 53, 54, 55] * 2
        assert [sorted(t.notes) for t in tracks[:4]] == [sorted(notes) for notes in by_part]
        takes.append(tracks[4:])
    assert all(n.start >= 4 * BAR for take in takes for t in take for n in t.notes)
    for take in takes:
        means = [sum(n.pitch for n in t.notes) / len(t.notes) for t in take if t.notes]
        assert len(means) >= 2 and means[0] > means[-1]     # the soprano's track above the lowest part's
    capsys.readouterr()
    assert main(["--model", str(models_dir / "gan-tiny"), "--seed", str(seed), "--voices", "--out",
                 str(tmp_path / "x.mid"), "--quiet"]) == 2
    assert "give --track all too" in capsys.readouterr().err
    solo = tmp_path / "solo.mid"
    export_midi(Song((Track("Flute", 73, False, MELODY.notes),)), solo)
    assert main(["--model", str(models_dir / "gan-tiny"), "--seed", str(solo), "--track", "all", "--voices",
                 "--out", str(tmp_path / "y.mid"), "--quiet"]) == 2
    assert "two parts or more" in capsys.readouterr().err


def test_bar_pairs_transpose_bars_and_chords_together(tiny_corpus):
    from musicstudio.generators.gan.chords import estimate_from_chroma, roll_chroma
    from musicstudio.generators.gan.data import BarPairs
    from musicstudio.generators.training.data import DataConfig

    bars = BarPairs.from_corpus(tiny_corpus, "train", 36, 84, DataConfig.from_dict({"meter_classes": ["bar"]}))
    assert len(bars) > 100 and (bars.previous == -1).sum() >= 1
    first = np.flatnonzero(bars.previous == -1)[:8]
    _, prev, _, grid = bars.window(first, np.zeros(len(first), int))
    assert not prev.any()   # before a piece's first bar: silence
    draw = bars.sampler([-2, 0, 2], seed=0)
    cur, prev, chords, grid = draw(64)
    assert cur.shape == prev.shape == (64, 2, 16, 49) and set(np.unique(cur)) <= {0.0, 1.0} and grid is None
    assert not (cur[:, 1] > cur[:, 0]).any()   # an onset always sounds
    sounding = cur[:, 0].sum(axis=(1, 2)) > 0
    agree = estimate_from_chroma(roll_chroma(cur[:, 0] > 0, 36)) == chords
    assert agree[sounding].mean() > 0.9   # ties may go either way once moved


def test_a_matching_aware_critic_and_mode_seeking_train_too(tmp_path, tiny_corpus_dir):
    from musicstudio.generators.training.command import main as train_main

    out = tmp_path / "gan-ma"
    assert train_main(["gan", "--config", "gan-tiny", "--out", str(out), "--corpus", str(tiny_corpus_dir),
                       "--set", "objective.mismatch=0.5", "--set", "objective.mode_seeking=1.0",
                       "--set", "train.epochs=2", "--quiet"]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["objective"]["mismatch"] == 0.5 and (out / "history.csv").read_text().count("\n") == 3
