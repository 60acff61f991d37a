"""Generators see notes only (issue 20): a seed whose tracks hold the pedal, bends, aftertouch, program
changes and lyrics plans the same seed and generates the same takes as the same notes without them."""

from __future__ import annotations

import pytest

from musicstudio.cli import main
from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import SUSTAIN, Control, SongText, controller, pitch_bend
from musicstudio.generators.interface import BAR
from musicstudio.generators.registry import ModelRegistry
from musicstudio.generators.seed_plan import plan_seed
from musicstudio.io.files import open_song
from musicstudio.io.midi_write import export_midi

QUARTER = BAR // 4
FLUTE = tuple(Note(p, i * QUARTER, QUARTER, 70) for i, p in enumerate([62, 64, 65, 67, 69, 67, 65, 64] * 2))
CELLO = tuple(Note(p, i * BAR, BAR, 60) for i, p in enumerate([50, 53, 55, 57]))
EVENTS = (controller(0, SUSTAIN, 127), pitch_bend(QUARTER, 4000), pitch_bend(2 * QUARTER, -8192),
          Control(BAR, "pressure", 0, 90), Control(BAR + 5, "poly", 64, 30), controller(BAR, 1, 64),
          Control(2 * BAR, "program", 0, 74), controller(3 * BAR, SUSTAIN, 0), pitch_bend(3 * BAR + 7, 0))


def songs() -> tuple[Song, Song]:
    """The duet with its controllers and lyrics, and the same notes without."""
    plain = Song((Track("Flute", 73, False, FLUTE), Track("Cello", 42, False, CELLO)))
    played = Song((Track("Flute", 73, False, FLUTE, controls=EVENTS, channel=0),
                   Track("Cello", 42, False, CELLO, controls=EVENTS[:3], channel=1)),
                  texts=(SongText(0, "lyric", "La"), SongText(BAR, "marker", "B")))
    return played, plain


@pytest.mark.parametrize("source, mode, loop", [
    ("track", "continue", None), ("bars", "regenerate", (BAR, 2 * BAR)), ("every track", "continue", None),
    ("bars", "new track", (2 * BAR, 4 * BAR)),
])
def test_a_seed_with_controllers_plans_as_the_same_notes_without(source, mode, loop):
    played, plain = songs()
    assert played != plain
    assert plan_seed(played, 0, source, mode, loop=loop) == plan_seed(plain, 0, source, mode, loop=loop)


def installed(name: str):
    return next((m for m in ModelRegistry().models() if m.name == name), None)


@pytest.mark.parametrize("model", ["markov-melody", "lstm-notes"])
def test_a_seed_with_controllers_generates_the_same_takes(tmp_path, model):
    if installed(model) is None:
        pytest.skip(f"the {model} model is not installed")
    takes = []
    for name, song in zip(("played", "plain"), songs()):
        seed, out = tmp_path / f"{name}.mid", tmp_path / f"{name}-takes.mid"
        export_midi(song, seed)
        if name == "played":       # the file does hold them: the pedal, bends and words reach the reader
            kept = open_song(seed).song
            assert kept.tracks[0].controls and kept.texts
        assert main(["generate", "--model", model, "--seed", str(seed), "--out", str(out), "--track", "all",
                     "--bars", "2", "--variations", "2", "--random-seed", "5", "--quiet"]) == 0
        takes.append([t.notes for t in open_song(out).song.tracks[1:]])
    assert takes[0] == takes[1] and any(takes[0])
