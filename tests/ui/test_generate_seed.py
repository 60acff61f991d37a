"""Seeds from the editor and where takes go (pure logic), and generation records that regenerate a take."""

import json
from dataclasses import replace

import pytest

from musicstudio.core.changes import ChangeGroup, NoteChange, TrackChange
from musicstudio.core.clip import Clip
from musicstudio.core.key import Key
from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.scale import parse_scale
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.interface import BAR, GenerationRequest, Take
from musicstudio.ui.generate.record import placed_again, recorded_notes, request_from_record, take_record
from musicstudio.ui.generate.seed import SeedError, SeedPlan, plan_seed

QUARTER = BAR // 4


def song_with(notes, program=40) -> Song:
    return Song((Track("Lead", program, False, tuple(notes)),))


MELODY = [Note(60 + i, i * QUARTER, QUARTER, 90) for i in range(12)]  # bars 1-3


def test_a_selection_starts_at_its_bar_line_and_the_take_goes_where_it_ends():
    song = song_with(MELODY)
    chosen = MELODY[5:7]           # beats 2-3 of bar 2
    plan = plan_seed(song, 0, "selection", "continue", chosen)
    assert (plan.seed_start, plan.at, plan.seed.length) == (BAR, BAR + 3 * QUARTER, 3 * QUARTER)
    assert plan.seed.notes == tuple(n.moved_by(-BAR) for n in chosen)
    assert plan.replaced == () and plan.end is None and plan.bars is None
    whole = plan_seed(song, 0, "selection", "continue", chosen, whole_bars=True)     # widened to the bar line
    assert (whole.seed_start, whole.at, whole.seed.length) == (BAR, 2 * BAR, BAR)


def test_selected_bars_take_every_note_starting_in_them_cut_at_the_loops_end():
    plan = plan_seed(song_with(MELODY), 0, "bars", "continue", loop=(BAR + 10, 2 * BAR - QUARTER // 2))
    assert (plan.seed_start, plan.at) == (BAR, 2 * BAR - QUARTER // 2)
    assert len(plan.seed.notes) == 4 and plan.seed.notes[-1].end == plan.seed.length     # the last note cut
    bars = plan_seed(song_with(MELODY), 0, "bars", "continue", loop=(BAR, 2 * BAR))
    assert (bars.seed_start, bars.at, len(bars.seed.notes)) == (BAR, 2 * BAR, 4)


@pytest.mark.parametrize("end, seed_end", [
    (3 * BAR - 30, 3 * BAR),           # let go just before the bar line: the bar is finished
    (3 * BAR - 120, 3 * BAR),          # a 16th before it (a staccato last note, a drum hit's length)
    (3 * BAR + 30, 3 * BAR),           # held a hair past it: cut there
    (3 * BAR - 200, 3 * BAR - 200),    # an unfinished bar stays unfinished
])
def test_a_seed_ending_within_a_16th_of_a_bar_line_ends_on_it(end, seed_end):
    last = Note(72, 2 * BAR + 2 * QUARTER, end - 2 * BAR - 2 * QUARTER, 90)
    plan = plan_seed(song_with(MELODY[:8] + [last]), 0, "track", "continue")
    assert plan.at == seed_end and all(n.end <= plan.seed.length for n in plan.seed.notes)


def test_the_whole_track():
    plan = plan_seed(song_with(MELODY), 0, "track", "continue")
    assert (plan.seed_start, plan.at, len(plan.seed.notes)) == (0, 3 * BAR, 12)
    empty = plan_seed(song_with([]), 0, "track", "continue")
    assert (empty.seed.length, empty.at, empty.seed.notes) == (0, 0, ())


def test_every_track_merged_seeds_all_voices_but_the_drums_and_the_take_goes_in_the_current_track():
    bass = tuple(Note(36 + i, i * BAR, BAR, 80) for i in range(4))                 # bars 1-4
    drums = (Note(38, 0, QUARTER, 100), Note(38, 5 * BAR, QUARTER, 100))           # to bar 6: not counted
    song = Song((Track("Lead", 40, False, tuple(MELODY)), Track("Bass", 32, False, bass),
                 Track("Kit", 0, True, drums)))
    plan = plan_seed(song, 1, "every track", "continue")
    assert (plan.seed_start, plan.at, plan.seed.length) == (0, 4 * BAR, 4 * BAR)
    assert sorted(plan.seed.notes) == sorted(MELODY + list(bass))
    assert [n.start for n in plan.seed.notes] == sorted(n.start for n in plan.seed.notes)
    assert isinstance(plan.change(song, (Note(50, 4 * BAR, BAR, 80),), "take"), NoteChange)
    assert plan.target_track(song) == 1
    with pytest.raises(SeedError, match="one track"):
        plan_seed(song, 1, "every track", "regenerate")


def test_a_chordal_take_after_every_track_is_dealt_out_to_the_tracks_voice_by_voice():
    upper = tuple(Note(p, i * BAR, BAR, 80) for i, p in enumerate((72, 74)))
    lower = tuple(Note(p, i * BAR, BAR, 80) for i, p in enumerate((48, 43)))
    drums = (Note(38, 0, QUARTER, 100),)
    song = Song((Track("Low", 32, False, lower), Track("Kit", 0, True, drums), Track("High", 40, False, upper)))
    plan = plan_seed(song, 0, "every track", "continue")
    assert plan.lines == ((2, 74), (0, 43))                   # highest part first; the drums are no line
    take = (Note(76, 2 * BAR, BAR, 80), Note(45, 2 * BAR, BAR, 80), Note(74, 3 * BAR, BAR, 80))
    change = plan.change(song, take, "take")
    assert isinstance(change, ChangeGroup)
    after = change.apply(song)
    assert set(after.tracks[2].notes) - set(upper) == {take[0], take[2]}
    assert set(after.tracks[0].notes) - set(lower) == {take[1]}
    assert after.tracks[1] == song.tracks[1]
    assert change.inverse().apply(after) == song
    line = (Note(60, 2 * BAR, BAR, 80), Note(62, 3 * BAR, BAR, 80))   # one line: the current track takes it
    assert plan.change(song, line, "take") == NoteChange(0, (), line)
    assert plan_seed(song, 0, "every track", "new track").lines == ()
    assert plan_seed(song_with(MELODY), 0, "every track", "continue").lines == ()   # one part: no dealing out


def test_regenerating_bars_continues_from_the_bars_before_and_replaces_the_notes():
    held = Note(50, BAR - QUARTER, 2 * QUARTER, 70)     # crosses into the regenerated bar
    song = song_with(MELODY + [held])
    plan = plan_seed(song, 0, "bars", "regenerate", loop=(BAR, 2 * BAR), context_bars=8)
    assert (plan.seed_start, plan.at, plan.end, plan.bars) == (0, BAR, 2 * BAR, 1)
    assert plan.seed.length == BAR
    assert Note(50, BAR - QUARTER, QUARTER, 70) in plan.seed.notes     # cut where the new bars begin
    assert set(plan.replaced) == set(MELODY[4:8])
    take = Take((Note(70, 0, QUARTER, 80), Note(72, BAR - QUARTER, BAR, 80), Note(74, BAR, QUARTER, 80)),
                2 * BAR, "markov", "m", {})
    assert plan.placed(take) == (Note(70, BAR, QUARTER, 80), Note(72, 2 * BAR - QUARTER, QUARTER, 80))
    after = plan.change(song, plan.placed(take), "x").apply(song)
    assert len(after.tracks[0].notes) == len(song.tracks[0].notes) - 4 + 2


def test_regenerating_sees_at_most_the_context_bars():
    plan = plan_seed(song_with(MELODY), 0, "bars", "regenerate", loop=(2 * BAR, 3 * BAR), context_bars=1)
    assert (plan.seed_start, plan.seed.length, len(plan.seed.notes)) == (BAR, BAR, 4)


def test_a_new_track_gets_the_take_and_the_source_instrument():
    song = song_with(MELODY)
    plan = plan_seed(song, 0, "track", "new track")
    change = plan.change(song, (Note(72, 3 * BAR, QUARTER),), "m take 2")
    assert isinstance(change, TrackChange) and change.index == 1 and change.after.program == 40
    assert change.after.name == "m take 2" and plan.target_track(song) == 1
    assert isinstance(plan_seed(song, 0, "track", "continue").change(song, (), "x"), NoteChange)


def test_bars_follow_the_songs_meter():
    song = Song((Track("W", 0, False, (Note(60, 0, 480), Note(62, 480, 480))),),
                time_signatures=(TimeSignature(0, 3, 4),))
    assert plan_seed(song, 0, "track", "continue").at == 2 * 480                  # where the seed ends
    assert plan_seed(song, 0, "track", "continue", whole_bars=True).at == 3 * 480  # its bar line: 3/4, not 4/4


@pytest.mark.parametrize("source, mode, selection, loop, advice", [
    ("selection", "continue", (), None, "select the notes"),
    ("bars", "continue", (), None, "drag across the ruler"),
    ("track", "regenerate", (), None, "no bars to regenerate"),
])
def test_nothing_to_seed_from_says_what_to_do(source, mode, selection, loop, advice):
    with pytest.raises(SeedError, match=advice):
        plan_seed(song_with([] if mode == "regenerate" else MELODY), 0, source, mode, selection, loop)


def test_no_track():
    with pytest.raises(SeedError, match="add a track"):
        plan_seed(Song(), 0, "track", "continue")


def test_a_record_holds_everything_to_make_the_request_again():
    seed = Clip((Note(60, 0, QUARTER, 90), Note(64, QUARTER, QUARTER, 80)), BAR)
    request = GenerationRequest(seed, bars=2, variations=4, temperature=0.9, top_p=0.95, random_seed=1234,
                                key=Key(-2, True), pitch_range=(48, 84), options={"x": 1})
    take = Take((Note(67, 0, QUARTER, 85),), 2 * BAR, "markov", "markov-melody", request.record(), 2)
    plan = SeedPlan(0, seed, 4 * BAR, 5 * BAR, "continue")
    placed = plan.placed(take)
    record = json.loads(json.dumps(take_record(take, plan, placed, 0, "cpu")))  # as a project file keeps it
    assert record["kind"] == "take" and record["backend"] == "markov" and record["model"] == "markov-melody"
    assert record["variation"] == 2 and record["random_seed"] == 1234 and record["device"] == "cpu"
    assert record["placement"] == {"mode": "continue", "track": 0, "at": 5 * BAR, "end": None, "lines": []}
    assert request_from_record(record) == request
    assert recorded_notes(record) == placed == placed_again(record, take)
    scale = replace(request, key=parse_scale("Eb dorian"))
    again = take_record(Take(take.notes, take.length, "markov", "markov-melody", scale.record(), 2), plan, placed, 0,
                        "cpu")
    assert request_from_record(json.loads(json.dumps(again))) == scale
