"""``musicstudio info`` on a lossless MIDI file: each track's controller events, and the song's
controllers and words counted by lane and kind."""

from __future__ import annotations

from pathlib import Path

from lossless_midi import every_kind

from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import SongText, controller, pitch_bend
from musicstudio.io.midi_read import ImportResult, parse_midi
from musicstudio.io.song_info import controls_summary, describe, words_summary


def test_info_counts_controllers_per_track_and_lane_and_the_words():
    text = describe(Path("every_kind.mid"), parse_midi(every_kind(), "every_kind.mid"))
    lines = text.splitlines()
    piano = next(line for line in lines if ". Piano " in line)
    assert piano.endswith("5 notes  C3-C5, 42 controller events"), piano
    pad = next(line for line in lines if ". Pad swells " in line)
    assert pad.endswith("0 notes  33 controller events"), pad
    words = next(line for line in lines if line.startswith("  words "))
    assert words == "  words      2 texts, 1 copyright notice, 7 lyrics, 3 markers, 1 cue point"
    controls = next(line for line in lines if line.startswith("  controls "))
    assert controls.startswith("  controls   85 (33 Expression, 14 Modulation, 8 Channel aftertouch, 6 Pitch bend")


def test_info_names_lanes_and_says_nothing_of_what_a_song_lacks():
    controls = (controller(0, 64, 127), pitch_bend(10, 5), controller(20, 64, 0), controller(0, 3, 1))
    song = Song(tracks=(Track("Lead", notes=(Note(60, 0, 480),), controls=controls),),
                texts=(SongText(0, "lyric", "la"),))
    assert controls_summary(song) == "4 (2 Sustain pedal, 1 CC 3, 1 Pitch bend)"
    assert words_summary(song) == "1 lyric"
    plain = describe(Path("plain.mid"), ImportResult(Song(tracks=(Track("Solo", notes=(Note(60, 0, 480),)),))))
    assert "controls" not in plain and "words" not in plain and "controller event" not in plain
    assert plain.splitlines()[-1].endswith("1 notes  C4-C4")
