"""Bins of the bar attributes (:mod:`.attributes`): three a control, each with a name the user picks.

Density and register edges are the training bars' tertiles, between distinct values
(:meth:`ControlBins.from_training`), stored in the model's ``config.json`` (``"controls"``), so "low" means the
lowest third of what the model learnt from.
Polyphony's bins are fixed counts, the numbers a musician means: 1 (a single line: mean notes sounding under
1.5), 2 (1.5 to 2.5), 3+ (2.5 and more).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from musicstudio.generators.controls.attributes import BarAttributes

DENSITY_NAMES = ("low", "mid", "high")
POLYPHONY_NAMES = ("1", "2", "3+")
REGISTER_NAMES = ("low", "mid", "high")
POLYPHONY_EDGES = (1.5, 2.5)
CONTROLS = ("density", "polyphony")   # the controls a model reads as tokens (register is a pitch range)
NAMES = {"density": DENSITY_NAMES, "polyphony": POLYPHONY_NAMES, "register": REGISTER_NAMES}


def bin_of(value: float, edges: tuple[float, float]) -> int:
    """0, 1 or 2: below the first edge, below the second, else."""
    return int(value >= edges[0]) + int(value >= edges[1])


def balanced_edges(values) -> tuple[float, float]:
    """Two edges between distinct ``values`` (at midpoints, so no value sits on one) whose shares below them are
    nearest a third and two thirds: the tertiles of a distribution with heavy single values (a bar of eighth
    notes is 2 onsets a quarter in a third of the bars)."""
    values = np.sort(np.asarray(values, np.float64))
    distinct = np.unique(values)
    if len(distinct) < 3:
        raise ValueError(f"{len(distinct)} distinct values cannot make three bins")
    middles = (distinct[:-1] + distinct[1:]) / 2
    below = np.searchsorted(values, middles) / len(values)
    first = int(np.argmin(np.abs(below - 1 / 3)))
    second = first + 1 + int(np.argmin(np.abs(below[first + 1:] - 2 / 3)))
    return round(float(middles[first]), 4), round(float(middles[second]), 4)


def _edges(value, name: str) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value) \
            or value[0] > value[1]:
        raise ValueError(f"controls.{name} must be two increasing numbers (the bin edges), not {value!r}")
    return float(value[0]), float(value[1])


@dataclass(frozen=True)
class ControlBins:
    density: tuple[float, float]                 # onsets per quarter note
    register: tuple[float, float]                # mean MIDI pitch
    polyphony: tuple[float, float] = POLYPHONY_EDGES

    @classmethod
    def from_training(cls, bars: list[BarAttributes]) -> ControlBins:
        """Density and register edges at the tertiles of the training bars (:func:`balanced_edges`; empty bars
        count in density only)."""
        return cls(balanced_edges([b.density for b in bars]),
                   balanced_edges([b.register for b in bars if b.register is not None]))

    @classmethod
    def from_config(cls, section) -> ControlBins | None:
        """The bins a config's ``controls`` section holds (None when it has none); ValueError when damaged."""
        if section is None:
            return None
        if not isinstance(section, dict) or not {"density", "register", "polyphony"} <= set(section) \
                or set(section) - {"density", "register", "polyphony", "guided"} \
                or not isinstance(section.get("guided", False), bool):
            raise ValueError(f"controls must hold the density, register and polyphony bin edges (and 'guided', "
                             f"true or false), not {section!r}")
        return cls(*(_edges(section[k], k) for k in ("density", "register", "polyphony")))

    def to_config(self) -> dict:
        return {"density": list(self.density), "register": list(self.register), "polyphony": list(self.polyphony)}

    def bins(self, bar: BarAttributes) -> dict[str, int]:
        """The bar's bin of each control (an empty bar: the lowest density and polyphony, register None)."""
        out = {"density": bin_of(bar.density, self.density), "polyphony": bin_of(bar.polyphony, self.polyphony)}
        if bar.register is not None:
            out["register"] = bin_of(bar.register, self.register)
        return out

    def edges(self, control: str) -> tuple[float, float]:
        return getattr(self, control)
