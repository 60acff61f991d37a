"""The measure of how the infill model hears other tracks: gaps drawn in one part with the other parts over
the same bars as ``others``, counted from the seed's start; the share of notes in the harmony; the interval
weights fitted to rows where one interval is what the true notes make."""

import numpy as np
import pytest

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.evaluation.infill_others import cross_entropy, draw_gaps, fit_intervals, in_harmony
from musicstudio.generators.infill.harmony import HarmonyPrior

BAR = 1920


def _part(pitch: int, bars: int = 12) -> tuple[Note, ...]:
    return tuple(Note(pitch + (k % 3), k * 480, 480, 90) for k in range(bars * 4))


def test_a_gap_keeps_its_part_out_of_the_others_and_their_time_in_line():
    parts = [_part(72), _part(60), _part(48)]
    gaps = draw_gaps([("piece", (4, 4), parts)], per_piece=3, seed=2)
    assert len(gaps) == 3
    for gap in gaps:
        request = gap.request
        assert len(request.others) == 2
        seed_pitches = {n.pitch // 12 for n in request.seed.notes}
        assert all({n.pitch // 12 for n in o.notes}.isdisjoint(seed_pitches) for o in request.others)
        span = request.seed.length + gap.gap.length + request.after.length
        assert all(o.length == span for o in request.others)
        assert request.seed.length % BAR == 0 and gap.gap.length == request.bars * BAR
        # the other parts' notes sit where they sat in the piece, relative to the seed's first bar line
        assert all(n.start % 480 == 0 for o in request.others for n in o.notes)


def test_the_share_in_the_harmony_counts_pitch_classes_at_each_notes_start():
    others = (Clip((Note(48, 0, 960, 80), Note(55, 960, 960, 80)), 1920),)
    notes = [Note(72, 0, 240, 90), Note(74, 480, 240, 90), Note(67, 1200, 240, 90), Note(60, 1440, 240, 90)]
    assert in_harmony(notes, others, 120) == (2, 4)      # C over C, G over G; D and C (over G) are not


def test_fitted_weights_favour_the_interval_the_true_notes_make():
    rng = np.random.default_rng(0)
    classes = np.arange(12)
    scored = []
    for _ in range(40):
        heard = np.zeros((8, 12), bool)
        roots = rng.integers(12, size=8)
        heard[np.arange(8), roots] = True
        tokens = (roots - 7) % 12          # every true note a fifth below what sounds (it sounds a P5 above)
        rows = np.log(np.full((8, 14), 1 / 14))
        scored.append((rows, heard, tokens, classes))
    weights = fit_intervals(scored, steps=200)
    assert int(np.argmax(weights)) == 7
    assert cross_entropy(scored, HarmonyPrior(weights)) < cross_entropy(scored, HarmonyPrior()) - 0.5


@pytest.mark.parametrize("weights", [(0.0,) * 12])
def test_no_weights_leave_the_cross_entropy_as_the_network_gives_it(weights):
    rows = np.log(np.full((3, 14), 1 / 14))
    scored = [(rows, np.ones((3, 12), bool), np.array([0, 13, 5]), np.arange(12))]
    assert cross_entropy(scored, HarmonyPrior(weights)) == pytest.approx(np.log(14))
