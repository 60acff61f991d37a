"""The generation process: loads models and samples takes away from the app's process. No Qt here.

The app's :class:`~musicstudio.workers.generation.GenerationService` starts :func:`serve` in a spawned
process and talks to it through two pipes. Running there rather than in a thread of the app means the
GUI thread never waits for the interpreter lock while torch is imported, a checkpoint is read or a
numpy sampling loop runs (measured: a 0.7 s freeze importing torch in a thread, 20-50 ms gaps while
sampling), and a backend that crashes or is killed for memory takes only this process with it.

Commands (app -> here) and events (here -> app) are the dataclasses of :mod:`.messages`: :class:`Generate`,
:class:`VAE`, :class:`Device`, :class:`AddFolder`, :class:`Quit`; :class:`Started`, :class:`Progress`,
:class:`Finished` (a GenerationResult or VAEResult), :class:`Failed`, :class:`Cancelled`, :class:`DeviceFound`.
A job is cancelled when its lane's shared counter reaches its id (see :mod:`.job_lane`): the app raises it
to cancel or to supersede. VAE jobs (the studio's slider moves, encodings, interpolations and pad mixes)
have a lane of their own, so a slider move supersedes the move before it without cancelling a generation,
and the other way round.
"""

from __future__ import annotations

import importlib
import logging
import time

from musicstudio.generators.backends import UnknownBackend, backend_named
from musicstudio.generators.capabilities import LatentModel
from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.devices import DeviceError
from musicstudio.generators.interface import CancelToken, GenerationCancelled, GenerationError
from musicstudio.workers.generation_job import (
    EncodeClip,
    GenerationJob,
    GenerationResult,
    Interpolate,
    MixCorners,
    MoveSliders,
    VAEJob,
    VAEResult,
)
from musicstudio.workers.job_lane import LaneToken
from musicstudio.workers.messages import (
    VAE,
    AddFolder,
    Cancelled,
    CheckModels,
    Device,
    DeviceFound,
    Failed,
    Finished,
    Generate,
    ModelsChecked,
    Progress,
    Quit,
    Started,
)

log = logging.getLogger(__name__)
PROGRESS_STEP = 0.02          # at most about 50 progress events a job
OOM_NOTE = "The GPU ran out of memory, so these takes were made on the CPU."
_GPU_WORDS = ("CUDA", "cuda", "cuDNN", "CUBLAS", "cublas", "NCCL", "MPS", "device-side", "driver")


def is_out_of_memory(error: BaseException) -> bool:
    """torch.cuda.OutOfMemoryError, or the RuntimeError older torch raised, without importing torch."""
    return type(error).__name__ == "OutOfMemoryError" or (
        isinstance(error, RuntimeError) and "out of memory" in str(error).lower())


def gpu_failure_note(error: BaseException, device: str) -> str | None:
    """What to tell the musician when a model failed on a GPU (out of memory, a driver or CUDA error) and
    its takes were made on the CPU instead; None when the error is not the GPU's (then it is reported)."""
    if device == "cpu":
        return None
    if is_out_of_memory(error):
        return OOM_NOTE
    if isinstance(error, RuntimeError) and any(word in str(error) for word in _GPU_WORDS):
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        return f"The GPU failed ({first}), so these takes were made on the CPU."
    return None


def load_for(registry, job, token: CancelToken, loaded: set | None, device: str | None = None):
    """The job's model (cached by the registry) and whether this job is the first to load it here."""
    loaded = set() if loaded is None else loaded
    device = job.device if device is None else device
    first = (job.model, device) not in loaded
    token.check()
    generator = registry.load(job.model, device)
    loaded.add((job.model, device))
    return generator, first


def run_job(registry, job: GenerationJob, token: CancelToken, progress=None, loaded: set | None = None
            ) -> GenerationResult:
    """Load the model (cached by the registry) and generate; a model that fails on the GPU (out of memory,
    a CUDA or driver error, while loading or generating) is run again on the CPU, with a note saying why.
    Raises GenerationCancelled, CheckpointError, DeviceError, GenerationError or a bug."""
    started = time.perf_counter()
    notes = []
    device = job.device
    try:
        generator, first = load_for(registry, job, token, loaded)
        device = generator.device
        token.check()
        takes = generator.generate(job.request, progress, token)
    except Exception as e:
        note = gpu_failure_note(e, device if device != "auto" else describe(job.device)[0])   # auto: what it meant here
        if note is None:
            raise
        log.warning("%s failed on %s (%s); retrying on the CPU", job.model, device, e)
        notes.append(note)
        generator, first = load_for(registry, job, token, loaded, "cpu")
        takes = generator.generate(job.request, progress, token)
    return GenerationResult(takes, generator.device, time.perf_counter() - started, notes, first)


def make_registry(folders, factory: tuple[str, dict] | None = None):
    """The registry models load through: ``ModelRegistry(folders)``, or ``factory`` = ("module:callable",
    keyword arguments) called with ``folders`` (tests pass a fake backend that way)."""
    if factory is None:
        from musicstudio.generators.registry import ModelRegistry
        return ModelRegistry(folders)
    path, kwargs = factory
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)(folders, **kwargs)


def describe(wanted: str) -> tuple[str, str]:
    from musicstudio.generators.devices import describe_device, pick_device
    try:
        device = pick_device(wanted)
        return device, describe_device(device)
    except (DeviceError, ImportError, RuntimeError) as e:
        return "cpu", f"CPU ({e})"


def generate(registry, events, job_id: int, job: GenerationJob, token: CancelToken, loaded: set) -> None:
    if token.cancelled:  # superseded while it waited
        events.send(Cancelled(job_id))
        return
    events.send(Started(job_id))
    reported = [-1.0]

    def progress(done: float) -> None:
        if done - reported[0] >= PROGRESS_STEP or (done >= 1.0 > reported[0]):
            reported[0] = done
            events.send(Progress(job_id, done))

    answer(events, job_id, job.model, lambda: run_job(registry, job, token, progress, loaded))


def answer(events, job_id: int, model: str, work) -> None:
    """Run ``work()`` and send what became of it: finished with its result, cancelled, or failed with a
    message for the user (a bug is logged too, never swallowed)."""
    try:
        result = work()
    except GenerationCancelled:
        events.send(Cancelled(job_id))
    except (CheckpointError, DeviceError, GenerationError) as e:
        events.send(Failed(job_id, str(e)))
    except MemoryError as e:
        events.send(Failed(job_id, f"there is not enough memory for this request ({e or 'MemoryError'}): "
                                   "ask for fewer bars or variations"))
    except Exception as e:  # a bug: shown to the user and logged, never swallowed
        log.exception("generation with %s failed", model)
        message = f"out of memory: {e}" if is_out_of_memory(e) else f"internal error: {type(e).__name__}: {e}"
        events.send(Failed(job_id, message))
    else:
        events.send(Finished(job_id, result))


def run_vae_job(registry, job: VAEJob, token: CancelToken, loaded: set | None = None) -> VAEResult:
    """One VAE studio operation on the model's ``vae`` API (the latent arithmetic is the generator's, as for
    the CLI, so both give one result for one request). A model that is not a VAE is a GenerationError.
    ``token`` goes into the operation (a model that refines its codes checks it between the refinement's
    steps), so a job cancelled or superseded while it runs raises GenerationCancelled there, as Generate's do."""
    started = time.perf_counter()
    generator, first = load_for(registry, job, token, loaded)
    try:
        latent = backend_named(generator.backend).can(LatentModel)
    except UnknownBackend:
        latent = False
    if not latent:
        raise GenerationError(f"{generator.name} is a {generator.backend} model: the VAE studio needs a VAE "
                              "(pick one in the model box)")
    token.check()
    op, meter = job.op, tuple(job.meter)
    if isinstance(op, EncodeClip):
        sliders = generator.sliders_for(op.clip, meter, cancel=token)
        phrases = [generator.move_sliders(op.clip, {}, meter, cancel=token)]
    elif isinstance(op, MoveSliders):
        unknown = sorted(set(op.values) - set(generator.slider_names))
        if unknown:
            raise GenerationError(f"{generator.name} has no slider {', '.join(unknown)}")
        sliders, phrases = dict(op.values), [generator.move_sliders(op.clip, op.values, meter, cancel=token)]
    elif isinstance(op, Interpolate):
        sliders, phrases = {}, list(generator.interpolate(op.a, op.b, op.steps, meter, cancel=token))
    elif isinstance(op, MixCorners):
        sliders, phrases = {}, [generator.mix(op.corners, op.weights(), meter, cancel=token)]
    else:
        raise GenerationError(f"the VAE studio has no operation {type(op).__name__}")
    return VAEResult(op, phrases, sliders, generator.device, time.perf_counter() - started, first)


def vae(registry, events, job_id: int, job: VAEJob, token: CancelToken, loaded: set) -> None:
    if token.cancelled:  # superseded while it waited (a slider moved on)
        events.send(Cancelled(job_id))
        return
    answer(events, job_id, job.model, lambda: run_vae_job(registry, job, token, loaded))


def check_models(registry) -> tuple[str, ...]:
    """Every folder of ``registry``'s that cannot be used, by the model list's rehearsal of each load
    (:func:`~musicstudio.generators.registry.loadable_models`)."""
    from musicstudio.generators.registry import loadable_models
    return tuple(loadable_models(registry.folders)[1])


def serve(commands, events, folders, factory=None, cancelled_upto=None, vae_cancelled_upto=None) -> None:
    """The process's main loop: runs until :class:`Quit` or until the app's end of the pipe closes.
    ``cancelled_upto`` / ``vae_cancelled_upto``: the shared counters of the generation and VAE lanes."""
    logging.basicConfig(level=logging.WARNING, format="musicstudio generation: %(message)s")
    registry = make_registry(folders, factory)
    loaded: set = set()
    while True:
        try:
            message = commands.recv()
        except (EOFError, OSError):
            return
        match message:
            case Quit():
                return
            case AddFolder(folder):
                registry.add_folder(folder)
            case Device(wanted):
                events.send(DeviceFound(*describe(wanted)))
            case CheckModels():
                events.send(ModelsChecked(check_models(registry)))
            case Generate(job_id, job):
                generate(registry, events, job_id, job, LaneToken(job_id, cancelled_upto), loaded)
            case VAE(job_id, job):
                vae(registry, events, job_id, job, LaneToken(job_id, vae_cancelled_upto), loaded)
