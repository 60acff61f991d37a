"""OutputGuard: an atomic write refuses to replace a file that another program wrote since the guard
started watching it, checked under the file's lock right before the rename."""

import os

import pytest

from musicstudio.core import Song
from musicstudio.io.atomic import write_atomically
from musicstudio.io.errors import MusicFileError, ProjectError
from musicstudio.io.output_guard import OutputChanged, OutputGuard
from musicstudio.io.project import Project, save_project


def names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_an_unchanged_file_is_replaced(tmp_path):
    out = tmp_path / "out.mid"
    out.write_bytes(b"old")
    guard = OutputGuard.watch(out)
    with guard.writing():
        write_atomically(out, b"new")
    assert out.read_bytes() == b"new"


def test_a_file_written_since_the_start_is_not_overwritten(tmp_path):
    out = tmp_path / "out.mid"
    guard = OutputGuard.watch(out)          # no file yet
    out.write_bytes(b"theirs")              # another program
    with pytest.raises(OutputChanged) as caught:
        with guard.writing():
            write_atomically(out, b"mine")
    assert out.read_bytes() == b"theirs" and names(tmp_path) == ["out.mid"]
    assert str(caught.value) == (f"{out} changed while this command ran (another program wrote it); "
                                 "not overwritten: use --force to overwrite")


def test_the_check_is_made_at_the_rename_not_only_on_entry(tmp_path):
    out = tmp_path / "out.mid"
    out.write_bytes(b"old")
    guard = OutputGuard.watch(out)
    with pytest.raises(OutputChanged):
        with guard.writing():
            out.write_bytes(b"theirs, same inode, longer")   # while this command renders, say
            write_atomically(out, b"mine")
    assert out.read_bytes() == b"theirs, same inode, longer" and names(tmp_path) == ["out.mid"]


def test_a_rewrite_in_place_of_the_same_size_counts_as_a_change(tmp_path):
    out = tmp_path / "out.mid"
    out.write_bytes(b"aaaa")
    guard = OutputGuard.watch(out)
    out.write_bytes(b"bbbb")
    os.utime(out, ns=(0, 1))        # a modification time that differs whatever the clock's resolution
    assert guard.changed()


def test_force_overwrites(tmp_path):
    out = tmp_path / "out.mid"
    guard = OutputGuard.watch(out, force=True)
    out.write_bytes(b"theirs")
    with guard.writing():
        write_atomically(out, b"mine")
    assert out.read_bytes() == b"mine"


def test_a_file_deleted_since_the_start_is_written(tmp_path):
    out = tmp_path / "out.mid"
    out.write_bytes(b"old")
    guard = OutputGuard.watch(out)
    out.unlink()
    with guard.writing():
        write_atomically(out, b"new")
    assert out.read_bytes() == b"new"


def test_other_files_are_not_checked(tmp_path):
    out, other = tmp_path / "out.mid", tmp_path / "other.mid"
    guard = OutputGuard.watch(out)
    with guard.writing():
        other.write_bytes(b"x")
        write_atomically(other, b"y")
    assert other.read_bytes() == b"y"


def test_a_project_save_passes_the_refusal_on_unwrapped(tmp_path):
    """save_project turns OSErrors into 'could not be saved'; a refusal is not one."""
    path = tmp_path / "song.msproj"
    guard = OutputGuard.watch(path)
    path.write_bytes(b"{}")
    with pytest.raises(OutputChanged) as caught:
        with guard.writing():
            save_project(Project(Song()), path)
    assert isinstance(caught.value, MusicFileError) and not isinstance(caught.value, ProjectError)
    assert names(tmp_path) == ["song.msproj"] and path.read_bytes() == b"{}"
