"""Add drums: a drum part for a drumless song, following its meters and its band's rhythm, with the style,
density and fill controls; and the measure it is reported by."""

import numpy as np
import pytest
from add_fixture import band, band_song, groove_records, song_records

from musicstudio.core.feel import AUTO, OFF, TRIPLET, Swing, measure_swing
from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.codecs.drums import GROUP_OF, DrumCodec
from musicstudio.generators.drums import fill_rate
from musicstudio.generators.drums.add import (
    AddDrumsError,
    AddRequest,
    add_drums,
    consensus,
    kit_histograms,
    segments,
)
from musicstudio.generators.drums.add_evaluation import (
    TIME_KEEPING,
    evaluate,
    kick_snare_overlap,
    song_of,
    take_means,
    validation,
    with_band,
)
from musicstudio.generators.drums.evaluation import instrument_overlap
from musicstudio.generators.drums.library import Library, build_library, rhythm_features


def test_the_band_rhythm_tells_rock_from_a_waltz():
    rock = rhythm_features(band("rock", 4), (4, 4))
    assert rock.shape == (3, 16) and np.allclose(rock.sum(axis=1), 1)
    assert rock[1, 0] == rock[1, 8] == 0.5        # the bass on one and three


def test_a_part_follows_each_meter_of_the_song_on_channel_10(generator):
    song = band_song([("rock", 4), ("threefour", 4)])
    assert [(s.first_bar, s.bars, s.meter) for s in segments(song, 0, 8)] == [(0, 4, (4, 4)), (4, 4, (3, 4))]
    [part] = add_drums(generator, song, AddRequest(repeat=1.0))
    assert part.is_drum and part.channel == 9 and "rock" in part.name and "threefour" in part.name
    rock_end = 4 * 16 * 120
    assert all(35 <= n.pitch <= 81 for n in part.notes) and max(n.start for n in part.notes) < song.length_ticks
    kicks = [n.start for n in part.notes if GROUP_OF[n.pitch] == 0]
    # with the pattern held (repeat 1), the kick lands on the grooves' own steps: 1 and 3 (and the and of 3)
    # in the 4/4 bars, 1 in the 3/4 bars
    assert {(t // 120) % 16 for t in kicks if t < rock_end} <= {0, 8, 10}
    assert {((t - rock_end) // 120) % 12 for t in kicks if t >= rock_end} == {0}


def test_a_bar_no_groove_fits_is_played_and_the_name_holds_only_the_grooves(generator):
    bar = 16 * 120
    rock = [list(t) for t in band("rock", 4)]
    rock[0].append(Note(36, 4 * bar, 240, 90))                  # a 2/4 bar: the library has no 8-step groove
    rock[1].append(Note(60, 4 * bar + 4 * 120, 240, 90))
    song = Song((Track("Bass", 33, False, tuple(rock[0])), Track("Piano", 0, False, tuple(rock[1]))),
                time_signatures=(TimeSignature(0, 4, 4), TimeSignature(4 * bar, 2, 4)))
    assert [s.meter for s in segments(song, 0, 5)] == [(4, 4), (2, 4)]
    [part] = add_drums(generator, song, AddRequest())
    assert part.name == "Drums (rock)"
    assert any(n.start >= 4 * bar for n in part.notes)         # the 2/4 bar is played all the same


def _drafts(*parts, bar=4, bars=2):
    """Token rows of a plain codec: a closed hi-hat on every step, kick and snare on the (kick, snare) steps."""
    codec = DrumCodec()
    kick, snare, hat = (codec.token_of(((g, 1),)) for g in (0, 1, 2))
    rows = np.full((len(parts), bar * bars), hat)
    for row, (kicks, snares) in zip(rows, parts):
        for b in range(bars):
            row[[b * bar + k for k in kicks]] = kick
            row[[b * bar + s for s in snares]] = snare
    return codec, rows


def test_each_take_keeps_the_draft_whose_kick_and_snare_the_others_share_most():
    codec, rows = _drafts(([1], [2]), ([0], [2]), ([0], [3]), ([0], [2]), ([3], [1]), ([0], [2]))
    kits = kit_histograms(codec, rows, 4)
    assert kits.shape == (6, 2, 4) and np.allclose(kits[0], [[0, 1, 0, 0], [0, 0, 1, 0]])
    assert consensus(kits, 1) == [1]                      # kick on 1, snare on 3: what most drafts play
    assert consensus(kits, 2) == [1, 3]                   # a take from each group of three drafts, the first of a tie
    assert consensus(kits, 6) == list(range(6))           # one draft a take: each kept as it is


def test_drafts_leave_as_many_takes_as_asked_and_one_draft_is_the_least(generator):
    song = band_song([("rock", 4)])
    one = add_drums(generator, song, AddRequest(drafts=1, variations=2))
    drafted = add_drums(generator, song, AddRequest(drafts=6, variations=2))
    assert len(one) == len(drafted) == 2 and all(p.notes for p in drafted)
    with pytest.raises(AddDrumsError):
        AddRequest(drafts=0)


def test_only_the_bars_asked_for_and_as_many_takes_as_asked(generator):
    song = band_song([("rock", 8)])
    parts = add_drums(generator, song, AddRequest(first_bar=2, last_bar=5, variations=3))
    assert len(parts) == 3
    for part in parts:
        assert part.notes and all(2 * 1920 <= n.start < 5 * 1920 for n in part.notes)


def test_style_density_and_fills(generator):
    song = band_song([("rock", 8)])
    sparse = add_drums(generator, song, AddRequest(density=0.0, repeat=1.0))[0]
    busy = add_drums(generator, song, AddRequest(density=1.0, repeat=1.0))[0]
    open_hats = [sum(GROUP_OF[n.pitch] == 3 for n in p.notes) for p in (sparse, busy)]
    assert open_hats[0] < open_hats[1]       # the fixture's busier grooves add an open hi-hat
    filled = add_drums(generator, song, AddRequest(fills=4, repeat=1.0))[0]
    rolls = {n.start // 1920 for n in filled.notes if GROUP_OF[n.pitch] == 1 and (n.start // 120) % 2}
    assert rolls == {3, 7}                    # the fill's roll in the last bar of every four
    # the fill measure counts those bars, both phrase ends, and nothing in the part without fills
    assert fill_rate.phrase_rate(fill_rate.fill_bars(filled.notes, 1920, 8)) == (2, 2)
    assert not fill_rate.fill_bars(sparse.notes, 1920, 8).any()
    with pytest.raises(AddDrumsError, match="no style 'polka'"):
        add_drums(generator, song, AddRequest(style="polka"))
    with pytest.raises(AddDrumsError, match="density"):
        AddRequest(density=2.0)


def test_the_part_swings_as_the_band_does_unless_asked_otherwise(generator):
    """The fixture's rock band with a guitar strumming 8ths, swung to the triplet (the off-beat 8ths late):
    the part's off-beat 8ths come as late; straight with "off"; a set swing whatever the band's; a straight
    band gives a straight part."""
    triplet = Swing.of_ratio(TRIPLET)
    guitar = [Note(55, k * 240, 200, 80) for k in range(8 * 8)]
    swung = Song(tuple(Track(f"T{k}", 0, False, tuple(triplet.swung(t)))
                       for k, t in enumerate(band("rock", 8) + [guitar])))
    ratio = {}
    for name, song, feel in (("auto", swung, AUTO), ("off", swung, OFF), ("set", band_song([("rock", 8)]), 0.6),
                             ("straight", band_song([("rock", 8)]), AUTO)):
        part = add_drums(generator, song, AddRequest(repeat=1.0, feel=feel))[0]
        reading = measure_swing(part.notes)
        ratio[name] = round(reading.ratio, 2) if reading is not None and reading.confident else 0.5
    assert ratio == {"auto": 0.67, "off": 0.5, "set": 0.6, "straight": 0.5}


def test_a_song_without_notes_is_refused(generator):
    with pytest.raises(AddDrumsError, match="no notes"):
        add_drums(generator, Song((Track("Empty", 0, False, ()),)), AddRequest(last_bar=4))


def test_the_library_survives_its_file(generator):
    library = generator.library
    again = Library.from_json(library.to_json(generator.codec.vocab_size), generator.codec.vocab_size)
    assert again.styles == library.styles == ["rock", "sixeight", "threefour"]
    assert np.array_equal(again.grooves[0].tokens, library.grooves[0].tokens)
    with pytest.raises(ValueError, match="vocabulary"):
        Library.from_json(library.to_json(3), generator.codec.vocab_size)


def test_the_measure_scores_a_copy_fully_and_a_shifted_part_low():
    truth = [Note(36, 0, 120, 90), Note(38, 480, 120, 90), Note(36, 960, 120, 90), Note(38, 1440, 120, 90)]
    assert kick_snare_overlap(truth, truth, 16) == 1.0
    shifted = [n.moved_by(120) for n in truth]
    assert kick_snare_overlap(shifted, truth, 16) == 0.0
    others = [[Note(48, 0, 480, 90), Note(48, 960, 480, 90)]]
    assert with_band(truth, others) == 0.5
    # hi-hats and ride: the drums the removed part keeps time with, one the part lacks scoring 0
    hats = truth + [Note(42, k * 240, 60, 70) for k in range(8)] + [Note(46, 1680, 120, 80)]
    assert instrument_overlap(hats, hats, 16, TIME_KEEPING) == 1.0
    assert instrument_overlap(hats[:4] + [Note(51, k * 240, 60, 70) for k in range(8)], hats, 16, TIME_KEEPING) == 0.0
    assert np.isnan(instrument_overlap(hats, truth, 16, TIME_KEEPING))     # a removed part with neither


def test_a_song_record_becomes_a_drumless_song_at_its_tempo():
    record = dict(song_records()[0], tempo=166)
    song, drums = song_of(record)
    assert round(song.tempos[0].bpm) == 166 and not any(t.is_drum for t in song.tracks)
    assert len(drums) == len(record["drums"]) and len(song.tracks) == len(record["others"])


def test_the_evaluation_runs_on_song_records(generator):
    records = [dict(r, style="waltz") for r in song_records() if r["style"] == "threefour"]
    result = evaluate(generator, records[:2])
    assert result["all"]["songs"] == 2 and 0.0 <= result["all"]["oa"] <= 1.0
    assert 0.0 <= result["all"]["band"] <= 1.0


def test_the_evaluation_averages_the_takes_it_is_asked_for(generator):
    records = [dict(r, style="waltz") for r in song_records() if r["style"] == "threefour"]
    [one] = evaluate(generator, records[:1])["rows"]
    [three] = evaluate(generator, records[:1], takes=3)["rows"]
    assert len(one["oa_takes"]) == 1 and len(three["oa_takes"]) == 3
    assert three["oa"] == pytest.approx(np.mean(three["oa_takes"])) and one["oa"] == one["oa_takes"][0]
    assert take_means([three]) == three["oa_takes"] and take_means([one, three]) == [
        pytest.approx((one["oa"] + three["oa_takes"][0]) / 2)]


def test_the_validation_writes_each_style_with_a_library_built_without_it(generator):
    from add_fixture import groove_records

    own = generator.library
    records = song_records() + [dict(r, style="rockb") for r in song_records() if r["style"] == "rock"]
    result = validation(generator, records, groove_records(), folds=4)
    assert generator.library is own                                  # the model's own library is back
    # the waltz and the 6/8 have no other style of their meter to be matched against, so only the two rocks
    assert result["all"]["songs"] == 8 and set(result["per_meter"]) == {"4/4"}
    assert {r["chosen"].split("/")[0] for r in result["rows"] if r["style"] == "rock"} == {"rockb"}


def test_the_report_section_says_whether_each_target_is_met(generator):
    from musicstudio.generators.drums.add_report import section

    records = [dict(r, style="waltz") for r in song_records() if r["style"] == "threefour"]
    result = evaluate(generator, records[:2])
    text = "\n".join(section(result, str))
    assert "## Add drums" in text and "| all held out | 2 |" in text and "| 3/4 | 2 |" in text
    assert ("not met**, " in text) == (result["all"]["oa"] < 0.7)


def test_only_the_standard_librarys_fills_guide_a_fill_bar(generator):
    codec = generator.codec
    band_fill = {**groove_records()[-1], "style": "casio/rock"}
    library = build_library(codec, song_records(), groove_records() + [band_fill])
    assert set(library.fills) == {"rock"}
