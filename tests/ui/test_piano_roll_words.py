"""The song's words in the piano roll: a lyric just under the note it is sung on (the lowest of a chord),
a lyric on a rest on the bottom line, markers along the top; the song's own lyrics too; free text and
copyright left out (a karaoke file's syllables, text events, shown); zoomed out, words that would run into
each other are left out; View ▸ Show lyrics and markers turns them off. Checked on where each word is placed
and on the pixels drawn."""

import mido
import pytest
from roll_driver import RollDriver

from musicstudio.core.controls import COPYRIGHT, LYRIC, MARKER, TEXT, SongText
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.io.midi_read import import_midi
from musicstudio.io.midi_write import export_midi
from musicstudio.ui.piano_roll.note_painter import note_rect
from musicstudio.ui.piano_roll.word_painter import placed_words

TUNE = (Note(67, 0, 480), Note(69, 480, 480), Note(64, 480, 480), Note(71, 960, 480), Note(72, 1920, 480))
WORDS = (SongText(0, LYRIC, "Twin"), SongText(480, LYRIC, "kle"), SongText(960, LYRIC, "lit"),
         SongText(1440, LYRIC, "(oh)"), SongText(1920, MARKER, "Chorus"), SongText(1920, LYRIC, "tle"),
         SongText(0, TEXT, "S:tune book"))


@pytest.fixture
def roll(main_window, qtbot):
    song = Song((Track("Voice", 53, False, TUNE, texts=WORDS), Track("Piano", 0, False, (Note(48, 0, 1920),))),
                texts=(SongText(2400, LYRIC, "star"), SongText(0, COPYRIGHT, "(c) someone")))
    main_window.document.load(song, None)
    driver = RollDriver(main_window, qtbot)
    driver.roll.geometry.row_height = 12.0
    driver.show(68)
    return driver


def placed(roll):
    canvas = roll.canvas
    g = roll.roll.geometry
    return {w.text: box for w, box in placed_words(canvas, g.tick_at(0), g.tick_at(canvas.width()) + 1)}


def test_lyrics_sit_under_their_notes_and_markers_along_the_top(roll):
    g, boxes = roll.roll.geometry, placed(roll)
    assert set(boxes) == {"Twin", "kle", "lit", "(oh)", "Chorus", "tle", "star"}   # no free text, no copyright
    for text, note in (("Twin", TUNE[0]), ("kle", TUNE[2]), ("lit", TUNE[3]), ("tle", TUNE[4])):
        under = note_rect(g, note)
        assert boxes[text].left() == pytest.approx(under.left())
        assert under.bottom() <= boxes[text].top() <= under.bottom() + 2, text    # kle: under the chord's E
    bottom = roll.canvas.height()
    for text in ("(oh)", "star"):                 # on a rest; the song's own lyric where the voice has no note
        assert bottom - 40 < boxes[text].top() < bottom - boxes[text].height() + 1
    assert boxes["Chorus"].top() < 3 and boxes["Chorus"].left() >= g.x_of(1920)


def test_words_that_would_collide_are_left_out_zoomed_out_and_the_view_menu_hides_them(roll):
    roll.roll.zoom(0.05, 0)
    boxes = placed(roll)
    assert "Twin" in boxes and len(boxes) < 7         # a bar is a few pixels: some words give way
    shown = list(boxes.values())
    assert not any(a.intersects(b) for i, a in enumerate(shown) for b in shown[i + 1:])
    roll.roll.zoom(20, 0)
    before = roll.canvas.grab().toImage()
    box = placed(roll)["Twin"].toRect()
    action = next(a for a in roll.window.view_menu.actions() if a.text() == "Show &lyrics and markers")
    action.trigger()
    assert placed(roll) == {} and not roll.roll.show_words
    after = roll.canvas.grab().toImage()
    centre = box.center()
    assert before.pixel(centre) != after.pixel(centre) or any(
        before.pixel(x, centre.y()) != after.pixel(x, centre.y()) for x in range(box.left(), box.right()))
    action.trigger()
    assert "Twin" in placed(roll)


def test_a_karaoke_files_syllables_show_as_lyrics_and_are_written_back_as_they_came(main_window, qtbot, tmp_path):
    """A .kar file spells its syllables as text events in a Words track ("\\" a verse, "/" a line, "@"
    header lines): they show as lyrics along the bottom line; saving the song writes the same text events
    back."""
    kar = mido.MidiFile(ticks_per_beat=480)
    words = mido.MidiTrack([mido.MetaMessage("text", text="@KMIDI KARAOKE FILE"),
                            mido.MetaMessage("text", text="@TTwinkle"),
                            mido.MetaMessage("text", text="\\Twin"), mido.MetaMessage("text", text="kle ", time=480),
                            mido.MetaMessage("text", text="/lit", time=480)])
    tune = mido.MidiTrack()
    for i, pitch in enumerate((60, 60, 67)):
        tune += [mido.Message("note_on", note=pitch, velocity=90, time=0 if i == 0 else 20),
                 mido.Message("note_off", note=pitch, time=460)]
    kar.tracks += [words, tune]
    path = tmp_path / "twinkle.kar"
    kar.save(path)
    song = import_midi(path).song
    main_window.document.load(song, None)
    roll = RollDriver(main_window, qtbot)
    roll.show(62)
    g, boxes = roll.roll.geometry, placed(roll)
    assert set(boxes) == {"Twin", "kle", "lit"}
    bottom = roll.canvas.height()         # the file's words, not a track's: along the bottom line, at their ticks
    assert all(bottom - 40 < box.top() and box.left() == pytest.approx(g.x_of(tick))
               for box, tick in ((boxes["Twin"], 0), (boxes["kle"], 480), (boxes["lit"], 960)))
    export_midi(song, tmp_path / "again.mid")
    again = [m.text for t in mido.MidiFile(tmp_path / "again.mid").tracks for m in t if m.type == "text"]
    assert again == ["@KMIDI KARAOKE FILE", "@TTwinkle", "\\Twin", "kle ", "/lit"]
