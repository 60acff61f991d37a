"""The Export WAV dialog: renders off the GUI thread, Cancel stops it, failures are shown, never block."""

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton, QWidget
from thread_signals import wait_for_signal

from musicstudio.core.examples import four_voice_song
from musicstudio.io.wav import read_wav
from musicstudio.ui import export_wav as export_wav_module
from musicstudio.ui.export_wav import WavExportDialog, export_wav_with_progress
from musicstudio.workers.render_worker import running_threads, wait_for_threads


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    assert wait_for_threads(10_000), "a render thread did not stop"
    qtbot.waitUntil(lambda: not running_threads(), timeout=2000)


@pytest.fixture
def warnings_shown(monkeypatch):
    """QMessageBox.warning records instead of blocking."""
    shown = []
    monkeypatch.setattr(export_wav_module.QMessageBox, "warning",
                        lambda parent, title, text: shown.append((title, text)) or QMessageBox.StandardButton.Ok)
    return shown


def test_exports_and_reports_done(qtbot, parent, tmp_path, soundfont, warnings_shown):
    path = tmp_path / "song.wav"
    dialog = export_wav_with_progress(parent, four_voice_song(bars=2), path, soundfont=soundfont)
    assert isinstance(dialog, WavExportDialog)
    canceled = []
    dialog.canceled.connect(lambda: canceled.append(True))
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as blocker:
        pass
    assert blocker.args == [str(path)]
    assert canceled == []  # finishing is not cancelling
    samples, rate = read_wav(path)
    assert rate == 44100 and len(samples) > 4 * rate
    assert dialog.value() == dialog.maximum() and not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_path == str(path) and dialog.error is None
    assert warnings_shown == []


def test_24_bit_export(qtbot, parent, tmp_path, soundfont, warnings_shown):
    path = tmp_path / "song.wav"
    dialog = export_wav_with_progress(parent, four_voice_song(bars=1), path, bits=24, soundfont=soundfont)
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        pass
    assert int.from_bytes(path.read_bytes()[34:36], "little") == 24


def test_the_cancel_button_stops_the_render_and_leaves_no_file(qtbot, parent, tmp_path, soundfont, warnings_shown):
    path = tmp_path / "song.wav"
    dialog = export_wav_with_progress(parent, four_voice_song(bars=64), path, soundfont=soundfont)
    done = []
    dialog.exported.connect(done.append)
    qtbot.waitUntil(lambda: dialog.value() > 0, timeout=10_000)
    assert dialog.thread_ in running_threads()
    button = dialog.findChild(QPushButton)
    assert button.text() == "Cancel"
    wait_for_signal(qtbot, dialog.job.cancelled, 10_000, button.click)
    qtbot.waitUntil(lambda: not running_threads(), timeout=5000)
    assert done == [] and warnings_shown == []
    assert not path.exists() and list(tmp_path.iterdir()) == []
    assert not dialog.isVisible() and dialog.ended


def test_closing_the_dialog_cancels_too(qtbot, parent, tmp_path, soundfont, warnings_shown):
    path = tmp_path / "song.wav"
    dialog = export_wav_with_progress(parent, four_voice_song(bars=64), path, soundfont=soundfont)
    qtbot.waitUntil(lambda: dialog.value() > 0, timeout=10_000)
    wait_for_signal(qtbot, dialog.job.cancelled, 10_000, dialog.close)
    assert not path.exists()


def test_a_failure_is_shown_in_a_message_box(qtbot, parent, tmp_path, warnings_shown):
    missing = tmp_path / "GM.sf2"
    dialog = export_wav_with_progress(parent, four_voice_song(bars=1), tmp_path / "song.wav", soundfont=missing)
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as blocker:
        pass
    assert blocker.args == [f"SoundFont {missing} does not exist"]
    assert warnings_shown == [("Cannot export WAV", f"SoundFont {missing} does not exist")]
    assert not dialog.isVisible() and dialog.error == blocker.args[0]
    assert not (tmp_path / "song.wav").exists()


def test_a_bad_bit_depth_is_refused_before_anything_starts(qtbot, parent, tmp_path):
    with pytest.raises(ValueError, match="16 or 24 bits"):
        export_wav_with_progress(parent, four_voice_song(bars=1), tmp_path / "song.wav", bits=32)
    assert running_threads() == []


def test_closing_after_the_end_is_harmless(qtbot, parent, tmp_path, soundfont, warnings_shown):
    dialog = export_wav_with_progress(parent, four_voice_song(bars=1), tmp_path / "song.wav", soundfont=soundfont)
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: not running_threads(), timeout=5000)
    dialog.show()
    dialog.close()
    assert (tmp_path / "song.wav").is_file()
