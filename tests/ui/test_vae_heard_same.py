"""The VAE studio's encode message counts the notes the VAE gives back by pitch, start and length: the VAE
plays a phrase back at one velocity, so a piano part whose chords are played softer than its tune had every
chord note counted as not heard. The shipped vae-poly, a piano part of chords under a tune (Pachelbel's
Canon, bars 1-2)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from musicstudio.core import Note, Song, Track
from musicstudio.generators.interface import BAR
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.midi_write import export_midi

Q = BAR // 4
CHORDS = [(50, 54, 57), (45, 49, 52), (47, 50, 54), (42, 45, 49)]
TUNE = [78, 76, 74, 73, 71, 69, 71, 73]
PIANO = tuple(sorted([Note(p, k * 2 * Q, 2 * Q, 70) for k, chord in enumerate(CHORDS) for p in chord]
                     + [Note(p, k * Q, Q, 96) for k, p in enumerate(TUNE)]))
POLY = [m for m in ModelRegistry().models() if m.name == "vae-poly"]
pytestmark = pytest.mark.skipif(not POLY, reason="the vae-poly model is not installed")


def test_notes_given_back_count_as_heard_whatever_their_velocity(qtbot, main_window, shipped_service, tmp_path):
    main_window.attach_generation(shipped_service, owned=False)
    main_window.generate_dock.show()
    assert main_window.generate.picker.select("vae-poly")
    path = tmp_path / "canon.mid"
    export_midi(Song((Track("Piano", 0, False, PIANO),)), path)
    assert main_window.files.open_file(path)
    main_window.roll.set_selection(list(main_window.document.song.tracks[0].notes))
    with qtbot.waitSignal(shipped_service.vae_finished, timeout=120_000):
        QTest.keyClick(main_window.roll.canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier |
                       Qt.KeyboardModifier.AltModifier)
    heard = main_window.generate.studio.sliders_page.heard
    by_place = sum((n.pitch, n.start, n.duration) in {(h.pitch, h.start, h.duration) for h in heard} for n in PIANO)
    exactly = len(set(heard) & set(PIANO))            # velocity too: only the notes played at the VAE's one velocity
    assert by_place > exactly
    assert f"({by_place} of {len(PIANO)} notes the same)" in main_window.generate.status.text()
