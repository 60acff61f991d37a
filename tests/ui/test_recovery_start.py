"""After a crash: starting with a file on the command line asks about the autosave, naming the song and
the time it was saved, and then opens the file too (or says why not). Closing the window while a WAV
export runs asks first."""

import time

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from musicstudio import app
from musicstudio.core import Note
from musicstudio.io.midi_write import export_midi
from musicstudio.io.settings import Settings
from musicstudio.ui.main_window import MainWindow

Yes, No, Save, Discard, Cancel = (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard,
                                  QMessageBox.StandardButton.Cancel)


class Answers:
    """Stands in for QMessageBox.question: answers in turn, and keeps each question's text."""

    def __init__(self, *answers):
        self.answers, self.asked = list(answers), []

    def __call__(self, parent, title, text, *args, **kwargs):
        self.asked.append((title, text))
        return self.answers.pop(0) if self.answers else Discard   # Discard: as the window fixture answers


@pytest.fixture
def crashed(qtbot, app_dirs, four_voice_song, monkeypatch):
    """A session that opened tune.mid, added a note, autosaved and died; returns the other file to open."""
    tune = app_dirs / "tune.mid"
    export_midi(four_voice_song, tune)
    first = MainWindow(Settings(), autosave_ms=0)
    qtbot.addWidget(first)
    assert first.files.open_file(tune)
    first.roll.add_notes([Note(90, 0, 120, 50)])
    assert first.autosaver.save_now()
    first.autosaver.stop()
    first._uninstall_crash_hook()
    first.hide()                      # gone without its close handler: the autosave stays
    other = app_dirs / "other.mid"
    export_midi(four_voice_song.with_tracks(four_voice_song.tracks[:1]), other)
    return other


def start_app_with(path, monkeypatch, qtbot) -> MainWindow:
    """musicstudio FILE, as app.run_gui runs it, without the synthesizer, the models and the event loop."""
    made = []

    def window(*args, **kwargs):
        made.append(MainWindow(Settings()))
        qtbot.addWidget(made[-1])
        return made[-1]

    monkeypatch.setattr("musicstudio.ui.main_window.MainWindow", window)
    monkeypatch.setattr(MainWindow, "attach_generation", lambda self, *a, **k: None)
    monkeypatch.setattr(MainWindow, "start_sound", lambda self: False)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert app.run_gui(str(path)) == 0
    return made[0]


def close(window, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: Discard)
    window.close()


def test_restoring_then_the_file_on_the_command_line_opens_too(crashed, monkeypatch, qtbot):
    answers = Answers(Yes, Discard)     # restore; then, asked to save the restored song: discard
    monkeypatch.setattr(QMessageBox, "question", answers)
    window = start_app_with(crashed, monkeypatch, qtbot)
    assert window.document.display_name == "other.mid"             # the file asked for is open
    assert window.document.song.note_count == 64
    title, question = answers.asked[0]
    assert "“tune.mid” (4 tracks, 257 notes)" in question
    from musicstudio.ui.recovery import saved_when

    assert f"autosaved {saved_when(time.time())}" in question       # "today at 14:32"
    assert "other.mid" in question
    assert answers.asked[1][0] == "Unsaved changes" and "tune.mid" in answers.asked[1][1]
    close(window, monkeypatch)


def test_keeping_the_restored_song_says_why_the_file_did_not_open(crashed, monkeypatch, qtbot):
    monkeypatch.setattr(QMessageBox, "question", Answers(Yes, Cancel))
    window = start_app_with(crashed, monkeypatch, qtbot)
    assert window.document.song.note_count == 257 and window.isWindowModified()   # the restored song
    assert window.document.display_name == "tune.mid"
    shown = [label.text() for label in window.statusBar().findChildren(QLabel) if label.isVisible()]
    assert any(text.startswith("other.mid was not opened, to keep the restored song") for text in shown), shown
    close(window, monkeypatch)


def test_not_restoring_opens_the_file_and_deletes_the_autosave(crashed, monkeypatch, qtbot):
    monkeypatch.setattr(QMessageBox, "question", Answers(No))
    window = start_app_with(crashed, monkeypatch, qtbot)
    assert window.document.display_name == "other.mid"
    assert not window.autosaver.path.exists()
    close(window, monkeypatch)


def test_the_time_is_said_as_a_person_would():
    from musicstudio.ui.recovery import saved_when

    now = time.mktime((2026, 3, 3, 15, 0, 0, 0, 0, -1))
    assert saved_when(now - 3600, now) == "today at 14:00"
    assert saved_when(now - 86400, now) == "yesterday at 15:00"
    assert saved_when(now - 3 * 86400, now) == "on 28 February 2026 at 15:00"


def slow_render(monkeypatch, started):
    """A WAV render that runs until it is cancelled (no SoundFont needed), reporting 42% at once."""
    from musicstudio.audio.errors import RenderCancelled

    def render(song, path, bits, soundfont, progress, cancelled):
        progress(0.42)
        started.append(path)
        while not cancelled():
            time.sleep(0.005)
        raise RenderCancelled()

    monkeypatch.setattr("musicstudio.workers.render_worker.export_wav", render)


def test_closing_during_a_wav_export_asks_and_no_keeps_it_going(main_window, qtbot, tmp_path, monkeypatch):
    from musicstudio.workers.render_worker import running_threads

    started = []
    slow_render(monkeypatch, started)
    dialog = main_window.files.export_wav(tmp_path / "song.wav")
    qtbot.waitUntil(lambda: bool(started) and dialog.value() == 420, timeout=2000)
    answers = Answers(No)
    monkeypatch.setattr(QMessageBox, "question", answers)
    main_window.close()                                   # the window's close button, or Ctrl+Q
    assert answers.asked and answers.asked[0][0] == "WAV export still running"
    assert "song.wav" in answers.asked[0][1] and "42% done" in answers.asked[0][1]
    assert "cancels the export" in answers.asked[0][1]
    assert main_window.isVisible() and not dialog.ended and running_threads()   # No: it goes on
    answers = Answers(Yes)
    monkeypatch.setattr(QMessageBox, "question", answers)
    main_window.close()
    assert not main_window.isVisible()
    assert answers.asked[0][0] == "WAV export still running"
    qtbot.waitUntil(lambda: dialog.ended and not running_threads(), timeout=2000)   # cancelled, joined
    assert not (tmp_path / "song.wav").exists()
    qtbot.wait(600)                                       # past the dialog's 500 ms: it stays hidden
    assert not dialog.isVisible()
    main_window.show()   # for the window fixture, which closes it again (nothing runs now: no question)
