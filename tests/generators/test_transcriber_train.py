"""Training the transcriber's detector (issue 24): the labels say where notes start and what sounds,
the test split is refused, and a short run writes a model folder that transcription loads."""

import numpy as np
import pytest

from musicstudio.audio.model_notes import model_segments
from musicstudio.audio.onset_model import load_transcriber
from musicstudio.audio.pitch_track import NOTE_LOW, PitchTrack
from musicstudio.core import Note
from musicstudio.generators.transcriber_data import SILENCE, TIMBRES, clean_melodies, labels, performed
from musicstudio.generators.transcriber_synth import synthetic_example
from musicstudio.generators.transcriber_tuning import reference_notes

torch = pytest.importorskip("torch")


def test_labels_mark_onsets_pitches_and_silence():
    # 120 BPM: 480 ticks are 0.5 s = 50 frames; a legato repeat, then a rest
    notes = (Note(60, 0, 480, 90), Note(60, 480, 240, 90), Note(64, 960, 480, 90))
    frames, onsets = labels(notes, 120.0, 160)
    assert np.flatnonzero(onsets).tolist() == [0, 50, 100]
    assert set(frames[:75].tolist()) == {60 - NOTE_LOW} and set(frames[75:100].tolist()) == {SILENCE}
    assert set(frames[100:150].tolist()) == {64 - NOTE_LOW} and frames[150] == SILENCE


def test_a_performance_stays_one_line_in_the_timbre_s_range():
    melody = tuple(Note(48 + (i * 5) % 12, 240 * i, 240, 80) for i in range(40))
    for seed in range(5):
        rng = np.random.default_rng(seed)
        program = list(TIMBRES)[seed]
        played, bpm = performed(melody, rng, program)
        assert 70 <= bpm <= 150 and played
        assert all(a.end <= b.start for a, b in zip(played, played[1:]))
        assert TIMBRES[program] <= min(n.pitch for n in played) <= max(n.pitch for n in played) <= 100


def test_the_test_split_is_never_used():
    with pytest.raises(ValueError, match="never trains or tunes on the test split"):
        clean_melodies("test")


def test_a_short_training_run_writes_a_model_that_transcription_loads(tmp_path):
    from musicstudio.audio.onset_model import NetConfig
    from musicstudio.generators.transcriber_train import make_network, numpy_model, train, write_model

    examples = [synthetic_example(seed) for seed in range(6)]
    assert any(e.onsets.sum() for e in examples)
    assert len(reference_notes(examples[0])) == int(examples[0].onsets.sum())
    config = NetConfig(channels=8)
    net = make_network(config)
    history = train(net, examples, minutes=1.0, steps=6, seed=0, progress=lambda _: None)
    assert history[-1]["step"] == 6 and np.isfinite(history[-1]["frame_loss"])
    write_model(tmp_path / "t", numpy_model(net, config, {"silence": 0.5, "onset": 0.5}),
                {"name": "transcriber-test"})
    model = load_transcriber(tmp_path / "t")
    assert model.config == config and model.decoding == {"silence": 0.5, "onset": 0.5}
    spectrum = examples[0].spectrum.astype(np.float32)
    track = PitchTrack(0.01, np.full(len(spectrum), np.nan), np.full(len(spectrum), -20.0),
                       np.zeros(len(spectrum)), spectrum)
    assert isinstance(model_segments(track, model), list)
