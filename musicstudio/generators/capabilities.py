"""What a backend's generators can do beyond ``generate``: typed protocols a :class:`~.family.Backend`
declares in its ``capabilities``, so that evaluation, the worker, the CLI and the panel ask the
declaration instead of probing generators with ``hasattr``."""

from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

from musicstudio.core.clip import Clip


class Scorer(Protocol):
    """A token model that scores sequences of its codec (``phrases``: its
    :class:`~musicstudio.generators.phrases.TokenPhrases`): the likelihood section of ``musicstudio eval``."""

    phrases: object

    def score(self, tokens: np.ndarray, meter: tuple[int, int] = (4, 4)) -> tuple[np.ndarray, np.ndarray]:
        """Log-probability of each token (a sequence starting on a bar line of ``meter``) given the ones
        before, and whether it was the top guess."""


class NoteLikelihood(Protocol):
    """A model with likelihood figures of its own, per note of held-out phrases (lstm-notes)."""

    def likelihood(self, phrases) -> dict:
        """Figures by name for the held-out ``phrases`` (tuples of notes)."""


class LatentModel(Protocol):
    """A model with a latent space: encode, move named sliders, interpolate, mix (the VAE studio, and
    ``generate --mode sample|vary|interpolate|slide``). ``meter``: the song's time signature where the clips
    are (they start on its bar lines). ``cancel``: the studio job's
    :class:`~musicstudio.generators.interface.CancelToken`, checked while the operation encodes (between the
    refinement's steps for a model that refines its codes): GenerationCancelled once it is cancelled."""

    slider_names: tuple[str, ...]

    def sliders_for(self, clip: Clip, meter: tuple[int, int] = (4, 4), cancel=None) -> dict[str, float]: ...

    def move_sliders(self, clip: Clip, values: dict[str, float], meter: tuple[int, int] = (4, 4), cancel=None): ...

    def interpolate(self, a: Clip, b: Clip, steps: int = 8, meter: tuple[int, int] = (4, 4),
                    cancel=None) -> list: ...

    def mix(self, clips: Sequence[Clip], weights: Sequence[float], meter: tuple[int, int] = (4, 4), cancel=None): ...


class ChordFollower(Protocol):
    """A model that follows a chord progression, one chord a bar (``request.options["chords"]``), and
    keeps a texture (``options["texture"]``): its backend's options are
    :class:`~musicstudio.generators.gan.options.ChordOptions`."""


class DrumWriter(Protocol):
    """A model that continues, writes and varies drum parts (General MIDI percussion: the pitch names the
    drum, on channel 10). Only such a backend is given a drum track as its seed; the others write pitched
    notes, and a drum groove given to them would come back as piano. The Generate menu offers Add drums and
    Vary drums with the models whose family declares it, and their jobs call these two methods."""

    def generate(self, request, progress=None, cancel=None) -> list:
        """Takes continuing the groove ``request.seed`` for ``request.bars`` bars of ``request.meter``."""

    def vary(self, request, progress=None, cancel=None) -> list:
        """``request.variations`` takes playing the groove ``request.seed`` again (its whole bars), varied by
        ``request.options["amount"]`` (0: the groove back, 1: a new groove in its meter); ValueError for an
        amount outside 0-1 (Vary drums, and ``musicstudio generate --mode vary`` with a drum model)."""


class Infiller(Protocol):
    """A model that fills bars between two stretches of music: its ``generate``, given a request whose
    ``after`` is set (:attr:`~.interface.GenerationRequest.fills`), writes the request's ``bars`` whole bars
    between the seed (the bars before the gap, ending on its first bar line) and ``after`` (the track from
    the gap's end on), hearing both sides (and ``others``, the song's other tracks, where it can). Only such a
    backend is given both sides ("Fill these bars", ``generate --fill``); the others regenerate bars from the
    left only. Without ``after`` its ``generate`` continues as any generator does."""

    def generate(self, request, progress=None, cancel=None) -> list: ...


class Controllable(Protocol):
    """A model that takes per-bar controls, MIDI-GPT style: note density and polyphony wished for each bar it
    writes (``request.options["density"]`` and ``["polyphony"]``: a bin name or a number, or one per bar;
    :mod:`.controls.wishes`). A family declares it when its models may be trained with control tokens; a model
    takes them when its ``config.json`` holds the bins (``controls``): :func:`.controls.support.refusal`."""

    bins: object

    def generate(self, request, progress=None, cancel=None) -> list: ...
