"""Hostile projects (issue 26): each is refused with a ProjectError of one line naming the file, or
loaded faithfully; and whatever loads exports to MIDI and opens again with every note.

Projects obey the limits of MIDI import (musicstudio.io.limits), in the same words.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from musicstudio.cli import EXIT_BAD_INPUT, EXIT_OK, main
from musicstudio.core import Note, Song, Track
from musicstudio.io.errors import ProjectError
from musicstudio.io.files import is_project, open_song
from musicstudio.io.limits import MAX_TICK, MAX_TRACKS
from musicstudio.io.midi_read import import_midi
from musicstudio.io.midi_write import export_midi
from musicstudio.io.project import (
    MAX_DEPTH,
    MAX_LISTS,
    MAX_PROJECT_BYTES,
    Project,
    backup_path,
    load_project,
    project_to_dict,
    save_project,
)

BIG_TEXT = 50 * 2**20  # characters: the 50 MB title
NOTE = ("song", "tracks", 0, "notes", 0)


def base() -> dict:
    lead = Track("Lead", 0, False, (Note(60, 0, 240, 90), Note(64, 240, 240, 80)))
    return project_to_dict(Project(Song((lead,), title="Hostile"), [{"kind": "take", "seed": {"notes": []}}]))


def dumped(data: dict) -> bytes:
    return json.dumps(data).encode("utf-8")


def setting(keys: tuple, value) -> bytes:
    """The base project with the value at ``keys`` (a path of keys and indexes) replaced."""
    data = base()
    target = data
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return dumped(data)


def raw(keys: tuple, text: str) -> bytes:
    """The base project with JSON text of our own (not necessarily valid) as the value at ``keys``."""
    return setting(keys, "@@").replace(b'"@@"', text.encode("utf-8"))


def with_notes(*tracks: bytes) -> bytes:
    """The base project whose tracks hold these notes lists, given as JSON bytes (fast for millions)."""
    data = base()
    data["song"]["tracks"] = [{"name": f"T{i}", "program": 0, "drum": False, "notes": "@@"}
                              for i in range(len(tracks))]
    text = dumped(data)
    for notes in tracks:
        text = text.replace(b'"@@"', notes, 1)
    return text


def note_list(count: int, note: bytes = b"[60,0,1,100]") -> bytes:
    return b"[" + b",".join([note] * count) + b"]" if count else b"[]"


def tracks(count: int) -> list:
    return [{"name": f"T{i}", "program": 0, "drum": False, "notes": [[60, i, 10, 100]]} for i in range(count)]


# name -> (the file's bytes, made when the test runs; a pattern the one-line reason matches)
REFUSED = {
    "tick 10^12": (lambda: setting(NOTE, [60, 10**12, 120, 100]), "track 1 places a note over 100,000 bars"),
    "note ending past the last bar": (lambda: setting(NOTE, [60, MAX_TICK - 1, 2, 100]),
                                      "track 1 ends a note over 100,000 bars"),
    "tempo at tick 10^12": (lambda: setting(("song", "tempos"), [[0, 500000], [10**12, 400000]]),
                            "tempo or meter change over 100,000 bars"),
    "2M notes in one track": (lambda: with_notes(note_list(2_000_000)), "over 1,000,000 notes"),
    "1.2M notes over three tracks": (lambda: with_notes(*[note_list(400_000)] * 3), "over 1,000,000 notes"),
    "1025 tracks": (lambda: setting(("song", "tracks"), tracks(MAX_TRACKS + 1)), "more than 1,024 tracks"),
    "millions of empty records": (lambda: raw(("history",), "[" + ",".join(["{}"] * (MAX_LISTS + 1)) + "]"),
                                  f"over {MAX_LISTS:,} lists and records"),
    "100k nested lists": (lambda: raw(("history",), "[" * 100_000 + "]" * 100_000), "nested too deeply"),
    "100k nested records": (lambda: raw(("history",), '{"a":' * 100_000 + "1" + "}" * 100_000),
                            "nested too deeply"),
    "history nested past the limit": (lambda: raw(("history",), '[{"a":' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}]"),
                                      f"nested over {MAX_DEPTH} levels"),
    "NaN tempo": (lambda: raw(("song", "tempos", 0, 1), "NaN"), "NaN, which JSON does not allow"),
    "Infinity pitch": (lambda: raw(NOTE + (0,), "Infinity"), "Infinity, which JSON does not allow"),
    "-Infinity start": (lambda: raw(NOTE + (1,), "-Infinity"), "-Infinity, which JSON does not allow"),
    "1e999 velocity": (lambda: raw(NOTE + (3,), "1e999"), "1e999 is too large"),
    "5000-digit start": (lambda: raw(NOTE + (1,), "9" * 5000), "not valid JSON"),
    "duplicate title": (lambda: raw(("song", "title"), '"a", "title": "b"'), "the key 'title' appears twice"),
    "duplicate notes": (lambda: raw(("song", "tracks", 0, "name"), '"a", "notes": []'), "'notes' appears twice"),
    "duplicate 20 MB key": (lambda: raw(("song", "title"), f'"a", "{"k" * 2**24}": 1, "{"k" * 2**24}": 2'),
                            "the key 'kkkk"),
    "tracks a record": (lambda: setting(("song", "tracks"), {"0": {}}), "track list is not a list"),
    "track a string": (lambda: setting(("song", "tracks"), ["Lead"]), "track 1 is not a record"),
    "notes a string": (lambda: setting(("song", "tracks", 0, "notes"), "C D E"), "notes of track 1 are not a list"),
    "note a record": (lambda: setting(NOTE, {"pitch": 60}), "a note is not four whole numbers"),
    "note of five numbers": (lambda: setting(NOTE, [60, 0, 1, 100, 5]), "a note is not four whole numbers"),
    "song a list": (lambda: setting(("song",), []), "the song is not a record"),
    "title a number": (lambda: setting(("song", "title"), 5), "title is not text"),
    "program a string": (lambda: setting(("song", "tracks", 0, "program"), "5"), "impossible name, program"),
    "tempos a number": (lambda: setting(("song", "tempos"), 120), "tempo changes are not a list"),
    "history a record": (lambda: setting(("history",), {"a": 1}), "history is not a list of records"),
    "history of strings": (lambda: setting(("history",), ["take"]), "history is not a list of records"),
    "negative start": (lambda: setting(NOTE, [60, -5, 10, 100]), "before the song"),
    "negative duration": (lambda: setting(NOTE, [60, 0, -10, 100]), "at least one tick"),
    "zero velocity": (lambda: setting(NOTE, [60, 0, 10, 0]), "velocity 0"),
    "negative tempo tick": (lambda: setting(("song", "tempos"), [[-1, 500000]]), "before the song"),
    "negative program": (lambda: setting(("song", "tracks", 0, "program"), -1), "impossible name, program"),
    "negative schema": (lambda: setting(("schema",), -1), "format version is missing"),
    "bool pitch": (lambda: setting(NOTE, [True, 0, 10, 100]), "pitch must be a whole number, not True"),
    "bool tempo": (lambda: setting(("song", "tempos"), [[0, True]]), "impossible tempo change"),
    "bool numerator": (lambda: setting(("song", "time_signatures"), [[0, True, 4]]), "time signature change"),
    "bool minor": (lambda: setting(("song", "keys"), [[0, 0, True]]), "impossible key change"),
    "bool program": (lambda: setting(("song", "tracks", 0, "program"), True), "impossible name, program"),
    "bool schema": (lambda: setting(("schema",), True), "format version is missing"),
    "number for the drum flag": (lambda: setting(("song", "tracks", 0, "drum"), 1), "drum flag"),
    "float tick": (lambda: setting(NOTE, [60, 480.0, 10, 100]), "start must be a whole number, not 480.0"),
    "a list, not a project": (lambda: b"[]", "not a Music Studio project"),
}

# name -> the file's bytes; each loads, and keeps every note through MIDI
LOADED = {
    "50 MB title": lambda: setting(("song", "title"), "T" * BIG_TEXT),
    "50 MB track name": lambda: setting(("song", "tracks", 0, "name"), "N" * BIG_TEXT),
    "note ending on the last tick": lambda: setting(NOTE, [60, MAX_TICK - 10, 10, 100]),
    "tempo on the last tick": lambda: setting(("song", "tempos"), [[0, 500000], [MAX_TICK, 400000]]),
    "1024 tracks": lambda: setting(("song", "tracks"), tracks(MAX_TRACKS)),
    "control characters in names": lambda: setting(("song", "title"), "a\x1b[2J\nb\u202ec"),
    "pretty-printed with a byte-order mark": lambda: b"\xef\xbb\xbf" + json.dumps(base(), indent=2).encode(),
    "history nested to the limit": lambda: raw(("history",), '[{"a":' + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)
                                               + "}]"),
    "unknown keys": lambda: setting(("extra",), {"anything": [1, 2.5, None]}),
}


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / (name.replace(" ", "_").replace("^", "") + ".msproj")
    path.write_bytes(content)
    return path


def assert_one_line_naming(error: Exception, path: Path) -> None:
    text = str(error)
    assert text.startswith(f"{path.name}: ") and "\n" not in text and len(text) < 300, text[:300]


@pytest.mark.parametrize("name", REFUSED)
def test_hostile_projects_are_refused_in_one_line(tmp_path, name):
    make, reason = REFUSED[name]
    path = write(tmp_path, name, make())
    with pytest.raises(ProjectError, match=reason) as caught:
        load_project(path)
    assert_one_line_naming(caught.value, path)


@pytest.mark.parametrize("name", LOADED)
def test_what_loads_keeps_every_note_through_midi(tmp_path, name):
    path = write(tmp_path, name, LOADED[name]())
    song = load_project(path).song
    export_midi(song, tmp_path / "out.mid")
    back = import_midi(tmp_path / "out.mid")
    assert back.song.note_count == song.note_count > 0
    assert [t.notes for t in back.song.tracks] == [t.notes for t in song.tracks]
    assert not back.damaged


def test_the_title_and_names_load_whole(tmp_path):
    song = load_project(write(tmp_path, "title", LOADED["50 MB title"]())).song
    assert song.title == "T" * BIG_TEXT
    song = load_project(write(tmp_path, "name", LOADED["50 MB track name"]())).song
    assert song.tracks[0].name == "N" * BIG_TEXT


def test_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.msproj"
    with path.open("wb") as f:
        f.truncate(MAX_PROJECT_BYTES + 1)  # sparse: nothing to read, were it read
    with pytest.raises(ProjectError, match="the file is 64 MB; Music Studio opens projects up to 64 MB"):
        load_project(path)


def test_a_folder_is_not_a_project(tmp_path):
    (tmp_path / "folder.msproj").mkdir()
    with pytest.raises(ProjectError, match="it is a folder"):
        load_project(tmp_path / "folder.msproj")


def test_saving_refuses_what_would_not_open_again(tmp_path):
    path = tmp_path / "song.msproj"
    save_project(Project(Song((Track("A", 0, False, (Note(60, 0, 10, 100),)),))), path)
    before = path.read_bytes()
    late = Song((Track("A", 0, False, (Note(60, 10**12, 10, 100),)),))
    with pytest.raises(ProjectError, match="over 100,000 bars.*previous version is unchanged"):
        save_project(Project(late), path)
    with pytest.raises(ProjectError, match="not finite.*previous version is unchanged"):
        save_project(Project(Song(), [{"temperature": float("nan")}]), path)
    assert path.read_bytes() == before and not backup_path(path).exists()


def test_the_backup_opens_as_a_project(tmp_path, capsys):
    path = tmp_path / "song.msproj"
    first = Song((Track("A", 0, False, (Note(60, 0, 10, 100),)),), title="First")
    save_project(Project(first), path)
    save_project(Project(Song(title="Second")), path)
    assert is_project(backup_path(path)) and is_project(Path("SONG.MSPROJ.BAK"))
    assert open_song(backup_path(path)).song == first
    assert main(["info", str(backup_path(path))]) == EXIT_OK
    out, err = capsys.readouterr()
    assert "Music Studio project" in out and "First" in out and err == ""


def test_info_shortens_long_text_and_shows_no_control_characters(tmp_path, capsys):
    path = write(tmp_path, "title", LOADED["50 MB title"]())
    assert main(["info", str(path)]) == EXIT_OK
    out, err = capsys.readouterr()
    assert f"{'T' * 80}… ({BIG_TEXT:,} characters)" in out and err == ""
    assert max(len(line) for line in out.splitlines()) < 200
    path = write(tmp_path, "escapes", LOADED["control characters in names"]())
    assert main(["info", str(path)]) == EXIT_OK
    out = capsys.readouterr()[0]
    assert "\x1b" not in out and "\u202e" not in out and "a\ufffd[2J\ufffdb\ufffdc" in out


CLI_CASES = ("tick 10^12", "2M notes in one track", "100k nested lists", "NaN tempo", "duplicate title",
             "bool pitch", "5000-digit start")


@pytest.mark.parametrize("name", CLI_CASES)
@pytest.mark.parametrize("command", ["info", "convert"])
def test_the_command_line_exits_3_with_one_line(tmp_path, capsys, name, command):
    path = write(tmp_path, name, REFUSED[name][0]())
    out_mid = tmp_path / "out.mid"
    argv = ["info", str(path)] if command == "info" else ["convert", str(path), str(out_mid)]
    assert main(argv) == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith(f"musicstudio: {path.name}: ")
    assert "Traceback" not in err and len(err) < 300
    assert not out_mid.exists()
