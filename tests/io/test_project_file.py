import errno
import json

import pytest

from musicstudio.core import Key, KeySignature, Note, Song, Tempo, TimeSignature, Track
from musicstudio.io.errors import ProjectError
from musicstudio.io.project import SCHEMA_VERSION, Project, backup_path, load_project, project_to_dict, save_project


def rich_song() -> Song:
    return Song(
        tracks=(Track("Lead ♪", 81, False, (Note(60, 0, 240, 90), Note(64, 240, 240, 80))),
                Track("Kit", 0, True, (Note(36, 0, 60, 127),)),
                Track("Empty", 5, False, ())),
        tempos=(Tempo(0, 500_000), Tempo(1920, 400_000)),
        time_signatures=(TimeSignature(0, 6, 8), TimeSignature(2880, 3, 4)),
        key_signatures=(KeySignature(0, Key(-3, True)), KeySignature(1920, Key(2))),
        title="Études")


def test_save_and_load_give_the_same_song_and_history(tmp_path):
    path = tmp_path / "song.msproj"
    history = [{"backend": "lstm", "seed": 7, "temperature": 1.0}]
    save_project(Project(rich_song(), history), path)
    loaded = load_project(path)
    assert loaded.song == rich_song()
    assert loaded.song.title == "Études"
    assert loaded.history == history
    assert json.loads(path.read_text("utf-8"))["schema"] == SCHEMA_VERSION


def test_saving_again_keeps_the_previous_version_as_backup(tmp_path):
    path = tmp_path / "song.msproj"
    first = rich_song()
    save_project(Project(first), path)
    second = first.with_tempo_bpm(90)
    save_project(Project(second), path)
    assert load_project(path).song == second
    assert load_project(backup_path(path)).song == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["song.msproj", "song.msproj.bak"]


def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "song.msproj"
    save_project(Project(rich_song()), path)
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("musicstudio.io.atomic.os.fsync", disk_full)
    with pytest.raises(ProjectError, match="disk is full.*previous version is unchanged"):
        save_project(Project(rich_song().with_tempo_bpm(60)), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["song.msproj"]


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "future.msproj"
    data = project_to_dict(Project(rich_song()))
    data["schema"] = SCHEMA_VERSION + 1
    path.write_text(json.dumps(data))
    with pytest.raises(ProjectError, match=r"future\.msproj: it was saved by a newer Music Studio"):
        load_project(path)


@pytest.mark.parametrize("mutate, reason", [
    (lambda d: d["song"]["tracks"][0]["notes"].append([200, 0, 10, 100]), "pitch 200"),
    (lambda d: d["song"]["tracks"][0]["notes"].append([60, -5, 10, 100]), "before the song"),
    (lambda d: d["song"]["tempos"].append([0, 0]), "impossible tempo"),
    (lambda d: d["song"]["time_signatures"].append([0, 4, 3]), "impossible time signature"),
    (lambda d: d["song"]["keys"].append([0, 9, 0]), "impossible key"),
    (lambda d: d["song"].pop("tracks"), "missing"),
    (lambda d: d["song"]["tracks"][0].update(program=300), "program"),
])
def test_damaged_projects_name_the_problem(tmp_path, mutate, reason):
    data = project_to_dict(Project(rich_song()))
    mutate(data)
    path = tmp_path / "bad.msproj"
    path.write_text(json.dumps(data))
    with pytest.raises(ProjectError, match=reason):
        load_project(path)


@pytest.mark.parametrize("content, reason", [
    (b"", "not valid JSON"),
    (b"{\"format\": \"something-else\"}", "not a Music Studio project"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not text"),
    (b"[" * 100000, "damaged"),
])
def test_files_that_are_not_projects(tmp_path, content, reason):
    path = tmp_path / "x.msproj"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=reason):
        load_project(path)


def test_missing_file(tmp_path):
    with pytest.raises(ProjectError, match="does not exist"):
        load_project(tmp_path / "nope.msproj")
