"""MUSICSTUDIO_QUIT_AFTER_SHOWN: the app shows its window with the file open, says so, and exits 0.
packaging/check_bundle.py relies on it to time the bundle's start."""

import os
import subprocess
import sys
from pathlib import Path

from musicstudio.app import QUIT_AFTER_SHOWN
from musicstudio.core.examples import four_voice_song
from musicstudio.io.midi_write import export_midi


def test_the_app_quits_once_its_window_is_shown(tmp_path):
    midi = tmp_path / "four.mid"
    export_midi(four_voice_song(bars=2), midi)
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".local"), "XDG_CACHE_HOME": str(home / ".cache"),
           "QT_QPA_PLATFORM": "offscreen", QUIT_AFTER_SHOWN: "1"}
    done = subprocess.run([sys.executable, "-m", "musicstudio", str(midi)], env=env, capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    shown = [line for line in done.stdout.splitlines() if line.startswith("shown: ")]
    assert len(shown) == 1 and "four.mid" in shown[0] and "| 32 notes |" in shown[0], done.stdout
