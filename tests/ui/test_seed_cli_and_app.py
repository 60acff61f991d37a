"""One seed for one request: ``musicstudio generate`` and the app's Generate panel plan seeds with the same
code (generators/seed_plan.py), in the song's own bars, so a 3/4 song seeds the same bars in both."""

from types import SimpleNamespace

import pytest

from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators import generate_command
from musicstudio.generators.family import Backend
from musicstudio.generators.interface import Take
from musicstudio.io.files import open_song
from musicstudio.io.midi_write import export_midi
from musicstudio.ui.generate.seed import plan_seed

WALTZ_BAR = 3 * 480
LEAD = tuple(Note(60 + i % 7, i * 480, 480, 90) for i in range(13))          # 4 bars of 3/4 and a beat
BASS = tuple(Note(36 + i, i * WALTZ_BAR, WALTZ_BAR, 80) for i in range(3))   # bars 1-3
DRUMS = (Note(38, 0, 240, 100), Note(38, 7 * WALTZ_BAR, 240, 100))


# the recorder's family, declared as a backend package would be (MUSICSTUDIO_BACKENDS names it)
BACKEND = Backend(name="recorder", summary="hears the seed it is given", implementation=__name__)


class Recorder:
    """A registry whose one model hears the seed it is given and answers with empty takes."""

    seeds: list = []

    def __init__(self, *args, **kwargs):
        pass

    def add_folder(self, folder):
        pass

    def load(self, name, device="auto"):
        return self

    def resolve(self, name):
        return name

    name, backend, device = "recorder", "recorder", "cpu"

    def generate(self, request, progress=None, cancel=None):
        Recorder.seeds.append(request.seed)
        return [Take((), 0, self.backend, self.name, request.record(), v) for v in range(request.variations)]


@pytest.fixture
def waltz(tmp_path, monkeypatch):
    monkeypatch.setattr("musicstudio.generators.registry.ModelRegistry", Recorder)
    # the command proves a model's folder before it loads; the recorder has none, only its family
    monkeypatch.setattr("musicstudio.generators.registry.model_info",
                        lambda name: SimpleNamespace(name=name, folder=name, backend="recorder", family=BACKEND))
    monkeypatch.setenv("MUSICSTUDIO_BACKENDS", f"{__name__}:BACKEND")
    Recorder.seeds = []
    path = tmp_path / "waltz.mid"
    export_midi(Song((Track("Lead", 40, False, LEAD), Track("Bass", 32, False, BASS), Track("Kit", 0, True, DRUMS)),
                     time_signatures=(TimeSignature(0, 3, 4),)), path)
    return path


def cli_seed(path, tmp_path, *extra):
    """The seed clip the CLI gave the model, and where the CLI's seed starts in the song."""
    argv = ["--model", "recorder", "--seed", str(path), "--out", str(tmp_path / "o.mid"), "--quiet",
            "--variations", "1", *extra]
    assert generate_command.main(argv) == 0
    _, _, start, _ = generate_command._seed_clip(open_song(path).song, generate_command.build_parser().parse_args(argv))
    return Recorder.seeds[-1], start


@pytest.mark.parametrize("cli, app", [
    ((), dict(track=0, source="track")),                                              # the first pitched track
    (("--track", "2"), dict(track=1, source="track")),
    (("--seed-bars", "2"), dict(track=0, source="bars", loop=(3 * WALTZ_BAR, 13 * 480))),  # to the last note's end
    (("--track", "all"), dict(track=0, source="every track")),
    (("--track", "all", "--seed-bars", "3"), None),
])
def test_a_3_4_song_seeds_the_same_bars_through_the_cli_and_the_app(waltz, tmp_path, cli, app):
    song = open_song(waltz).song
    assert str(song.meter.signature_at(0)) == "3/4"
    seed, start = cli_seed(waltz, tmp_path, *cli)
    if app is None:       # the last bars of every track: the app's seed, narrowed as --seed-bars does
        plan = plan_seed(song, 0, "every track", "continue", seed_bars=3)
    else:
        plan = plan_seed(song, mode="continue", **app)
    assert (seed.notes, seed.length, start) == (plan.seed.notes, plan.seed.length, plan.seed_start)
    assert start % WALTZ_BAR == 0      # from a bar line of the song's meter, not of 4/4, to the seed's real end
    assert start + seed.length == max(n.end for n in seed.notes) + start == max(n.end for n in plan.seed.notes) + start
    assert seed.notes


def test_seed_bars_count_the_songs_bars_the_unfinished_one_too():
    song = Song((Track("Lead", 40, False, LEAD),), time_signatures=(TimeSignature(0, 3, 4),))
    plan = plan_seed(song, 0, "track", "continue", seed_bars=2)    # bar 4 and the beat of bar 5
    assert (plan.seed_start, plan.seed.length, plan.at) == (3 * WALTZ_BAR, WALTZ_BAR + 480, 13 * 480)
    assert plan.seed.notes == tuple(n.moved_by(-3 * WALTZ_BAR) for n in LEAD[9:])
    whole = plan_seed(song, 0, "track", "continue", seed_bars=2, whole_bars=True)   # a VAE's phrase to move
    assert (whole.seed_start, whole.seed.length, whole.at) == (3 * WALTZ_BAR, 2 * WALTZ_BAR, 5 * WALTZ_BAR)
