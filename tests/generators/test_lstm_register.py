"""A token model continues a seed in the register it learned, and its takes come back to the seed's octave:
a bass line given to the licence-clean LSTM (trained on fiddle tunes, C5 at the middle) stays a bass line
even with the pitch range left open."""

from pathlib import Path
from statistics import median

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.codecs import EventCodec
from musicstudio.generators.interface import BAR, GenerationRequest
from musicstudio.generators.lstm.training import training_register
from musicstudio.generators.phrases import TokenPhrases
from musicstudio.generators.registry import ModelRegistry

SHIPPED = Path(__file__).resolve().parents[2] / "models"
# a walking bass in G, G1-D3, four bars of quarters
BASS = Clip(tuple(Note(p, i * 480, 480, 90) for i, p in enumerate(
    [31, 35, 38, 43, 36, 40, 43, 48, 38, 42, 45, 50, 43, 38, 35, 31])), 4 * BAR)


def clip_of(pitches):
    return Clip(tuple(Note(p, i * 240, 240, 80) for i, p in enumerate(pitches)), 2 * BAR)


def test_a_seed_outside_the_home_register_moves_by_octaves_to_its_middle_and_one_inside_stays():
    phrases = TokenPhrases(EventCodec(), home=(62, 83))
    assert phrases.fit_seed(BASS)[1] == 36          # middle pitch 38 -> 74, the nearest octave to 72.5
    assert phrases.fit_seed(clip_of([64, 67, 71, 72]))[1] == 0
    assert phrases.fit_seed(clip_of([96, 98, 100, 103]))[1] == -24
    assert TokenPhrases(EventCodec()).fit_seed(BASS)[1] == 0   # no home: the codec's range decides alone
    moved, shift = phrases.fit_seed(BASS)
    assert [n.pitch - shift for n in moved] == [n.pitch for n in BASS.notes]


def test_the_register_training_records_is_where_most_note_starts_lie():
    codec = EventCodec()
    phrases = TokenPhrases(codec)
    low_tune = codec.encode(tuple(Note(40 + i % 5, i * 120, 120, 80) for i in range(200)), steps=200)
    high_tune = codec.encode(tuple(Note(70 + i % 5, i * 120, 120, 80) for i in range(50)), steps=50)
    low, high = training_register([low_tune, high_tune], phrases)
    assert 40 <= low <= 41 and 72 <= high <= 74
    assert training_register([np.array([codec.first_shift])], phrases) is None   # no notes at all


def test_the_shipped_lstm_keeps_a_bass_line_low_with_the_range_left_open():
    generator = ModelRegistry([SHIPPED]).load("lstm", "cpu")
    assert generator.phrases.home is not None
    takes = generator.generate(GenerationRequest(seed=BASS, bars=4, variations=4, random_seed=3))
    pitches = [n.pitch for t in takes for n in t.notes]
    assert len(pitches) >= 16
    assert median(pitches) <= 55                                    # it was 71 before the move
    assert np.mean([26 <= p <= 55 for p in pitches]) >= 0.8         # the seed's range (31-50) +- 5
