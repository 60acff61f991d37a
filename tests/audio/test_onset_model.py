"""The learned onset and pitch detector (issue 24): the shipped model loads and runs, a damaged one
is named and the heuristic detector takes over, and a repeated legato note is found twice."""

import json
import shutil

import numpy as np
import pytest

import musicstudio.audio.onset_model as onset_model
from musicstudio.audio.model_notes import DEFAULTS, bridged, decode, fading, onset_peaks, pitch_changes
from musicstudio.audio.onset_model import (
    CONFIG_FILE,
    WEIGHTS_FILE,
    TranscriberModelError,
    load_transcriber,
    shipped_folder,
    shipped_transcriber,
)
from musicstudio.audio.render import render_song
from musicstudio.audio.transcribe import TranscriptionError, transcribe
from musicstudio.core import Note, Song, Tempo, Track
from musicstudio.core.tempo import bpm_to_us

RATE = 44100


def rendered(notes, program, bpm=100.0, soundfont=None):
    song = Song(tracks=(Track("line", program, False, tuple(notes)),), tempos=(Tempo(0, bpm_to_us(bpm)),))
    return render_song(song, soundfont).mean(axis=1).astype(np.float64)


@pytest.fixture
def model_copy(tmp_path, monkeypatch):
    """A copy of the shipped model folder that transcribe() uses instead, to be damaged by the test."""
    folder = tmp_path / "transcriber"
    shutil.copytree(shipped_folder(), folder)
    monkeypatch.setattr(onset_model, "shipped_folder", lambda: folder)
    return folder


def test_the_shipped_model_loads_and_gives_probabilities():
    model = load_transcriber(shipped_folder())
    parameters = sum(w.size for w in model.weights.values())
    assert 10_000 <= parameters <= 100_000
    spectrum = np.random.default_rng(0).uniform(-70, -20, (300, 88)).astype(np.float32)
    probs, onset = model.predict(spectrum)
    assert probs.shape == (300, 89) and onset.shape == (300,)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5) and np.all((onset >= 0) & (onset <= 1))
    assert {"silence", "onset"} <= set(model.decoding)
    assert shipped_transcriber() == (shipped_transcriber()[0], None)


def test_the_numpy_network_computes_what_the_torch_one_trained():
    torch = pytest.importorskip("torch")
    from musicstudio.generators.transcriber_train import make_network, numpy_model

    model = load_transcriber(shipped_folder())
    net = make_network(model.config)
    net.load_state_dict({k: torch.from_numpy(v) for k, v in model.weights.items()})
    spectrum = np.random.default_rng(1).uniform(-70, -20, (200, 88)).astype(np.float32)
    with torch.no_grad():
        frames, onsets = net(torch.from_numpy(onset_model.model_input(spectrum))[None])
    np_frames, np_onsets = numpy_model(net, model.config).logits(spectrum)
    assert np.allclose(frames[0].numpy(), np_frames, atol=1e-4)
    assert np.allclose(onsets[0].numpy(), np_onsets, atol=1e-4)


@pytest.mark.parametrize("damage, words", [
    (lambda f: (f / WEIGHTS_FILE).write_bytes((f / WEIGHTS_FILE).read_bytes()[:300]), "damaged or truncated"),
    (lambda f: (f / CONFIG_FILE).write_text("{not json", "utf-8"), "not JSON"),
    (lambda f: (f / WEIGHTS_FILE).unlink(), "missing"),
])
def test_a_damaged_model_is_named_and_the_heuristic_detector_takes_over(model_copy, damage, words):
    from test_transcribe import MELODY, tone_line

    damage(model_copy)
    with pytest.raises(TranscriberModelError, match=words):
        load_transcriber(model_copy)
    result = transcribe(tone_line(MELODY), RATE, tempo_bpm=120)
    assert [n.pitch for n in result.notes] == MELODY          # found by the heuristic detector
    assert len(result.warnings) == 1 and "transcription model could not be used" in result.warnings[0]
    assert str(model_copy) in result.warnings[0] and words in result.warnings[0]
    with pytest.raises(TranscriptionError, match="could not be used"):
        transcribe(tone_line(MELODY), RATE, tempo_bpm=120, detector="model")


def test_weights_that_do_not_fit_the_config_or_hold_nan_are_refused(model_copy):
    from safetensors.numpy import load_file, save_file

    weights = load_file(str(model_copy / WEIGHTS_FILE))
    weights["onset.bias"] = np.array([np.nan], np.float32)
    save_file(weights, str(model_copy / WEIGHTS_FILE))
    with pytest.raises(TranscriberModelError, match="NaN"):
        load_transcriber(model_copy)
    config = json.loads((model_copy / CONFIG_FILE).read_text("utf-8"))
    config["network"]["channels"] += 1
    (model_copy / CONFIG_FILE).write_text(json.dumps(config), "utf-8")
    with pytest.raises(TranscriberModelError, match="shape"):
        load_transcriber(model_copy)
    config["network"]["channels"] = 10**6
    (model_copy / CONFIG_FILE).write_text(json.dumps(config), "utf-8")
    with pytest.raises(TranscriberModelError, match="outside"):
        load_transcriber(model_copy)


@pytest.mark.parametrize("program", [40, 53, 71])      # violin, voice oohs, clarinet
def test_a_repeated_legato_note_is_found_twice(soundfont, program):
    # 100 BPM: two quarter notes on the same key, the second starting as the first ends (no gap), then a step
    notes = [Note(69, 240, 480, 100), Note(69, 720, 480, 100), Note(71, 1200, 480, 100)]
    found = transcribe(rendered(notes, program, soundfont=soundfont), RATE, tempo_bpm=100, grid=120).notes
    assert [(n.pitch, n.start) for n in found] == [(69, 240), (69, 720), (71, 1200)]
    heuristic = transcribe(rendered(notes, program, soundfont=soundfont), RATE, tempo_bpm=100, grid=120,
                           detector="heuristic").notes
    assert len(heuristic) <= 3


def test_decoding_splits_at_onsets_and_pitch_changes_and_drops_silence():
    frames = 60
    probs = np.full((frames, 89), 1e-4)
    probs[:5, 88] = probs[50:, 88] = 1.0                 # silence, then a note of 20 frames, the same pitch again,
    probs[5:25, 20] = probs[25:38, 20] = probs[38:50, 24] = 1.0   # then another pitch with no onset
    probs /= probs.sum(axis=1, keepdims=True)
    onset = np.zeros(frames)
    onset[5], onset[25], onset[26] = 0.9, 0.8, 0.7
    found = decode(probs, onset, np.full(frames, -20.0), {**DEFAULTS, "silence": 0.5, "onset": 0.5,
                                                          "min_frames": 4})
    assert [(s.first, s.last, s.pitch) for s in found] == [(5, 25, 56), (25, 38, 56), (38, 50, 60)]
    assert onset_peaks(onset, 0.5).tolist() == [5, 25]
    assert pitch_changes(np.array([1, 1, 2, 1, 1, 3, 3, 3, 3]), 3) == [5]


def test_blips_of_silence_are_bridged_and_onsets_where_the_sound_dies_are_not_onsets():
    sounding = np.array([0, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0], bool)
    assert bridged(sounding, 2).tolist() == [0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0]
    level = np.concatenate([np.full(20, -20.0), np.full(20, -70.0)])     # a note, then silence
    assert fading(level, 18, 12.0) and not fading(level, 10, 12.0)
    soft = np.concatenate([np.full(20, -20.0), np.full(20, -28.0)])      # a softer note follows
    assert not fading(soft, 20, 12.0)
