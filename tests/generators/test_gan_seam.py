"""The first bar chosen among draws by how it joins the seed (a model's ``first_bar`` config): the draw
nearest the seed's last bar in tonal centroid wins (weighed against its distance from the bar's chord),
one draw changes nothing, and more draws bring a take's first bar nearer the seed's last bar."""

import json

import numpy as np
import pytest
from tiny_models import train_tiny

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.evaluation.musegan import bar_chroma, centroid_of_chroma
from musicstudio.generators.gan.backend import load
from musicstudio.generators.gan.evaluation import Phrase
from musicstudio.generators.gan.seam import extra_noise, nearest_draws
from musicstudio.generators.gan.seam_tuning import chord_tones
from musicstudio.generators.interface import BAR, GenerationRequest, Take

LOW = 36


def _bar(pitches):
    """A one-bar roll (2, 16, 49) sounding ``pitches`` the whole bar."""
    roll = np.zeros((2, 16, 49), dtype=bool)
    for p in pitches:
        roll[0, :, p - LOW] = True
        roll[1, 0, p - LOW] = True
    return roll


def test_each_row_keeps_the_draw_nearest_the_seeds_last_bar():
    c_major, g_major, f_sharp = _bar((60, 64, 67)), _bar((55, 59, 62)), _bar((54, 58, 61))
    silent = np.zeros_like(c_major)
    bars = np.stack([np.stack([f_sharp, c_major, silent]), np.stack([c_major, f_sharp, g_major])])  # (2 draws, 3 rows)
    seed = np.zeros(12)
    seed[[0, 4, 7]] = 1                                    # the seed's last bar: C major
    assert list(nearest_draws(bars, seed, LOW)) == [1, 0, 1]   # C over F#; G over a silent draw
    assert list(nearest_draws(bars, np.zeros(12), LOW)) == [0, 0, 0]   # a silent seed bar: the first draw
    chord = np.zeros(12)
    chord[[6, 10, 1]] = 1                                  # the bar's chord: F# major, far from the seed's C
    assert list(nearest_draws(bars, seed, LOW, chord, 0.0)) == [1, 0, 1]
    assert list(nearest_draws(bars, seed, LOW, chord, 5.0)) == [0, 1, 1]   # the chord outweighs the seam
    assert list(nearest_draws(bars, seed, LOW, None, 5.0)) == [1, 0, 1]    # "no chord": the seam alone


def test_the_further_draws_noise_is_the_requests_own_and_leaves_the_takes_noise_alone():
    a, b = extra_noise(7, 3, 4, 64, 1.0), extra_noise(7, 3, 4, 64, 1.0)
    assert a.shape == (8, 64) and np.array_equal(a, b) and not np.array_equal(a, extra_noise(8, 3, 4, 64, 1.0))
    assert np.allclose(extra_noise(7, 3, 4, 64, 0.5), 0.5 * a)


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory, tiny_corpus_dir):
    return train_tiny(tmp_path_factory, tiny_corpus_dir, "gan", "gan-tiny") / "gan-tiny"


def _seam(takes, seed):
    last = centroid_of_chroma(bar_chroma([n for n in seed.notes if n.start >= seed.length - BAR], BAR,
                                         seed.length)[-1])
    firsts = [centroid_of_chroma(bar_chroma([n for n in t.notes if n.start < BAR], BAR, BAR)[0]) for t in takes]
    return np.nanmean([np.linalg.norm(f - last) for f in firsts])


def test_more_draws_of_the_first_bar_join_it_nearer_the_seed(tiny_folder):
    config = json.loads((tiny_folder / "config.json").read_text())
    seed = Clip(tuple(Note(p, b * BAR + i * 480, 480, 80) for b in range(4) for i, p in
                      enumerate((60, 64, 67, 72) if b % 2 else (57, 60, 64, 69))), 4 * BAR)
    request = GenerationRequest(seed=seed, bars=3, variations=16, random_seed=2)
    one = load(tiny_folder, config).generate(request)
    assert [t.notes for t in one] == [t.notes for t in load(tiny_folder, {**config, "first_bar": {"draws": 1}})
                                      .generate(request)]
    eight = load(tiny_folder, {**config, "first_bar": {"draws": 8}}).generate(request)
    assert [t.length for t in eight] == [3 * BAR] * 16
    assert _seam(eight, seed) < _seam(one, seed)
    assert [t.notes for t in eight] == [t.notes for t in load(tiny_folder, {**config, "first_bar": {"draws": 8}})
                                        .generate(request)]


class _OnTheChord:
    """A stand-in generator whose every take plays C E G in bar 1 and C D E in the bars after it, over C major."""

    def progression(self, request, seed_notes):
        return [0] * request.bars

    def generate(self, request):
        notes = [Note(p, i * 480, 480, 80) for i, p in enumerate((60, 64, 67, 72))]
        notes += [Note(p, b * BAR + i * 480, 480, 80) for b in range(1, request.bars) for i, p in
                  enumerate((60, 62, 64, 62))]
        return [Take(notes=tuple(notes), length=request.bars * BAR, backend="gan", model="fake",
                     request=request.record(), variation=v) for v in range(request.variations)]


def test_chord_tones_count_the_steps_on_each_bars_triad():
    seed = Phrase("p", "c", tuple(Note(60, i * 480, 480, 80) for i in range(16)), ())
    every, first = chord_tones(_OnTheChord(), [seed], None, bars=5)
    assert first == 1.0 and every == pytest.approx((4 + 4 * 2) / (4 + 4 * 4))   # D is off the triad
