"""Generate ▸ Harmonize… and Add a part… offscreen (issue 19): select a melody, Harmonize, Keep: three new
tracks (alto, tenor, bass, each with an instrument) right after the melody, over the selected bars; one undo
takes them all back. Add a part writes one track in the asked register; Discard leaves the song alone."""

import os

import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from musicstudio.core import Note, Song, Track
from musicstudio.io.midi_write import export_midi
from musicstudio.workers.generation import GenerationService

BAR = 1920
TUNE = tuple(Note(67 + (0, 2, 4, 5, 7, 5, 4, 2)[i % 8], i * 480, 480, 90) for i in range(48))   # 12 bars
BASS = tuple(Note(43 + (0, 5, 7, 0)[i % 4], i * BAR, BAR, 80) for i in range(12))


@pytest.fixture(scope="module")
def service(tiny_harmonizer):
    service = GenerationService([tiny_harmonizer.parent])
    yield service
    assert service.shutdown(10_000)


@pytest.fixture
def studio(main_window, service, tmp_path):
    main_window.attach_generation(service, owned=False)
    path = tmp_path / "song.mid"
    export_midi(Song((Track("Tune", 73, False, TUNE), Track("Bass", 32, False, BASS))), path)
    assert main_window.files.open_file(path)
    return main_window


def _action(window, text):
    return next(a for a in window.generate_menu.actions() if a.text() == text)


def _button(tools, text):
    return next(b for b in tools.dialog.findChildren(QPushButton) if b.text() == text)


def test_harmonize_a_selection_keep_three_tracks_one_undo_removes_them(qtbot, studio):
    document, tools = studio.document, studio.harmonize_tools
    before = document.song
    studio.roll.set_track(0)
    studio.roll.set_selection([n for n in TUNE if 4 * BAR <= n.start < 8 * BAR])      # bars 5-8
    action = _action(studio, "&Harmonize…")
    assert action.shortcut().toString() == "Ctrl+Alt+H" and action.toolTip()
    action.trigger()
    assert tools.pending is not None and tools.dialog.isVisible()
    assert "bars 5-8" in tools.dialog.findChild(QLabel).text()
    _grab(studio, tools)
    _button(tools, "&Keep").click()
    song = document.song
    assert [t.name for t in song.tracks] == ["Tune", "Alto (harmonizer-tiny)", "Tenor (harmonizer-tiny)",
                                             "Bass (harmonizer-tiny)", "Bass"]
    for track in song.tracks[1:4]:
        assert track.program == 52 and not track.is_drum and track.notes
        assert all(4 * BAR <= n.start and n.end <= 8 * BAR for n in track.notes)
    assert song.tracks[0] == before.tracks[0] and song.tracks[4] == before.tracks[1]
    assert tools.dialog is None and "Undo" in studio.statusBar().currentMessage()
    document.undo_stack.undo()
    assert document.song == before


def test_add_a_part_in_a_register_and_discard_leaves_the_song(qtbot, studio):
    document, tools = studio.document, studio.harmonize_tools
    before = document.song
    assert tools.add_part("tenor", (50, 57))
    (track,) = tools.pending.tracks
    assert track.notes and all(50 <= n.pitch <= 57 for n in track.notes)
    _button(tools, "&Discard").click()
    assert document.song == before and tools.pending is None
    assert tools.add_part("bass", (36, 48)) and tools.keep()
    assert len(document.song.tracks) == 3 and document.song.tracks[-1].program == 32
    document.undo_stack.undo()
    assert document.song == before


def test_a_drum_track_is_refused_in_the_status_bar(qtbot, main_window, service, tmp_path):
    main_window.attach_generation(service, owned=False)
    path = tmp_path / "drums.mid"
    export_midi(Song((Track("Drums", 0, True, tuple(Note(36, i * 480, 120, 100) for i in range(16))),)), path)
    assert main_window.files.open_file(path)
    assert not main_window.harmonize_tools.harmonize()
    assert "drum track" in main_window.statusBar().currentMessage()
    assert main_window.harmonize_tools.pending is None


def _grab(window, tools) -> None:
    """Pictures of the window and the result dialog where MUSICSTUDIO_SCREENSHOTS names a folder."""
    folder = os.environ.get("MUSICSTUDIO_SCREENSHOTS")
    if folder:
        window.resize(1280, 800)
        window.grab().save(os.path.join(folder, "harmonize_window.png"))
        tools.dialog.grab().save(os.path.join(folder, "harmonize_dialog.png"))


def test_the_shipped_model_harmonizes_the_old_hundredth_in_voices_ranges(qtbot, main_window, tmp_path):
    """Harmonize… with the shipped harmonizer-nc on a whole tune (no selection): three voices, each inside its
    range in Bach's chorales, over the tune's 12 bars. ``MUSICSTUDIO_SCREENSHOTS=docs/screenshots`` writes
    docs/screenshots/harmonize.png from this test."""
    from musicstudio.generators.harmonizer.tunes import old_hundredth_song
    from musicstudio.resources import models_path

    if not (models_path() / "harmonizer-nc" / "config.json").exists():
        pytest.skip("harmonizer-nc is not installed")
    service = GenerationService([models_path() / "harmonizer-nc"])
    try:
        main_window.attach_generation(service, owned=False)
        path = tmp_path / "old100.mid"
        export_midi(old_hundredth_song(), path)
        assert main_window.files.open_file(path)
        assert main_window.harmonize_tools.harmonize() and main_window.harmonize_tools.keep()
        song = main_window.document.song
        assert len(song.tracks) == 4
        for track, (low, high) in zip(song.tracks[1:], ((55, 73), (50, 67), (38, 62))):
            assert track.notes and all(low <= n.pitch <= high and n.end <= 12 * BAR for n in track.notes)
        folder = os.environ.get("MUSICSTUDIO_SCREENSHOTS")
        if folder:
            main_window.resize(1280, 800)
            main_window.roll.set_track(0)
            qtbot.wait(50)
            main_window.grab().save(os.path.join(folder, "harmonize.png"))
    finally:
        assert service.shutdown(10_000)
