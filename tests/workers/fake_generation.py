"""A fake backend for the generation process in tests: imported there by name (see make_registry)."""

import time

from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.interface import Take


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
            if i == 3 and self.fail == "bug":
                raise ZeroDivisionError("division by zero")
            if i == 3 and self.fail == "crash":
                import os
                os._exit(3)
            time.sleep(self.step_seconds)
            if progress is not None:
                progress((i + 1) / self.steps)
        return [Take((Note(62 + v, 0, 240, 90),), request.bars * 1920, self.backend, self.name, request.record(), v)
                for v in range(request.variations)]


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
        if (name, device) not in self.cache:
            options = dict(self.options)
            if device == "cpu" and options.get("fail") == "oom":
                options.pop("fail")
            self.cache[(name, device)] = FakeGenerator(name, device, **options)
        return self.cache[(name, device)]
