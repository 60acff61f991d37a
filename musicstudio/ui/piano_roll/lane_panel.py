"""The strip above the lane under the notes (which lane, the lane tools, "Move controllers and words with
notes") and the value scale beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence, QPainter
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QSizePolicy, QToolButton, QWidget

from musicstudio.core.controls import CONTROLLER
from musicstudio.ui.piano_roll.keyboard import KEYBOARD_WIDTH
from musicstudio.ui.piano_roll.lane_painter import y_of
from musicstudio.ui.piano_roll.lanes import LANES, Lane, controller_lane

if TYPE_CHECKING:
    from musicstudio.ui.piano_roll.editor import PianoRoll

VELOCITY = "Velocity"
ANY_CONTROLLER = "Controller…"
HAS_EVENTS = " •"      # after a lane's name in the list when the track has events there
TOOL_ACTIONS = (
    ("select", "Select", "Alt+S", "Select a span of the lane; Delete erases the events in it (Alt+S)"),
    ("draw", "Draw", "Alt+D", "Click or drag to paint values, one event per snap step; on the sustain pedal "
                              "lane, drag a pedal-down block (Alt+D)"),
    ("line", "Line", "Alt+L", "Drag a straight ramp, one event per snap step (Alt+L, or Shift+drag with any tool)"),
    ("erase", "Erase", "Alt+X", "Drag across events to erase them (Alt+X, or drag with the right button "
                                "with any tool)"),
)
CARRY_TIP = ("Moving, nudging, duplicating, cutting or pasting notes takes the pedal, bends and other "
             "controllers under them along, and the track's words at their starts (lyrics and markers), in the "
             "same undo step; quantizing takes the words along with their notes' starts. Deleting notes never does.")


class LaneChooser(QComboBox):
    """The lane list; each time it opens, the track's other controllers are added and lanes with events marked."""

    def __init__(self, header: LaneHeader):
        super().__init__(header)
        self.header = header

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        self.header.list_track_lanes()
        super().showPopup()


class LaneHeader(QWidget):
    def __init__(self, roll: PianoRoll):
        super().__init__(roll)
        self.roll = roll
        self.lanes: list[Lane | None] = [None, *LANES]    # one per item before "Controller…"; None: velocity
        self._shown = 0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 1, 4, 1)
        layout.setSpacing(2)
        layout.addWidget(QLabel("Lane"))
        self.chooser = LaneChooser(self)
        self.chooser.addItems([VELOCITY, *(lane.title for lane in LANES), ANY_CONTROLLER])
        self.chooser.setToolTip("What the lane under the notes shows and edits: note velocities, the sustain pedal, "
                                "a controller or pitch bend")
        self.chooser.activated.connect(self._chosen)
        layout.addWidget(self.chooser)
        layout.addSpacing(8)
        self.tools = QActionGroup(self)
        self.tool_actions: dict[str, QAction] = {}
        for tool, text, keys, tip in TOOL_ACTIONS:
            action = QAction(text, self, checkable=True, checked=tool == roll.lane_tool, toolTip=tip)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, t=tool: roll.set_lane_tool(t))
            roll.addAction(action)
            self.tools.addAction(action)
            self.tool_actions[tool] = action
            layout.addWidget(self._button(action))
        layout.addSpacing(8)
        self.carry_action = QAction("Move controllers and words with notes", self, checkable=True,
                                    checked=roll.carry_controls, toolTip=CARRY_TIP)
        self.carry_action.toggled.connect(roll.set_carry_controls)
        layout.addWidget(self._button(self.carry_action))
        layout.addStretch(1)
        self._enable_tools(False)

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        return button

    def _enable_tools(self, on: bool) -> None:
        for action in self.tool_actions.values():
            action.setEnabled(on)

    def _chosen(self, row: int) -> None:
        if row == len(self.lanes):   # "Controller…"
            number, ok = QInputDialog.getInt(self, "Controller lane", "Controller number (0-127):", 74, 0, 127)
            if not ok:
                self.chooser.setCurrentIndex(self._shown)
                return
            row = self.add_lane(controller_lane(number))
        self.show_row(row)

    def add_lane(self, lane: Lane) -> int:
        """The row of ``lane`` in the list, adding it (before "Controller…") if it is not there."""
        if lane in self.lanes:
            return self.lanes.index(lane)
        self.lanes.append(lane)
        self.chooser.insertItem(len(self.lanes) - 1, lane.title)
        return len(self.lanes) - 1

    def show_row(self, row: int) -> None:
        self._shown = row
        self.chooser.setCurrentIndex(row)
        lane = self.lanes[row]
        self._enable_tools(lane is not None)
        self.roll.show_lane(lane)

    def show_lane(self, lane: Lane | None) -> None:
        """Show ``lane`` (None: velocity), as if chosen from the list."""
        self.show_row(0 if lane is None else self.add_lane(lane))

    def list_track_lanes(self) -> None:
        """Add the active track's other controllers to the list, and mark the lanes that hold events."""
        track = self.roll.active_track
        used = {c.lane for c in track.controls} if track is not None else set()
        for kind, number in sorted(used):
            if kind == CONTROLLER:
                self.add_lane(controller_lane(number))
        for row, lane in enumerate(self.lanes):
            if lane is not None:
                self.chooser.setItemText(row, lane.title + (HAS_EVENTS if lane.key in used else ""))


class LaneScale(QWidget):
    """Beside the lane: its top, middle and bottom values (Down/Up for the pedal, L/C/R for pan)."""

    def __init__(self, roll: PianoRoll):
        super().__init__(roll)
        self.roll = roll
        self.setFixedWidth(KEYBOARD_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Ignored)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#2a2b31"))
        p.setPen(QColor("#b8bac4"))
        lane = self.roll.controller_lane.lane if self.roll.controller_lane.isVisibleTo(self.roll) else None
        h = self.height()
        if lane is None:
            labels = [("127", 4.0), ("1", h - 2.0)]
        else:
            top, middle, bottom = lane.scale_labels()
            centre = lane.centre if lane.centre is not None else (lane.low + lane.high + 1) // 2
            labels = [(top, y_of(lane, lane.high, h)), (middle, y_of(lane, centre, h)),
                      (bottom, y_of(lane, lane.low, h))]
        metrics = p.fontMetrics()
        for text, y in labels:
            baseline = min(h - 3.0, max(metrics.ascent() + 1.0, y + metrics.ascent() / 2 - 1))
            p.drawText(QPointF(self.width() - 6 - metrics.horizontalAdvance(text), baseline), text)
        p.end()
