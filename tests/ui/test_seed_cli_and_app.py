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

    def models(self):        # what is installed beside it: nothing the model choice could switch to
        return []

    name, backend, device = "recorder", "recorder", "cpu"

    def generate(self, request, progress=None, cancel=None):
        Recorder.seeds.append(request.seed)
        return [Take((), 0, self.backend, self.name, request.record(), v) for v in range(request.variations)]


@pytest.fixture
def waltz(tmp_path, monkeypatch):
    monkeypatch.setattr("musicstudio.generators.registry.ModelRegistry", Recorder)
    # the command proves a model's folder before it loads; the recorder has none, only its family
    monkeypatch.setattr("musicstudio.generators.registry.model_info",
                        lambda name: SimpleNamespace(name=name, folder=name, backend="recorder", family=BACKEND,
                                                    meters=BACKEND.meters, licence=SimpleNamespace(name="test")))
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


# -- a seed that ends mid-bar: the take completes its bar, from where it ends, in the CLI and the app alike ----
UNFINISHED = tuple(Note(60 + i % 5, i * 480, 480, 90) for i in range(7)) + (Note(67, 7 * 480, 240, 90),)
SEED_END = 2 * WALTZ_BAR + 720      # beat 2.5 of the third bar of 3/4: a bar and a half of it left


@pytest.fixture(scope="module")
def markov_dir(tmp_path_factory, tiny_corpus_dir):
    from musicstudio.generators.training.command import main as train_main

    root = tmp_path_factory.mktemp("markov_models")
    assert train_main(["markov", "--config", "markov-tiny", "--out", str(root / "markov-tiny"), "--corpus",
                       str(tiny_corpus_dir), "--quiet"]) == 0
    return root


def test_a_seed_ending_on_beat_2_5_of_3_4_is_completed_from_its_end_in_the_cli_and_the_app_alike(
        qtbot, main_window, tmp_path, markov_dir, monkeypatch):
    from PySide6.QtCore import Qt

    from musicstudio.ui.generate.parameters import NO_KEY
    from musicstudio.workers.generation import GenerationService

    monkeypatch.setattr("musicstudio.generators.registry.default_folders", lambda: [])
    path = tmp_path / "waltz.mid"
    export_midi(Song((Track("Lead", 40, False, UNFINISHED),), time_signatures=(TimeSignature(0, 3, 4),)), path)
    out = tmp_path / "out.mid"
    assert generate_command.main(["--models-dir", str(markov_dir), "--model", "markov-tiny", "--seed", str(path),
                                  "--out", str(out), "--bars", "2", "--variations", "1", "--random-seed", "11",
                                  "--quiet"]) == 0
    cli = sorted(open_song(out).song.tracks[1].notes)
    assert cli and all(SEED_END <= n.start and n.end <= 5 * WALTZ_BAR for n in cli)   # 1.5 beats, then 2 bars

    main_window.attach_generation(GenerationService([markov_dir]))
    main_window.generate_dock.show()
    assert main_window.files.open_file(path)
    panel = main_window.generate
    panel.set_source("track")
    panel.set_mode("continue")
    params = panel.params
    params.bars.setValue(2)
    params.variations.setValue(1)
    params.fresh_seed.setChecked(False)
    params.seed.setValue(11)
    params.key.setCurrentIndex(NO_KEY)          # the CLI locks no key unless asked
    with qtbot.waitSignal(panel.takes_ready, timeout=120_000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    take = panel.take_box.list.takes[0]
    assert panel.plan.at == SEED_END and take.length == 720 + 2 * WALTZ_BAR     # the rest of the bar, then 2 bars
    assert sorted(panel.plan.placed(take)) == cli
