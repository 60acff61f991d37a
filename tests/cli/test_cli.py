"""The musicstudio command: exit codes 0 / 2 / 3 and one-line errors."""

import subprocess
import sys

import pytest

from musicstudio.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, main
from musicstudio.io.files import open_song
from musicstudio.io.midi_write import export_midi
from musicstudio.io.wav import read_wav


@pytest.fixture
def song_mid(tmp_path, four_voice_song):
    path = tmp_path / "four.mid"
    export_midi(four_voice_song, path)
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_info_describes_a_song(capsys, song_mid):
    code, out, err = run(capsys, "info", str(song_mid))
    assert code == EXIT_OK and err == ""
    assert "four.mid" in out and "16 bars" in out and "120 BPM" in out
    assert "4, 256 notes" in out and "Melody" in out and "Flute" in out


def test_info_on_a_missing_file_is_bad_input_in_one_line(capsys, tmp_path):
    code, out, err = run(capsys, "info", str(tmp_path / "nothing.mid"))
    assert code == EXIT_BAD_INPUT
    assert err.count("\n") == 1 and "nothing.mid" in err and "Traceback" not in err


def test_debug_adds_the_traceback(capsys, tmp_path):
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x00\x00")
    code, out, err = run(capsys, "info", str(bad), "--debug")
    assert code == EXIT_BAD_INPUT and "Traceback" in err and "0 ticks" in err


@pytest.mark.parametrize("argv", [["info"], ["convert", "a.mid"], ["--bogus"], ["info", "x.mid", "--nope"]])
def test_usage_errors_exit_2_with_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == EXIT_USAGE
    assert err.count("\n") == 1 and "--help" in err


def test_convert_between_midi_and_project_keeps_the_song(capsys, tmp_path, song_mid, four_voice_song):
    project = tmp_path / "four.msproj"
    back = tmp_path / "back.mid"
    assert run(capsys, "convert", str(song_mid), str(project))[0] == EXIT_OK
    assert run(capsys, "convert", str(project), str(back))[0] == EXIT_OK
    assert open_song(project).song == four_voice_song
    assert open_song(back).song == four_voice_song


def test_convert_to_wav(capsys, tmp_path, song_mid):
    wav = tmp_path / "four.wav"
    code, out, err = run(capsys, "convert", str(song_mid), str(wav), "--bits", "24")
    assert code == EXIT_OK and "24-bit" in out
    samples, rate = read_wav(wav)
    assert rate == 44100 and 32.0 < len(samples) / rate < 34.0


def test_convert_refuses_wav_input_and_unknown_output(capsys, tmp_path, song_mid):
    assert run(capsys, "convert", str(tmp_path / "x.wav"), str(tmp_path / "y.mid"))[0] == EXIT_USAGE
    assert run(capsys, "convert", str(song_mid), str(tmp_path / "y.mp3"))[0] == EXIT_USAGE


def test_gui_without_a_display_says_why(capsys, monkeypatch):
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    code, out, err = run(capsys)
    assert code == EXIT_BAD_INPUT and "no display" in err


def test_the_installed_command_runs(song_mid):
    done = subprocess.run([sys.executable, "-m", "musicstudio", "info", str(song_mid)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "256 notes" in done.stdout
    version = subprocess.run([sys.executable, "-m", "musicstudio", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and "Music Studio" in version.stdout


def test_info_and_convert_never_load_qt_or_torch(song_mid, tmp_path):
    code = ("import sys; from musicstudio.cli import main; "
            f"main(['info', {str(song_mid)!r}]); main(['convert', {str(song_mid)!r}, {str(tmp_path / 'x.msproj')!r}]); "
            "print(sorted(m for m in ('PySide6', 'torch') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[]"
