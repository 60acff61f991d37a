"""What the UI sends to the generation worker and what comes back: plain, picklable values, no Qt and no
torch, so the UI can build jobs without importing the generators' torch side."""

from __future__ import annotations

from dataclasses import dataclass, field

from musicstudio.generators.interface import GenerationRequest, Take


@dataclass(frozen=True)
class GenerationJob:
    model: str                   # a model name or folder (see ModelRegistry.resolve)
    request: GenerationRequest
    device: str = "auto"         # "auto" or "cpu" (the panel's CPU override)


@dataclass(frozen=True)
class GenerationResult:
    takes: list[Take]
    device: str                  # where the takes were made ("cpu", "cuda", ...)
    seconds: float               # loading (the first time) and generating
    notes: list[str] = field(default_factory=list)   # things the user should know (a CPU retry)
    loaded: bool = False         # this request loaded the model (later ones find it cached)
