"""The VAE studio with a polyphonic VAE (vae-poly), offscreen, on the tiny model of ``tiny_poly_models``:
select two bars of chords, encode them (the sliders show the model's names: polyphony among them), move the
polyphony slider, and the moved phrase is chords again; kept, it replaces the chords as one undo step, a take
of the vae-poly family."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from musicstudio.core import Note, Song, Track
from musicstudio.core.clip import Clip
from musicstudio.generators.interface import BAR
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.midi_write import export_midi
from musicstudio.workers.generation import GenerationService

Q = BAR // 4
# two bars of block chords, one a beat, then a single line
CHORDS = tuple(Note(p, bar * BAR + beat * Q, Q, 80) for bar, chord in enumerate([(48, 52, 56), (53, 57, 61)])
               for beat in range(4) for p in chord)
LINE = tuple(Note(60 + 2 * i, 2 * BAR + i * Q, Q, 80) for i in range(8))


@pytest.fixture(scope="module")
def poly(tiny_poly_models):
    return ModelRegistry([tiny_poly_models]).load("vae-poly-tiny", "cpu")


@pytest.fixture(scope="module")
def service(tiny_poly_models):
    service = GenerationService([tiny_poly_models])
    yield service
    assert service.shutdown(10_000)


@pytest.fixture
def studio(main_window, service, tmp_path):
    main_window.attach_generation(service, owned=False)
    main_window.generate_dock.show()
    assert main_window.generate.picker.select("vae-poly-tiny")
    path = tmp_path / "chords.mid"
    export_midi(Song((Track("Piano", 0, False, CHORDS + LINE),)), path)
    assert main_window.files.open_file(path)
    return main_window


def chords_in(notes) -> int:
    starts = {}
    for n in notes:
        starts.setdefault(n.start, set()).add(n.pitch)
    return sum(len(p) >= 2 for p in starts.values())


def test_chords_selected_a_slider_moved_and_the_take_is_chords(qtbot, studio, poly):
    notes = [n for n in studio.document.song.tracks[0].notes if n.start < 2 * BAR]
    studio.roll.set_selection(notes)
    with qtbot.waitSignal(studio.generate.service.vae_finished, timeout=120_000):
        QTest.keyClick(studio.roll.canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier |
                       Qt.KeyboardModifier.AltModifier)
    stud = studio.generate.studio
    page = stud.sliders_page
    assert page.sliders.names == poly.slider_names and "polyphony" in page.sliders.names
    assert page.phrase.label == "24 notes in bars 1-2 of Piano"
    assert page.heard == poly.move_sliders(Clip(CHORDS, 2 * BAR), {})
    home = page.sliders.sliders["polyphony"].home
    with qtbot.waitSignal(stud.service.vae_finished, timeout=20_000):
        page.sliders.set_value("polyphony", home + 1.5)
    qtbot.waitUntil(lambda: stud.job is None, timeout=20_000)
    moved = page.current
    assert moved == poly.move_sliders(Clip(CHORDS, 2 * BAR), {"polyphony": round(home + 1.5, 2)})
    assert chords_in(moved) >= 2 and studio.roll.preview == list(moved)
    assert page._take(moved).backend == "vae-poly"
    assert page.keep()
    document = studio.document
    assert document.undo_stack.count() == 1
    kept = [n for n in document.song.tracks[0].notes if n.start < 2 * BAR]
    assert chords_in(kept) >= 2 and sorted(kept) == sorted(moved)
    assert [n for n in document.song.tracks[0].notes if n.start >= 2 * BAR] == list(LINE)   # the line stays
    document.undo_stack.undo()
    assert sorted(document.song.tracks[0].notes) == sorted(CHORDS + LINE)
