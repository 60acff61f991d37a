"""The generator interface the app and the CLI use, whatever the backend (Markov, LSTM, VAE, GAN).

A request carries the seed and every parameter; a generator answers with takes. Cancel and progress
are honoured during generation: the GUI's worker thread passes a CancelToken and a callback.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field, fields
from typing import Callable, Protocol

from musicstudio.core.clip import Clip
from musicstudio.core.key import Key
from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.scale import Scale, lock_record
from musicstudio.core.ticks import PPQ

STEP = PPQ // 4           # the 16th-note grid every backend works on
BAR = 16 * STEP           # a 4/4 bar (what the bar-based GAN and VAE write; requests carry their own meter)


def bar_ticks(meter: tuple[int, int]) -> int:
    """Ticks in a bar of ``meter`` (numerator, denominator): 4/4 1920, 3/4 1440, 6/8 1440, 9/8 2160."""
    return TimeSignature(0, *meter).bar_ticks


def meter_name(meter: tuple[int, int]) -> str:
    return f"{meter[0]}/{meter[1]}"


class GenerationError(Exception):
    """Generation failed; ``str(error)`` is a message for the user."""


class GenerationCancelled(GenerationError):
    def __init__(self) -> None:
        super().__init__("generation was cancelled")


class CancelToken:
    """Set from any thread; the generator checks it between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise GenerationCancelled()


@dataclass(frozen=True)
class GenerationRequest:
    seed: Clip                                   # the phrase to continue (may be empty)
    bars: int = 4                                # how much to generate
    variations: int = 4                          # how many takes, made in one batch
    temperature: float = 1.0
    top_p: float = 1.0                           # nucleus sampling; 1.0 keeps every token
    random_seed: int = 0                         # the same request and seed give the same takes
    key: Key | Scale | None = None               # lock pitches to a key's own scale, or to a scale
    pitch_range: tuple[int, int] = (0, 127)      # inclusive
    options: dict = field(default_factory=dict)  # the backend's own parameters
    meter: tuple[int, int] = (4, 4)              # the song's time signature where the seed ends; the seed
                                                 # starts on one of its bar lines, ``bars`` counts its bars
    after: Clip | None = None                    # fill: the track's notes from the gap's end on (counted from
                                                 # there; the seed ends on the gap's first bar line and the take
                                                 # is the ``bars`` between); None: continue from the left only
    others: tuple[Clip, ...] = ()                # fill: the song's other pitched tracks over the seed, the gap
                                                 # and ``after``, each counted from the seed's start

    def __post_init__(self) -> None:
        if self.bars < 1 or self.variations < 1:
            raise ValueError("ask for at least one bar and one variation")
        numerator, denominator = self.meter
        object.__setattr__(self, "meter", (int(numerator), int(denominator)))   # a record's list, or a tuple
        if not (1 <= self.meter[0] <= 64 and self.meter[1] in (1, 2, 4, 8, 16)):
            raise ValueError(f"a meter of {meter_name(self.meter)} cannot be generated on the 16th grid")
        if self.temperature <= 0:
            raise ValueError(f"temperature must be above 0, not {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top-p must be in (0, 1], not {self.top_p}")
        low, high = self.pitch_range
        if not 0 <= low <= high <= 127:
            raise ValueError(f"pitch range {low}-{high} is not inside 0-127")

    @property
    def bar(self) -> int:
        """Ticks in a bar of the request's meter."""
        return bar_ticks(self.meter)

    @property
    def fills(self) -> bool:
        """Whether the request asks to fill bars between the seed and ``after`` (rather than continue)."""
        return self.after is not None

    def take_length(self, seed_length: int | None = None) -> int:
        """Ticks of a take after a seed of ``seed_length`` ticks (the request's own seed by default): the
        rest of the seed's unfinished bar, then ``bars`` whole bars, so that takes start and end on bar
        lines."""
        seed_length = self.seed.length if seed_length is None else seed_length
        return -seed_length % self.bar + self.bars * self.bar

    def allows(self, pitch: int) -> bool:
        """Whether a generated pitch may appear: in range and, with a key lock, in the scale."""
        low, high = self.pitch_range
        return low <= pitch <= high and (self.key is None or self.key.contains(pitch))

    def record(self) -> dict:
        """The parameters as plain data, for a take's generation record in the project file."""
        # field by field, not asdict: asdict deep-copies the clips only to drop them (seconds for a long song)
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("seed", "after", "others")}
        data["options"] = copy.deepcopy(self.options)
        if self.after is not None:
            data["fill"] = True    # the take filled bars between the seed and the music after them
        data["key"] = None if self.key is None else lock_record(self.key)
        data["pitch_range"] = list(self.pitch_range)
        data["meter"] = list(self.meter)
        return data


@dataclass(frozen=True)
class Take:
    """One generated variation: notes counted from the end of the seed (or from 0 with no seed)."""

    notes: tuple[Note, ...]
    length: int                  # ticks
    backend: str
    model: str
    request: dict                # GenerationRequest.record()
    variation: int = 0

    def record(self) -> dict:
        return {"backend": self.backend, "model": self.model, "variation": self.variation, **self.request}


Progress = Callable[[float], None]


class Generator(Protocol):
    backend: str                 # "markov", "lstm", "vae", "gan"
    name: str                    # the model's folder name
    device: str                  # "cpu", "cuda:0", ...

    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        ...
