"""``generate --out`` and ``convert IN OUT`` do not overwrite an output that another program wrote while
they ran: exit code 3 and one line, unless ``--force``.

"Another program" is simulated by writing OUT just before the command saves it: after the command has
recorded OUT, before the check under the lock that decides.
"""

import pytest

from musicstudio.cli import EXIT_BAD_INPUT, EXIT_OK, main
from musicstudio.io import files
from musicstudio.io.files import open_song
from musicstudio.io.midi_write import export_midi

THEIRS = b"written by another program"


def refusal(out) -> str:
    return f"{out} changed while this command ran (another program wrote it); not overwritten: use --force to overwrite"


@pytest.fixture
def song_mid(tmp_path, four_voice_song):
    path = tmp_path / "four.mid"
    export_midi(four_voice_song, path)
    return path


@pytest.fixture
def written_meanwhile(monkeypatch):
    """Make OUT change under the command: ``open_song`` (convert) and ``save_song`` (generate) first write
    it, as another program would."""
    def install(out):
        real_open, real_save = files.open_song, files.save_song

        def open_then_other_writes(path):
            result = real_open(path)
            out.write_bytes(THEIRS)
            return result

        def other_writes_then_save(song, path):
            out.write_bytes(THEIRS)
            real_save(song, path)

        monkeypatch.setattr(files, "open_song", open_then_other_writes)
        monkeypatch.setattr(files, "save_song", other_writes_then_save)
    return install


def folder(path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


@pytest.mark.parametrize("name", ["out.mid", "out.msproj", "out.wav"])
def test_convert_refuses_an_output_written_meanwhile(capsys, tmp_path, song_mid, written_meanwhile, name):
    out = tmp_path / name
    written_meanwhile(out)
    assert main(["convert", str(song_mid), str(out)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err == f"musicstudio: {refusal(out)}\n"
    assert out.read_bytes() == THEIRS and folder(out) == sorted(["four.mid", name])


def test_convert_with_force_overwrites_it(capsys, tmp_path, song_mid, written_meanwhile, four_voice_song):
    out = tmp_path / "out.msproj"
    written_meanwhile(out)
    assert main(["convert", str(song_mid), str(out), "--force"]) == EXIT_OK
    assert open_song(out).song == four_voice_song
    assert folder(out) == ["four.mid", "out.msproj", "out.msproj.bak"]   # a project keeps what it replaced
    assert (tmp_path / "out.msproj.bak").read_bytes() == THEIRS


def test_convert_overwrites_an_output_nobody_touched(capsys, tmp_path, song_mid, four_voice_song):
    out = tmp_path / "out.mid"
    out.write_bytes(b"an old output, there before the command started")
    assert main(["convert", str(song_mid), str(out)]) == EXIT_OK
    assert open_song(out).song == four_voice_song


def test_convert_help_says_what_force_does(capsys):
    assert main(["convert", "--help"]) == EXIT_OK
    text = " ".join(capsys.readouterr().out.split())
    assert "render WAV files over 60 minutes, and overwrite OUTPUT even if another program wrote it" in text


def generate(seed, out, *extra):
    return main(["generate", "--backend", "markov", "--seed", str(seed), "--out", str(out), "--bars", "1",
                 "--variations", "1", "--device", "cpu", "--quiet", *extra])


def test_generate_refuses_an_output_written_meanwhile(capsys, tmp_path, song_mid, written_meanwhile):
    out = tmp_path / "takes.mid"
    written_meanwhile(out)
    assert generate(song_mid, out) == 3
    captured = capsys.readouterr()
    assert captured.err == f"musicstudio generate: {refusal(out)}\n" and captured.out == ""
    assert out.read_bytes() == THEIRS and folder(out) == ["four.mid", "takes.mid"]


def test_generate_with_force_overwrites_it(capsys, tmp_path, song_mid, written_meanwhile):
    out = tmp_path / "takes.mid"
    written_meanwhile(out)
    assert generate(song_mid, out, "--force") == 0
    assert len(open_song(out).song.tracks) == 5   # the song's four tracks and the take
    assert folder(out) == ["four.mid", "takes.mid"]


def test_generate_overwrites_an_output_nobody_touched(capsys, tmp_path, song_mid):
    out = tmp_path / "takes.mid"
    out.write_bytes(b"an old output, there before the command started")
    assert generate(song_mid, out) == 0
    assert len(open_song(out).song.tracks) == 5
