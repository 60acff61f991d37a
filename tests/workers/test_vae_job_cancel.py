"""A VAE studio job cancelled while its model refines its codes stops there: the job's token goes into the
generator's operation (vae-poly checks it between the refinement's Adam steps), the process reports it
``Cancelled`` as it does a cancelled Generate, and the next job runs as if nothing had happened (no
half-refined code is kept for the clip)."""

import json
import shutil

import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import read_config
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.interface import CancelToken, GenerationCancelled
from musicstudio.generators.registry import ModelRegistry
from musicstudio.workers.generation import GenerationService
from musicstudio.workers.generation_child import run_vae_job, vae
from musicstudio.workers.generation_job import EncodeClip, Interpolate, MixCorners, MoveSliders, VAEJob
from musicstudio.workers.messages import Cancelled, Finished

STEPS = 30                     # the refinement's Adam steps for each encoding
Q = 4 * STEP_TICKS
CHORDS = Clip(tuple(Note(p, bar * 4 * Q + beat * Q, Q, 80) for bar, chord in
                    enumerate([(55, 59, 62, 67), (48, 55, 64, 72)]) for beat in range(4) for p in chord), 8 * Q)
OTHER = Clip(tuple(Note(60 + 2 * (k % 4), k * Q, Q, 90) for k in range(8)), 8 * Q)


class CountingToken(CancelToken):
    """A token that counts its checks and trips at the ``trip_at``-th one (never when None)."""

    def __init__(self, trip_at: int | None = None):
        super().__init__()
        self.trip_at, self.checks = trip_at, 0

    def check(self) -> None:
        self.checks += 1
        if self.trip_at is not None and self.checks >= self.trip_at:
            self.cancel()
        super().check()


@pytest.fixture
def refining(tiny_poly_models, tmp_path):
    """A models folder holding ``vae-poly-refined``: the tiny polyphonic VAE refining its codes by STEPS steps."""
    folder = tmp_path / "vae-poly-refined"
    shutil.copytree(tiny_poly_models / "vae-poly-tiny", folder)
    config = read_config(folder)
    config["name"], config["encoding"] = "vae-poly-refined", {"refine": {"steps": STEPS, "lr": 0.1}}
    (folder / "config.json").write_text(json.dumps(config), "utf-8")
    return tmp_path


def _sliders(folder):
    return dict.fromkeys(ModelRegistry([folder]).load("vae-poly-refined", "cpu").slider_names[:1], 1.0)


OPS = {"encode": lambda s: EncodeClip(CHORDS), "move": lambda s: MoveSliders(CHORDS, s),
       "interpolate": lambda s: Interpolate(CHORDS, OTHER, 3),
       "mix": lambda s: MixCorners((CHORDS, OTHER, CHORDS, OTHER), 0.3, 0.6)}


@pytest.mark.parametrize("name", sorted(OPS))
def test_a_job_cancelled_during_the_refinement_stops_before_its_steps_are_done(refining, name):
    job = VAEJob("vae-poly-refined", OPS[name](_sliders(refining)), "cpu")
    whole = CountingToken()
    expected = run_vae_job(ModelRegistry([refining]), job, whole)
    assert whole.checks > STEPS                  # the refinement checks the token between its steps
    trip_at = 2 + STEPS // 3                     # after loading (2 checks), a third of the way into the steps
    registry = ModelRegistry([refining])
    token = CountingToken(trip_at)
    with pytest.raises(GenerationCancelled):
        run_vae_job(registry, job, token)
    assert token.checks == trip_at               # it stopped at the check that tripped, not at the end
    again = run_vae_job(registry, job, CountingToken())   # the studio goes on: same model, same answer
    assert again.phrases == expected.phrases and again.sliders == expected.sliders


class Events:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)


def test_the_process_reports_a_job_cancelled_mid_refinement_as_cancelled_and_runs_the_next(refining):
    registry, loaded, events = ModelRegistry([refining]), set(), Events()
    job = VAEJob("vae-poly-refined", MoveSliders(CHORDS, _sliders(refining)), "cpu")
    vae(registry, events, 7, job, CountingToken(2 + STEPS // 2), loaded)
    assert events.sent == [Cancelled(7)]         # as a cancelled Generate is answered
    vae(registry, events, 8, job, CountingToken(), loaded)
    assert isinstance(events.sent[-1], Finished) and events.sent[-1].job_id == 8
    assert events.sent[-1].result.phrases and events.sent[-1].result.phrases[0]


def test_the_studio_cancels_an_operation_under_way_and_the_next_slider_move_is_answered(qtbot, monkeypatch):
    """Through the service and its process, on the fake VAE (tests/workers/fake_generation.py) whose
    interpolation takes a minute unless its token stops it: Cancel ends the studio's job at once, and the
    process, stopped mid-operation, answers the next move (it would wait out the minute otherwise)."""
    monkeypatch.setenv("MUSICSTUDIO_BACKENDS", "fake_generation:BACKEND")   # the process inherits it
    service = GenerationService([], ("fake_generation:FakeRegistry", {"op_seconds": 60.0}))
    try:
        finished, cancelled = [], []
        service.vae_finished.connect(lambda job_id, result: finished.append(job_id))
        service.vae_cancelled.connect(cancelled.append)
        with qtbot.waitSignal(service.vae_finished, timeout=60_000):      # the process started, the model loaded
            service.submit_vae(VAEJob("vae", MoveSliders(OTHER, {"note_density": 3.0})))
        blend = service.submit_vae(VAEJob("vae", Interpolate(CHORDS, OTHER, 3)))
        qtbot.wait(500)                                                   # the process is inside the interpolation
        service.cancel_vae()
        assert cancelled == [blend] and service.current_vae is None
        with qtbot.waitSignal(service.vae_finished, timeout=10_000) as blocker:
            move = service.submit_vae(VAEJob("vae", MoveSliders(OTHER, {"note_density": 5.0})))
        assert blocker.args[0] == move and len(blocker.args[1].phrases[0]) == 5 and blend not in finished
    finally:
        assert service.shutdown(5000), "the generation process did not stop"


@pytest.mark.parametrize("name", sorted(OPS))
def test_the_melody_vae_checks_the_token_before_it_encodes(tiny_vae_models, name):
    """The melody VAE encodes in one pass (no refinement): its operations check the token before each
    encoding, so a job cancelled after the worker's own checks still stops there."""
    registry = ModelRegistry([tiny_vae_models])
    melody = Clip(tuple(Note(60 + k % 5, k * Q, Q, 90) for k in range(8)), 8 * Q)
    op = {"encode": EncodeClip(melody), "move": MoveSliders(melody, {"note_density": 1.0}),
          "interpolate": Interpolate(melody, OTHER, 3), "mix": MixCorners((melody, OTHER, melody, OTHER), 0.3, 0.6)}
    token = CountingToken(3)                      # loading and the worker's check pass, the third stops it
    with pytest.raises(GenerationCancelled):
        run_vae_job(registry, VAEJob("vae-tiny", op[name], "cpu"), token)
    assert token.checks == 3
    assert run_vae_job(registry, VAEJob("vae-tiny", op[name], "cpu"), CountingToken()).phrases[0]
