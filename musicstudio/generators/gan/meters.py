"""The meter as the GAN sees it: a bar of any meter in a roll of fixed width, and per-step channels that
say where the bar's beats fall.

A meter-aware GAN writes every bar in a roll of ``width`` steps (24: room for the longest bar it knows,
3/2, 6/4 or 12/8); a bar of 3/4 or 6/8 uses the first 12 steps, 9/8 18, 2/4 8, and the steps after the
bar's end stay silent (the generator's logits there are masked off, and the real bars are silent there
too). Generator and critic both get the bar's *grid* as extra channels at every time step, next to the
chord (MidiNet's 1-D condition, Yang, Chou & Yang, "MidiNet: A Convolutional Generative Adversarial
Network for Symbolic-domain Music Generation", 2017, widened here from a chord to chord and meter):

* ``inside``: 1 on the bar's steps, 0 after its end;
* ``beat``: 1 on each beat's first step (a quarter in 3/4 and 4/4, a half in 2/2 and 3/2, a dotted
  quarter in 6/8, 9/8 and 12/8, an eighth in 5/8 or 7/8);
* ``position``: how far into the bar the step lies, 0 at the bar line rising to just under 1 at its end.

3/4 and 6/8 have bars of one length and different beats; 2/2 and 4/4 the same length and beat-count
apart. No torch here.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from musicstudio.generators.codecs.grid import steps_in_bar

CHANNELS = 3
WIDTH = 24   # steps in a meter-aware GAN's roll: a bar of 3/2, 6/4 or 12/8
LEGACY = ((4, 4), (2, 2))   # what a GAN without meter channels writes: 16-step bars


def beat_steps(meter: tuple[int, int]) -> int:
    """16th steps in a beat: a dotted quarter in compound meters (6/8, 9/8, 12/8, 3/8), else the
    denominator's note."""
    numerator, denominator = meter
    if denominator == 8 and numerator % 3 == 0:
        return 6
    return max(1, 16 // denominator)


def fits(meter: tuple[int, int], width: int = WIDTH) -> bool:
    """Whether a bar of ``meter`` is a whole number of 16th steps no wider than ``width``."""
    numerator, denominator = meter
    return (numerator * 16) % denominator == 0 and 1 <= steps_in_bar(meter) <= width


@lru_cache(maxsize=64)
def _grid(meter: tuple[int, int], width: int) -> np.ndarray:
    steps = steps_in_bar(meter)
    if not fits(meter, width):
        raise ValueError(f"a bar of {meter[0]}/{meter[1]} does not fit a {width}-step GAN bar")
    t = np.arange(width)
    inside = t < steps
    grid = np.stack([inside, inside & (t % beat_steps(meter) == 0), np.where(inside, t / steps, 0.0)])
    grid = grid.astype(np.float32)
    grid.setflags(write=False)
    return grid


def meter_grid(meter: tuple[int, int], width: int = WIDTH) -> np.ndarray:
    """(CHANNELS, width) float32, read-only: the channels above for one bar of ``meter``."""
    return _grid((int(meter[0]), int(meter[1])), int(width))


def grids(meters, width: int = WIDTH) -> np.ndarray:
    """(n, CHANNELS, width) for a sequence of meters."""
    return np.stack([meter_grid(m, width) for m in meters]) if len(meters) else \
        np.zeros((0, CHANNELS, width), np.float32)
