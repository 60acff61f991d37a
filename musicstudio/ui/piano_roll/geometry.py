"""Where things are on screen: ticks and pitches <-> pixels, with zoom and scroll.

One Geometry object is shared by the keyboard, ruler, canvas and velocity lane, so that they stay
aligned; it holds no Qt objects and is tested on its own. Rows run from pitch 127 at the top down to 0,
or in an order of their own (a drum map lists the drums a track uses first).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    rows: tuple[int, ...] | None = None   # the pitch of each row from the top, or None for 127 down to 0
    _row_of: list[int] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.set_rows(self.rows)

    def set_rows(self, rows: tuple[int, ...] | None) -> None:
        """Lay the rows out in ``rows`` order (every pitch once, top first), or (None) as a keyboard."""
        if rows is not None and sorted(rows) != list(range(PITCHES)):
            raise ValueError("a row order must hold every pitch 0-127 once")
        self.rows = tuple(rows) if rows is not None else None
        self._row_of = None
        if rows is not None:
            self._row_of = [0] * PITCHES
            for row, pitch in enumerate(rows):
                self._row_of[pitch] = row

    def row_of(self, pitch: int) -> int:
        """The row (0 at the top) where notes of ``pitch`` are drawn."""
        return PITCHES - 1 - pitch if self._row_of is None else self._row_of[pitch]

    def pitch_of_row(self, row: int) -> int:
        return PITCHES - 1 - row if self.rows is None else self.rows[row]

    def row_table(self) -> list[int]:
        """The row of each pitch 0-127, for looking many up at once."""
        return [self.row_of(p) for p in range(PITCHES)]

    # -- conversions (widget coordinates of the canvas) --------------------------------------------
    def x_of(self, tick: float) -> float:
        return tick * self.px_per_tick - self.scroll_x

    def tick_at(self, x: float) -> int:
        return max(0, int((x + self.scroll_x) / self.px_per_tick))

    def y_of(self, pitch: int) -> float:
        """Top edge of the row of ``pitch``."""
        return self.row_of(pitch) * self.row_height - self.scroll_y

    def row_at(self, y: float) -> int:
        """The row under ``y`` (0 at the top), within the rows there are."""
        return max(0, min(PITCHES - 1, int((y + self.scroll_y) // self.row_height)))

    def pitch_at(self, y: float) -> int:
        return self.pitch_of_row(self.row_at(y))

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
