"""Recording a seed in the window: the computer keyboard as piano, count-in, the take as one undo step;
and no sound card is a reason shown, not a crash."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from musicstudio.core import Note


class FakeClock:
    def __init__(self, now: float = 100.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_without_a_sound_card_the_window_says_why(main_window, monkeypatch):
    monkeypatch.setattr("musicstudio.audio.output.output_devices", lambda: [])
    assert not main_window.start_sound()
    assert "no audio output device" in main_window.sound_status.toolTip()
    assert main_window.sound_status.text().startswith("Sound off")
    main_window.transport.play.trigger()         # play asks, is told why, nothing breaks
    assert "No playback" in main_window.statusBar().currentMessage()


def test_record_from_the_computer_keyboard_with_count_in(main_window):
    w = main_window
    clock = FakeClock(100.0)
    w.recording.clock = clock
    w.roll.set_playhead(1920)                    # record into bar 2
    w.transport.record.setChecked(True)          # count-in: one 4/4 bar at 120 BPM = 2 s
    assert w.recording.active and w.keyboard_input.enabled
    canvas = w.roll.canvas
    clock.now = 102.0                            # bar 2, beat 1
    QTest.keyPress(canvas, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    clock.now = 102.25
    QTest.keyRelease(canvas, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    clock.now = 102.5                            # beat 2: E (the D key)
    QTest.keyPress(canvas, Qt.Key.Key_D, Qt.KeyboardModifier.NoModifier)
    w.recording._show_preview()
    assert [n.pitch for n in w.roll.preview] == [60, 64]   # shown live, before the take lands
    clock.now = 103.0
    QTest.keyRelease(canvas, Qt.Key.Key_D, Qt.KeyboardModifier.NoModifier)
    w.transport.record.setChecked(False)
    velocity = w.keyboard_input.piano.velocity
    assert w.roll.active_track.notes == (Note(60, 1920, 240, velocity), Note(64, 2400, 480, velocity))
    assert w.roll.preview == []
    w.document.undo_stack.undo()
    assert w.roll.active_track.notes == ()


def test_piano_keys_do_not_fire_shortcuts_while_playing_the_keyboard(main_window):
    w = main_window
    w.keyboard_input.set_enabled(True)
    QTest.keyClick(w.roll.canvas, Qt.Key.Key_D)   # D is the draw tool's shortcut, and a piano key here
    assert w.roll.tool == "select"
    QTest.keyClick(w.roll.canvas, Qt.Key.Key_X)   # octave up
    assert w.keyboard_input.piano.octave == 5
    w.keyboard_input.set_enabled(False)
    QTest.keyClick(w.roll.canvas, Qt.Key.Key_D)
    assert w.roll.tool == "draw"


def test_replace_mode_removes_the_notes_under_the_take(main_window):
    w = main_window
    w.roll.add_notes([Note(50, 0, 240, 100), Note(52, 4000, 240, 100)])
    clock = FakeClock(0.0)
    w.recording.clock = clock
    from dataclasses import replace
    w.recording.settings = replace(w.recording.settings, overdub=False, count_in_bars=0)
    w.roll.set_playhead(0)
    w.transport.record.setChecked(True)
    w.recording.note_on(0.1, 72, 90)
    w.recording.note_off(0.3, 72)
    clock.now = 1.0                              # stop after two beats: replaces ticks 0-960
    w.transport.record.setChecked(False)
    assert [n.pitch for n in w.roll.active_track.notes] == [72, 52]


def test_a_device_that_disappears_mid_playback_turns_sound_off_with_a_reason(main_window, qtbot):
    class FakeStream:
        active = True

        def abort(self):
            pass

        def close(self):
            pass

    from musicstudio.audio.engine import PlaybackEngine
    from musicstudio.audio.output import AudioOutput
    from musicstudio.audio.soundfont import bundled_soundfont
    from musicstudio.audio.synth import Synth

    pb = main_window.playback
    pb.engine = PlaybackEngine(Synth(bundled_soundfont()))
    pb.output = AudioOutput(pb.engine)
    pb.output.stream = FakeStream()
    assert pb.available
    pb._timer.start()
    pb.output._finished()                     # PortAudio's finished callback: the device went away
    with qtbot.waitSignal(pb.problem, timeout=1000) as blocker:
        pass
    assert "unplugged" in blocker.args[0]
    assert not pb.available
    assert "unplugged" in main_window.sound_status.toolTip()


def test_the_midi_input_menu_lists_ports_afresh(main_window, monkeypatch):
    ports = [[], ["Keystation 49"]]
    monkeypatch.setattr("musicstudio.audio.midi_input.input_ports", lambda: ports[0])
    main_window._fill_midi_menu()
    assert "No MIDI input" in main_window.midi_menu.actions()[0].text()
    ports[0] = ["Keystation 49"]
    main_window._fill_midi_menu()
    assert [a.text() for a in main_window.midi_menu.actions()] == ["Keystation 49"]


def test_a_midi_keyboards_pedal_and_wheel_are_recorded_with_the_notes(main_window):
    """Notes, the sustain pedal and a bend from a MIDI keyboard land in the track as one undo step."""
    import mido

    from musicstudio.core.controls import PITCH_BEND, SUSTAIN
    w = main_window
    clock = FakeClock(0.0)
    w.recording.clock = clock
    from dataclasses import replace
    w.recording.settings = replace(w.recording.settings, count_in_bars=0)
    w.roll.set_playhead(0)
    w.transport.record.setChecked(True)
    play = w.recording._midi_message
    w.recording._midi_control(0.0, mido.Message("control_change", control=64, value=127))
    play(0.0, mido.Message("note_on", note=60, velocity=90))
    w.recording._midi_control(0.25, mido.Message("pitchwheel", pitch=4096))
    play(0.5, mido.Message("note_off", note=60))
    w.recording._midi_control(0.75, mido.Message("control_change", control=64, value=0))
    clock.now = 1.0
    w.transport.record.setChecked(False)
    track = w.roll.active_track
    assert [n.pitch for n in track.notes] == [60]
    pedal = [(c.tick, c.value) for c in track.controls if c.number == SUSTAIN and c.kind == "cc"]
    assert pedal[0] == (0, 127) and pedal[-1][1] == 0 and pedal[-1][0] > track.notes[0].end
    assert any(c.kind == PITCH_BEND and c.value == 4096 for c in track.controls)
    w.document.undo_stack.undo()
    assert w.roll.active_track.notes == () and w.roll.active_track.controls == ()
