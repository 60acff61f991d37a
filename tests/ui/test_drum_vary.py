"""Generate ▸ Vary drums… offscreen (issue 22, Vary in the app): a drum track's groove (all of it, or its selected
bars) comes back from the shipped drums model as takes in the Generate panel's Takes box, shown on the roll's
General MIDI drum map; Enter keeps one in place of those bars on the drum track (channel 10) and one undo takes
it back; a pitched track is refused before anything runs. ``MUSICSTUDIO_SCREENSHOTS=docs/screenshots`` writes
docs/screenshots/drum-vary.png from the first test."""

import os
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QDoubleSpinBox

from musicstudio.core import Note, Song, Track
from musicstudio.core.meter import TimeSignature
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.midi_write import export_midi
from musicstudio.ui.generate import drum_vary
from musicstudio.ui.help import shortcut_rows
from musicstudio.workers.background_job import BackgroundJob
from musicstudio.workers.generation import GenerationService

BAR = 1920
ROCK = {36: "x.......x.x.....", 38: "....x.......x...", 42: "x.x.x.x.x.x.x.x."}
BASS = tuple(Note(36 + (0, 5, 7, 0)[b % 4], b * BAR + s * 120, 240, 96) for b in range(8) for s in (0, 8, 14))
DRUMS = [m for m in ModelRegistry().models() if m.name == "drums"]
pytestmark = pytest.mark.skipif(not DRUMS, reason="the drums model is not installed")


def groove(bars: int) -> tuple[Note, ...]:
    return tuple(sorted((Note(p, (b * 16 + s) * 120, 120, 100 if p != 42 else 70) for b in range(bars)
                         for p, hits in ROCK.items() for s, c in enumerate(hits) if c == "x"),
                        key=lambda n: (n.start, n.pitch)))


@pytest.fixture(scope="module")
def service():
    """The generation process behind the Generate panel (Vary itself runs in a thread of the app)."""
    started = GenerationService()
    yield started
    assert started.shutdown(30_000), "the generation process did not stop"


@pytest.fixture
def studio(main_window, service, tmp_path):
    """The window with a band of bass and an 8-bar rock groove on a drum track, the drum track current."""
    song = Song((Track("Bass", 33, False, BASS), Track("Kit", 0, True, groove(8))))
    export_midi(song, tmp_path / "band.mid")
    main_window.attach_generation(service, owned=False)
    assert main_window.files.open_file(tmp_path / "band.mid")
    main_window.roll.set_track(1)
    main_window.generate.params.variations.setValue(3)
    return main_window


def test_a_groove_varies_as_takes_kept_in_place_on_the_drum_track_and_undone(qtbot, studio):
    document, panel, tool = studio.document, studio.generate, studio.drum_vary_tool
    before = document.song
    action = next(a for a in studio.generate_menu.actions() if a.text() == "&Vary drums…")
    assert action.shortcut().toString() == "Ctrl+Alt+V" and action.toolTip()
    assert ("Generate", "Vary drums", "Ctrl+Alt+V") in shortcut_rows(studio)    # Help ▸ Keyboard shortcuts
    assert tool.vary({"amount": 0.5})
    takes = panel.take_box.list.takes
    assert len(takes) == 3 and all(t.length == 8 * BAR for t in takes)
    assert all(t.notes and all(35 <= n.pitch <= 81 for n in t.notes) for t in takes)
    assert any(set(t.notes) != set(before.tracks[1].notes) for t in takes)      # variations, not the groove
    assert studio.roll.is_drum_map() and studio.roll.track_index == 1
    lines = [panel.take_box.list.item(r) for r in range(3)]
    assert all(line.text().endswith(f"{len(t.notes)} hits") for t, line in zip(takes, lines))
    assert all("Kick" in line.toolTip() and "Closed Hi-Hat" in line.toolTip() for line in lines)   # GM names
    assert panel.picker.current.name == "drums"
    assert "3 variations of bars 1-8 (amount 0.5)" in panel.status.text()
    assert document.song == before                                              # nothing kept yet
    _grab(studio)
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_Return)                     # keep the first take
    kit = document.song.tracks[1]
    assert kit.is_drum and kit.channel == 9 and set(kit.notes) == set(takes[0].notes)
    assert document.song.tracks[0] == before.tracks[0] and len(document.song.tracks) == 2
    record = document.history[-1]
    assert record["options"] == {"mode": "vary", "amount": 0.5} and record["placement"]["mode"] == "regenerate"
    document.undo_stack.undo()
    assert document.song == before
    document.undo_stack.redo()
    assert set(document.song.tracks[1].notes) == set(takes[0].notes)


def test_the_selected_bars_vary_and_the_others_stay(qtbot, studio):
    document, panel, tool = studio.document, studio.generate, studio.drum_vary_tool
    before = document.song.tracks[1].notes
    studio.roll.set_selection([n for n in before if 2 * BAR <= n.start < 4 * BAR and n.pitch == 36])   # bars 3-4
    seen = {}

    def answer():
        amount, bars = tool.dialog.findChild(QDoubleSpinBox), tool.dialog.findChild(QComboBox)
        seen["bars"] = [bars.itemText(i) for i in range(bars.count())]
        seen["amount"] = (amount.value(), amount.minimum(), amount.maximum())
        amount.setValue(0.75)
        tool.dialog.findChild(QDialogButtonBox).accepted.emit()
    QTimer.singleShot(0, answer)
    assert tool.vary()
    assert seen["bars"] == ["The selection, bars 3-4", "The whole track, bars 1-8"]
    assert seen["amount"] == (0.5, 0.05, 1.0)
    takes = panel.take_box.list.takes
    assert all(t.length == 2 * BAR for t in takes) and tool.amount == 0.75
    assert panel.take_box.keep()
    kit = document.song.tracks[1].notes
    outside = [n for n in before if not 2 * BAR <= n.start < 4 * BAR]
    assert [n for n in kit if not 2 * BAR <= n.start < 4 * BAR] == outside
    assert {n for n in kit if 2 * BAR <= n.start < 4 * BAR} == {n.moved_by(2 * BAR) for n in takes[0].notes}
    document.undo_stack.undo()
    assert document.song.tracks[1].notes == before


def test_a_waltz_varies_in_its_meter(qtbot, studio, tmp_path):
    waltz = {36: "x...........", 38: "....x...x...", 42: "x.x.x.x.x.x."}
    kit = tuple(Note(p, (b * 12 + s) * 120, 120, 90) for b in range(4) for p, hits in waltz.items()
                for s, c in enumerate(hits) if c == "x")
    export_midi(Song((Track("Kit", 0, True, kit),), time_signatures=(TimeSignature(0, 3, 4),)), tmp_path / "w.mid")
    assert studio.files.open_file(tmp_path / "w.mid")
    studio.roll.set_track(0)
    assert studio.drum_vary_tool.vary({"amount": 0.5})
    takes = studio.generate.take_box.list.takes
    assert takes and all(t.length == 4 * 1440 and tuple(t.request["meter"]) == (3, 4) for t in takes)
    assert all(n.start < 4 * 1440 for t in takes for n in t.notes)


def test_a_swung_groove_is_varied_straight_and_its_takes_swung_back(qtbot, studio, tmp_path):
    shuffle = tuple(Note(p, b * BAR + beat * 480 + off, 100, 90) for b in range(4) for beat in range(4)
                    for p, off in ((42, 0), (42, 320), *(((36, 0),) if beat % 2 == 0 else ((38, 0),))))
    export_midi(Song((Track("Kit", 0, True, shuffle),)), tmp_path / "shuffle.mid")
    assert studio.files.open_file(tmp_path / "shuffle.mid")
    studio.roll.set_track(0)
    assert studio.drum_vary_tool.vary({"amount": 0.25})
    takes = studio.generate.take_box.list.takes
    assert all(t.request["feel"]["straightened"] == pytest.approx(2 / 3, abs=0.01) for t in takes)
    places = [n.start % 480 for t in takes for n in t.notes]
    assert places.count(320) > 10 * places.count(240)        # the off-beat 8ths late, as the groove's


def test_a_pitched_track_is_refused_before_anything_runs(qtbot, studio, monkeypatch):
    def no_job(*_):
        raise AssertionError("the model ran")
    monkeypatch.setattr("musicstudio.workers.drum_vary.drum_vary_job", no_job)
    studio.roll.set_track(0)
    before = studio.document.song
    assert not studio.drum_vary_tool.vary()                 # no dialog either: refused first
    said = studio.generate.status.text()
    assert "track 1 (Bass) holds pitched notes" in said and "pick track 2 (Kit)" in said
    assert said in studio.statusBar().currentMessage()
    assert not studio.generate.take_box.list.takes and studio.document.song == before


def test_cancel_stops_it_and_leaves_no_takes(qtbot, studio, monkeypatch):
    def waits(say):
        say("Varying the groove… 0%")
        while True:
            time.sleep(0.01)     # a model that would run for ever, stopped by Cancel (the progress dialog's)
    jobs = []

    def job(*_):
        jobs.append(BackgroundJob(waits, name="vary drums"))
        QTimer.singleShot(200, lambda: jobs[0].cancel())
        return jobs[0]
    monkeypatch.setattr("musicstudio.workers.drum_vary.drum_vary_job", job)
    before = studio.document.song
    assert not studio.drum_vary_tool.vary({"amount": 0.5})
    assert jobs and studio.generate.status.text() == "Vary drums: cancelled"
    assert not studio.generate.take_box.list.takes and studio.document.song == before


def test_an_amount_outside_its_range_is_refused(qtbot, studio):
    assert not studio.drum_vary_tool.vary({"amount": 0.0})
    assert "the amount goes from 0.05 to 1" in studio.generate.status.text()
    assert not studio.generate.take_box.list.takes


def test_the_default_amount_is_the_generators():
    from musicstudio.generators.drums.generator import VARY_AMOUNT
    assert drum_vary.DEFAULT_AMOUNT == VARY_AMOUNT


def _grab(window) -> None:
    folder = os.environ.get("MUSICSTUDIO_SCREENSHOTS")
    if folder:
        window.resize(1280, 800)
        window.grab().save(os.path.join(folder, "drum-vary.png"))
