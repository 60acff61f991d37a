"""Keeping a take never deletes a track's controllers (issue 20): whichever way a take is placed (regenerated
bars, a continuation, a new track, voice by voice in every track), the pedal, bends and other events of the
song's tracks stay as they were, before, inside and after the replaced span, and undo gives back the song."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import SUSTAIN, Control, SongText, controller, pitch_bend
from musicstudio.generators.interface import BAR, Take
from musicstudio.io.project import Project, save_project
from musicstudio.workers.generation import GenerationService
from musicstudio.workers.generation_job import GenerationResult

QUARTER = BAR // 4
MELODY = tuple(Note(60 + (i % 8), i * QUARTER, QUARTER, 80) for i in range(16))   # four bars
BASS = tuple(Note(36 + (i % 4), i * BAR // 2, BAR // 2, 70) for i in range(8))
# Events before, inside and after bar 3 ([2 BAR, 3 BAR)), the span a regeneration replaces.
PIANO_EVENTS = (controller(0, 101, 0), controller(0, 100, 0), controller(0, 6, 12), controller(0, SUSTAIN, 127),
                pitch_bend(BAR, 3000), controller(2 * BAR, SUSTAIN, 0), controller(2 * BAR + 10, SUSTAIN, 127),
                pitch_bend(2 * BAR + QUARTER, -8192), Control(2 * BAR + QUARTER, "poly", 62, 40),
                controller(3 * BAR, SUSTAIN, 0), Control(3 * BAR, "program", 0, 4), controller(4 * BAR, 7, 90))
BASS_EVENTS = (controller(0, 7, 100), Control(2 * BAR + 5, "pressure", 0, 60), pitch_bend(3 * BAR, 100))


def song() -> Song:
    return Song((Track("Piano", 0, False, MELODY, controls=PIANO_EVENTS, channel=0),
                 Track("Bass", 32, False, BASS, controls=BASS_EVENTS, channel=1)),
                title="Pedalled", texts=(SongText(2 * BAR, "marker", "Bridge"),))


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """One generation process for the module, with no model: the takes are offered by hand."""
    service = GenerationService([tmp_path_factory.mktemp("no-models")])
    yield service
    assert service.shutdown(10_000)


@pytest.fixture
def window(main_window, service, tmp_path):
    """The main window with its Generate panel and the song open."""
    main_window.attach_generation(service, owned=False)
    path = tmp_path / "pedalled.msproj"
    save_project(Project(song()), path)
    assert main_window.files.open_file(path)
    assert main_window.document.song == song()
    return main_window


def keep(window, plan, notes) -> None:
    """Offer one take of ``notes`` (counted from where the plan puts it) and keep it with Enter."""
    take = Take(tuple(notes), BAR, "hand", "hand", {"bars": 1})
    panel = window.generate
    panel.show_takes([take], plan, "hand", GenerationResult([take], "cpu", 0.0), "One take.")
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_Return)


def assert_events_kept_and_undone(window, before: Song) -> None:
    after = window.document.song
    assert [t.controls for t in after.tracks[:2]] == [PIANO_EVENTS, BASS_EVENTS]
    assert [t.channel for t in after.tracks[:2]] == [0, 1] and after.texts == before.texts
    window.document.undo_stack.undo()
    assert window.document.song == before
    window.document.undo_stack.redo()
    assert window.document.song == after


def test_regenerated_bars_keep_the_controllers_inside_and_around_them(window):
    before, panel = window.document.song, window.generate
    window.roll.set_loop((2 * BAR, 3 * BAR))
    panel.set_source("bars")
    panel.set_mode("regenerate")
    plan = panel.current_plan()
    assert plan.mode == "regenerate" and plan.at == 2 * BAR and plan.end == 3 * BAR
    keep(window, plan, [Note(72, 0, BAR, 90)])
    piano = window.document.song.tracks[0]
    assert [n for n in piano.notes if 2 * BAR <= n.start < 3 * BAR] == [Note(72, 2 * BAR, BAR, 90)]
    assert [n for n in piano.notes if not 2 * BAR <= n.start < 3 * BAR] == [
        n for n in MELODY if not 2 * BAR <= n.start < 3 * BAR]
    assert_events_kept_and_undone(window, before)


def test_a_continuation_keeps_the_controllers(window):
    before, panel = window.document.song, window.generate
    panel.set_source("track")
    panel.set_mode("continue")
    plan = panel.current_plan()
    keep(window, plan, [Note(67, 0, QUARTER, 80), Note(69, QUARTER, QUARTER, 80)])
    assert len(window.document.song.tracks[0].notes) == len(MELODY) + 2
    assert_events_kept_and_undone(window, before)


def test_a_take_in_a_new_track_leaves_the_others_whole(window):
    before, panel = window.document.song, window.generate
    panel.set_source("track")
    panel.set_mode("new track")
    keep(window, panel.current_plan(), [Note(67, 0, QUARTER, 80)])
    tracks = window.document.song.tracks
    assert len(tracks) == 3 and tracks[2].controls == () and tracks[2].channel is None
    assert_events_kept_and_undone(window, before)


def test_a_chordal_take_dealt_out_voice_by_voice_keeps_each_tracks_controllers(window):
    before, panel = window.document.song, window.generate
    panel.set_source("every track")
    panel.set_mode("continue")
    plan = panel.current_plan()
    assert len(plan.lines) == 2
    keep(window, plan, [Note(40, 0, BAR, 80), Note(64, 0, BAR, 80)])
    piano, bass = window.document.song.tracks
    assert len(piano.notes) == len(MELODY) + 1 and len(bass.notes) == len(BASS) + 1
    assert_events_kept_and_undone(window, before)
