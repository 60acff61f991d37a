"""The Generate panel end to end, offscreen, for every installed backend: a MIDI seed is selected,
four takes are made in the background, flipped, one is kept, undone, redone, saved and reopened with its
generation record; and cancel, errors, audition and the other placements."""

import json
import shutil
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from musicstudio.core import Key, Note, Song, Track
from musicstudio.core.clip import Clip
from musicstudio.core.meter import TimeSignature
from musicstudio.core.scale import MODES, Scale
from musicstudio.generators.capabilities import DrumWriter
from musicstudio.generators.interface import BAR
from musicstudio.generators.registry import ModelRegistry
from musicstudio.io.midi_write import export_midi
from musicstudio.io.project import load_project
from musicstudio.ui.generate.model_picker import CardDialog
from musicstudio.ui.generate.record import placed_again, recorded_notes, request_from_record
from musicstudio.workers.generation import GenerationService

QUARTER = BAR // 4
SEED_MELODY = [Note(p, i * QUARTER, QUARTER, 88) for i, p in enumerate([60, 62, 64, 65, 67, 65, 64, 62])]


def installed_models() -> dict:
    """One model per installed backend: the one named like the backend, else the smallest."""
    chosen = {}
    for info in sorted(ModelRegistry().models(), key=lambda m: (m.name != m.backend, m.size_bytes)):
        chosen.setdefault(info.backend, info)
    return chosen


MODELS = installed_models()
# the melodic seed goes to every family that writes pitched notes (a drum model is given drum tracks only)
BACKENDS = sorted(b for b, m in MODELS.items() if not m.family.can(DrumWriter)) or \
    [pytest.param("none", marks=pytest.mark.skip(reason="no models installed"))]


@pytest.fixture(scope="module")
def registry():
    return ModelRegistry()


@pytest.fixture(scope="module")
def service():
    """One generation process for the module, so each model loads once."""
    service = GenerationService()
    yield service
    assert service.shutdown(10_000)


@pytest.fixture
def studio(main_window, service):
    main_window.attach_generation(service, owned=False)
    main_window.generate_dock.show()
    return main_window


def open_seed(window, tmp_path, notes=SEED_MELODY):
    path = tmp_path / "seed.mid"
    export_midi(Song((Track("Melody", 0, False, tuple(notes)),)), path)
    assert window.files.open_file(path)
    return window.document.song


def generate(qtbot, panel, model, variations=4, bars=2, timeout=120_000):
    assert panel.picker.select(model.name)
    panel.params.variations.setValue(variations)
    panel.params.bars.setValue(bars)
    with qtbot.waitSignal(panel.takes_ready, timeout=timeout):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    return panel.take_box.list.takes


@pytest.mark.parametrize("backend", BACKENDS)
def test_seed_generate_flip_keep_undo_redo_save_reopen(qtbot, studio, tmp_path, registry, backend):
    model = MODELS[backend]
    panel, roll, document = studio.generate, studio.roll, studio.document
    seed_song = open_seed(studio, tmp_path)
    QTest.keyClick(roll.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)   # select the seed
    assert len(roll.selection) == len(SEED_MELODY)
    panel.set_source("selection")
    panel.set_mode("continue")
    assert "Continues 8 notes in bars 1-2 from bar 3" in panel.seed_text.text()

    takes = generate(qtbot, panel, model, variations=4)
    assert len(takes) == 4 and panel.take_box.list.count() == 4
    assert all(t.backend == backend and t.model == model.name for t in takes)
    assert document.song == seed_song and not document.history            # nothing changes before a keep
    previews = []
    for key, row in ((Qt.Key.Key_2, 1), (Qt.Key.Key_4, 3), (Qt.Key.Key_3, 2)):
        QTest.keyClick(panel.take_box.list, key)
        assert panel.take_box.list.currentRow() == row
        previews.append(list(roll.preview))
        assert roll.preview == [n.moved_by(2 * BAR) for n in takes[row].notes]
    kept = takes[2]
    placed = tuple(n.moved_by(2 * BAR) for n in kept.notes)

    QTest.keyClick(panel.take_box.list, Qt.Key.Key_Return)                          # keep take 3
    assert panel.take_box.list.count() == 0 and roll.preview == []
    assert sorted(document.song.tracks[0].notes) == sorted(seed_song.tracks[0].notes + placed)
    assert len(document.history) == 1 and document.undo_stack.count() == 1
    record = document.history[0]
    assert (record["backend"], record["model"], record["variation"]) == (backend, model.name, 2)
    assert record["bars"] == 2 and record["variations"] == 4

    document.undo_stack.undo()
    assert document.song == seed_song and document.history == ()
    document.undo_stack.redo()
    assert sorted(document.song.tracks[0].notes) == sorted(seed_song.tracks[0].notes + placed)
    assert document.history == (record,)

    path = tmp_path / "kept.msproj"
    assert studio.files.save_to(path)
    assert studio.files.open_file(path)
    reopened = studio.document
    assert sorted(reopened.song.tracks[0].notes) == sorted(seed_song.tracks[0].notes + placed)
    assert reopened.history == (json.loads(json.dumps(record)),)
    assert load_project(path).history[0]["random_seed"] == record["random_seed"]

    # the record is enough to make the same take again
    saved = reopened.history[0]
    again = registry.load(saved["model"], saved["device"]).generate(request_from_record(saved))[saved["variation"]]
    assert placed_again(saved, again) == recorded_notes(saved) == placed


@pytest.fixture
def markov(registry):
    models = [m for m in registry.models() if m.backend == "markov"]
    if not models:
        pytest.skip("no Markov model is installed")
    return min(models, key=lambda m: m.size_bytes)


def test_cancel_returns_within_100_ms_and_leaves_the_song(qtbot, studio, tmp_path, markov):
    panel, document = studio.generate, studio.document
    song = open_seed(studio, tmp_path)
    panel.set_source("track")
    panel.picker.select(markov.name)
    generate(qtbot, panel, markov, variations=1, bars=1)    # the model is loaded now
    panel.discard()
    panel.params.variations.setValue(16)
    panel.params.bars.setValue(64)
    with qtbot.waitSignal(panel.service.progress, timeout=20_000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    assert panel.cancel_button.isEnabled()
    t = time.perf_counter()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    returned = time.perf_counter() - t
    qtbot.waitUntil(lambda: not panel.service.working, timeout=1000)
    stopped = time.perf_counter() - t
    assert returned < 0.1 and stopped < 0.1, (returned, stopped)
    assert not panel.cancel_button.isEnabled() and "Cancelled" in panel.status.text()
    assert panel.take_box.list.count() == 0 and document.song == song and document.undo_stack.count() == 0


def test_a_damaged_model_is_a_message_and_the_song_is_untouched(qtbot, main_window, tmp_path, markov):
    main_window.attach_generation(GenerationService())  # its own: the folder added stays with it
    studio = main_window
    broken = tmp_path / "models" / "broken"
    broken.mkdir(parents=True)
    config = json.loads((markov.folder / "config.json").read_text())
    config["name"] = "broken"
    config["model"]["order"] += 1     # sound files, but weights for another order: only loading shows it
    (broken / "config.json").write_text(json.dumps(config))
    shutil.copy(markov.folder / "weights.safetensors", broken / "weights.safetensors")
    panel, document = studio.generate, studio.document
    song = open_seed(studio, tmp_path)
    assert panel.picker.add_folder(str(tmp_path / "models")) == 1
    assert panel.picker.current.name == "broken"
    assert studio.settings.model_folders == [str(tmp_path / "models")]
    panel.set_source("track")
    with qtbot.waitSignal(panel.service.failed, timeout=20_000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    assert "Generation failed" in panel.status.text() and "weights.safetensors" in panel.status.text()
    assert document.song == song and document.undo_stack.count() == 0 and panel.take_box.list.count() == 0


def test_space_auditions_the_take_in_place_without_changing_the_song(qtbot, studio, tmp_path, markov, monkeypatch):
    panel, document, playback = studio.generate, studio.document, studio.playback
    song = open_seed(studio, tmp_path)
    panel.set_source("track")
    generate(qtbot, panel, markov, variations=2)
    played = []
    monkeypatch.setattr(playback, "play", lambda tick, count_in_bars=0: played.append(tick) or True)
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_Space)
    take = panel.take_box.list.current_take
    assert played == [BAR]                                  # a bar before the take, at bar 3
    heard = panel.audition_player.song
    assert sorted(heard.tracks[0].notes) == sorted(song.tracks[0].notes + panel.take_box.placed_notes())
    assert document.song == song
    assert panel.audition_player.active
    playback.position_changed.emit(2 * BAR + take.length)  # the take has played to its end
    assert not panel.audition_player.active and panel.audition_player.song is None


def test_regenerate_bars_replaces_them_as_one_undo_step(qtbot, studio, tmp_path, markov):
    panel, document, roll = studio.generate, studio.document, studio.roll
    notes = SEED_MELODY + [n.moved_by(2 * BAR) for n in SEED_MELODY]     # bars 1-2 and 3-4
    song = open_seed(studio, tmp_path, notes)
    roll.set_loop((2 * BAR, 3 * BAR))
    panel.set_source("bars")
    panel.set_mode("regenerate")
    assert "Regenerates 1 bars from bar 3" in panel.seed_text.text()
    assert not panel.params.bars.isEnabled()
    takes = generate(qtbot, panel, markov, variations=3, bars=4)
    assert all(t.length == BAR for t in takes)               # the span decides the length
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_Return)
    track = document.song.tracks[0].notes
    assert {n for n in track if 2 * BAR <= n.start < 3 * BAR} == set(panel.take_box.plan.placed(takes[0]))
    assert {n for n in track if not 2 * BAR <= n.start < 3 * BAR} == set(notes[:8] + notes[12:])
    assert document.history[0]["placement"] == {"mode": "regenerate", "track": 0, "at": 2 * BAR, "end": 3 * BAR,
                                                 "lines": []}
    document.undo_stack.undo()
    assert document.song == song


def test_a_take_can_go_into_a_new_track(qtbot, studio, tmp_path, markov):
    panel, document = studio.generate, studio.document
    song = open_seed(studio, tmp_path)
    panel.set_source("track")
    panel.set_mode("new track")
    generate(qtbot, panel, markov, variations=2)
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_2)
    assert panel.keep()
    tracks = document.song.tracks
    assert len(tracks) == 2 and tracks[0] == song.tracks[0]
    assert tracks[1].name == f"{markov.name} take 2" and document.history[0]["placement"]["track"] == 1
    document.undo_stack.undo()
    assert document.song == song and document.history == ()


def test_discard_and_nothing_to_seed(qtbot, studio, tmp_path, markov):
    panel, document = studio.generate, studio.document
    song = open_seed(studio, tmp_path)
    panel.set_source("selection")
    assert studio.roll.selection == []
    assert panel.generate() is None and "select the notes" in panel.status.text()
    panel.set_source("track")
    generate(qtbot, panel, markov, variations=2)
    QTest.keyClick(panel.take_box.list, Qt.Key.Key_Delete)
    assert panel.take_box.list.count() == 0 and studio.roll.preview == [] and document.song == song
    assert not panel.take_box.keep_button.isEnabled()


def test_the_picker_shows_cards_and_the_device(qtbot, studio, markov):
    picker = studio.generate.picker
    assert picker.select(markov.name)
    assert markov.summary[:30] in picker.summary.text() and "markov backend" in picker.summary.text()
    dialog = CardDialog(picker.current, studio)
    assert "Metrics" in dialog.text.toPlainText()
    dialog.deleteLater()
    qtbot.waitUntil(lambda: picker.device.text() != "Device: finding out…", timeout=60_000)
    assert picker.device.text() in ("Device: CPU",) or picker.device.toolTip().startswith("cuda")
    with qtbot.waitSignal(studio.generate.service.device_found, timeout=60_000):
        picker.cpu.setChecked(True)
    assert picker.device.text() == "Device: CPU" and studio.settings.generate_on_cpu


def test_seed_key_lock_defaults_to_the_songs_key(studio):
    params = studio.generate.params
    assert params.key.currentText() == "Song key (C major)"
    assert params.locked_key(studio.document.song.key) == Scale.of_key(studio.document.song.key)


def test_the_key_lock_offers_the_minors_and_the_church_modes(studio):
    params = studio.generate.params
    d_minor = Key(-1, True)
    assert params.locked_key(d_minor) == Scale(2, "harmonic minor", "D")      # a minor key: its leading tone
    params.scale.setCurrentIndex(params.scale.findData("melodic minor"))
    assert params.locked_key(d_minor).name == "D melodic minor"
    params.scale.setCurrentIndex(params.scale.findData("mixolydian"))
    params.key.setCurrentIndex(params.key.findText("G major"))
    assert params.locked_key(d_minor).name == "G mixolydian"
    assert [params.scale.itemData(i) for i in range(params.scale.count())] == [None, *MODES]
    params.key.setCurrentIndex(1)                                             # off
    assert params.locked_key(d_minor) is None and not params.scale.isEnabled()


def test_the_song_key_comes_from_the_notes(studio):
    """A tune in G major in a song whose signature says C major (as a file without one reads)."""
    tune = tuple(Note(p, i * 240, 240) for i, p in enumerate([67, 71, 74, 66, 67, 69, 71, 66, 67, 62, 66, 67] * 2))
    studio.document.load(Song((Track("Violin", 40, False, tune),)), None)
    assert studio.generate.params.key.currentText() == "Song key (G major)"


def test_the_pitch_boxes_show_names():
    from musicstudio.ui.generate.parameters import PitchBox

    box = PitchBox(60)
    assert box.text() == "C4 (60)"
    assert box.valueFromText("G4 (67)") == 67


def test_without_a_model_the_panel_says_so(qtbot, main_window, tmp_path):
    main_window.attach_generation(GenerationService([tmp_path]))
    panel = main_window.generate
    assert panel.picker.current is None and not panel.generate_button.isEnabled()
    assert "No models are installed" in panel.picker.summary.text()


@pytest.mark.skipif("gan" not in MODELS or "markov" not in MODELS, reason="needs a GAN and a Markov model")
def test_chords_and_texture_show_for_a_gan_and_reach_its_request(qtbot, studio, tmp_path):
    panel, params = studio.generate, studio.generate.params
    assert panel.picker.select(MODELS["markov"].name)
    assert params.chords.isHidden() and params.texture.isHidden()
    assert params.options() == {}
    assert panel.picker.select(MODELS["gan"].name)
    assert not params.chords.isHidden() and not params.texture.isHidden()
    assert params.options() == {}   # empty: the seed's chords, texture as the seed
    panel.set_source("track")                                       # an empty track: no seed
    assert params.chords.placeholderText() == "I-IV-V-I of the key lock (no seed)"
    assert not params.seed_chords_button.isEnabled()
    params.chords.setText("Am | F C G")
    params.texture.setCurrentIndex(params.texture.findData("melody"))
    request = params.request(Clip(tuple(SEED_MELODY), BAR * 2), studio.document.song.key)
    assert request.options == {"chords": "Am | F C G", "texture": "melody"}
    open_seed(studio, tmp_path)
    QTest.keyClick(studio.roll.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)   # select the seed
    panel.set_source("selection")
    params.chords.setText("Am H7")
    assert panel.generate() is None
    assert "H7" in panel.status.text() and panel.job is None


CHORALE_GAN = next((m for m in ModelRegistry().models() if m.name == "gan-nc"), None)   # gan writes melodies


@pytest.mark.skipif(CHORALE_GAN is None, reason="needs the GAN that writes chorales (gan-nc)")
def test_a_chorale_in_four_tracks_continues_voice_by_voice_in_its_tracks(qtbot, studio, tmp_path):
    panel, document = studio.generate, studio.document
    voices = [(72, 74, 76, 74, 72, 71, 72, 74), (67, 67, 69, 67, 65, 65, 64, 67),
              (64, 62, 60, 62, 60, 62, 60, 62), (48, 43, 45, 43, 41, 43, 48, 43)]
    parts = [Track(name, 52, False, tuple(Note(p, i * QUARTER * 2, QUARTER * 2, 80) for i, p in enumerate(line)))
             for name, line in zip(("Soprano", "Alto", "Tenor", "Bass"), voices)]
    path = tmp_path / "chorale.mid"
    export_midi(Song(tuple(parts)), path)
    assert studio.files.open_file(path)
    song = document.song
    panel.set_source("every track")
    panel.set_mode("continue")
    assert "voice by voice into the 4 tracks" in panel.seed_text.text()
    panel.params.texture.setCurrentIndex(panel.params.texture.findData("chords"))
    generate(qtbot, panel, CHORALE_GAN, variations=2, bars=2)
    placed = panel.take_box.placed_notes()
    assert all(n.start >= 4 * BAR for n in placed)
    assert panel.keep()
    added = [set(after.notes) - set(before.notes) for before, after in zip(song.tracks, document.song.tracks)]
    assert set().union(*added) == set(placed) and sum(len(a) for a in added) == len(placed)
    assert sum(1 for a in added if a) >= 3                       # the voices went to their own tracks
    means = [sum(n.pitch for n in a) / len(a) for a in added if a]
    assert means == sorted(means, reverse=True)                   # soprano's track highest, bass's lowest
    assert "voice by voice" in panel.status.text()
    assert document.history[0]["placement"]["lines"][0] == [0, 74]
    document.undo_stack.undo()
    assert document.song == song and document.history == ()


@pytest.mark.skipif("gan" not in MODELS, reason="needs a GAN")
def test_the_chords_box_shows_the_seeds_chords_and_can_take_them_to_edit(qtbot, studio, tmp_path):
    panel, params = studio.generate, studio.generate.params
    arpeggios = [(60, 64, 67, 72), (57, 60, 64, 69), (53, 57, 60, 65), (55, 59, 62, 67)]   # C Am F G
    notes = [Note(p, b * BAR + i * QUARTER, QUARTER, 80) for b, bar in enumerate(arpeggios) for i, p in enumerate(bar)]
    open_seed(studio, tmp_path, notes)
    assert panel.picker.select(MODELS["gan"].name)
    panel.set_source("selection")                                   # nothing selected: no seed yet
    assert params.chords.placeholderText() == "the seed's own chords"
    panel.set_source("track")
    assert params.chords.placeholderText() == "the seed's: C Am F G"
    qtbot.mouseClick(params.seed_chords_button, Qt.MouseButton.LeftButton)
    assert params.chords.text() == "C Am F G"
    params.chords.setText("C Am Dm G")
    assert params.options()["chords"] == "C Am Dm G"
    open_seed(studio, tmp_path, notes + [n.moved_by(4 * BAR) for n in notes] + [n.moved_by(8 * BAR) for n in notes])
    assert params.chords.placeholderText() == "the seed's: C Am F G C Am F G … (12 bars)"


@pytest.mark.skipif("gan" not in MODELS, reason="needs a GAN")
def test_the_chords_box_reads_a_waltz_a_chord_a_bar_of_3_4(qtbot, studio, tmp_path):
    panel, params = studio.generate, studio.generate.params
    arpeggios = [(60, 64, 67), (57, 60, 64), (53, 57, 60), (55, 59, 62)]   # C Am F G, a bar of 3/4 each
    notes = [Note(p, b * 3 * QUARTER + i * QUARTER, QUARTER, 80) for b, bar in enumerate(arpeggios)
             for i, p in enumerate(bar)]
    path = tmp_path / "waltz.mid"
    export_midi(Song((Track("Melody", 0, False, tuple(notes)),), time_signatures=(TimeSignature(0, 3, 4),)), path)
    assert studio.files.open_file(path)
    assert panel.picker.select(MODELS["gan"].name)
    panel.set_source("track")
    assert params.chords.placeholderText() == "the seed's: C Am F G"   # in 4/4 bars: 3 chords that straddle


def test_the_pages_fit_the_panel_beside_its_scroll_bar_whichever_model(studio):
    panel = studio.generate
    for info in panel.picker.infos:
        assert panel.picker.select(info.name)
        needed = panel.scroll.widget().minimumSizeHint().width() + panel.scroll.verticalScrollBar().sizeHint().width()
        assert panel.minimumWidth() >= needed
    assert panel.scroll.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff


def test_a_drum_track_is_refused_before_anything_runs(qtbot, studio, tmp_path, markov):
    """Issue 17, item 3: the panel never hands a groove to a model that writes pitched notes."""
    panel = studio.generate
    path = tmp_path / "band.mid"
    groove = tuple(Note(36 + 2 * (i % 3), i * 240, 120, 100) for i in range(16))
    export_midi(Song((Track("Bass", 33, False, tuple(SEED_MELODY)), Track("Kit", 0, True, groove))), path)
    assert studio.files.open_file(path)
    assert panel.picker.select(markov.name)
    panel.set_source("track")
    studio.roll.set_track(1)
    assert panel.generate() is None
    assert "track 2 (Kit) is a drum track" in panel.status.text() and panel.job is None
    studio.roll.set_track(0)
    panel.set_source("every track")    # every pitched track: the drums are left out, not refused
    assert panel.generate() is not None
    panel.cancel()


def test_takes_keep_to_the_seeds_register_unless_the_range_is_set(studio):
    """Issue 17, item 4: by default the range follows the seed (5 semitones beyond it); unticked, the boxes."""
    params = studio.generate.params
    bass = Clip(tuple(Note(p, i * 480, 480, 90) for i, p in enumerate([31, 38, 43, 50])), BAR)
    assert params.follow_register.isChecked() and not params.low.isEnabled()
    assert params.request(bass, Key()).pitch_range == (26, 55)
    assert params.request(Clip((), BAR), Key()).pitch_range == (0, 127)   # no seed: the boxes' range
    params.follow_register.setChecked(False)
    params.low.setValue(40)
    params.high.setValue(70)
    assert params.low.isEnabled() and params.request(bass, Key()).pitch_range == (40, 70)


def test_the_panel_asks_for_bars_of_the_songs_meter_and_refuses_a_4_4_model_in_6_8(qtbot, studio, tmp_path, markov):
    """Issue 17, item 1: takes are bars of the song's time signature where the seed ends; the bar-based GAN
    and VAE say before anything runs that they cannot write 6/8."""
    from musicstudio.core.meter import TimeSignature

    panel = studio.generate
    path = tmp_path / "jig.mid"
    jig = tuple(Note(60 + i % 5, i * 240, 240, 90) for i in range(24))            # 4 bars of 6/8
    export_midi(Song((Track("Whistle", 78, False, jig),), time_signatures=(TimeSignature(0, 6, 8),)), path)
    assert studio.files.open_file(path)
    panel.set_source("track")
    takes = generate(qtbot, panel, markov, variations=2, bars=3)
    assert [t.length for t in takes] == [3 * 1440] * 2 and takes[0].request["meter"] == [6, 8]
    if "gan" in MODELS:   # the meter-aware gan writes bars of 6/8
        assert [t.length for t in generate(qtbot, panel, MODELS["gan"], variations=2, bars=3)] == [3 * 1440] * 2
    if "vae" in MODELS:   # the meter-aware vae writes bars of 6/8 too
        assert [t.length for t in generate(qtbot, panel, MODELS["vae"], variations=2, bars=3)] == [3 * 1440] * 2
