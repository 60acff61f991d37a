"""The VAE's fill (issue 18): bars between two phrases, decoded from points between their latent codes
(Roberts, Engel, Raffel, Hawthorne, Eck, "A Hierarchical Latent Vector Model for Learning Long-Term
Structure in Music", 2018): the take is exactly the gap's bars, in the song's meter, and it hears the music
after the gap."""

import numpy as np
import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.backends import backend_named
from musicstudio.generators.capabilities import Infiller
from musicstudio.generators.interface import BAR, GenerationError, GenerationRequest
from musicstudio.generators.registry import ModelRegistry
from musicstudio.generators.vae.fill import path_points

QUARTER = BAR // 4
SEED = Clip(tuple(Note(62 + (0, 2, 4, 5, 7, 5, 4, 2)[i % 8], i * QUARTER, QUARTER, 90) for i in range(16)), 4 * BAR)


def after(base: int, beat: int = QUARTER, bars: int = 4) -> Clip:
    """A line around ``base``, in steps of ``beat``, for ``bars`` bars of ``beat * 4``."""
    count = bars * 4
    return Clip(tuple(Note(base + (0, 2, 4, 2)[i % 4], i * beat, beat, 80) for i in range(count)), count * beat)


@pytest.fixture(scope="module")
def vae(tiny_vae_models):
    return ModelRegistry([tiny_vae_models]).load("vae-tiny", "cpu")


def test_the_vae_family_declares_that_it_fills():
    assert backend_named("vae").can(Infiller) and not backend_named("markov").can(Infiller)


@pytest.mark.parametrize("bars, lead, points", [(1, 16, [1 / 3]), (2, 0, [1 / 2]), (3, 16, [1 / 5, 3 / 5]),
                                                (4, 0, [1 / 3, 2 / 3])])
def test_the_phrases_end_on_the_gaps_last_bar_line_at_their_place_on_the_path(bars, lead, points):
    got_lead, got = path_points(bars * 16, 32)
    assert got_lead == lead and got == pytest.approx(points)


@pytest.mark.parametrize("bars", [1, 2, 3, 4])
def test_the_take_is_exactly_the_gaps_bars(vae, bars):
    request = GenerationRequest(SEED, bars=bars, variations=3, random_seed=2, after=after(67))
    takes = vae.generate(request)
    assert len(takes) == 3 and all(t.length == bars * BAR for t in takes)
    assert all(0 <= n.start and n.end <= bars * BAR for t in takes for n in t.notes)
    assert all(t.notes for t in takes) and all(t.request["fill"] for t in takes)
    assert len({t.notes for t in takes}) > 1                   # variations around the path


def test_a_fill_in_3_4_is_bars_of_3_4(vae):
    bar = 3 * QUARTER
    seed = Clip(tuple(Note(64 + i % 3, i * QUARTER, QUARTER, 80) for i in range(12)), 4 * bar)
    takes = vae.generate(GenerationRequest(seed, bars=3, variations=2, meter=(3, 4), after=after(69, bars=3)))
    assert all(t.length == 3 * bar and all(n.end <= 3 * bar for n in t.notes) for t in takes)


def test_the_fill_hears_the_music_after_the_gap(vae):
    """The same bars before and the same random draws, other music after: other takes."""
    def fill(base: int):
        return [t.notes for t in vae.generate(GenerationRequest(SEED, bars=2, variations=4, random_seed=3,
                                                                after=after(base)))]

    assert fill(50) != fill(79) and fill(79) == fill(79)


def test_the_shipped_vae_leans_towards_the_register_after_the_gap():
    """The same bars before (around D4-A4), a line after in a low or a high register: the shipped vae's fill
    lies higher before the high line, by more than 3 semitones on average over 8 takes (a fill that ignored
    the music after would give the same takes both times)."""
    if not any(m.name == "vae" for m in ModelRegistry().models()):
        pytest.skip("the vae model is not installed")
    vae = ModelRegistry().load("vae", "cpu")

    def mean_pitch(base: int) -> float:
        takes = vae.generate(GenerationRequest(SEED, bars=2, variations=8, random_seed=3, after=after(base)))
        return float(np.mean([n.pitch for t in takes for n in t.notes]))

    low, high = mean_pitch(50), mean_pitch(79)
    assert high > low + 3, (low, high)


def test_the_same_request_gives_the_same_fill_and_the_key_lock_holds(vae):
    request = GenerationRequest(SEED, bars=2, variations=2, random_seed=9, after=after(67), pitch_range=(60, 72))
    first, again = vae.generate(request), vae.generate(request)
    assert [t.notes for t in first] == [t.notes for t in again]
    assert all(60 <= n.pitch <= 72 for t in first for n in t.notes)


def test_a_side_without_notes_takes_the_other_sides_code(vae):
    silent = Clip((), 4 * BAR)
    for seed, right in ((silent, after(67)), (SEED, silent), (silent, silent)):
        takes = vae.generate(GenerationRequest(seed, bars=2, variations=2, after=right))
        assert all(t.length == 2 * BAR for t in takes)


def test_a_vae_without_meters_still_refuses_a_3_4_fill(tmp_path):
    info = next((m for m in ModelRegistry().models() if m.name == "vae-nc"), None)
    if info is None:
        pytest.skip("vae-nc is not installed")
    old = ModelRegistry().load("vae-nc", "cpu")
    with pytest.raises(GenerationError, match="4/4"):
        old.generate(GenerationRequest(SEED, bars=2, meter=(3, 4), after=after(67, bars=2)))


def test_the_seam_cost_counts_the_leaps_into_and_out_of_the_gap_and_the_last_bars_pitch_classes():
    from musicstudio.generators.codecs.melody import FIRST_NOTE, HOLD
    from musicstudio.generators.vae.fill import SILENT_SEAM, TONAL_WEIGHT, pitch_classes, seam_costs

    sounds = np.full(FIRST_NOTE + 40, -1)
    sounds[FIRST_NOTE:] = np.arange(48, 88)
    note = lambda pitch: FIRST_NOTE + pitch - 48                          # noqa: E731
    rows = np.array([[note(60), HOLD, note(64), HOLD], [note(67), HOLD, note(72), HOLD], [HOLD] * 4])
    assert pitch_classes(rows[0], sounds).tolist() == [0.5, 0, 0, 0, 0.5] + [0] * 7
    costs = seam_costs(rows, sounds, (62, 65, None), 2)
    assert costs.tolist() == [2 + 1, 5 + 7, SILENT_SEAM]
    e_bar = pitch_classes(np.array([note(64), HOLD]), sounds)
    costs = seam_costs(rows[:2], sounds, (None, None, e_bar), 2)
    assert costs[0] == 0 and costs[1] == pytest.approx(TONAL_WEIGHT * np.sqrt(2))


def test_the_best_joining_of_several_draws_joins_better_than_one_draw(vae):
    """The far seam (semitones from the take's last note to the first note after the gap), over 8 takes: the
    best of 8 draws a take leaps less than one draw."""
    right = after(74)

    def far_seam(candidates: int) -> float:
        takes = vae.generate(GenerationRequest(SEED, bars=2, variations=8, random_seed=5, after=right,
                                               options={"candidates": candidates}))
        return float(np.mean([abs(max(t.notes, key=lambda n: n.start).pitch - right.notes[0].pitch)
                              for t in takes if t.notes]))

    one, best = far_seam(1), far_seam(8)
    assert best < one - 1, (one, best)
