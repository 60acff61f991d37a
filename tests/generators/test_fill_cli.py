"""``musicstudio generate --fill 5-8 --track N`` (issue 18): the song comes back with take 1 in place of the
bars (the other takes each in a song of its own), a model that fills hears both sides, a left-only model
regenerates the bars from the left and says so, and a span that cannot be filled is exit 2 before any model
loads."""

from pathlib import Path

import pytest
from tiny_models import train_tiny

from musicstudio.core import Note, Song, Track
from musicstudio.core.meter import TimeSignature
from musicstudio.generators.fill_command import bar_span
from musicstudio.generators.interface import BAR
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.files import open_song
from musicstudio.io.midi_write import export_midi

QUARTER = BAR // 4
TUNE = tuple(Note(62 + (0, 2, 4, 5, 7, 5, 4, 2)[i % 8], i * QUARTER, QUARTER, 90) for i in range(48))  # 12 bars
BASS = tuple(Note(38 + (0, 5, 7, 3)[i % 4], i * BAR, BAR, 70) for i in range(12))
KIT = tuple(Note(36 + 2 * (i % 2), i * QUARTER, QUARTER // 2, 100) for i in range(48))
SONG = Song((Track("Tune", 73, False, TUNE), Track("Bass", 32, False, BASS), Track("Kit", 0, True, KIT)))


@pytest.fixture(scope="module")
def markov_models(tmp_path_factory, tiny_corpus_dir):
    return train_tiny(tmp_path_factory, tiny_corpus_dir, "markov", "markov-tiny")


@pytest.fixture
def song_file(tmp_path):
    path = tmp_path / "song.mid"
    export_midi(SONG, path)
    return path


def _generate(models_dir, *args) -> int:
    from musicstudio.generators.generate_command import main as generate_main

    return generate_main(["--models-dir", str(models_dir), "--quiet", *map(str, args)])


def _outside(song: Song, track: int, start: int, end: int) -> set:
    return {n for n in song.tracks[track].notes if not start <= n.start < end}


def test_the_span_reads_as_a_musician_counts_bars():
    assert bar_span("5-8") == (5, 8) and bar_span("5") == (5, 5) and bar_span(" 3 to 4 ") == (3, 4)
    for bad, words in (("0", "counted from 1"), ("8-5", "backwards"), ("five", "FIRST-LAST"), ("0-2", "from 1")):
        with pytest.raises(Exception, match=words):
            bar_span(bad)


def test_the_vae_fills_bars_5_to_8_in_place_hearing_both_sides(tiny_vae_models, song_file, tmp_path, capsys):
    out = tmp_path / "out.mid"
    assert _generate(tiny_vae_models, "--model", "vae-tiny", "--fill", "5-8", "--track", 1, "--seed", song_file,
                     "--out", out, "--variations", 3, "--random-seed", 4) == 0
    said = capsys.readouterr()
    assert "hearing the bars before and after them" in said.out and "does not fill" not in said.err
    assert "out-take2.mid" in said.out and "out-take3.mid" in said.out
    songs = [open_song(p).song for p in (out, tmp_path / "out-take2.mid", tmp_path / "out-take3.mid")]
    original = open_song(song_file).song
    for filled in songs:
        assert len(filled.tracks) == 3 and filled.tracks[1:] == original.tracks[1:]    # the others as they were
        assert _outside(filled, 0, 4 * BAR, 8 * BAR) == _outside(original, 0, 4 * BAR, 8 * BAR)
        gap = [n for n in filled.tracks[0].notes if 4 * BAR <= n.start < 8 * BAR]
        assert gap and all(n.end <= 8 * BAR for n in gap)
    assert len({tuple(s.tracks[0].notes) for s in songs}) == 3          # three takes, three songs


def test_a_left_only_model_regenerates_from_the_left_and_says_so(markov_models, song_file, tmp_path, capsys):
    out = tmp_path / "out.mid"
    assert _generate(markov_models, "--model", "markov-tiny", "--fill", "6", "--track", 1, "--seed", song_file,
                     "--out", out, "--variations", 1) == 0
    said = capsys.readouterr()
    assert len([line for line in said.err.splitlines() if "does not fill" in line]) == 1
    assert "regenerated from the left" in said.err and "bars before them only" in said.out
    filled, original = open_song(out).song, open_song(song_file).song
    assert _outside(filled, 0, 5 * BAR, 6 * BAR) == _outside(original, 0, 5 * BAR, 6 * BAR)
    assert all(n.end <= 6 * BAR for n in filled.tracks[0].notes if 5 * BAR <= n.start < 6 * BAR)
    assert not (tmp_path / "out-take2.mid").exists()


@pytest.mark.parametrize("fill, track, words", [
    ("11-13", 1, "has 12 bars"), ("13", 2, "past its end"), ("0", 1, "counted from 1"), ("8-5", 1, "backwards"),
    ("5-8", 3, "drum track"), ("5-8", 9, "no track 9"), ("5-8", "all", "one track"),
])
def test_a_span_that_cannot_be_filled_is_exit_2_before_any_model_loads(
        tiny_vae_models, song_file, tmp_path, capsys, monkeypatch, fill, track, words):
    monkeypatch.setattr(ModelRegistry, "load", lambda *a, **k: pytest.fail("a model was loaded"))
    assert _generate(tiny_vae_models, "--model", "vae-tiny", "--fill", fill, "--track", track, "--seed", song_file,
                     "--out", tmp_path / "out.mid") == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "out.mid").exists()


def test_a_waltz_is_filled_in_bars_of_3_4(tiny_vae_models, tmp_path):
    waltz = Song((Track("W", 0, False, tuple(Note(64 + i % 5, i * QUARTER, QUARTER, 80) for i in range(24))),),
                 time_signatures=(TimeSignature(0, 3, 4),))
    seed, out = tmp_path / "waltz.mid", tmp_path / "out.mid"
    export_midi(waltz, seed)
    assert _generate(tiny_vae_models, "--model", "vae-tiny", "--fill", "3-4", "--seed", seed, "--out", out,
                     "--variations", 1) == 0
    bar = 3 * QUARTER
    filled = open_song(out).song.tracks[0].notes
    assert {n for n in filled if not 2 * bar <= n.start < 4 * bar} == \
        {n for n in open_song(seed).song.tracks[0].notes if not 2 * bar <= n.start < 4 * bar}
    assert all(n.end <= 4 * bar for n in filled if 2 * bar <= n.start < 4 * bar)


@pytest.mark.skipif(not (Path(__file__).resolve().parents[2] / "models" / "infill" / "config.json").exists(),
                    reason="the infill model is not installed")
def test_the_shipped_infill_model_says_it_hears_the_other_tracks_harmony(song_file, tmp_path, capsys):
    from musicstudio.generators.generate_command import main as generate_main

    out = tmp_path / "out.mid"
    assert generate_main(["--backend", "infill", "--seed", str(song_file), "--fill", "5-6", "--track", "1",
                          "--variations", "1", "--out", str(out), "--quiet"]) == 0
    assert "and the harmony of 1 other track " in capsys.readouterr().out     # the bass; the kit is no harmony
