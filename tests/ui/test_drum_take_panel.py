"""Issue 22 in the app: a drum track seeds the shipped drums model like any other track; the take is kept
on the drum track (channel 10, GM numbers) and undone as usual; the Takes list counts its hits and names its
drums."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from musicstudio.core import Note, Song, Track
from musicstudio.core.meter import TimeSignature
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.midi_write import export_midi
from musicstudio.workers.generation import GenerationService

WALTZ = {36: "x...........", 38: "....x...x...", 42: "x.x.x.x.x.x."}
DRUMS = [m for m in ModelRegistry().models() if m.name == "drums"]


@pytest.fixture(scope="module")
def service():
    service = GenerationService()
    yield service
    assert service.shutdown(10_000)


@pytest.mark.skipif(not DRUMS, reason="the drums model is not installed")
def test_a_waltz_drum_track_continues_is_kept_on_the_drum_track_and_undone(qtbot, main_window, service, tmp_path):
    main_window.attach_generation(service, owned=False)
    main_window.generate_dock.show()
    panel, document = main_window.generate, main_window.document
    groove = tuple(sorted((Note(p, (b * 12 + s) * 120, 120, 90) for b in range(4) for p, hits in WALTZ.items()
                           for s, c in enumerate(hits) if c == "x"), key=lambda n: (n.start, n.pitch)))
    bass = tuple(Note(36 + 7 * (i % 2), i * 1440, 1440, 80) for i in range(4))
    path = tmp_path / "waltz.mid"
    export_midi(Song((Track("Bass", 33, False, bass), Track("Kit", 0, True, groove)),
                     time_signatures=(TimeSignature(0, 3, 4),)), path)
    assert main_window.files.open_file(path)
    seed_song = document.song
    assert panel.picker.select("drums")
    panel.set_source("track")
    panel.set_mode("continue")
    main_window.roll.set_track(1)
    panel.params.variations.setValue(2)
    panel.params.bars.setValue(2)
    with qtbot.waitSignal(panel.takes_ready, timeout=120_000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    takes = panel.take_box.list.takes
    assert len(takes) == 2 and all(t.length == 2 * 1440 for t in takes)
    first = panel.take_box.list.item(0)        # listed by hits, each drum named as the drum map names it
    assert first.text() == f"1  {len(takes[0].notes)} hits" and "Hi-Hat" in first.toolTip()
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_Return)          # keep the first take
    kit = document.song.tracks[1]
    added = sorted(set(kit.notes) - set(seed_song.tracks[1].notes))
    assert kit.is_drum and added and all(4 * 1440 <= n.start < 6 * 1440 and 35 <= n.pitch <= 81 for n in added)
    assert document.song.tracks[0] == seed_song.tracks[0]
    document.undo_stack.undo()
    assert document.song == seed_song
