"""The song-level neighbours measure: how many steps kick and snare hit, read from the training songs whose
band sounds most alike."""

import numpy as np

from musicstudio.generators.drums import song_neighbours as sn
from musicstudio.generators.drums.listener import kit_pattern

BAR = 1920


def _record(style, bass_steps, kick_steps, snare_steps=(4, 12), bars=4, meter=(4, 4), bar_steps=16):
    bass = [[36, (b * bar_steps + s) * 120, 240, 90] for b in range(bars) for s in bass_steps]
    chords = [[p, (b * bar_steps + s) * 120, 480, 70] for b in range(bars) for s in (4, 12) if s < bar_steps
              for p in (60, 64, 67)]
    drums = [[36, (b * bar_steps + s) * 120, 120, 100] for b in range(bars) for s in kick_steps]
    drums += [[38, (b * bar_steps + s) * 120, 120, 100] for b in range(bars) for s in snare_steps]
    return {"style": style, "groove": style, "meter": list(meter), "length": bars * bar_steps * 120,
            "drums": drums, "others": [bass, chords]}


def _kit(kick_steps, snare_steps=(4, 12), bar=16):
    kit = np.zeros((2, bar))
    kit[0, list(kick_steps)] = 1.0
    kit[1, list(snare_steps)] = 1.0
    return kit / np.maximum(1e-12, kit.sum(axis=1, keepdims=True))


def _neighbour(kick_steps, snare_steps=(4, 12)):
    return sn.BandSong("n", (4, 4), np.zeros((5, 16)), np.zeros(5), np.zeros((3, 16)), _kit(kick_steps, snare_steps))


# the mixture ranks the kick's steps 0, 8, 4, 12, then the rest; the snare's 4, 12, then the rest
Q = np.full((2, 16), 0.02)
Q[0, [0, 8, 4, 12]] = (0.4, 0.3, 0.2, 0.15)
Q[1, [4, 12]] = (0.45, 0.4)


def test_best_count_is_the_number_of_steps_whose_hitting_alike_overlaps_most():
    assert sn.best_count(np.array([0.5, 0.5, 0.0, 0.0])) == 2
    assert sn.best_count(np.array([0.9, 0.1, 0.0, 0.0])) == 1
    assert sn.best_count(np.array([0.25, 0.25, 0.25, 0.25])) == 4
    assert sn.best_count(np.zeros(4)) == 0


def test_a_song_is_heard_as_its_bands_histograms_and_its_kick_and_snare():
    song = sn.band_song(_record("x", (0, 8), (0, 8, 10)))
    assert song.meter == (4, 4) and song.shape.shape == (5, 16) and song.kit.shape == (2, 16)
    assert np.allclose(song.shape[1][[0, 8]], 0.5)                   # the bass on 1 and 3
    assert song.density[1] == 2                                       # two bass notes a bar
    assert np.allclose(song.kit[0][[0, 8, 10]], 1 / 3) and np.allclose(song.kit[1][[4, 12]], 0.5)


def test_the_neighbours_are_the_nearest_songs_of_the_meter_and_else_of_the_bars_length():
    pool = [sn.band_song(_record("a", (0, 8), (0, 8))), sn.band_song(_record("b", (0, 6, 10), (0, 6, 10))),
            sn.band_song(_record("c", (0, 8, 10), (0,))),
            sn.band_song(_record("w", (0,), (0,), (4, 8), meter=(3, 4), bar_steps=12))]
    song = sn.band_song(_record("s", (0, 8), (0,)))
    assert [n.style for n in sn.nearest(pool, song, 2)] == ["a", "c"]
    compound = sn.band_song(_record("t", (0,), (0,), (6,), meter=(6, 8), bar_steps=12))
    assert [n.style for n in sn.nearest(pool, compound, 3)] == ["w"]  # no 6/8 song: the 12-step bar


def test_the_neighbours_say_how_many_steps_and_the_mixture_which():
    two = [_neighbour((0, 8))] * 3
    four = [_neighbour((0, 4, 8, 12))] * 3
    assert set(np.flatnonzero(sn.rule_pattern("expected-0", Q, two, [])[0])) == {0, 8}
    assert set(np.flatnonzero(sn.rule_pattern("expected-0", Q, four, [])[0])) == {0, 4, 8, 12}
    assert set(np.flatnonzero(sn.rule_pattern("median-distinct", Q, four, [])[0])) == {0, 4, 8, 12}
    # neighbours that play no kick do not count towards how many steps the kick hits
    snare_only = [_neighbour((), (4, 12))]
    assert set(np.flatnonzero(sn.rule_pattern("median-best", Q, two + snare_only * 5, [])[0])) == {0, 8}
    # with A 1 the neighbours have no say: Add drums' own rule
    assert (sn.rule_pattern("expected-1", Q, four, []) == kit_pattern(Q, sn.GAMMA)).all()
    assert (sn.rule_pattern("current", Q, four, []) == kit_pattern(Q, sn.GAMMA)).all()
    assert (sn.rule_pattern("expected-0", Q, [], []) == kit_pattern(Q, sn.GAMMA)).all()


def test_the_groove_rule_takes_the_songs_steps_that_overlap_the_mixture_most():
    songs = [_neighbour((2, 6)), _neighbour((0, 8)), _neighbour((0, 3, 6, 9, 12))]
    pattern = sn.rule_pattern("groove", Q, songs[:1], songs)
    assert set(np.flatnonzero(pattern[0])) == {0, 8} and set(np.flatnonzero(pattern[1])) == {4, 12}


def test_validation_holds_styles_out_and_reports_each_rule_and_the_nested_choice():
    records = [_record(s, bass, kick) for s, bass, kick in
               (("a", (0, 8), (0, 8)), ("b", (0, 8), (0, 8)), ("c", (0, 4, 8, 12), (0, 4, 8, 12)),
                ("d", (0, 4, 8, 12), (0, 4, 8, 12)), ("e", (0, 10), (0, 10)), ("f", (0, 6), (0, 6)))]
    configs = sn.configurations(("expected-0",), ("band",), (1,))
    result = sn.validate(records, configs, folds=3)
    assert set(result["configs"]) == {"current/band/0", "expected-0/band/1"}
    assert all(f["songs"] == 6 for f in result["configs"].values()) and result["nested"]["songs"] == 6
    assert len(result["nested_picks"]) == 3
    assert all(0.0 <= f["overlap"] <= 1.0 for f in result["configs"].values())
    assert set(result["configs"]["current/band/0"]["per_style"]) == set("abcdef")


def test_a_rule_takes_the_place_of_add_drums_own_pattern(generator):
    from add_fixture import band_song, song_records

    from musicstudio.generators.drums.add import AddRequest, choose, seed_pattern, segments
    from musicstudio.generators.drums.library import rhythm_features

    song = band_song([("rock", 8)])
    segment = segments(song, 0, 8)[0]
    others = [t.notes for t in song.tracks]
    groove = choose(generator.library, rhythm_features(others, segment.meter), segment.meter)
    by_style = {}
    for r in song_records():
        by_style.setdefault(r["style"], []).append(sn.band_song(r))
    own = seed_pattern(generator, song, AddRequest(), segment, groove)
    assert (sn.ruled_seed_pattern(("current", "band", 0), by_style)(generator, song, AddRequest(), segment, groove)
            == own).all()
    # the nearest song is the fixture's rock: its kick on three steps of the bar, its snare on two
    ruled = sn.ruled_seed_pattern(("expected-0", "band", 1), by_style)(generator, song, AddRequest(), segment, groove)
    bar = [dict(generator.codec.sets[t]) for t in ruled[:16]]
    assert sum(0 in hits for hits in bar) == 3 and sum(1 in hits for hits in bar) == 2


def test_the_own_style_ceiling_reads_the_count_from_the_styles_other_songs():
    records = []
    for style, bass, kick in (("a", (0, 8), (0, 8)), ("b", (0, 8), (0, 4, 8, 12)), ("c", (0, 10), (0, 10)),
                              ("d", (0, 6), (0, 6))):
        records += [dict(_record(style, bass, kick), groove=f"{style}{i}") for i in range(2)]
    result = sn.same_style(records, ["current", "expected-0"], folds=2)
    assert result["expected-0"]["songs"] == 8
    # style b's band is a's, but its other song says the kick hits four steps, not two
    assert result["current"]["per_style"]["b"] < 1.0 and result["expected-0"]["per_style"]["b"] == 1.0
