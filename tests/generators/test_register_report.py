"""The bass-register report (issue 17, item 4): seeds moved into bass register, and the share of take notes
inside a seed's range +- 5 counted right, on two seeds with a shipped Markov model."""

from musicstudio.core import Note
from musicstudio.core.ticks import PPQ
from musicstudio.generators.evaluation.register_report import (
    MARGIN,
    Seed,
    _refused,
    cli_request,
    evaluate,
    in_bass_register,
    inside,
    lowered,
    markdown,
    window,
)
from musicstudio.generators.registry import ModelRegistry

WALKING = tuple(Note(p, i * PPQ, PPQ, 90) for i, p in enumerate((36, 40, 43, 45, 48, 45, 43, 40) * 2))
MELODY = tuple(Note(p, i * PPQ, PPQ, 90) for i, p in enumerate((67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 62)))


def test_a_melody_is_moved_down_whole_octaves_into_bass_register():
    moved, octaves = lowered(MELODY)
    assert octaves == 2 and [n.pitch for n in moved] == [n.pitch - 24 for n in MELODY]
    assert in_bass_register(moved) and not in_bass_register(MELODY)
    wide = MELODY + (Note(40, 12 * PPQ, PPQ, 90),)       # E2 under a G4 melody: E0 once it is moved down
    assert lowered(wide) is None
    assert lowered(WALKING) == (WALKING, 0)


def test_a_window_is_moved_to_zero_and_cut_at_its_end():
    notes = window([Note(40, 100, 50, 90), Note(45, 4 * PPQ, 20 * PPQ, 90), Note(50, 30 * PPQ, PPQ, 90)], 4 * PPQ)
    assert notes == (Note(45, 0, 16 * PPQ, 90),)


def test_inside_counts_the_seed_range_and_five_semitones_either_side():
    seed = Seed("walking", "test", WALKING)                # 36-48
    notes = [Note(p, 0, PPQ, 90) for p in (30, 31, 36, 48, 53, 54, 60)]
    assert inside(seed, notes) == (4, 7)


def test_the_cli_request_keeps_to_the_seeds_register():
    request = cli_request(Seed("walking", "test", WALKING))
    assert request.pitch_range == (36 - MARGIN, 48 + MARGIN)
    assert (request.bars, request.variations) == (4, 4)
    assert sorted(request.seed.notes) == sorted(WALKING)


def test_a_markov_models_share_on_two_seeds_is_counted_from_its_takes():
    registry = ModelRegistry()
    markov = [info for info in registry.models() if info.backend == "markov"]
    assert markov, "a Markov model ships in models/"
    info = markov[0]
    seeds = [Seed("walking", "test", WALKING), Seed("melody", "test", lowered(MELODY)[0])]
    kept = []
    result = evaluate(registry.load(info.folder, "cpu"), seeds, info.name, info.backend, kept)
    assert result.seeds == 2 and result.takes == 8 and len(kept) == 2
    count = total = 0
    for seed, takes in kept:
        low, high = min(n.pitch for n in seed.notes), max(n.pitch for n in seed.notes)
        for take in takes:
            count += sum(low - 5 <= n.pitch <= high + 5 for n in take.notes)
            total += len(take.notes)
    assert total > 0 and (result.inside, result.notes) == (count, total)
    assert result.share == count / total
    assert result.share >= 0.9                             # the default range is the seed's register
    assert f"{result.share:.1%}" in markdown([result], seeds, "nowhere", 1.0)


def test_a_family_that_continues_drum_tracks_only_is_left_out_with_the_cli_s_words():
    seeds = [Seed("walking", "test", WALKING)]
    assert "drum track" in _refused("drums", seeds)
    assert _refused("markov", seeds) is None and _refused("no-such-family", seeds) is None
