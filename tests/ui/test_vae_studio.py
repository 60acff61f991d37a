"""The VAE studio end to end, offscreen, on a tiny VAE trained for the module: encode a selection (the
sliders show its position), move the note-density slider (the phrase gets denser or sparser), drag
(coalesced to the latest value, auditioned on release), reset, keep as one undo step; interpolate between
two selections or two takes (the requested number of phrases, as takes or end to end); mix four phrases
on the pad; and a model that is not a VAE disables the studio with a hint."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from musicstudio.core import Note, Song, Track
from musicstudio.core.clip import Clip
from musicstudio.generators.interface import BAR
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.midi_write import export_midi
from musicstudio.resources import models_path
from musicstudio.ui.generate.latent_sliders import SCALE
from musicstudio.workers.generation import GenerationService

E, Q = BAR // 8, BAR // 4
# two bars of a folk-like tune: the tiny VAE hears it well enough that note density moves it both ways
PHRASE_A = (Note(67, 0, Q, 90), Note(67, Q, E, 90), Note(69, Q + E, E, 90), Note(71, 2 * Q, Q, 90),
            Note(72, 3 * Q, Q, 90), Note(74, 4 * Q, E, 90), Note(72, 4 * Q + E, E, 90), Note(71, 5 * Q, E, 90),
            Note(69, 5 * Q + E, E, 90), Note(67, 6 * Q, 2 * Q, 90))
PHRASE_B = tuple(Note(p, 2 * BAR + i * E, E, 80) for i, p in enumerate([60, 62, 64, 65, 67, 69, 67, 65,
                                                                         64, 62, 60, 62, 64, 65, 67, 67]))
MARKOV = models_path() / "markov-melody"


@pytest.fixture(scope="module")
def vae_models(tiny_vae_models):
    return tiny_vae_models


@pytest.fixture(scope="module")
def vae(vae_models):
    """The same model in the test's process, to check what the studio shows."""
    return ModelRegistry([vae_models]).load("vae-tiny", "cpu")


@pytest.fixture(scope="module")
def service(vae_models):
    folders = [vae_models] + ([MARKOV] if (MARKOV / "config.json").exists() else [])
    service = GenerationService(folders)
    yield service
    assert service.shutdown(10_000)


@pytest.fixture
def studio(main_window, service, tmp_path):
    main_window.attach_generation(service, owned=False)
    main_window.generate_dock.show()
    panel = main_window.generate
    assert panel.picker.select("vae-tiny")
    path = tmp_path / "seed.mid"
    export_midi(Song((Track("Melody", 0, False, PHRASE_A + PHRASE_B),)), path)
    assert main_window.files.open_file(path)
    return main_window


def select_bars(window, first: int, last: int) -> list:
    notes = [n for n in window.document.song.tracks[0].notes if (first - 1) * BAR <= n.start < last * BAR]
    window.roll.set_selection(notes)
    return notes


def encode(qtbot, window, first=1, last=2):
    select_bars(window, first, last)
    with qtbot.waitSignal(window.generate.service.vae_finished, timeout=120_000):
        QTest.keyClick(window.roll.canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier |
                       Qt.KeyboardModifier.AltModifier)
    return window.generate.studio


def move(qtbot, studio, name, value):
    with qtbot.waitSignal(studio.service.vae_finished, timeout=20_000):
        studio.sliders.set_value(name, value)
    qtbot.waitUntil(lambda: studio.job is None, timeout=20_000)
    return studio.sliders_page.current


def test_encode_selection_shows_where_the_phrase_sits(qtbot, studio, vae):
    panel = studio.generate
    stud = encode(qtbot, studio)
    page = stud.sliders_page
    assert panel.pages.currentWidget() is page and page.phrase.label == "10 notes in bars 1-2 of Melody"
    clip = Clip(PHRASE_A, 2 * BAR)
    expected = vae.sliders_for(clip)
    assert page.sliders.names == vae.slider_names and "note_density" in page.sliders.names
    for name, value in expected.items():
        assert page.sliders.sliders[name].home == pytest.approx(value, abs=1e-4)
        assert page.sliders.sliders[name].value() == round(value * SCALE)
    assert page.heard == vae.move_sliders(clip, {})                     # how the VAE hears it
    assert studio.roll.preview == list(page.heard)
    assert "Encoded 10 notes in bars 1-2" in panel.status.text()
    assert stud.sliders_page.keep_button.isEnabled() and stud.sliders_page.sliders.isEnabled()


def test_moving_the_note_density_slider_moves_the_phrase_that_way(qtbot, studio, vae):
    stud = encode(qtbot, studio)
    home = stud.sliders_page.sliders.sliders["note_density"].home
    denser = move(qtbot, stud, "note_density", home + 2.0)
    assert studio.roll.preview == list(denser)
    sparser = move(qtbot, stud, "note_density", home - 2.0)
    # the tiny model saturates going up (the phrase already has 8 of its 10 notes); the direction must hold
    heard = stud.sliders_page.heard
    assert len(sparser) < len(heard) <= len(denser), (len(sparser), len(heard), len(denser))
    assert len(sparser) < len(denser)
    assert stud.sliders_page.sliders.moved() == {"note_density": pytest.approx(home - 2.0, abs=0.01)}
    # the studio's phrase is the API's move_sliders on this 2-bar phrase
    assert sparser == vae.move_sliders(Clip(PHRASE_A, 2 * BAR), {"note_density": round(home - 2.0, 2)})
    assert "(-2.0" in stud.sliders_page.sliders.values_shown["note_density"].text() or \
        "(-1.99)" in stud.sliders_page.sliders.values_shown["note_density"].text()
    assert studio.document.undo_stack.count() == 0                         # nothing kept yet


def test_a_drag_decodes_the_latest_value_and_auditions_on_release(qtbot, studio, monkeypatch):
    stud = encode(qtbot, studio)
    played, sent = [], []
    monkeypatch.setattr(studio.playback, "play", lambda tick, count_in_bars=0: played.append(tick) or True)
    submit = stud.service.submit_vae
    monkeypatch.setattr(stud.service, "submit_vae", lambda job: sent.append(job.op) or submit(job))
    slider = stud.sliders_page.sliders.sliders["note_density"]
    home = slider.value()
    slider.setSliderDown(True)
    for step in range(1, 21):                  # 20 moves before the process can answer one
        slider.setValue(home + 10 * step)
    slider.setSliderDown(False)                # released: heard once the latest value is decoded
    assert played == []
    qtbot.waitUntil(lambda: stud.job is None and stud.sliders_page.wanted is None and bool(played), timeout=20_000)
    assert len(sent) == 2                                          # the first move, then the latest
    assert sent[-1].values == {"note_density": pytest.approx((home + 200) / SCALE)}
    assert played == [0]                                           # a bar before the phrase (bar 1: from 0)
    heard = stud.panel.audition_player.song.tracks[0].notes             # the song with the moved phrase
    assert set(heard) == set(PHRASE_B) | set(studio.roll.preview) == set(PHRASE_B) | set(stud.sliders_page.current)
    assert set(studio.document.song.tracks[0].notes) == set(PHRASE_A + PHRASE_B)   # the song is unchanged


def test_reset_space_and_enter_keep_as_one_undo_step(qtbot, studio, monkeypatch):
    document = studio.document
    song = document.song
    stud = encode(qtbot, studio)
    slider = stud.sliders_page.sliders.sliders["note_density"]
    home = slider.home
    move(qtbot, stud, "note_density", home + 2.0)
    QTest.keyClick(slider, Qt.Key.Key_Escape)                         # reset
    page = stud.sliders_page
    assert slider.value() == round(home * SCALE) and page.current == page.heard and page.sliders.moved() == {}
    denser = move(qtbot, stud, "note_density", home + 2.0)
    played = []
    monkeypatch.setattr(studio.playback, "play", lambda tick, count_in_bars=0: played.append(tick) or True)
    slider.setFocus()
    QTest.keyClick(slider, Qt.Key.Key_Space)                          # audition
    assert played == [0] and document.song == song
    with qtbot.waitSignal(stud.service.vae_finished, timeout=20_000):  # it encodes the kept phrase again
        QTest.keyClick(slider, Qt.Key.Key_Return)                     # keep
    track = document.song.tracks[0].notes
    assert {n for n in track if n.start < 2 * BAR} == set(denser)
    assert {n for n in track if n.start >= 2 * BAR} == set(PHRASE_B)
    assert document.undo_stack.count() == 1 and document.undo_stack.undoText() == "Keep VAE phrase"
    record = document.history[0]
    assert record["backend"] == "vae" and record["model"] == "vae-tiny" and record["operation"] == "sliders"
    assert record["values"] == {"note_density": pytest.approx(home + 2.0, abs=0.01)}
    assert record["placement"] == {"mode": "regenerate", "track": 0, "at": 0, "end": 2 * BAR, "lines": []}
    assert set(stud.sliders_page.phrase.replaced) == set(denser)                   # the kept phrase, encoded again
    document.undo_stack.undo()
    assert document.song == song and document.history == ()
    document.undo_stack.redo()
    assert {n for n in document.song.tracks[0].notes if n.start < 2 * BAR} == set(denser)


def set_ab(qtbot, window, a_bars, b_bars):
    for key, (first, last) in ((Qt.Key.Key_A, a_bars), (Qt.Key.Key_B, b_bars)):
        select_bars(window, first, last)
        QTest.keyClick(window.roll.canvas, key, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)


def test_interpolation_gives_the_requested_phrases_between_a_and_b_as_takes(qtbot, studio, vae):
    panel, document = studio.generate, studio.document
    song = document.song
    stud = panel.studio
    set_ab(qtbot, studio, (1, 2), (3, 4))
    assert panel.pages.currentWidget() is stud.blend_page
    assert stud.a.label == "10 notes in bars 1-2 of Melody" and stud.b.label == "16 notes in bars 3-4 of Melody"
    stud.blend_page.between.setValue(3)
    stud.blend_page.ends.setChecked(False)
    stud.blend_page.layout_box.setCurrentIndex(stud.blend_page.layout_box.findData("takes"))
    with qtbot.waitSignal(panel.takes_ready, timeout=120_000):
        QTest.keyClick(studio.roll.canvas, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier |
                       Qt.KeyboardModifier.AltModifier)
    takes = panel.take_box.list.takes
    assert len(takes) == 3 and panel.take_box.list.count() == 3                 # the 3 phrases between A and B
    expected = vae.interpolate(Clip(PHRASE_A, 2 * BAR), Clip(tuple(n.moved_by(-2 * BAR) for n in PHRASE_B),
                                                               2 * BAR), 5)
    assert [t.notes for t in takes] == [tuple(n for n in p if n.start < 2 * BAR) for p in expected[1:4]]
    assert all(t.length == 2 * BAR and t.backend == "vae" for t in takes)
    assert panel.take_box.plan.at == 4 * BAR and panel.take_box.plan.mode == "continue"  # after the later phrase
    assert "3 phrases between A and B" in panel.status.text() and document.song == song
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_2)
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_Return)                      # keep the middle one
    assert {n for n in document.song.tracks[0].notes if n.start >= 4 * BAR} == \
        {n.moved_by(4 * BAR) for n in takes[1].notes}
    assert document.undo_stack.count() == 1 and document.history[0]["operation"] == "interpolate"
    assert document.history[0]["step"] == 2 and document.history[0]["between"] == 3
    document.undo_stack.undo()
    assert document.song == song


def test_interpolation_end_to_end_between_two_takes_in_a_new_track(qtbot, studio):
    panel, document = studio.generate, studio.document
    song = document.song
    stud = panel.studio
    panel.set_source("track")
    panel.params.variations.setValue(2)
    panel.params.bars.setValue(2)
    with qtbot.waitSignal(panel.takes_ready, timeout=120_000):
        panel.generate()
    take_button = {which: stud.corner_widgets[which][0][2] for which in "AB"}      # on the interpolate page
    for key, button in ((Qt.Key.Key_1, take_button["A"]), (Qt.Key.Key_2, take_button["B"])):
        QTest.keyClick(panel.take_box.list, key)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert stud.a.label.startswith("vae-tiny take 1") and stud.b.label.startswith("vae-tiny take 2")
    assert stud.a.start == 4 * BAR and stud.a.replaced == ()
    stud.blend_page.between.setValue(2)
    stud.blend_page.ends.setChecked(True)
    stud.blend_page.layout_box.setCurrentIndex(stud.blend_page.layout_box.findData("end to end"))
    stud.blend_page.place_box.setCurrentIndex(stud.blend_page.place_box.findData("new track"))
    with qtbot.waitSignal(panel.takes_ready, timeout=60_000):
        qtbot.mouseClick(stud.blend_page.interpolate_button, Qt.MouseButton.LeftButton)
    (take,) = panel.take_box.list.takes
    assert take.length == 4 * 2 * BAR                                 # A, 2 between, B: end to end
    assert panel.keep()
    tracks = document.song.tracks
    assert len(tracks) == 2 and tracks[0] == song.tracks[0] and tracks[1].name == "vae-tiny blend take 1"
    assert {n.start // (2 * BAR) for n in tracks[1].notes} <= {3, 4, 5, 6}   # after the takes, bars 7-14
    document.undo_stack.undo()
    assert document.song == song


def test_a_model_that_is_not_a_vae_disables_the_studio_with_a_hint(qtbot, studio):
    panel = studio.generate
    stud = panel.studio
    if not (MARKOV / "config.json").exists():
        pytest.skip("the shipped Markov melody model is not installed")
    assert panel.picker.select("markov-melody")
    assert "markov-melody is a markov model; the VAE studio needs a VAE" in stud.sliders_page.hint.text()
    assert stud.blend_page.hint.text() == stud.sliders_page.hint.text()
    assert "Pick vae-tiny" in stud.sliders_page.hint.text()
    assert not stud.sliders_page.encode_button.isEnabled() and not stud.blend_page.interpolate_button.isEnabled()
    assert not stud.sliders_page.sliders.names and not stud._shortcuts["encode"].isEnabled()
    select_bars(studio, 1, 2)
    assert not stud.encode_selection()
    assert panel.picker.select("vae-tiny")
    page = stud.sliders_page
    assert page.encode_button.isEnabled() and page.sliders.names and "Encode selection" in page.hint.text()


def test_nothing_selected_is_a_message(qtbot, studio):
    stud = studio.generate.studio
    studio.roll.set_selection([])
    assert not stud.encode_selection()
    assert "Nothing to encode: select the notes" in studio.generate.status.text()
    assert not stud.set_phrase("A", "take") and "there is no take" in studio.generate.status.text()


def test_arrow_keys_move_a_slider_and_the_phrase_is_heard_once_decoded(qtbot, studio, monkeypatch):
    stud = encode(qtbot, studio)
    played = []
    monkeypatch.setattr(studio.playback, "play", lambda tick, count_in_bars=0: played.append(tick) or True)
    slider = stud.sliders_page.sliders.sliders["note_density"]
    slider.setFocus()
    start = slider.value()
    for _ in range(3):
        QTest.keyClick(slider, Qt.Key.Key_PageDown)             # half a unit each
    assert slider.value() == start - 150
    qtbot.waitUntil(lambda: stud.job is None and stud.sliders_page.wanted is None and bool(played), timeout=20_000)
    assert stud.sliders_page.sliders.moved() == {"note_density": pytest.approx((start - 150) / SCALE)}
    assert studio.roll.preview == list(stud.sliders_page.current) and played[-1] == 0


# -- the pure parts -------------------------------------------------------------------------------------------
def test_a_waltzs_phrases_are_counted_in_2_bar_chunks_of_3_4():
    from musicstudio.core.meter import TimeSignature
    from musicstudio.ui.generate.vae_phrases import interpolation_length, phrase_from_selection

    bar = 3 * 480
    notes = tuple(Note(67, i * 480, 480, 90) for i in range(18))           # six bars of 3/4 in quarters
    song = Song((Track("Waltz", 0, False, notes),), time_signatures=(TimeSignature(0, 3, 4),))
    a = phrase_from_selection(song, 0, notes[:12])                          # bars 1-4
    b = phrase_from_selection(song, 0, notes[12:])                          # bars 5-6
    assert (a.bar, a.chunks, b.chunks) == (bar, 2, 1)
    assert interpolation_length(a, b) == 2 * bar      # the VAE's 2 bars of 3/4, not 2 bars of 4/4 (2.67 of 3/4)


def test_interpolation_takes_end_to_end_or_one_each_and_where_they_go():
    from musicstudio.ui.generate.vae_phrases import StudioPhrase, interpolation_plan, interpolation_takes

    a = StudioPhrase(0, 0, Clip(PHRASE_A, 2 * BAR), PHRASE_A, "A")
    b = StudioPhrase(1, 4 * BAR, Clip((), 1 * BAR), (), "B")             # one bar: phrases are cut to A's 2
    phrases = [(Note(60 + k, 0, 3 * BAR, 90), Note(70, 2 * BAR + 10, 10, 90)) for k in range(5)]
    (one,) = interpolation_takes(phrases, a, b, "m", "end to end", include_ends=True)
    assert one.length == 5 * 2 * BAR and [n.start for n in one.notes] == [k * 2 * BAR for k in range(5)]
    assert all(n.duration == 2 * BAR for n in one.notes)                  # cut at each phrase's end
    takes = interpolation_takes(phrases, a, b, "m", "takes", include_ends=False)
    assert [t.notes[0].pitch for t in takes] == [61, 62, 63] and [t.variation for t in takes] == [0, 1, 2]
    assert [t.request["step"] for t in takes] == [1, 2, 3] and takes[0].request["between"] == 3
    plan = interpolation_plan(a, b, "continue")
    assert (plan.track, plan.at, plan.mode) == (1, 5 * BAR, "continue")
    assert interpolation_plan(a, b, "new track").mode == "new track"
    with pytest.raises(ValueError):
        interpolation_takes(phrases, a, b, "m", "sideways", True)


def test_slider_names_come_from_the_config_and_a_checkpoint_without_them_has_none(tmp_path):
    import json
    import shutil
    from pathlib import Path

    from musicstudio.generators.registry import model_info

    folder = tmp_path / "vae"
    shutil.copytree(Path(__file__).resolve().parents[2] / "models" / "vae", folder)
    config = json.loads((folder / "config.json").read_text())
    assert model_info(folder).sliders == tuple(config["sliders"]) and "note_density" in config["sliders"]
    del config["sliders"]                                    # saved before training ended
    (folder / "config.json").write_text(json.dumps(config))
    assert model_info(folder).sliders == ()


def test_the_pad_mixes_four_phrases_and_the_phrase_at_the_dot_becomes_a_take(qtbot, studio, vae, monkeypatch):
    panel, document = studio.generate, studio.document
    song = document.song
    stud = panel.studio
    for which, bars in zip("ABCD", ((1, 2), (3, 4), (3, 4), (1, 2))):
        select_bars(studio, *bars)
        assert stud.set_phrase(which, "selection")
    pad = stud.pad_page.pad
    assert pad.isEnabled() and pad.filled == [True] * 4
    played = []
    monkeypatch.setattr(studio.playback, "play", lambda tick, count_in_bars=0: played.append(tick) or True)
    panel.set_page("pad")
    qtbot.waitExposed(pad)
    with qtbot.waitSignal(panel.takes_ready, timeout=60_000):            # drag to the top left, let go
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, pos=pad.point_of(0.5, 0.5).toPoint())
        QTest.mouseMove(pad, pad.point_of(0.2, 0.2).toPoint())
        QTest.mouseMove(pad, pad.point_of(0.0, 0.0).toPoint())
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=pad.point_of(0.0, 0.0).toPoint())
    (take,) = panel.take_box.list.takes
    a = Clip(PHRASE_A, 2 * BAR)
    assert take.notes == vae.move_sliders(a, {})                       # at corner A: A as the VAE hears it
    assert take.request["operation"] == "pad" and (take.request["x"], take.request["y"]) == (0.0, 0.0)
    assert panel.take_box.plan.at == 4 * BAR and played == [3 * BAR]           # after the latest corner, heard at once
    pad.setFocus()
    with qtbot.waitSignal(panel.takes_ready, timeout=20_000):          # nudge right: a mix of A and B
        QTest.keyClick(pad, Qt.Key.Key_Right)
    (nudged,) = panel.take_box.list.takes
    assert (pad.x, pad.y) == (0.05, 0.0) and nudged.request["x"] == 0.05
    QTest.keyClick(pad, Qt.Key.Key_Return)                             # keep
    assert document.undo_stack.count() == 1 and document.history[0]["operation"] == "pad"
    assert {n for n in document.song.tracks[0].notes if n.start >= 4 * BAR} == \
        {n.moved_by(4 * BAR) for n in nudged.notes}
    document.undo_stack.undo()
    assert document.song == song


def test_a_takes_ghost_notes_stay_when_the_model_box_leaves_the_vae(qtbot, studio):
    """The studio clears only the moved phrase it showed itself: a take's ghost notes on the roll (the
    model list arriving a few seconds after start-up used to wipe them) stay when the model is not a VAE."""
    if not (MARKOV / "config.json").exists():
        pytest.skip("the shipped Markov melody model is not installed")
    ghost = [Note(72, 4 * BAR, Q, 90)]
    studio.roll.set_preview(ghost)
    assert studio.generate.picker.select("markov-melody")
    assert studio.roll.preview == ghost


def test_the_studios_own_moved_phrase_goes_when_the_model_box_leaves_the_vae(qtbot, studio, vae):
    if not (MARKOV / "config.json").exists():
        pytest.skip("the shipped Markov melody model is not installed")
    page = encode(qtbot, studio).sliders_page
    assert studio.roll.preview and studio.roll.preview is page._shown
    assert studio.generate.picker.select("markov-melody")
    assert studio.roll.preview == []
