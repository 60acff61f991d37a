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


# -- issue 17's messages: a closed pipe ends quietly; lengths as m:ss ------------------------------------------
@pytest.mark.parametrize("argv", [["info", "{song}"], ["models", "--quick"], ["convert", "{song}", "{tmp}/x.msproj"]])
def test_a_closed_pipe_ends_every_command_quietly(song_mid, tmp_path, argv):
    """As `musicstudio info FILE | head -1` when head has gone: no 'internal error: BrokenPipeError'."""
    import os

    read, write = os.pipe()
    os.close(read)     # the reader has gone: every write to the pipe fails
    argv = [a.format(song=song_mid, tmp=tmp_path) for a in argv]
    try:
        done = subprocess.run([sys.executable, "-m", "musicstudio", *argv], stdout=write, stderr=subprocess.PIPE,
                              text=True, timeout=60)
    finally:
        os.close(write)
    assert done.stderr == "" and done.returncode == 141


def test_a_closed_stdout_in_process_is_quiet(capsys, monkeypatch, song_mid):
    class Gone:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Gone())
    assert main(["info", str(song_mid)]) == 141
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("seconds, text", [(0, "0:00.0"), (59.94, "0:59.9"), (59.96, "1:00.0"), (179.97, "3:00.0"),
                                           (326.3, "5:26.3"), (3599.96, "1:00:00.0"), (3725.2, "1:02:05.2")])
def test_lengths_are_minutes_and_seconds_never_60_seconds(seconds, text):
    from musicstudio.io.song_info import format_duration

    assert format_duration(seconds) == text


def test_info_prints_a_length_just_under_three_minutes_as_3_00(capsys, tmp_path):
    from musicstudio.core.note import Note
    from musicstudio.core.song import Song
    from musicstudio.core.track import Track

    path = tmp_path / "long.mid"
    export_midi(Song((Track("Drone", 0, False, (Note(48, 0, 172_771),)),)), path)   # 179.97 s at 120 BPM
    code, out, err = run(capsys, "info", str(path))
    assert code == EXIT_OK and "3:00.0" in out and "2:60" not in out


def test_info_says_the_key_of_the_notes_when_the_signature_disagrees(capsys, tmp_path):
    from musicstudio.core.note import Note
    from musicstudio.core.song import Song
    from musicstudio.core.track import Track

    tune = tuple(Note(p, i * 240, 240) for i, p in enumerate([67, 71, 74, 66, 67, 69, 71, 66, 67, 62, 66, 67] * 2))
    path = tmp_path / "in_g.mid"
    export_midi(Song((Track("Violin", 40, False, tune),)), path)    # no key signature: C major
    code, out, err = run(capsys, "info", str(path))
    assert code == EXIT_OK and "C major (the notes are in G major)" in out


def test_version_names_the_torch_build_and_the_device(capsys):
    """Issue 25: on this machine, the CPU build and the CPU device (and FluidSynth's version)."""
    import torch

    assert main(["--version"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Music Studio ")
    build = next(line for line in lines if line.startswith("torch "))
    assert torch.__version__ in build and ("CUDA" in build) == bool(torch.version.cuda)
    device = next(line for line in lines if line.startswith("generators run on: "))
    if not torch.cuda.is_available():     # CI and these machines: no GPU
        assert device == "generators run on: CPU (cpu)"
    assert any(line.startswith("FluidSynth ") for line in lines)


def test_version_says_what_is_missing_instead_of_failing(capsys, monkeypatch):
    def broken(wanted="auto"):
        raise RuntimeError("CUDA driver initialization failed")
    monkeypatch.setattr("musicstudio.generators.devices.pick_device", broken)
    assert main(["--version"]) == EXIT_OK
    assert "torch: not usable (RuntimeError: CUDA driver initialization failed)" in capsys.readouterr().out
