"""Recording without a sound card: the count-in is shown beat by beat over the roll and the playhead moves
with the clock; the count-in's length is set in the transport bar, beside Rec."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from musicstudio.core import Note


class FakeClock:
    def __init__(self, now: float = 100.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def frame(window, clock, now):
    """Time passes to ``now``; the recording's next frame (its 33 ms timer) shows it."""
    clock.now = now
    window.recording._timer.timeout.emit()


def count_in_text(window) -> str:
    label = window.roll.findChild(QLabel, "count_in_display")
    return label.text() if label is not None and label.isVisible() else ""


def test_without_sound_the_count_in_shows_and_the_playhead_runs(main_window):
    w = main_window
    assert not w.playback.available                 # no sound card here
    clock = FakeClock(100.0)
    w.recording.clock = clock
    box = w.transport.count_in
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, "2")                        # two bars of count-in, typed in the transport bar
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 2 and box.suffix() == " bars count-in"
    w.roll.setFocus()
    w.roll.set_playhead(1920)
    w.transport.record.setChecked(True)              # 2 bars of 4/4 at 120 BPM: 4 s, 8 beats
    assert w.recording.active
    assert count_in_text(w) == "Count-in  1 / 8"
    frame(w, clock, 101.6)
    assert count_in_text(w) == "Count-in  4 / 8" and w.roll.playhead == 1920
    frame(w, clock, 103.9)
    assert count_in_text(w) == "Count-in  8 / 8"
    frame(w, clock, 104.5)                           # recording: a beat after the count-in
    assert count_in_text(w) == ""
    assert w.roll.playhead == 1920 + 480 and w.transport.position.text() == "2.2.000"
    QTest.keyPress(w.roll.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)   # C4 on beat 2
    frame(w, clock, 105.0)
    assert w.roll.playhead == 1920 + 960
    QTest.keyRelease(w.roll.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    w.transport.record.setChecked(False)
    velocity = w.keyboard_input.piano.velocity
    assert w.roll.active_track.notes == (Note(60, 2400, 480, velocity),)
    assert count_in_text(w) == ""


def test_no_count_in_starts_at_once(main_window):
    w = main_window
    clock = FakeClock(0.0)
    w.recording.clock = clock
    w.transport.count_in.setValue(0)
    w.transport.record.setChecked(True)
    assert count_in_text(w) == ""
    frame(w, clock, 0.5)
    assert w.roll.playhead == 480
    w.transport.record.setChecked(False)
