"""A fake backend for the generation process in tests: imported there by name (see make_registry)."""

import time

from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.family import Backend
from musicstudio.generators.interface import Take

# the fake generator's family, declared as a real backend package would (MUSICSTUDIO_BACKENDS names it)
BACKEND = Backend(name="fake", summary="a fake for tests", implementation="fake_generation")


class OutOfMemoryError(RuntimeError):  # what torch.cuda raises, by name
    pass


class FakeGenerator:
    backend = "fake"

    def __init__(self, name, device, step_seconds=0.002, steps=50, fail=None):
        self.name, self.device = name, device
        self.step_seconds, self.steps, self.fail = step_seconds, steps, fail

    def generate(self, request, progress=None, cancel=None):
        for i in range(self.steps):
            if cancel is not None:
                cancel.check()
            if i == 3 and self.fail == "oom":
                raise OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
            if i == 3 and self.fail == "driver":
                raise RuntimeError("CUDA error: an illegal memory access was encountered\nCUDA kernel errors ...")
            if i == 3 and self.fail == "bug":
                raise ZeroDivisionError("division by zero")
            while i == 3 and self.fail == "hang":   # stuck inside a step, deaf to cancel
                time.sleep(0.05)
            if i == 3 and self.fail == "crash":
                import os
                os._exit(3)
            time.sleep(self.step_seconds)
            if progress is not None:
                progress((i + 1) / self.steps)
        return [Take((Note(62 + v, 0, 240, 90),), request.bars * 1920, self.backend, self.name, request.record(), v)
                for v in range(request.variations)]


class FakeVAE:
    """The VAE API the studio uses, on a toy latent: a clip's position on "note_density" is its note count,
    decoding gives that many notes, and encoding a clip for the sliders and interpolating take ``op_seconds``,
    checking the job's ``cancel`` token as they go (as a refining model does between its steps)."""

    backend = "vae"
    slider_names = ("note_density", "pitch_height")

    def __init__(self, name, device, op_seconds=0.0, fail=None):
        self.name, self.device, self.op_seconds, self.fail = name, device, op_seconds, fail

    def _wait(self, cancel=None):
        if self.fail == "crash":
            import os
            os._exit(3)
        end = time.monotonic() + self.op_seconds
        while True:
            if cancel is not None:
                cancel.check()
            if time.monotonic() >= end:
                return
            time.sleep(min(0.01, end - time.monotonic()))

    def sliders_for(self, clip, meter=(4, 4), cancel=None):
        self._wait(cancel)
        return {"note_density": float(len(clip.notes)), "pitch_height": 0.0}

    def encode(self, clip):
        import numpy as np
        return np.array([[float(len(clip.notes)), 0.0]], np.float32)

    def move(self, z, name, amount):
        z = z.copy()
        z[:, self.slider_names.index(name)] += amount
        return z

    def decode(self, z):
        count = max(0, round(float(z[0, 0])))
        return tuple(Note(60, i * 120, 120, 90) for i in range(count))

    def move_sliders(self, clip, values, meter=(4, 4), cancel=None):
        return self.decode(self.move(self.encode(clip), "note_density",
                                     values.get("note_density", len(clip.notes)) - len(clip.notes)))

    def mix(self, clips, weights, meter=(4, 4), cancel=None):
        return self.decode(sum(w * self.encode(clip) for w, clip in zip(weights, clips)))

    def interpolate(self, a, b, steps, meter=(4, 4), cancel=None):
        self._wait(cancel)
        na, nb = len(a.notes), len(b.notes)
        return [tuple(Note(60, i * 120, 120, 90) for i in range(round(na + (nb - na) * k / (steps - 1))))
                for k in range(steps)]


class FakeRegistry:
    def __init__(self, folders, **options):
        self.folders, self.options = list(folders), options
        self.cache = {}

    def add_folder(self, folder):
        self.folders.append(folder)

    def load(self, name, device="auto"):
        if name == "damaged":
            raise CheckpointError("models/damaged/weights.safetensors", "the weights are damaged or truncated")
        device = "cuda" if device == "auto" else device
        if device != "cpu" and self.options.get("fail") == "load on gpu":   # e.g. moving the weights fails
            raise RuntimeError("CUDA error: no kernel image is available for execution on the device")
        if name == "vae" and (name, device) not in self.cache:
            self.cache[(name, device)] = FakeVAE(name, device, self.options.get("op_seconds", 0.0),
                                                 self.options.get("fail"))
        if (name, device) not in self.cache:
            options = dict(self.options)
            options.pop("op_seconds", None)
            if device == "cpu" and options.get("fail") in ("oom", "driver", "load on gpu"):
                options.pop("fail")
            self.cache[(name, device)] = FakeGenerator(name, device, **options)
        return self.cache[(name, device)]
