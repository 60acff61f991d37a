"""Exported MIDI and WAV files and saved projects get the mode the umask gives (0644 under umask 022),
not mkstemp's 0600, through the File menu's own actions; the WAV is written in a worker thread."""

import os
import stat

import pytest
from PySide6.QtWidgets import QFileDialog

from musicstudio.audio.soundfont import bundled_soundfont
from musicstudio.core.examples import four_voice_song
from musicstudio.workers.render_worker import running_threads

pytestmark = pytest.mark.skipif(not hasattr(os, "fchmod"), reason="file modes are POSIX")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def trigger(window, text: str) -> None:
    menu = window.menuBar().actions()[0].menu()
    next(a for a in menu.actions() if a.text().replace("&", "").startswith(text)).trigger()


def test_export_midi_wav_and_save_give_0644_under_umask_022(main_window, qtbot, tmp_path, monkeypatch, umask_022):
    w = main_window
    w.document.load(four_voice_song(bars=1), None)
    w.settings.soundfont = str(bundled_soundfont())
    names = iter([tmp_path / "song.mid", tmp_path / "song.wav", tmp_path / "song.msproj"])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(next(names)), ""))
    trigger(w, "Export MIDI")
    trigger(w, "Export WAV")
    qtbot.waitUntil(lambda: (tmp_path / "song.wav").exists() and not running_threads(), timeout=20_000)
    trigger(w, "Save as")
    assert {name: oct(mode(tmp_path / name)) for name in ("song.mid", "song.wav", "song.msproj")} == {
        "song.mid": "0o644", "song.wav": "0o644", "song.msproj": "0o644"}


def test_the_umask_is_followed_as_it_is_now(main_window, tmp_path, monkeypatch):
    old = os.umask(0o027)
    try:
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "song.mid"), ""))
        trigger(main_window, "Export MIDI")
    finally:
        os.umask(old)
    assert mode(tmp_path / "song.mid") == 0o640
