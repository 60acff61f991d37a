"""A model family added as one package and nothing else (tests/toy_backend, named only by the
MUSICSTUDIO_BACKENDS variable): it trains, is listed by `musicstudio models`, generates through the
CLI, is evaluated by `musicstudio eval`, and `finetune` refuses it in one line, since it declares no
fine-tuner. (The Generate panel with it: tests/ui/test_toy_backend_panel.py.)"""

import json

import pytest

from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.evaluate import main as eval_main
from musicstudio.generators.fine_tune.command import main as finetune_main
from musicstudio.generators.generate_command import main as generate_main
from musicstudio.generators.interface import BAR
from musicstudio.generators.models_command import main as models_main
from musicstudio.generators.training.command import main as train_main
from musicstudio.io.files import open_song, save_song

LAST_BAR = (Note(67, 3 * BAR, 480, 90), Note(65, 3 * BAR + 960, 960, 90))
SEED = Song(tracks=(Track("Tune", 0, False, tuple(Note(60 + 2 * i, i * 960, 960, 90) for i in range(6))
                          + LAST_BAR),))


@pytest.fixture
def echo_models(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSICSTUDIO_BACKENDS", "toy_backend:BACKEND")
    root = tmp_path / "models"
    assert train_main(["echo", "--config", "echo", "--out", str(root / "echo"), "--quiet"]) == 0
    monkeypatch.setattr("musicstudio.generators.registry.default_folders", lambda: [root])
    return root


def test_the_toy_family_is_listed_and_generates_through_the_cli(echo_models, tmp_path, capsys):
    assert models_main(["--names"]) == 0
    assert capsys.readouterr().out.split() == ["echo"]
    save_song(SEED, tmp_path / "seed.mid")
    assert generate_main(["--backend", "echo", "--seed", str(tmp_path / "seed.mid"), "--out",
                          str(tmp_path / "out.mid"), "--bars", "2", "--variations", "1", "--quiet"]) == 0
    take = open_song(tmp_path / "out.mid").song.tracks[1]
    assert [(n.pitch, n.start - 4 * BAR) for n in take.notes] == [(67, 0), (65, 960), (67, BAR), (65, BAR + 960)]


def test_the_toy_family_is_evaluated(echo_models, tmp_path, tiny_corpus_dir):
    folder = tmp_path / "held_out"
    folder.mkdir()
    for k in range(3):
        save_song(Song((Track("Tune", 0, False, tuple(Note(60 + (i * k) % 12, i * 480, 480, 90)
                                                        for i in range(48))),)), folder / f"tune{k}.mid")
    out = tmp_path / "report"
    assert eval_main(["echo", "--corpus", str(tiny_corpus_dir), "--out", str(out), "--samples", "3", "--free", "2",
                      "--no-audio", "--data", str(folder)]) == 0
    metrics = json.loads((out / "echo.json").read_text())["metrics"]
    assert metrics["backend"] == "echo" and "likelihood" not in metrics   # it declares no Scorer
    assert metrics["continuations"]["seeds"] == 3


def test_finetune_refuses_a_family_without_a_fine_tuner(echo_models, tmp_path, capsys):
    (tmp_path / "midi").mkdir()
    save_song(SEED, tmp_path / "midi" / "tune.mid")
    assert finetune_main(["echo", str(tmp_path / "midi"), "--out", str(tmp_path / "tuned")]) == 3
    err = capsys.readouterr().err.strip()
    assert err == ("musicstudio finetune: echo models cannot be fine-tuned: the backend declares no fine-tuner "
                   "(these can: markov, lstm, vae, gan)")
    assert not (tmp_path / "tuned").exists()
