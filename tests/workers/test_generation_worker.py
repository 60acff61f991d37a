"""The generation worker: results and progress through signals, supersede, cancel within 100 ms, errors
as messages, CPU retry after a GPU runs out of memory, models loaded once."""

import threading
import time

import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.interface import GenerationRequest, Take
from musicstudio.workers.generation import OOM_NOTE, GenerationService, is_out_of_memory
from musicstudio.workers.generation_job import GenerationJob

SEED = Clip((Note(60, 0, 240, 90),), 1920)


class FakeGenerator:
    backend = "fake"

    def __init__(self, name, device, step_seconds=0.002, steps=50, fail=None):
        self.name, self.device = name, device
        self.step_seconds, self.steps, self.fail = step_seconds, steps, fail
        self.thread = None

    def generate(self, request, progress=None, cancel=None):
        self.thread = threading.current_thread()
        for i in range(self.steps):
            if cancel is not None:
                cancel.check()
            if self.fail is not None and i == 3:
                raise self.fail
            time.sleep(self.step_seconds)
            if progress is not None:
                progress((i + 1) / self.steps)
        return [Take((Note(62 + v, 0, 240, 90),), request.bars * 1920, self.backend, self.name, request.record(), v)
                for v in range(request.variations)]


class FakeRegistry:
    def __init__(self, **generator_options):
        self.folders, self.loads, self.options = [], [], generator_options
        self.by_device = {}

    def models(self):
        return []

    def add_folder(self, folder):
        self.folders.append(folder)

    def load(self, name, device="auto"):
        self.loads.append((name, device))
        if name == "damaged":
            raise CheckpointError("models/damaged/weights.safetensors", "the weights are damaged or truncated")
        device = "cuda" if device == "auto" else device
        if (name, device) not in self.by_device:
            options = dict(self.options)
            if device == "cpu":
                options.pop("fail", None)
            self.by_device[(name, device)] = FakeGenerator(name, device, **options)
        return self.by_device[(name, device)]


def job(model="fake", variations=3, device="auto"):
    return GenerationJob(model, GenerationRequest(SEED, bars=2, variations=variations, random_seed=4), device)


@pytest.fixture
def make_service(qtbot):
    services = []

    def make(registry):
        service = GenerationService(registry)
        services.append(service)
        return service
    yield make
    for service in services:
        assert service.shutdown(5000), "the generation thread did not stop"


def test_takes_and_progress_arrive_through_signals_from_another_thread(qtbot, make_service):
    registry = FakeRegistry()
    service = make_service(registry)
    progress = []
    service.progress.connect(lambda job_id, done: progress.append(done))
    with qtbot.waitSignal(service.finished, timeout=5000) as blocker:
        job_id = service.submit(job())
    got_id, result = blocker.args
    assert got_id == job_id and not service.busy
    assert [t.variation for t in result.takes] == [0, 1, 2] and result.device == "cuda" and result.notes == []
    assert progress == sorted(progress) and progress[-1] == 1.0 and 3 <= len(progress) <= 51
    assert registry.by_device[("fake", "cuda")].thread is not threading.main_thread()


def test_a_second_request_supersedes_the_first(qtbot, make_service):
    service = make_service(FakeRegistry(step_seconds=0.01, steps=100))
    finished, cancelled = [], []
    service.finished.connect(lambda job_id, result: finished.append(job_id))
    service.cancelled.connect(cancelled.append)
    first = service.submit(job(variations=1))
    qtbot.wait(30)
    second = service.submit(job(variations=2))
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)
    qtbot.waitUntil(lambda: not service.working, timeout=2000)
    assert finished == [second] and first not in cancelled  # the first is never heard from again


def test_cancel_answers_at_once_and_the_worker_stops_within_100_ms(qtbot, make_service):
    service = make_service(FakeRegistry(step_seconds=0.005, steps=10_000))
    finished = []
    service.finished.connect(lambda *a: finished.append(a))
    with qtbot.waitSignal(service.started, timeout=5000):
        service.submit(job())
    qtbot.wait(50)
    t = time.perf_counter()
    with qtbot.waitSignal(service.cancelled, timeout=100):
        service.cancel()
    answered = time.perf_counter() - t
    with qtbot.waitSignal(service.idle, timeout=1000):
        pass
    stopped = time.perf_counter() - t
    assert answered < 0.1 and stopped < 0.1, (answered, stopped)
    assert finished == [] and not service.busy


def test_a_damaged_checkpoint_becomes_a_message(qtbot, make_service):
    service = make_service(FakeRegistry())
    with qtbot.waitSignal(service.failed, timeout=5000) as blocker:
        service.submit(job(model="damaged"))
    assert "damaged or truncated" in blocker.args[1] and "weights.safetensors" in blocker.args[1]


def test_out_of_gpu_memory_is_retried_on_the_cpu_with_a_note(qtbot, make_service):
    class OutOfMemoryError(RuntimeError):  # what torch.cuda raises, by name
        pass

    registry = FakeRegistry(fail=OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"))
    service = make_service(registry)
    with qtbot.waitSignal(service.finished, timeout=5000) as blocker:
        service.submit(job())
    result = blocker.args[1]
    assert result.device == "cpu" and result.notes == [OOM_NOTE] and len(result.takes) == 3
    assert registry.loads == [("fake", "auto"), ("fake", "cpu")]


def test_a_bug_in_a_backend_is_reported_not_swallowed(qtbot, make_service, caplog):
    service = make_service(FakeRegistry(fail=ZeroDivisionError("division by zero")))
    with qtbot.waitSignal(service.failed, timeout=5000) as blocker:
        service.submit(job())
    assert blocker.args[1] == "internal error: ZeroDivisionError: division by zero"
    assert "generation with fake failed" in caplog.text


def test_out_of_memory_is_recognised_by_name_or_message():
    class OutOfMemoryError(Exception):
        pass

    assert is_out_of_memory(OutOfMemoryError("x"))
    assert is_out_of_memory(RuntimeError("CUDA error: out of memory"))
    assert not is_out_of_memory(RuntimeError("shape mismatch"))
    assert not is_out_of_memory(ValueError("out of memory"))


def test_a_real_model_loads_once_and_stays_cached(qtbot, make_service, installed_registry):
    service = make_service(installed_registry)
    model = min(installed_registry.models(), key=lambda m: m.size_bytes)
    for _ in range(2):
        with qtbot.waitSignal(service.finished, timeout=60_000) as blocker:
            service.submit(job(model=str(model.folder), device="cpu"))
        assert len(blocker.args[1].takes) == 3
    assert len(installed_registry._cache) == 1


def test_the_device_is_found_in_the_worker(qtbot, make_service):
    service = make_service(FakeRegistry())
    with qtbot.waitSignal(service.device_found, timeout=60_000) as blocker:
        service.find_device("cpu")
    assert blocker.args == ["cpu", "CPU"]
