"""Where things are on screen: ticks and pitches <-> pixels, with zoom and scroll.

One Geometry object is shared by the keyboard, ruler, canvas and velocity lane, so that they stay
aligned; it holds no Qt objects and is tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from musicstudio.core.ticks import PPQ

PITCHES = 128
MIN_PX_PER_TICK, MAX_PX_PER_TICK = 0.002, 2.0
MIN_ROW, MAX_ROW = 4.0, 40.0


@dataclass
class Geometry:
    px_per_tick: float = 60 / PPQ      # 60 px a beat
    row_height: float = 12.0
    scroll_x: float = 0.0              # pixels scrolled from tick 0
    scroll_y: float = 0.0              # pixels scrolled from the top row (pitch 127)

    # -- conversions (widget coordinates of the canvas) --------------------------------------------
    def x_of(self, tick: float) -> float:
        return tick * self.px_per_tick - self.scroll_x

    def tick_at(self, x: float) -> int:
        return max(0, int((x + self.scroll_x) / self.px_per_tick))

    def y_of(self, pitch: int) -> float:
        """Top edge of the row of ``pitch``."""
        return (PITCHES - 1 - pitch) * self.row_height - self.scroll_y

    def pitch_at(self, y: float) -> int:
        row = int((y + self.scroll_y) // self.row_height)
        return max(0, min(PITCHES - 1, PITCHES - 1 - row))

    @property
    def content_height(self) -> float:
        return PITCHES * self.row_height

    # -- zoom keeping the point under the cursor in place -----------------------------------------
    def zoom_x(self, factor: float, anchor_x: float) -> None:
        tick = (anchor_x + self.scroll_x) / self.px_per_tick
        self.px_per_tick = min(MAX_PX_PER_TICK, max(MIN_PX_PER_TICK, self.px_per_tick * factor))
        self.scroll_x = max(0.0, tick * self.px_per_tick - anchor_x)

    def fit_x(self, ticks: int, width: float) -> None:
        """Zoom so that ``ticks`` fill ``width`` pixels (within the zoom limits), scrolled to the start."""
        self.px_per_tick = min(MAX_PX_PER_TICK, max(MIN_PX_PER_TICK, width / max(1, ticks)))
        self.scroll_x = 0.0

    def zoom_y(self, factor: float, anchor_y: float, view_height: float) -> None:
        row = (anchor_y + self.scroll_y) / self.row_height
        self.row_height = min(MAX_ROW, max(MIN_ROW, self.row_height * factor))
        self.clamp_y(view_height, row * self.row_height - anchor_y)

    def clamp_y(self, view_height: float, scroll_y: float | None = None) -> None:
        wanted = self.scroll_y if scroll_y is None else scroll_y
        self.scroll_y = max(0.0, min(wanted, self.content_height - view_height))

    def centre_on_pitch(self, pitch: int, view_height: float) -> None:
        self.clamp_y(view_height, self.y_of(pitch) + self.scroll_y - view_height / 2)
