"""Grid choices for snapping, in ticks at the song's PPQ."""

from __future__ import annotations

from musicstudio.core.ticks import PPQ

# label -> ticks (0 means no snapping)
SNAP_CHOICES: dict[str, int] = {
    "1/1": PPQ * 4, "1/2": PPQ * 2, "1/4": PPQ, "1/8": PPQ // 2, "1/16": PPQ // 4, "1/32": PPQ // 8,
    "1/4T": PPQ * 2 // 3, "1/8T": PPQ // 3, "1/16T": PPQ // 6, "Off": 0,
}
DEFAULT_SNAP = "1/16"


def snap_down(tick: int, grid: int) -> int:
    return tick - tick % grid if grid else tick


def snap_nearest(tick: int, grid: int) -> int:
    return round(tick / grid) * grid if grid else tick
