"""Import MIDI keeps the imported file's lyrics: a type 0 file's lyrics (and a note-less track's, and a
karaoke file's syllables, spelt as text events) are the song's when the file is opened, so importing its
tracks into another song gives them to the imported track they are sung on, as that track's words; the
file's other words (its text, markers, copyright, a karaoke file's "@" header lines) describe that file and
stay out of this song. One undo step takes it all back."""

import io

import mido

from musicstudio.core.controls import LYRIC, MARKER, SongText
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track

meta = mido.MetaMessage
SYLLABLES = ("Ah", "vous", "di", "rai-", "je")


def _events(channel: int, pitches, step: int) -> list:
    """Notes of ``pitches`` one after another, each ``step`` ticks long, as (tick, message) pairs."""
    out = []
    for i, pitch in enumerate(pitches):
        out += [(i * step, mido.Message("note_on", channel=channel, note=pitch, velocity=90)),
                (i * step + step, mido.Message("note_off", channel=channel, note=pitch, velocity=0))]
    return out


def _save(kind: int, *tracks: list) -> bytes:
    """A MIDI file of ``tracks``, each a list of (tick, message) pairs."""
    mf = mido.MidiFile(type=kind, ticks_per_beat=480)
    for events in tracks:
        track, last = mido.MidiTrack(), 0
        for tick, msg in sorted(events, key=lambda e: e[0]):
            track.append(msg.copy(time=tick - last))
            last = tick
        mf.tracks.append(track)
    out = io.BytesIO()
    mf.save(file=out)
    return out.getvalue()


def _lyrics(step: int) -> list:
    return [(i * step, meta("lyrics", text=s)) for i, s in enumerate(SYLLABLES)]


HEADER = [(0, meta("copyright", text="(c) them")), (0, meta("text", text="S:a tune book, 1799")),
          (0, meta("marker", text="Verse"))]
# The accompaniment (channel 1) comes before the tune (channel 2): the lyrics fall on the tune's notes.
TYPE0 = _save(0, HEADER + _lyrics(240) + _events(0, (48, 55, 52), 480) + _events(1, (60, 60, 67, 67, 69), 240))
MINE = Song((Track("Mine", 0, False, (Note(72, 0, 480),), texts=(SongText(0, MARKER, "Intro"),)),),
            texts=(SongText(0, MARKER, "Top"),))


def test_a_type_0_files_lyrics_come_with_the_track_they_are_sung_on(main_window, tmp_path):
    path = tmp_path / "ah-vous.mid"
    path.write_bytes(TYPE0)
    doc = main_window.document
    doc.load(MINE, None)
    assert main_window.files.import_tracks(path)
    song = doc.song
    assert [len(t.notes) for t in song.tracks] == [1, 3, 5]
    tune = song.tracks[2]
    assert tune.texts == tuple(SongText(i * 240, LYRIC, s) for i, s in enumerate(SYLLABLES))
    assert song.tracks[1].texts == () and song.tracks[0] == MINE.tracks[0]
    assert song.texts == MINE.texts          # the other file's copyright, text and marker stay out
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.song == MINE


def test_a_note_less_words_track_gives_its_lyrics_to_the_tune(main_window, tmp_path):
    """A type 1 file with its lyrics in a track of their own (as karaoke files have them)."""
    words = [(0, meta("track_name", name="Words"))] + _lyrics(480)
    tune = [(0, meta("track_name", name="Tune"))] + _events(0, (60, 60, 67, 67, 69), 480)
    path = tmp_path / "words.mid"
    path.write_bytes(_save(1, [(0, meta("set_tempo", tempo=500000))], words, tune))
    doc = main_window.document
    doc.load(MINE, None)
    assert main_window.files.import_tracks(path)
    assert [t.name for t in doc.song.tracks] == ["Mine", "Words", "Tune"]
    assert doc.song.tracks[1].texts == () and len(doc.song.tracks[2].texts) == 5
    assert doc.song.tracks[2].texts[-1] == SongText(1920, LYRIC, "je")


def test_a_karaoke_files_syllables_come_with_the_tune_as_lyrics_and_its_header_stays_out(main_window, tmp_path):
    """A .kar file: its syllables are text events in a note-less "Words" track ("@" header lines, "\\" a
    paragraph, "/" a line); importing it gives them to the tune as lyrics, as a file's lyric events are."""
    header = [(0, meta("text", text=t)) for t in ("@KMIDI KARAOKE FILE", "@V0100", "@LENGL", "@TAh vous dirai-je")]
    marked = ("\\Ah ", "vous ", "/di", "rai-", "je")
    words = [(0, meta("track_name", name="Words"))] + header + [(i * 480, meta("text", text=s))
                                                                for i, s in enumerate(marked)]
    tune = [(0, meta("track_name", name="Tune"))] + _events(0, (60, 60, 67, 67, 69), 480)
    path = tmp_path / "ah-vous.kar"
    path.write_bytes(_save(1, [(0, meta("set_tempo", tempo=500000))], words, tune))
    doc = main_window.document
    doc.load(MINE, None)
    assert main_window.files.import_tracks(path)
    assert [t.name for t in doc.song.tracks] == ["Mine", "Words", "Tune"]
    sung = ("Ah ", "vous ", "di", "rai-", "je")
    assert doc.song.tracks[2].texts == tuple(SongText(i * 480, LYRIC, s) for i, s in enumerate(sung))
    assert doc.song.tracks[1].texts == () and doc.song.texts == MINE.texts    # the "@" lines are that file's
    doc.undo_stack.undo()
    assert doc.song == MINE
