"""A track's pan as a DAW applies it: on the track's rendered stereo pair, after its synthesis and effects.

FluidSynth pans a voice by adding CC10 to its sample's own pan, before the chorus and reverb sends, whose
returns are not panned: so a string ensemble (a stereo pair of samples panned apart) or a pad (a large chorus
send) panned hard left keeps half of its sound on the right (issue 21). The WAV export therefore holds CC10
at centre in the synthesizer and pans each track's output here. With p from -1 (hard left) to +1 (hard
right) and theta = (p + 1) * pi / 4:

- the dry pair is panned, folding the far channel in (p <= 0 shown; p >= 0 is its mirror):
  L' = L + (sqrt2 cos theta - 1) R,  R' = sqrt2 sin theta R.
  For a mono sound (L = R, most General MIDI samples) this is exactly the constant-power pan FluidSynth
  gives it through CC10 (a sample s, centred at s/sqrt2 a side, comes out at s cos theta and s sin theta),
  so such a track is as loud in the WAV as in playback at every position; both samples of a stereo pair
  stay heard, the far one at sqrt2 - 1 at the extreme.
- the reverb and chorus returns are balanced at constant power: L' = sqrt2 cos theta L, R' = sqrt2 sin theta R.
  Their channels are decorrelated or opposite in phase (FluidSynth's chorus: correlation -0.94 on
  TimGM6mb's strings), so folding them would cancel them: the strings lost 6 dB at hard left that way.

At centre both change nothing (the stereo image as the SoundFont made it); hard left leaves nothing on the
right. A pan that changes during the song (CC10 events after tick 0) moves from its event's frame in a
linear ramp of :data:`RAMP_FRAMES` (FluidSynth's own block, 1.5 ms at 44.1 kHz) so that a jump does not
click; the value at the song's first frame is exact from its first sample.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

CENTRE = 64
RAMP_FRAMES = 64


def pan_position(value: int) -> float:
    """A CC10 value as a position: 0 -> -1 (hard left), 64 -> 0 (centre), 127 -> +1 (hard right)."""
    return (value - CENTRE) / (CENTRE if value <= CENTRE else 127 - CENTRE)


def _angles(position) -> tuple[np.ndarray, np.ndarray]:
    """sqrt2 cos theta and sqrt2 sin theta, as cos phi -+ sin phi (phi = p pi / 4): exactly 1 at centre and
    exactly 0 on the far side at the extremes."""
    phi = np.asarray(position, dtype=np.float64) * (math.pi / 4)
    towards_left, towards_right = np.cos(phi) - np.sin(phi), np.cos(phi) + np.sin(phi)
    return np.where(towards_left < 1e-12, 0.0, towards_left), np.where(towards_right < 1e-12, 0.0, towards_right)


def fold_gains(position):
    """The dry pair's four gains ``(ll, rl, lr, rr)`` at ``position`` (a float or an array of them):
    L' = ll L + rl R, R' = lr L + rr R."""
    towards_left, towards_right = _angles(position)
    return (np.minimum(towards_left, 1.0), np.maximum(towards_left - 1.0, 0.0),
            np.maximum(towards_right - 1.0, 0.0), np.minimum(towards_right, 1.0))


def balance_gains(position):
    """The effects returns' gains ``(l, r)`` at ``position``: L' = l L, R' = r R."""
    return _angles(position)


def add_panned(left: np.ndarray, right: np.ndarray, dry: np.ndarray, effects: np.ndarray, position) -> None:
    """Add one output, its ``dry`` and ``effects`` pairs (2 x frames) panned to ``position`` (a float, or one
    per frame), into ``left`` and ``right``."""
    ll, rl, lr, rr = fold_gains(position)
    to_left, to_right = balance_gains(position)
    left += ll * dry[0] + rl * dry[1] + to_left * effects[0]
    right += lr * dry[0] + rr * dry[1] + to_right * effects[1]


class PanLane:
    """One output's pan over the song, from its CC10 events ``(frame, value)`` in playing order: a piecewise
    linear curve of positions through ``breakpoints`` (frames, positions). Two lanes that pan alike compare
    equal, whatever redundant events made them."""

    def __init__(self, events: Sequence[tuple[int, int]] = (), ramp: int = RAMP_FRAMES):
        frames, positions = [0], [0.0]
        for frame, value in events:
            target = pan_position(value)
            if target == positions[-1]:
                continue                                  # already there, or on its way there
            if frame <= 0:
                positions[-1] = target                    # before the first sample: exact, no ramp
                continue
            if frame < frames[-1]:                        # a ramp still running: it stops where it got to
                positions[-1] = float(np.interp(frame, frames[-2:], positions[-2:]))
                frames[-1] = frame
            elif frame > frames[-1]:
                frames.append(frame)
                positions.append(positions[-1])
            frames.append(frame + ramp)
            positions.append(target)
        self.breakpoints = (tuple(frames), tuple(positions))

    @property
    def centred(self) -> bool:
        return self.breakpoints == ((0,), (0.0,))

    def positions(self, start: int, count: int) -> float | np.ndarray:
        """The position at each of ``count`` frames from ``start``: one float where it holds still there."""
        frames, positions = self.breakpoints
        if start >= frames[-1]:
            return positions[-1]
        return np.interp(np.arange(start, start + count, dtype=np.float64), frames, positions)

    def __eq__(self, other) -> bool:
        return isinstance(other, PanLane) and self.breakpoints == other.breakpoints

    def __hash__(self) -> int:
        return hash(self.breakpoints)


def output_count(lanes: dict[int, PanLane]) -> int:
    """The fewest outputs that give each channel's pan its own pair: channel c sounds on output c % count
    (FluidSynth's mapping of channels to audio and effects groups), and channels that share an output must
    share a lane. 1 when every channel pans alike; never more than the highest channel + 1."""
    for count in range(1, max(lanes, default=0) + 2):
        seen: dict[int, PanLane] = {}
        if all(seen.setdefault(channel % count, lane) == lane for channel, lane in lanes.items()):
            return count
    raise AssertionError("unreachable: one output per channel always fits")
