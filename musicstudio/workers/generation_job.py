"""What the UI sends to the generation worker and what comes back: plain, picklable values, no Qt and no
torch, so the UI can build jobs without importing the generators' torch side."""

from __future__ import annotations

from dataclasses import dataclass, field

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
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


# -- the VAE studio's operations (run in the generation process on a VAE's ``vae`` API) ---------------------
@dataclass(frozen=True)
class EncodeClip:
    """Where ``clip`` sits on each latent slider, and how the VAE hears it back (decoded greedily)."""
    clip: Clip


@dataclass(frozen=True)
class MoveSliders:
    """``clip`` after moving the named sliders to ``values`` (the others stay where the clip puts them)."""
    clip: Clip
    values: dict[str, float]


@dataclass(frozen=True)
class Interpolate:
    """``steps`` phrases from A to B, both ends included (so ``steps - 2`` in between)."""
    a: Clip
    b: Clip
    steps: int

    def __post_init__(self) -> None:
        if self.steps < 2:
            raise ValueError("an interpolation has at least 2 steps (A and B)")


@dataclass(frozen=True)
class MixCorners:
    """The phrase at ``(x, y)`` (0-1, from the top left) of a pad whose corners are A (top left), B (top
    right), C (bottom left) and D (bottom right): their latent codes mixed bilinearly."""
    corners: tuple[Clip, Clip, Clip, Clip]
    x: float
    y: float

    def weights(self) -> tuple[float, float, float, float]:
        x, y = min(max(self.x, 0.0), 1.0), min(max(self.y, 0.0), 1.0)
        return (1 - x) * (1 - y), x * (1 - y), (1 - x) * y, x * y


VAEOperation = EncodeClip | MoveSliders | Interpolate | MixCorners


@dataclass(frozen=True)
class VAEJob:
    model: str                   # a model name or folder; it must be a VAE
    op: VAEOperation
    device: str = "auto"
    meter: tuple[int, int] = (4, 4)   # the song's time signature where the phrases are (they start on its bar lines)


@dataclass(frozen=True)
class VAEResult:
    op: VAEOperation             # what was asked
    phrases: list[tuple[Note, ...]]   # encode and move: one phrase; interpolate: ``steps`` phrases, A to B
    sliders: dict[str, float]    # encode: the clip's position on each slider; move: the values asked
    device: str
    seconds: float
    loaded: bool = False
