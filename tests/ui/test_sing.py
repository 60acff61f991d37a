"""Recording from the microphone in the window, with a fake input stream and a stand-in transcriber: the
count-in skipped, notes shown while recording, the take as one undo step; no microphone, a silent or
clipped take, an unplugged microphone and a transcriber that fails each said, with nothing lost."""

from types import SimpleNamespace

import numpy as np
import pytest
from fake_microphone import FROZEN, MIC, FakeInputStream
from PySide6.QtWidgets import QMessageBox

from musicstudio.audio.microphone import Microphone
from musicstudio.core import Note
from musicstudio.ui.sing import SingController
from musicstudio.ui.sing_import import Transcribers

RATE = MIC.sample_rate
COUNT_IN = 2 * RATE          # one 4/4 bar at 120 BPM


class NoteEachSecond:
    """Finds a note at every whole second of audio it is fed, as a live transcriber would report them."""

    made = []

    def __init__(self, rate, bpm, grid, strength, fail=False):
        self.rate, self.samples, self.notes, self.fail = rate, 0, [], fail
        self.bpm, self.grid, self.strength = bpm, grid, strength
        NoteEachSecond.made.append(self)

    def feed(self, block):
        if self.fail:
            raise ValueError("the pitch tracker broke")
        before, self.samples = self.samples, self.samples + len(block)
        new = [Note(60 + s, s * 960, 480, 90) for s in range(before // self.rate, self.samples // self.rate)]
        self.notes += new
        return new

    def finish(self):
        return SimpleNamespace(notes=tuple(self.notes), warnings=())


def whole_file(samples, rate, bpm, grid, strength):
    seconds = len(samples) // rate
    return SimpleNamespace(notes=tuple(Note(62, s * 480, 240, 80) for s in range(seconds)), warnings=())


@pytest.fixture(autouse=True)
def boxes(monkeypatch):
    """The message boxes shown, instead of showing them (a modal box would wait for a click forever)."""
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    return shown


def make_sing(window, devices=(MIC,), fail=False):
    FakeInputStream.opened.clear()
    mic = lambda on_block: Microphone(on_block, stream_factory=FakeInputStream,  # noqa: E731
                                      devices=lambda: list(devices), clock=FROZEN)
    live = lambda rate, bpm, grid, strength: NoteEachSecond(rate, bpm, grid, strength, fail)  # noqa: E731
    sing = SingController(window.document, window.roll, window.playback, window.recording, window,
                          microphone=mic, transcribers=Transcribers(live, whole_file))
    sing.message.connect(lambda text: window.statusBar().showMessage(text, 10000))   # as main_window does
    return sing


def tone(seconds, amplitude=0.3, hz=440.0):
    t = np.arange(round(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def test_a_take_lands_in_the_track_as_one_undo_step(main_window, qtbot):
    w = main_window
    sing = make_sing(w)
    w.roll.set_playhead(1920)
    before = w.document.undo_stack.count()
    sing.record_action.trigger()
    assert sing.active and sing.panel.isVisible()
    stream = FakeInputStream.opened[-1]
    stream.feed(tone(1.0, 0.8))                               # count-in clicks: not the take
    sing.show_progress()
    assert sing.panel.status.text() == "Count-in  3 / 4"
    stream.feed(tone(1.0 + 2.5, 0.3))
    qtbot.waitUntil(lambda: len(sing.take.notes_so_far()) == 2)
    sing.show_progress()
    assert [n.start for n in w.roll.preview] == [1920, 2880]  # shown live, at the take's place
    assert sing.panel.status.text() == "0:02.5 recorded · 2 notes found"
    assert sing.panel.meter.rms == pytest.approx(-13.5, abs=0.1)   # a 0.3 sine
    assert w.roll.playhead == 1920 + round(2.5 * 960)          # no sound: the playhead follows the audio
    sing.record_action.trigger()
    assert not sing.active and not sing.panel.isVisible() and w.roll.preview == []
    assert w.roll.active_track.notes == (Note(60, 1920, 480, 90), Note(61, 2880, 480, 90))
    assert w.document.undo_stack.count() == before + 1
    assert w.document.undo_stack.undoText() == "Record from microphone"
    assert w.statusBar().currentMessage() == "Recorded 2 notes from the microphone (2.5 s)."
    assert stream.closed
    w.document.undo_stack.undo()
    assert w.roll.active_track.notes == ()


def test_the_record_action_has_a_shortcut_of_its_own(main_window):
    sing = make_sing(main_window)
    assert sing.record_action.shortcut().toString() == "Shift+R"
    assert sing.import_action.shortcut().toString() == "Ctrl+Shift+I"
    assert sing.record_action.isCheckable() and sing.import_action.text() == "Import &audio as notes…"


def test_no_microphone_says_so_and_changes_nothing(main_window, boxes):
    w = main_window
    w.roll.add_notes([Note(64, 0, 480, 100)])
    song, count = w.document.song, w.document.undo_stack.count()
    sing = make_sing(w, devices=())
    sing.record_action.trigger()
    assert not sing.active and not sing.record_action.isChecked() and not sing.panel.isVisible()
    assert boxes == ["No microphone or other audio input was found. Plug one in, or turn it on in the system's "
                     "sound settings, and try again. Nothing was recorded and the song is unchanged."]
    assert w.document.song is song and w.document.undo_stack.count() == count


def test_a_busy_microphone_says_so(main_window, boxes):
    from fake_microphone import refusing_stream

    w = main_window
    sing = SingController(w.document, w.roll, w.playback, w.recording, w,
                          microphone=lambda on_block: Microphone(on_block, stream_factory=refusing_stream(
                              "Device unavailable", -9985), devices=lambda: [MIC]),
                          transcribers=Transcribers(NoteEachSecond, whole_file))
    assert not sing.start()
    assert "is in use by another program" in boxes[0]
    assert sing.take is None


def test_a_silent_take_says_so_and_changes_nothing(main_window, boxes):
    w = main_window
    count = w.document.undo_stack.count()
    sing = make_sing(w)
    sing.record_action.trigger()
    FakeInputStream.opened[-1].feed(np.zeros(COUNT_IN + 3 * RATE, np.float32) + 1e-5)
    sing.record_action.trigger()
    assert w.document.undo_stack.count() == count
    assert boxes[0].startswith("The recording was silent (its loudest moment was -100 dBFS).")
    assert boxes[0].endswith("The song is unchanged.")


def test_a_clipped_take_keeps_its_notes_and_says_it_was_too_loud(main_window, boxes):
    w = main_window
    sing = make_sing(w)
    sing.record_action.trigger()
    FakeInputStream.opened[-1].feed(np.clip(tone(2.0 + 2.2, 3.0), -1, 1))
    sing.show_progress()
    assert sing.panel.meter.clipping
    sing.record_action.trigger()
    assert len(w.roll.active_track.notes) == 2 and boxes == []
    message = w.statusBar().currentMessage()
    assert message.startswith("Recorded 2 notes from the microphone (2.2 s). The recording was too loud: ")


def test_an_unplugged_microphone_stops_the_take_and_keeps_it(main_window, qtbot):
    w = main_window
    sing = make_sing(w)
    sing.record_action.trigger()
    stream = FakeInputStream.opened[-1]
    stream.feed(tone(2.0 + 1.5))
    stream.unplug()
    qtbot.waitUntil(lambda: not sing.active, timeout=2000)    # the next frame finds it out
    assert not sing.record_action.isChecked()
    assert len(w.roll.active_track.notes) == 1
    assert w.document.undo_stack.undoText() == "Record from microphone"
    assert w.statusBar().currentMessage() == (
        "Recorded 1 note from the microphone (1.5 s). The microphone Test microphone stopped sending sound (was it "
        "unplugged?). Recording stopped; what was heard until then is kept.")


def test_a_failing_transcriber_is_said_and_the_song_kept(main_window, boxes):
    w = main_window
    sing = make_sing(w, fail=True)
    count = w.document.undo_stack.count()
    sing.record_action.trigger()
    FakeInputStream.opened[-1].feed(tone(3.0))
    sing.record_action.trigger()
    assert boxes == ["The recording could not be turned into notes (ValueError: the pitch tracker broke). "
                     "The song is unchanged."]
    assert w.document.undo_stack.count() == count


def test_replace_mode_takes_out_the_notes_under_the_take(main_window):
    from dataclasses import replace

    w = main_window
    w.roll.add_notes([Note(50, 0, 240, 100), Note(52, 9600, 240, 100)])
    w.recording.settings = replace(w.recording.settings, overdub=False, count_in_bars=0)
    sing = make_sing(w)
    sing.record_action.trigger()
    FakeInputStream.opened[-1].feed(tone(2.2))
    sing.record_action.trigger()
    assert sorted(n.pitch for n in w.roll.active_track.notes) == [52, 60, 61]   # 50 was under the take
    w.document.undo_stack.undo()
    assert sorted(n.pitch for n in w.roll.active_track.notes) == [50, 52]


def test_not_while_the_midi_recording_runs(main_window):
    w = main_window
    sing = make_sing(w)
    w.transport.record.setChecked(True)
    sing.record_action.trigger()
    assert not sing.active and not sing.record_action.isChecked()
    assert w.statusBar().currentMessage() == "Stop the MIDI recording before recording from the microphone."
    w.transport.record.setChecked(False)


def test_started_by_a_call_the_action_shows_it_and_stops_it(main_window):
    w = main_window
    sing = make_sing(w)
    assert sing.start() and sing.record_action.isChecked()
    FakeInputStream.opened[-1].feed(tone(3.2))
    sing.record_action.trigger()
    assert not sing.active and len(w.roll.active_track.notes) == 1


def test_the_quantize_menu_sets_how_far_notes_are_pulled_to_the_grid(main_window, qtbot, tmp_path, boxes):
    w = main_window
    sing = make_sing(w)
    menu = sing.quantize_menu
    assert [a.text() for a in menu.actions()] == ["&Fully to the snap grid", "&Three quarters of the way",
                                                  "&Half way", "&Not at all (as played)"]
    assert [a.isChecked() for a in menu.actions()] == [True, False, False, False]
    menu.actions()[2].trigger()
    w.roll.set_snap("1/8")
    sing.record_action.trigger()
    made = NoteEachSecond.made[-1]
    assert (made.bpm, made.grid, made.strength) == (120.0, 240, 0.5)
    sing.record_action.trigger()                          # nothing heard: said in a box, nothing added
    assert boxes == ["Nothing was recorded: stop came before the count-in ended. The song is unchanged."]
    menu.actions()[3].trigger()
    assert [a.isChecked() for a in menu.actions()] == [False, False, False, True]
    sing.record_action.trigger()
    assert (NoteEachSecond.made[-1].grid, NoteEachSecond.made[-1].strength) == (None, 0.0)
    sing.shutdown()
    got = []
    sing.importer.transcribers = Transcribers(None, lambda *args: got.append(args[2:]) or whole_file(*args))
    from musicstudio.io.wav import write_wav
    write_wav(tmp_path / "a.wav", tone(1.0), RATE)
    sing.importer.start(tmp_path / "a.wav")             # the import is quantized the same way
    qtbot.waitUntil(lambda: not sing.importer.busy, timeout=5000)
    assert got == [(120.0, None, 0.0)]


def test_closing_mid_take_adds_nothing(main_window):
    w = main_window
    sing = make_sing(w)
    count = w.document.undo_stack.count()
    sing.record_action.trigger()
    FakeInputStream.opened[-1].feed(tone(3.0))
    sing.shutdown()
    assert not sing.active and FakeInputStream.opened[-1].closed
    assert w.document.undo_stack.count() == count
