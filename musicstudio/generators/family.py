"""A family of models, declared once: :class:`Backend`.

Each backend package exports one frozen :class:`Backend` (``BACKEND`` in its ``__init__``, which imports
nothing heavy): its name, what it can do (capabilities, typed protocols from :mod:`.capabilities`), the
controls the Generate panel shows for it (a dataclass of options), how it is fine-tuned and which weight
folders it keeps beside ``weights.safetensors``. The code that trains and loads it lives in the module
the declaration names, imported on first use, so the app's UI can ask a backend what it is without
importing torch. The registry (:mod:`.backends`), ``train``, ``eval``, ``finetune``, ``generate``, the
worker and the panel ask this object; nothing else compares backend names or probes with ``hasattr``.
"""

from __future__ import annotations

import dataclasses
import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any


class NotFineTunable(ValueError):
    """The backend declares no fine-tuner; ``str(error)`` says so for the user."""


@dataclass(frozen=True)
class Backend:
    name: str                                   # what config.json's "backend" says
    summary: str                                # one line for lists
    implementation: str                         # module with CONFIGS, train(run), load(folder, config, device)
    capabilities: frozenset = frozenset()       # protocols of .capabilities its generators implement
    options: type | None = None                 # dataclass of the panel's controls for it (None: none)
    fine_tuner: str | None = None               # "module:function" taking a fine-tune Work, or None
    fine_tune_meters: tuple[str, ...] | None = None   # the meter classes it can learn from (None: any)
    weight_folders: tuple[str, ...] = ()        # folders of weights beside weights.safetensors ("critic")
    cpu_only: bool = False                      # counts with NumPy on the CPU whatever the device (Markov)
    meters: tuple[tuple[int, int], ...] | None = None  # the meters its models write bars of (None: any meter)
    straight_grid: bool = True                  # hears time on a straight 16th grid: a swung seed is straightened
                                                # for it and its takes swung back (musicstudio.generators.fitting)
    whole_bar_seeds: bool | None = None         # continues only from a bar line (None: a family that declares
                                                # its meters writes whole bars, the others complete a seed's bar)
    meters_before: tuple[tuple[int, int], ...] | None = None   # the meters written by a model trained before
    meter_key: str = ""                         # the family learnt meters: a model whose config's "model" lacks
                                                # this key (gan-nc, vae-nc) writes ``meters_before`` only

    def can(self, capability: type) -> bool:
        """Whether its generators implement ``capability`` (a protocol of :mod:`.capabilities`)."""
        return capability in self.capabilities

    def writes_meter(self, meter: tuple[int, int]) -> bool:
        """Whether its models can write bars of ``meter`` (numerator, denominator)."""
        return self.meters is None or tuple(meter) in self.meters

    def meters_of(self, config: dict) -> tuple[tuple[int, int], ...] | None:
        """The meters the model of ``config`` (its config.json) writes bars of (None: any meter): the family's,
        or ``meters_before`` for a model trained before the family learnt meters."""
        model = config.get("model")
        if self.meter_key and self.meters_before is not None and self.meter_key not in (
                model if isinstance(model, dict) else {}):   # a damaged config is refused where it loads
            return self.meters_before
        return self.meters

    def continues_from_bar_lines(self) -> bool:
        """Whether its models take a seed only up to a bar line: a seed that ends mid-bar is cut back to its
        last bar line for them, and their first bar's notes from the seed's end on are kept."""
        return self.meters is not None if self.whole_bar_seeds is None else self.whole_bar_seeds

    def module(self) -> ModuleType:
        return importlib.import_module(self.implementation)

    @property
    def configs(self) -> dict[str, dict]:
        """Its named training configs."""
        return self.module().CONFIGS

    def train(self, run) -> None:
        self.module().train(run)

    def load(self, folder, config: dict, device: str = "cpu"):
        """The generator a model folder of this backend holds."""
        return self.module().load(folder, config, device)

    def codec(self, config: dict):
        """The codec a model config of this backend describes (ValueError or KeyError when it cannot)."""
        from musicstudio.generators.codecs import codec_from_vocabulary
        return codec_from_vocabulary(config["codec"])

    def fine_tune(self, work):
        """Run a fine-tune (:class:`~.fine_tune.job.Work`); :class:`NotFineTunable` when it has no fine-tuner."""
        if self.fine_tuner is None:
            raise NotFineTunable(f"{self.name} models cannot be fine-tuned (the backend declares no fine-tuner)")
        module, _, function = self.fine_tuner.partition(":")
        return getattr(importlib.import_module(module), function)(work)

    def option_names(self) -> tuple[str, ...]:
        """The names of the panel's controls for it (the fields of :attr:`options`)."""
        return tuple(f.name for f in dataclasses.fields(self.options)) if self.options else ()

    def read_options(self, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` checked by its options class (ValueError naming what is wrong), as request options."""
        if self.options is None:
            return {}
        return dataclasses.asdict(self.options(**values))

    def device_for(self, device: str) -> str:
        """The device its models run on when ``device`` (a torch device, "cpu", "cuda" ...) is asked for."""
        return "cpu" if self.cpu_only else device
