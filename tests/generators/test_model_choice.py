"""A seed with triplets goes to the family's triplet model when the musician left the model to the family
(``generate --backend lstm``), and says so; a model named by the musician, a straight seed, a played
(unquantized) seed and a family without a triplet model keep the model asked for."""

import pytest

from musicstudio.cli import main
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.model_choice import THRESHOLD, Candidate, choose, triplet_share
from musicstudio.io.files import open_song
from musicstudio.io.midi_write import export_midi

LSTM = Candidate("lstm", "lstm", 120, "redistributable")
TRIPLETS = Candidate("lstm-triplets", "lstm", 40, "redistributable")
TRIPLETS_NC = Candidate("lstm-triplets-nc", "lstm", 40, "non-commercial")
MARKOV = Candidate("markov-events", "markov", 120, "redistributable")


def _tune(triplet_beats: int, beats: int = 16, jitter: int = 0) -> tuple[Note, ...]:
    """Quarters, the first ``triplet_beats`` beats as 8th triplets instead (``jitter``: ticks late, every
    other note, as a player would be)."""
    notes = []
    for beat in range(beats):
        starts = [beat * 480 + k * 160 for k in range(3)] if beat < triplet_beats else [beat * 480]
        notes += [Note(60 + beat % 7, s + (jitter if len(notes) % 2 else 0), 150, 80) for s in starts]
    return tuple(notes)


def test_the_triplet_share_counts_onsets_off_the_16th_grid_on_the_12_a_quarter_grid():
    assert triplet_share(_tune(0)) == 0.0
    assert triplet_share(_tune(2)) == pytest.approx(4 / 20)
    assert triplet_share(()) is None
    assert triplet_share(_tune(4, jitter=7)) is None       # played, not written: says nothing of triplets


def test_a_triplet_seed_left_to_the_family_goes_to_its_triplet_model():
    choice = choose(LSTM, _tune(4), [LSTM, TRIPLETS_NC, TRIPLETS], named=False)
    assert choice.name == "lstm-triplets"                 # of the same licence, before the -nc one
    assert "triplets" in choice.reason and "lstm-triplets" in choice.reason and "instead of lstm" in choice.reason
    assert choose(LSTM, _tune(4), [LSTM, TRIPLETS_NC], named=False).name == "lstm-triplets-nc"


@pytest.mark.parametrize("asked, notes, installed, named", [
    (LSTM, _tune(4), [LSTM, TRIPLETS], True),              # named by the musician
    (LSTM, _tune(0), [LSTM, TRIPLETS], False),             # straight
    (LSTM, _tune(1, beats=32), [LSTM, TRIPLETS], False),   # one triplet figure in 8 bars: 2 of 34 onsets
    (MARKOV, _tune(4), [MARKOV, LSTM, TRIPLETS], False),   # no triplet model in its family
    (TRIPLETS, _tune(4), [LSTM, TRIPLETS], False),         # hears triplets already
])
def test_the_model_asked_for_stays(asked, notes, installed, named):
    choice = choose(asked, notes, installed, named)
    assert choice.name == asked.name and choice.reason == ""


def test_the_threshold_sits_between_one_figure_and_a_triplet_feel():
    assert triplet_share(_tune(1, beats=32)) < THRESHOLD <= triplet_share(_tune(1, beats=12))


@pytest.fixture
def triplet_seed(tmp_path):
    path = tmp_path / "triplets.mid"
    export_midi(Song((Track("Fiddle", 40, False, _tune(8)),)), path)
    return path


def _generate(seed, out, *model):
    return main(["generate", "--seed", str(seed), "--out", str(out), "--bars", "2", "--variations", "2",
                 "--quiet", "--random-seed", "3", *model])


def test_generate_backend_lstm_on_a_triplet_seed_uses_lstm_triplets_and_says_so(triplet_seed, tmp_path, capsys):
    out = tmp_path / "out.mid"
    assert _generate(triplet_seed, out, "--backend", "lstm") == 0
    said = capsys.readouterr()
    assert said.err.count("generating with lstm-triplets") == 1 and "from lstm-triplets" in said.out
    assert [t.name for t in open_song(out).song.tracks][-1] == "lstm-triplets take 1"


def test_generate_model_lstm_is_never_changed(triplet_seed, tmp_path, capsys):
    assert _generate(triplet_seed, tmp_path / "out.mid", "--model", "lstm") == 0
    said = capsys.readouterr()
    assert "lstm-triplets" not in said.err + said.out and "from lstm on" in said.out


def test_a_seed_swung_as_triplets_goes_to_lstm_triplets_as_played(tmp_path, capsys):
    """8ths swung 2:1 put every off-beat on a triplet: lstm-triplets is picked and hears them as they are
    (not straightened, nor the takes swung after), which the command's line says."""
    swung = tuple(Note(60 + i % 5, (i // 2) * 480 + (320 if i % 2 else 0), 150, 80) for i in range(32))
    seed = tmp_path / "swung.mid"
    export_midi(Song((Track("Sax", 65, False, swung),)), seed)
    assert _generate(seed, tmp_path / "out.mid", "--backend", "lstm") == 0
    said = capsys.readouterr()
    assert "generating with lstm-triplets" in said.err and "heard as triplets by the model" in said.out
    assert "straightened" not in said.out
