"""Import audio as notes: a WAV read and transcribed in a worker thread while the window answers, its
notes at the playhead as one undo step; an unreadable file or one with nothing pitched is said, and
Cancel adds nothing."""

import threading
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from musicstudio.core import Note
from musicstudio.io.wav import write_wav
from musicstudio.ui.sing_import import AudioImport, Transcribers

RATE = 22050


def one_note_a_second(samples, rate, bpm, grid, strength):
    seconds = len(samples) // rate
    return SimpleNamespace(notes=tuple(Note(62 + s, s * 480, 240, 80) for s in range(seconds)),
                           warnings=("the recording is clipped (too loud) in 1 place",))


@pytest.fixture(autouse=True)
def boxes(monkeypatch):
    """The message boxes shown, instead of showing them (a modal box would wait for a click forever)."""
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    return shown


def importer(window, whole=one_note_a_second):
    imp = AudioImport(window.document, window.roll, window, Transcribers(lambda *a: None, whole))
    imp.message.connect(lambda text: window.statusBar().showMessage(text, 10000))
    return imp


def wav(tmp_path, seconds=3.0, name="hum.wav"):
    path = tmp_path / name
    t = np.arange(round(seconds * RATE)) / RATE
    write_wav(path, (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32), RATE)
    return path


def test_a_wav_lands_at_the_playhead_as_one_undo_step(main_window, qtbot, tmp_path, monkeypatch):
    w = main_window
    path = wav(tmp_path)
    imp = importer(w)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    w.roll.set_playhead(960)
    count = w.document.undo_stack.count()
    imp.action.trigger()
    assert imp.busy
    qtbot.waitUntil(lambda: not imp.busy, timeout=5000)
    assert w.roll.active_track.notes == (Note(62, 960, 240, 80), Note(63, 1440, 240, 80), Note(64, 1920, 240, 80))
    assert w.document.undo_stack.count() == count + 1
    assert w.document.undo_stack.undoText() == "Import hum.wav as notes"
    assert w.statusBar().currentMessage() == ("3 notes from hum.wav (3.0 s). The recording is clipped (too loud) "
                                              "in 1 place.")
    assert imp.folder == str(tmp_path)
    w.document.undo_stack.undo()
    assert w.roll.active_track.notes == ()


def test_the_window_answers_while_the_notes_are_found(main_window, qtbot, tmp_path):
    """The transcription blocks until the test lets it go; meanwhile the GUI thread runs events."""
    release, running = threading.Event(), threading.Event()

    def slow(samples, rate, bpm, grid, strength):
        running.set()
        release.wait(5)
        return one_note_a_second(samples, rate, bpm, grid, strength)

    w = main_window
    imp = importer(w, slow)
    imp.start(wav(tmp_path))
    qtbot.waitUntil(running.is_set, timeout=5000)
    ticks = []
    qtbot.waitUntil(lambda: ticks.append(1) or len(ticks) > 5, timeout=2000)   # the event loop turns
    qtbot.waitUntil(lambda: imp.dialog is not None and imp.dialog.isVisible(), timeout=2000)
    assert imp.dialog.labelText() == "Finding the notes in 3.0 s of hum.wav…"
    release.set()
    qtbot.waitUntil(lambda: not imp.busy, timeout=5000)
    assert len(w.roll.active_track.notes) == 3


def test_cancel_adds_nothing(main_window, qtbot, tmp_path):
    release = threading.Event()

    def slow(samples, rate, bpm, grid, strength):
        release.wait(5)
        return one_note_a_second(samples, rate, bpm, grid, strength)

    w = main_window
    count = w.document.undo_stack.count()
    imp = importer(w, slow)
    imp.start(wav(tmp_path))
    job = imp.job
    ended = []
    job.cancelled.connect(lambda: ended.append("cancelled"))
    imp.cancel()
    assert not imp.busy and imp.dialog is None
    assert w.statusBar().currentMessage() == "Audio import cancelled: the song is unchanged."
    release.set()
    qtbot.waitUntil(lambda: ended == ["cancelled"], timeout=5000)
    assert w.document.undo_stack.count() == count


def test_a_file_that_is_not_audio_is_said(main_window, qtbot, tmp_path, boxes):
    w = main_window
    (tmp_path / "notes.wav").write_text("not a recording")
    imp = importer(w)
    imp.start(tmp_path / "notes.wav")
    qtbot.waitUntil(lambda: not imp.busy, timeout=5000)
    assert len(boxes) == 1 and boxes[0].startswith("Notes.wav: ") and boxes[0].endswith(" The song is unchanged.")
    assert w.roll.active_track.notes == ()


def test_a_recording_with_nothing_pitched_is_said(main_window, qtbot, tmp_path, boxes):
    from musicstudio.audio.transcribe import transcribe

    w = main_window
    path = tmp_path / "hiss.wav"
    write_wav(path, np.random.default_rng(3).normal(0, 0.2, RATE * 2).astype(np.float32), RATE)
    imp = importer(w, lambda samples, rate, bpm, grid, strength: transcribe(samples, rate, bpm, grid, strength))
    imp.start(path)
    qtbot.waitUntil(lambda: not imp.busy, timeout=10000)
    assert boxes == ["No notes were found: the recording holds no pitched sound that lasts (sing, hum, whistle or "
                     "play one note at a time). The song is unchanged."]
    assert w.roll.active_track.notes == ()


def test_one_import_at_a_time(main_window, qtbot, tmp_path):
    w = main_window
    first, second = wav(tmp_path), wav(tmp_path, name="other.wav")
    imp = importer(w)
    assert imp.start(first)
    assert not imp.start(second)                 # the first one's end reaches the GUI thread only in its loop
    assert w.statusBar().currentMessage() == "An audio import is already running."
    qtbot.waitUntil(lambda: not imp.busy, timeout=5000)
