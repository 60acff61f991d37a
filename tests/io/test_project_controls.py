"""Project format 2 (issue 20): a track's controller events and MIDI channel and the song's lyrics, markers
and texts are saved and open again as they were; format 1 projects still open; and every value of the new
parts is checked on load as notes are, counts first."""

from __future__ import annotations

import gc
import json

import pytest

from musicstudio.cli import EXIT_OK, main
from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import Control, SongText, controller, pitch_bend
from musicstudio.io.errors import ProjectError
from musicstudio.io.limits import MAX_CONTROLS, MAX_TICK
from musicstudio.io.midi_read import import_midi
from musicstudio.io.midi_write import export_midi
from musicstudio.io.project import (
    SCHEMA_VERSION,
    Project,
    load_project,
    project_from_dict,
    project_to_dict,
    save_project,
)

# An RPN message setting the bend range (four controllers at one tick, in this order), a bank select
# before its program change, bends at both extremes, both kinds of aftertouch.
PIANO_CONTROLS = (controller(0, 101, 0), controller(0, 100, 0), controller(0, 6, 12), controller(0, 38, 0),
                  controller(0, 64, 127), controller(480, 64, 0), controller(480, 0, 1),
                  Control(480, "program", 0, 5), Control(500, "pressure", 0, 90), Control(510, "poly", 60, 33),
                  pitch_bend(520, -8192), pitch_bend(530, 8191), pitch_bend(540, 0), controller(960, 7, 100))
TEXTS = (SongText(0, "copyright", "© 2026 the band"), SongText(0, "marker", "Intro"),
         SongText(480, "lyric", "Hel"), SongText(480, "lyric", "lo "), SongText(960, "lyric", "wörld", "latin-1"),
         SongText(960, "cue", "door slams"), SongText(1200, "text", "ünïcode ♪"))


def lossless_song() -> Song:
    piano = Track("Piano", 0, False, (Note(60, 0, 960, 80), Note(64, 480, 480, 70)), controls=PIANO_CONTROLS,
                  channel=3)
    pad = Track("Pad", 88, False, (Note(48, 0, 1920, 60),), controls=(controller(0, 11, 40),))
    return Song((piano, pad), title="Lossless", texts=TEXTS)


def saved_and_opened(tmp_path, song: Song) -> Song:
    path = tmp_path / "song.msproj"
    save_project(Project(song), path)
    return load_project(path).song


def test_controls_channels_and_texts_come_back_in_order(tmp_path):
    song = lossless_song()
    back = saved_and_opened(tmp_path, song)
    assert back == song
    assert back.tracks[0].controls == PIANO_CONTROLS                  # the order at one tick kept
    assert [t.channel for t in back.tracks] == [3, None]              # channel is not part of equality
    assert back.texts == TEXTS and back.texts[4].encoding == "latin-1"
    assert back.tracks[1].notes == song.tracks[1].notes


def test_the_file_holds_them_as_lists(tmp_path):
    path = tmp_path / "song.msproj"
    save_project(Project(lossless_song()), path)
    data = json.loads(path.read_text("utf-8"))
    assert data["schema"] == SCHEMA_VERSION == 3
    piano, pad = data["song"]["tracks"]
    assert piano["controls"][:2] == [[0, "cc", 101, 0], [0, "cc", 100, 0]]
    assert piano["controls"][7] == [480, "program", 0, 5] and piano["controls"][10] == [520, "bend", 0, -8192]
    assert piano["channel"] == 3 and pad["channel"] is None
    assert data["song"]["texts"][4] == [960, "lyric", "wörld", "latin-1"]


# A project as Music Studio wrote them before format 2, written here by hand.
SCHEMA_1 = """{"format": "musicstudio-project", "schema": 1, "app_version": "0.9", "ppq": 480,
 "song": {"title": "Old", "tempos": [[0, 500000]], "time_signatures": [[0, 3, 4]], "keys": [[0, -1, 0]],
  "tracks": [{"name": "Lead", "program": 40, "drum": false, "notes": [[67, 0, 480, 90], [69, 480, 240, 80]],
              "muted": false, "solo": true, "colour": "#ff8800"},
             {"name": "Kit", "program": 0, "drum": true, "notes": [[36, 0, 60, 127]]}]},
 "history": [{"kind": "take", "model": "markov", "notes": [[69, 480, 240, 80]]}]}"""


def test_a_format_1_project_still_opens(tmp_path):
    path = tmp_path / "old.msproj"
    path.write_text(SCHEMA_1, "utf-8")
    project = load_project(path)
    lead, kit = project.song.tracks
    assert lead == Track("Lead", 40, False, (Note(67, 0, 480, 90), Note(69, 480, 240, 80)))
    assert lead.solo and lead.colour == "#ff8800" and kit.is_drum
    assert lead.controls == kit.controls == () and lead.channel is None and project.song.texts == ()
    assert project.song.title == "Old" and project.history[0]["model"] == "markov"
    save_project(project, path)                                        # saved again, it is format 2
    assert json.loads(path.read_text("utf-8"))["schema"] == SCHEMA_VERSION and load_project(path).song == project.song


def test_a_format_4_project_is_refused_as_newer(tmp_path):
    path = tmp_path / "new.msproj"
    path.write_text(SCHEMA_1.replace('"schema": 1', '"schema": 4'), "utf-8")
    with pytest.raises(ProjectError, match=r"new\.msproj: it was saved by a newer Music Studio \(project format 4;"):
        load_project(path)


def test_200_000_controller_events_save_and_open(tmp_path):
    bends = tuple(pitch_bend(i, (i * 37) % 16384 - 8192) for i in range(150_000))
    pedal = tuple(controller(i * 10, 64, 127 if i % 2 else 0) for i in range(50_000))
    track = Track("Guitar", 27, False, (Note(52, 0, 480, 90),), controls=bends + pedal, channel=1)
    back = saved_and_opened(tmp_path, Song((track,)))
    assert len(back.tracks[0].controls) == 200_000
    assert back.tracks[0].controls == track.controls and back.tracks[0].channel == 1


def with_track_key(key: str, value) -> dict:
    data = project_to_dict(Project(lossless_song()))
    data["song"]["tracks"][0][key] = value
    return data


def with_control(control) -> dict:
    return with_track_key("controls", [[0, "cc", 7, 100], control])


def with_text(text) -> dict:
    data = project_to_dict(Project(lossless_song()))
    data["song"]["texts"] = [[0, "marker", "A", "utf-8"], text]
    return data


def with_track_text(text) -> dict:
    return with_track_key("texts", [[0, "lyric", "A", "utf-8"], text])


# name -> (the project as parsed JSON, a pattern its one-line reason matches)
REFUSED = {
    "a controller value of 128": (with_control([0, "cc", 7, 128]), "track 1: cc value 128 is outside 0..127"),
    "a bend past the top": (with_control([0, "bend", 0, 8192]), "bend value 8192 is outside -8192..8191"),
    "a bend past the bottom": (with_control([0, "bend", 0, -8193]), "bend value -8193 is outside"),
    "a bend with a number": (with_control([0, "bend", 3, 0]), "bend number 3 is not allowed"),
    "controller 128": (with_control([0, "cc", 128, 0]), "cc number 128 is not allowed"),
    "poly pressure on pitch 200": (with_control([0, "poly", 200, 5]), "poly number 200 is not allowed"),
    "an unknown kind": (with_control([0, "sysex", 0, 0]), "unknown control event kind 'sysex'"),
    "a kind that is a list": (with_control([0, ["cc"], 7, 0]), "unknown control event kind"),
    "a negative tick": (with_control([-1, "cc", 7, 0]), "cannot stand before the song"),
    "a bool tick": (with_control([True, "cc", 7, 0]), "tick must be a whole number, not True"),
    "a float value": (with_control([0, "cc", 7, 64.0]), "value must be a whole number, not 64.0"),
    "a tick past the last bar": (with_control([MAX_TICK + 1, "cc", 7, 0]),
                                 "track 1 places a controller over 100,000 bars"),
    "an event of five": (with_control([0, "cc", 7, 0, 1]), "track 1: a controller event is not a tick, a kind"),
    "an event that is a record": (with_control({"tick": 0}), "a controller event is not a tick, a kind"),
    "controls that are text": (with_track_key("controls", "CC 64"), "controller events of track 1 are not a list"),
    "channel 16": (with_track_key("channel", 16), "MIDI channel 16, which is not one of 0-15"),
    "channel true": (with_track_key("channel", True), "MIDI channel True"),
    "channel as text": (with_track_key("channel", "1"), "MIDI channel '1'"),
    "an unknown text kind": (with_text([0, "chord", "Am", "utf-8"]), "unknown text kind 'chord'"),
    "an unknown encoding": (with_text([0, "lyric", "la", "cp1252"]), "unknown text encoding 'cp1252'"),
    "latin-1 that cannot spell it": (with_text([0, "lyric", "€", "latin-1"]),
                                     "the lyric at tick 0 holds a character that latin-1 cannot spell"),
    "a lone surrogate": (with_text([0, "lyric", "\ud800", "utf-8"]), "holds a character that utf-8 cannot"),
    "a text that is a number": (with_text([0, "lyric", 5, "utf-8"]), "a lyric must be text, not 5"),
    "a text before the song": (with_text([-5, "marker", "B", "utf-8"]), "a marker cannot stand at tick -5"),
    "a text past the last bar": (with_text([MAX_TICK + 1, "cue", "C", "utf-8"]),
                                 "it places a cue over 100,000 bars into the song"),
    "a text of three": (with_text([0, "marker", "C"]), "a lyric or marker is not a tick, a kind, a text"),
    "texts that are a record": ({**project_to_dict(Project(Song())), "song": {
        **project_to_dict(Project(Song()))["song"], "texts": {"0": "A"}}}, "lyrics and markers are not a list"),
    # a track's own words: refused as the song's are, naming the track
    "a track's text of an unknown kind": (with_track_text([0, "chord", "Am", "utf-8"]),
                                          "track 1: unknown text kind 'chord'"),
    "a track's text in an unknown encoding": (with_track_text([0, "lyric", "la", "cp1252"]),
                                              "track 1: unknown text encoding"),
    "a track's latin-1 that cannot spell it": (with_track_text([0, "lyric", "€", "latin-1"]),
                                               "track 1: the lyric at tick 0 holds a character that latin-1 cannot"),
    "a track's text that is a number": (with_track_text([0, "lyric", 5, "utf-8"]),
                                        "track 1: a lyric must be text, not 5"),
    "a track's text before the song": (with_track_text([-5, "marker", "B", "utf-8"]),
                                       "track 1: a marker cannot stand at tick -5"),
    "a track's text past the last bar": (with_track_text([MAX_TICK + 1, "cue", "C", "utf-8"]),
                                         "track 1 places a cue over 100,000 bars into the song"),
    "a track's text of three": (with_track_text([0, "marker", "C"]),
                                "track 1: a lyric or marker is not a tick, a kind, a text"),
    "a track's texts that are a record": (with_track_key("texts", {"0": "A"}),
                                          "lyrics and markers of track 1 are not a list"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_impossible_events_are_refused_in_one_line(tmp_path, name):
    data, reason = REFUSED[name]
    path = tmp_path / "bad.msproj"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ProjectError, match=reason) as caught:
        load_project(path)
    text = str(caught.value)
    assert text.startswith("bad.msproj: ") and "\n" not in text and len(text) < 300


def test_events_on_the_last_tick_open(tmp_path):
    data = with_control([MAX_TICK, "bend", 0, 8191])
    data["song"]["texts"] = [[MAX_TICK, "marker", "The end", "utf-8"]]
    path = tmp_path / "late.msproj"
    path.write_text(json.dumps(data), "utf-8")
    song = load_project(path).song
    assert song.tracks[0].controls[-1] == pitch_bend(MAX_TICK, 8191) and song.texts[0].text == "The end"


def controls_file(*counts: int) -> bytes:
    """A project whose tracks hold these many controller events, made as bytes (fast for millions)."""
    data = project_to_dict(Project(Song(tuple(Track(f"T{i}", 0, False, ()) for i in range(len(counts))))))
    for track in data["song"]["tracks"]:
        track["controls"] = "@@"
    text = json.dumps(data).encode("utf-8")
    for count in counts:
        text = text.replace(b'"@@"', b"[" + b",".join([b'[0,"cc",64,127]'] * count) + b"]", 1)
    return text


@pytest.mark.parametrize("counts", [(MAX_CONTROLS + 1,), (MAX_CONTROLS // 2, MAX_CONTROLS // 2 + 1)])
def test_millions_of_controller_events_are_refused_before_parsing(tmp_path, monkeypatch, counts):
    path = tmp_path / "dense.msproj"
    path.write_bytes(controls_file(*counts))

    def never(*args, **kwargs):
        raise AssertionError("the project was parsed")

    monkeypatch.setattr("musicstudio.io.project.json.loads", never)
    with pytest.raises(ProjectError, match=f"dense.msproj: it holds over {MAX_CONTROLS:,} controller, pitch-bend, "
                                           "aftertouch and text events; Music Studio opens files up to that many"):
        load_project(path)


def test_parsed_events_are_counted_before_one_is_built(monkeypatch):
    def never(*args):
        raise AssertionError("an event was built")

    monkeypatch.setattr("musicstudio.io.project_song.Control", never)
    monkeypatch.setattr("musicstudio.io.project_song.make_text", never)
    data = project_to_dict(Project(Song((Track(), Track()))))
    event = [0, "cc", 64, 127]
    data["song"]["tracks"][0]["controls"] = [event] * (MAX_CONTROLS // 2)
    data["song"]["tracks"][1]["controls"] = [event] * (MAX_CONTROLS // 2 + 1)
    with pytest.raises(ProjectError, match=f"over {MAX_CONTROLS:,} controller, pitch-bend"):
        project_from_dict(data, "dense.msproj")
    data["song"]["tracks"][1]["controls"] = [event] * (MAX_CONTROLS // 2 - 10)
    data["song"]["texts"] = [[0, "lyric", "la", "utf-8"]] * 11          # the words count with them
    with pytest.raises(ProjectError, match=f"over {MAX_CONTROLS:,} controller, pitch-bend, aftertouch and text"):
        project_from_dict(data, "wordy.msproj")
    data["song"]["texts"] = []
    data["song"]["tracks"][0]["texts"] = [[0, "lyric", "la", "utf-8"]] * 11   # a track's own words too
    with pytest.raises(ProjectError, match=f"over {MAX_CONTROLS:,} controller, pitch-bend, aftertouch and text"):
        project_from_dict(data, "wordy.msproj")


@pytest.mark.parametrize("song, reason", [
    (Song((Track("A"), Track("B", controls=(controller(MAX_TICK + 1, 64, 0),)))),
     "track 2 has a controller over 100,000 bars into the song"),
    (Song(texts=(SongText(MAX_TICK + 480, "marker", "Coda"),)), "a marker stands over 100,000 bars"),
    (Song((Track("A", controls=(controller(0, 1, 0),) * 2),), texts=(SongText(0, "lyric", "la"),) * 2),
     "the song has 4 controller, pitch-bend, aftertouch and text events; .* up to 3"),
    (Song((Track("A"), Track("B", texts=(SongText(MAX_TICK + 1, "lyric", "la"),)))),
     "track 2 has a lyric over 100,000 bars into the song"),
    (Song((Track("A", controls=(controller(0, 1, 0),) * 2, texts=(SongText(0, "lyric", "la"),)),),
          texts=(SongText(0, "marker", "A"),)),
     "the song has 4 controller, pitch-bend, aftertouch and text events; .* up to 3"),   # a track's words count
])
def test_saving_refuses_events_that_would_not_open_again(tmp_path, monkeypatch, song, reason):
    monkeypatch.setattr("musicstudio.io.limits.MAX_CONTROLS", 3)
    path = tmp_path / "song.msproj"
    save_project(Project(Song(title="Before")), path)
    with pytest.raises(ProjectError, match=f"it could not be saved: {reason}.*previous version is unchanged"):
        save_project(Project(song), path)
    assert load_project(path).song.title == "Before"


def test_a_title_utf8_cannot_spell_saves_and_opens_again(tmp_path):
    # JSON can hold a lone surrogate as an escape, and a project opened with one in its title must save
    song = Song((Track("a\udc80b"),), title="x\ud800y")
    back = saved_and_opened(tmp_path, song)
    assert back.title == "x\ud800y" and back.tracks[0].name == "a\udc80b"


def test_opening_leaves_the_cycle_collector_as_it_found_it(tmp_path):
    good, bad = tmp_path / "good.msproj", tmp_path / "bad.msproj"
    save_project(Project(lossless_song()), good)
    bad.write_text(json.dumps(with_control([0, "cc", 7, 128])), "utf-8")
    assert gc.isenabled()
    load_project(good)
    with pytest.raises(ProjectError):
        load_project(bad)
    assert gc.isenabled()
    gc.disable()
    try:
        load_project(good)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_midi_through_a_project_comes_back_byte_for_byte(tmp_path):
    first, project, again = tmp_path / "first.mid", tmp_path / "song.msproj", tmp_path / "again.mid"
    export_midi(lossless_song(), first)
    assert main(["convert", str(first), str(project)]) == EXIT_OK
    assert main(["convert", str(project), str(again)]) == EXIT_OK
    imported = import_midi(first).song
    assert load_project(project).song == imported and imported.texts == TEXTS
    assert [len(t.controls) for t in imported.tracks] == [len(PIANO_CONTROLS), 1]
    assert again.read_bytes() == first.read_bytes()
