"""A meter-aware GAN's onset thresholds: for each meter, the threshold a melody's note must reach to start at
each 16th step of the bar, read from the model's config (``onset_thresholds``) and fitted by
:mod:`.calibration`, which says why. A meter without thresholds is decoded at :data:`PLAIN` as before."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from musicstudio.generators.codecs.grid import steps_in_bar

PLAIN = 0.5                       # the threshold where a meter has no table (every GAN before calibration)


def _meter_of(name: str) -> tuple[int, int]:
    numerator, _, denominator = str(name).partition("/")
    return int(numerator), int(denominator)


@dataclass(frozen=True)
class OnsetThresholds:
    """Per meter ("3/4"), one onset threshold for each 16th step of its bar."""

    by_meter: dict[str, tuple[float, ...]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, table: dict | None) -> OnsetThresholds:
        """From a config's ``onset_thresholds`` (None or empty: none); ValueError for a table that does not
        give each step of its meter's bar a threshold in (0, 1)."""
        out = {}
        for name, values in (table or {}).items():
            meter = _meter_of(name)
            values = tuple(float(v) for v in values)
            if len(values) != steps_in_bar(meter):
                raise ValueError(f"onset thresholds of {name} give {len(values)} steps, and its bar has "
                                 f"{steps_in_bar(meter)}")
            if not all(0.0 < v < 1.0 for v in values):
                raise ValueError(f"onset thresholds of {name} lie between 0 and 1")
            out[f"{meter[0]}/{meter[1]}"] = values
        return cls(out)

    def steps(self, meter: tuple[int, int], width: int) -> np.ndarray | None:
        """The thresholds of a bar of ``meter`` in a roll ``width`` steps wide (the steps after the bar's end
        at :data:`PLAIN`; they are masked off anyway), or None where the table has no such meter."""
        values = self.by_meter.get(f"{meter[0]}/{meter[1]}")
        if values is None:
            return None
        out = np.full(width, PLAIN, dtype=np.float32)
        out[:len(values)] = values
        return out

    def to_config(self) -> dict:
        return {name: [round(v, 4) for v in values] for name, values in self.by_meter.items()}
