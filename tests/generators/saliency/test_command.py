"""``musicstudio saliency``: a seed file and the file ``generate`` wrote, one line per seed note and a PNG;
a model without gradients or a take file with nothing after the seed is exit code 3 with the reason."""

from __future__ import annotations

from musicstudio.cli import main
from musicstudio.core import Note, Song, Track
from musicstudio.generators.interface import BAR
from musicstudio.io.midi_write import export_midi

QUARTER = BAR // 4
SEED = tuple(Note(62 + (i * 3) % 9, i * QUARTER, QUARTER, 90) for i in range(16))   # four bars
TAKE = tuple(Note(n.pitch, n.start + 4 * BAR, n.duration, 90) for n in SEED[:4])      # bar 1 again


def files(tmp_path):
    seed, take = tmp_path / "seed.mid", tmp_path / "out.mid"
    export_midi(Song((Track("Tune", 0, False, SEED),)), seed)
    export_midi(Song((Track("Tune", 0, False, SEED), Track("lstm take 1", 0, False, TAKE))), take)
    return seed, take


def test_it_prints_a_score_per_seed_note_and_writes_the_picture(tmp_path, capsys):
    seed, take = files(tmp_path)
    png = tmp_path / "shaped.png"
    assert main(["saliency", "--seed", str(seed), "--take", str(take), "--model", "lstm", "--png", str(png)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("pitch") for line in lines) == len(SEED)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_model_without_gradients_and_a_take_with_nothing_after_the_seed_are_bad_input(tmp_path, capsys):
    seed, take = files(tmp_path)
    assert main(["saliency", "--seed", str(seed), "--take", str(take), "--model", "markov-events"]) == 3
    assert "no gradients" in capsys.readouterr().err
    assert main(["saliency", "--seed", str(seed), "--take", str(seed), "--model", "lstm"]) == 3
    assert "no notes after the seed" in capsys.readouterr().err


def test_the_infill_model_s_copy_counts_by_default_and_the_plain_gradient_stays_selectable(tmp_path, capsys):
    seed, take = files(tmp_path)
    png = tmp_path / "shaped.png"
    assert main(["saliency", "--seed", str(seed), "--take", str(take), "--model", "infill", "--png", str(png)]) == 0
    assert "(ig+copy)" in capsys.readouterr().out
    assert main(["saliency", "--seed", str(seed), "--take", str(take), "--model", "infill", "--method", "ig"]) == 0
    out = capsys.readouterr().out
    assert sum(line.startswith("pitch") for line in out.splitlines()) == len(SEED)
