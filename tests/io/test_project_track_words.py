"""A track's own words in a project: saved in the track's record as "texts" lists and opened with the track;
a project saved before tracks kept words opens as before. (Damaged entries are refused as the song's are,
naming the track, the words count with the controller events, and saving refuses a word that would not
open again: test_project_controls.py.)"""

from __future__ import annotations

import json

from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import SongText, controller
from musicstudio.io.limits import MAX_TICK
from musicstudio.io.project import Project, load_project, project_from_dict, project_to_dict, save_project

LYRICS = (SongText(0, "lyric", "Hel"), SongText(480, "lyric", "lo "), SongText(960, "lyric", "wörld", "latin-1"),
          SongText(960, "text", "ünïcode ♪"), SongText(1920, "marker", "Voice out"))


def vocal_song() -> Song:
    piano = Track("Piano", 0, False, (Note(48, 0, 1920),), texts=())
    voice = Track("Voice", 52, False, (Note(67, 0, 480), Note(69, 480, 480)), controls=(controller(0, 7, 90),),
                  channel=1, texts=LYRICS)
    return Song((piano, voice), title="Karaoke", texts=(SongText(0, "marker", "Verse"),))


def test_a_tracks_words_are_saved_with_the_track_and_open_with_it(tmp_path):
    path = tmp_path / "vocal.msproj"
    save_project(Project(vocal_song()), path)
    data = json.loads(path.read_text("utf-8"))
    piano, voice = data["song"]["tracks"]
    assert voice["texts"][2] == [960, "lyric", "wörld", "latin-1"] and piano["texts"] == []
    assert data["song"]["texts"] == [[0, "marker", "Verse", "utf-8"]]   # the song keeps only its own
    back = load_project(path).song
    assert back == vocal_song()
    assert back.tracks[1].texts == LYRICS and back.tracks[1].texts[2].encoding == "latin-1"
    assert back.texts == (SongText(0, "marker", "Verse"),)


def test_a_project_saved_before_tracks_kept_words_opens_as_before():
    data = project_to_dict(Project(vocal_song()))
    assert data["schema"] == 3     # format 3: an older Music Studio refuses it rather than drop the tracks' words
    data["schema"] = 2
    for track in data["song"]["tracks"]:
        del track["texts"]
    data["song"]["texts"] = [[0, "marker", "Verse", "utf-8"], [480, "lyric", "la", "utf-8"]]
    song = project_from_dict(data, "old.msproj").song
    assert [t.texts for t in song.tracks] == [(), ()]
    assert song.texts == (SongText(0, "marker", "Verse"), SongText(480, "lyric", "la"))


def with_track_text(text) -> dict:
    data = project_to_dict(Project(vocal_song()))
    data["song"]["tracks"][1]["texts"] = [[0, "lyric", "A", "utf-8"], text]
    return data


def test_a_tracks_words_on_the_last_tick_open():
    data = with_track_text([MAX_TICK, "marker", "The end", "utf-8"])
    assert project_from_dict(data, "late.msproj").song.tracks[1].texts[-1] == SongText(MAX_TICK, "marker", "The end")
