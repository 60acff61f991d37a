"""Edit operations: quantize, transpose, range queries, clips, slicing, joining and merging."""

import pytest

from musicstudio.core import Key, KeySignature, Note, Song, Tempo, TimeSignature, Track
from musicstudio.core.clip import Clip
from musicstudio.core.edits import (
    clip_of,
    join,
    merge_tracks,
    notes_in_bars,
    notes_in_range,
    quantize,
    slice_bars,
    transpose,
)

BAR = 1920  # 4/4 at 480 PPQ


def starts(notes):
    return [n.start for n in notes]


# -- quantize -----------------------------------------------------------------------------------------
def test_quantize_full_strength_snaps_to_nearest_grid_point():
    notes = [Note(60, t, 100, 90) for t in (0, 59, 60, 61, 119, 130, 250, 1000)]
    out = quantize(notes, 120)
    assert starts(out) == [0, 0, 0, 120, 120, 120, 240, 960]  # a tie (60) goes to the earlier point
    assert all(n.duration == 100 and n.pitch == 60 and n.velocity == 90 for n in out)


def test_quantize_returns_new_list_and_keeps_input():
    notes = [Note(60, 130, 100)]
    out = quantize(notes, 120)
    assert isinstance(out, list)
    assert notes == [Note(60, 130, 100)]
    assert out == [Note(60, 120, 100)]


def test_quantize_keeps_input_order():
    notes = [Note(64, 500, 10), Note(60, 10, 10)]
    assert quantize(notes, 480) == [Note(64, 480, 10), Note(60, 0, 10)]


def test_quantize_half_strength_moves_halfway():
    notes = [Note(60, 130, 100), Note(60, 90, 100), Note(62, 200, 50)]
    out = quantize(notes, 120, strength=0.5)
    assert starts(out) == [125, 105, 220]
    assert [n.duration for n in out] == [100, 100, 50]
    assert [n.pitch for n in out] == [60, 60, 62]


def test_quantize_zero_strength_changes_nothing():
    notes = [Note(60, t, 33) for t in (1, 61, 119, 487)]
    assert quantize(notes, 120, strength=0.0) == notes


def test_quantize_on_grid_notes_unchanged():
    notes = [Note(60, t, 7) for t in range(0, 2000, 120)]
    assert quantize(notes, 120) == notes


def test_quantize_swing_third_delays_odd_16ths_by_40_ticks():
    grid = 120
    notes = [Note(60, j * grid, 60) for j in range(8)]
    out = quantize(notes, grid, swing=1 / 3)
    assert starts(out) == [0, 160, 240, 400, 480, 640, 720, 880]
    for j, n in enumerate(out):
        assert n.start - j * grid == (40 if j % 2 else 0)


def test_quantize_swing_snaps_off_grid_notes_to_swung_points():
    out = quantize([Note(60, t, 10) for t in (10, 150, 170, 215, 390, 470)], 120, swing=1 / 3)
    assert starts(out) == [0, 160, 160, 240, 400, 480]


def test_quantize_swing_with_half_strength():
    out = quantize([Note(60, 120, 10)], 120, strength=0.5, swing=1 / 3)
    assert starts(out) == [140]


def test_quantize_ends_snaps_end_too():
    out = quantize([Note(60, 10, 100), Note(60, 130, 250)], 120, ends=True)
    assert out == [Note(60, 0, 120), Note(60, 120, 240)]


def test_quantize_ends_never_shorter_than_one_tick():
    notes = [Note(60, 100, 15), Note(60, 0, 5), Note(61, 118, 1)]
    out = quantize(notes, 120, ends=True)
    assert [n.duration for n in out] == [1, 1, 1]
    assert starts(out) == [120, 0, 120]
    assert all(n.duration >= 1 for n in out)


def test_quantize_without_ends_keeps_length():
    out = quantize([Note(60, 10, 100)], 120)
    assert out == [Note(60, 0, 100)]


def test_quantize_empty():
    assert quantize([], 120) == []


@pytest.mark.parametrize("grid", [0, -120])
def test_quantize_bad_grid(grid):
    with pytest.raises(ValueError, match="grid"):
        quantize([Note(60, 0, 1)], grid)


@pytest.mark.parametrize("strength", [-0.1, 1.01, 2])
def test_quantize_bad_strength(strength):
    with pytest.raises(ValueError, match="strength"):
        quantize([Note(60, 0, 1)], 120, strength=strength)


@pytest.mark.parametrize("swing", [-0.1, 1.0, 1.5])
def test_quantize_bad_swing(swing):
    with pytest.raises(ValueError, match="swing"):
        quantize([Note(60, 0, 1)], 120, swing=swing)


# -- transpose ---------------------------------------------------------------------------------------
def test_transpose_up_and_down():
    notes = [Note(60, 0, 10, 80), Note(64, 10, 10, 90)]
    assert transpose(notes, 12) == [Note(72, 0, 10, 80), Note(76, 10, 10, 90)]
    assert transpose(notes, -7) == [Note(53, 0, 10, 80), Note(57, 10, 10, 90)]
    assert transpose(notes, 0) == notes
    assert notes == [Note(60, 0, 10, 80), Note(64, 10, 10, 90)]


def test_transpose_accepts_generator_and_range_edges():
    assert transpose((n for n in [Note(120, 0, 1)]), 7) == [Note(127, 0, 1)]
    assert transpose([Note(5, 0, 1)], -5) == [Note(0, 0, 1)]


def test_transpose_out_of_range_names_the_note():
    with pytest.raises(ValueError, match=r"transposing C9 by \+12 semitones leaves the MIDI range"):
        transpose([Note(60, 0, 1), Note(120, 0, 1)], 12)
    with pytest.raises(ValueError, match=r"transposing D#-1 by -5 semitones"):
        transpose([Note(3, 0, 1), Note(60, 0, 1)], -5)


def test_transpose_refuses_all_or_nothing():
    notes = [Note(60, 0, 1), Note(127, 0, 1)]
    with pytest.raises(ValueError):
        transpose(notes, 1)
    assert notes == [Note(60, 0, 1), Note(127, 0, 1)]


# -- ranges ------------------------------------------------------------------------------------------
NOTES = [Note(60, 0, 500), Note(62, 400, 200), Note(64, 480, 10), Note(65, 959, 100), Note(67, 960, 10)]


def test_notes_in_range_by_start_half_open():
    assert notes_in_range(NOTES, 480, 960) == [Note(64, 480, 10), Note(65, 959, 100)]
    assert notes_in_range(NOTES, 0, 1) == [Note(60, 0, 500)]
    assert notes_in_range(NOTES, 960, 960) == []


def test_notes_in_range_overlapping():
    got = notes_in_range(NOTES, 480, 960, overlapping=True)
    assert got == [Note(60, 0, 500), Note(62, 400, 200), Note(64, 480, 10), Note(65, 959, 100)]
    # a note ending exactly at start does not sound in the span
    assert notes_in_range([Note(60, 0, 480)], 480, 960, overlapping=True) == []
    assert notes_in_range([Note(60, 0, 481)], 480, 960, overlapping=True) == [Note(60, 0, 481)]


def test_notes_in_bars_4_4():
    song = Song()
    notes = [Note(60, t, 10) for t in (0, 1919, 1920, 3839, 3840, 5760)]
    assert starts(notes_in_bars(song, notes, 0, 0)) == [0, 1919]
    assert starts(notes_in_bars(song, notes, 1, 2)) == [1920, 3839, 3840]
    assert starts(notes_in_bars(song, notes, 3, 3)) == [5760]


def test_notes_in_bars_with_meter_change():
    song = Song(time_signatures=(TimeSignature(0, 4, 4), TimeSignature(3840, 3, 4)))
    notes = [Note(60, t, 10) for t in (3839, 3840, 5279, 5280, 6720)]
    assert starts(notes_in_bars(song, notes, 2, 2)) == [3840, 5279]
    assert starts(notes_in_bars(song, notes, 3, 4)) == [5280, 6720]


def test_notes_in_bars_bad_range():
    with pytest.raises(ValueError):
        notes_in_bars(Song(), NOTES, 2, 1)


# -- clips --------------------------------------------------------------------------------------------
def test_clip_of_shifts_and_shortens():
    notes = [Note(60, 1900, 100), Note(62, 1920, 480), Note(64, 3000, 2000, 70), Note(65, 3840, 10)]
    clip = clip_of(notes, 1920, 3840)
    assert isinstance(clip, Clip)
    assert clip.length == 1920
    assert clip.notes == (Note(62, 0, 480), Note(64, 1080, 840, 70))


def test_clip_of_note_ending_exactly_at_end_is_kept_whole():
    clip = clip_of([Note(60, 100, 380)], 0, 480)
    assert clip.notes == (Note(60, 100, 380),)


def test_clip_of_empty_span_keeps_length():
    clip = clip_of([Note(60, 0, 10)], 480, 960)
    assert clip.notes == () and clip.length == 480


def test_clip_sorts_and_places():
    clip = Clip((Note(64, 10, 5), Note(60, 0, 5)), 480)
    assert clip.notes == (Note(60, 0, 5), Note(64, 10, 5))
    assert clip.placed_at(960) == (Note(60, 960, 5), Note(64, 970, 5))


def test_clip_rejects_negative_length():
    with pytest.raises(ValueError, match="negative length"):
        Clip((), -1)
    with pytest.raises(ValueError):
        clip_of([], 960, 480)


# -- merge_tracks -------------------------------------------------------------------------------------
def test_merge_tracks_takes_first_program_and_drum_flag():
    a = Track("lead", 5, False, (Note(60, 480, 10),))
    b = Track("kit", 0, True, (Note(36, 0, 10), Note(38, 480, 10)))
    merged = merge_tracks([a, b])
    assert (merged.name, merged.program, merged.is_drum) == ("lead", 5, False)
    assert merged.notes == (Note(36, 0, 10), Note(38, 480, 10), Note(60, 480, 10))
    assert merge_tracks([b, a]).is_drum is True


def test_merge_tracks_name_override_and_keeps_inputs():
    a = Track("a", 1, notes=(Note(60, 0, 1),))
    merged = merge_tracks((a, a), name="both")
    assert merged.name == "both"
    assert len(merged) == 2
    assert len(a) == 1
    assert merge_tracks([a], name="").name == ""


def test_merge_tracks_empty():
    with pytest.raises(ValueError, match="nothing to merge"):
        merge_tracks([])


# -- slice_bars ---------------------------------------------------------------------------------------
def _sliced_song():
    # Bars: 0 [0,1920) 1 [1920,3840) 4/4, then 3/4: 2 [3840,5280) 3 [5280,6720) 4 [6720,8160)
    notes = (Note(60, 1000, 100), Note(62, 1920, 480), Note(64, 3000, 1000, 70), Note(65, 5000, 1000),
             Note(67, 5280, 10), Note(69, 7000, 100))
    return Song(
        tracks=(Track("piano", 0, False, notes), Track("empty", 33)),
        tempos=(Tempo(0, 500_000), Tempo(2880, 600_000), Tempo(5280, 400_000)),
        time_signatures=(TimeSignature(0, 4, 4), TimeSignature(3840, 3, 4)),
        key_signatures=(KeySignature(0, Key()), KeySignature(4000, Key(-3, True))),
        title="song",
    )


def test_slice_bars_notes_shifted_and_shortened():
    part = slice_bars(_sliced_song(), 1, 2)  # ticks [1920, 5280)
    piano = part.tracks[0]
    assert piano.notes == (Note(62, 0, 480), Note(64, 1080, 1000, 70), Note(65, 3080, 280))
    assert part.tracks[1] == Track("empty", 33)
    assert part.title == "song"
    assert part.end_tick == 3360


def test_slice_bars_carries_maps_into_slice():
    part = slice_bars(_sliced_song(), 1, 2)
    assert part.tempos == (Tempo(0, 500_000), Tempo(960, 600_000))
    assert part.time_signatures == (TimeSignature(0, 4, 4), TimeSignature(1920, 3, 4))
    assert part.key_signatures == (KeySignature(0, Key()), KeySignature(2080, Key(-3, True)))
    assert part.bar_count == 2
    assert part.length_ticks == 1920 + 1440


def test_slice_bars_takes_map_in_effect_at_start():
    part = slice_bars(_sliced_song(), 3, 3)  # [5280, 6720): a tempo change stands exactly at the start
    assert part.tempos == (Tempo(0, 400_000),)
    assert part.time_signatures == (TimeSignature(0, 3, 4),)
    assert part.key_signatures == (KeySignature(0, Key(-3, True)),)
    assert part.tracks[0].notes == (Note(67, 0, 10),)
    assert part.tempo_bpm == 150.0


def test_slice_bars_past_the_notes_is_empty():
    part = slice_bars(_sliced_song(), 10, 12)
    assert part.note_count == 0
    assert part.tempos == (Tempo(0, 400_000),)
    assert part.time_signatures == (TimeSignature(0, 3, 4),)


def test_slice_bars_leaves_song_unchanged():
    song = _sliced_song()
    before = (song.tracks, song.tempos, song.time_signatures, song.key_signatures)
    slice_bars(song, 0, 1)
    assert (song.tracks, song.tempos, song.time_signatures, song.key_signatures) == before


def test_slice_bars_bad_range():
    with pytest.raises(ValueError):
        slice_bars(_sliced_song(), 2, 1)
    with pytest.raises(ValueError):
        slice_bars(_sliced_song(), -1, 1)


def test_slice_all_bars_is_the_song():
    song = _sliced_song()
    whole = slice_bars(song, 0, song.bar_count - 1)
    assert whole == song


# -- join ---------------------------------------------------------------------------------------------
def test_join_places_second_after_first_last_bar_and_matches_tracks():
    first = Song(tracks=(Track("piano", 0, False, (Note(60, 0, 2000),)),
                         Track("drums", 0, True, (Note(36, 0, 10),))), title="one")
    assert first.length_ticks == 2 * BAR
    second = Song(tracks=(
        Track("piano", 0, False, (Note(62, 0, 100), Note(64, 480, 100))),   # matches first's piano
        Track("bass", 33, False, (Note(40, 0, 100),)),                       # new
        Track("piano", 1, False, (Note(70, 0, 10),)),                        # program differs: new
        Track("drums", 0, False, (Note(36, 0, 10),)),                        # drum flag differs: new
        Track("drums", 0, True, (Note(38, 960, 10),)),                       # matches first's drums
    ))
    joined = join(first, second)
    assert joined.title == "one"
    assert [(t.name, t.program, t.is_drum) for t in joined.tracks] == [
        ("piano", 0, False), ("drums", 0, True), ("bass", 33, False), ("piano", 1, False), ("drums", 0, False)]
    assert joined.tracks[0].notes == (Note(60, 0, 2000), Note(62, 3840, 100), Note(64, 4320, 100))
    assert joined.tracks[1].notes == (Note(36, 0, 10), Note(38, 4800, 10))
    assert joined.tracks[2].notes == (Note(40, 3840, 100),)
    assert joined.tracks[3].notes == (Note(70, 3840, 10),)
    assert joined.tracks[4].notes == (Note(36, 3840, 10),)
    assert joined.note_count == first.note_count + second.note_count
    # the inputs are untouched
    assert first.tracks[0].notes == (Note(60, 0, 2000),)
    assert second.tracks[0].notes == (Note(62, 0, 100), Note(64, 480, 100))


def test_join_matches_same_named_tracks_one_to_one():
    first = Song(tracks=(Track("gtr", notes=(Note(60, 0, 10),)), Track("gtr", notes=(Note(64, 0, 10),))))
    second = Song(tracks=(Track("gtr", notes=(Note(61, 0, 10),)), Track("gtr", notes=(Note(65, 0, 10),)),
                          Track("gtr", notes=(Note(67, 0, 10),))))
    joined = join(first, second)
    assert len(joined.tracks) == 3
    assert [n.pitch for n in joined.tracks[0].notes] == [60, 61]
    assert [n.pitch for n in joined.tracks[1].notes] == [64, 65]
    assert [n.pitch for n in joined.tracks[2].notes] == [67]
    assert joined.tracks[2].notes[0].start == BAR


def test_join_second_tempo_continues_after_join():
    first = Song(tracks=(Track("p", notes=(Note(60, 0, 100),)),),
                 tempos=(Tempo(0, 500_000), Tempo(960, 550_000)))
    second = Song(tracks=(Track("p", notes=(Note(60, 0, 100),)),),
                  tempos=(Tempo(0, 600_000), Tempo(1920, 400_000)))
    joined = join(first, second)
    assert joined.tempos == (Tempo(0, 500_000), Tempo(960, 550_000), Tempo(1920, 600_000), Tempo(3840, 400_000))


def test_join_drops_repeated_change_at_join_and_first_changes_after_it():
    first = Song(tracks=(Track("p", notes=(Note(60, 0, 100),)),),
                 tempos=(Tempo(0, 500_000), Tempo(5000, 300_000)),  # a change after the last bar
                 key_signatures=(KeySignature(0, Key(2)),))
    second = Song(tracks=(Track("p", notes=(Note(60, 0, 100),)),),
                  tempos=(Tempo(0, 500_000),), key_signatures=(KeySignature(0, Key(2)),))
    joined = join(first, second)
    assert joined.tempos == (Tempo(0, 500_000),)
    assert joined.key_signatures == (KeySignature(0, Key(2)),)


def test_join_meter_and_key_of_second_continue():
    first = Song(tracks=(Track("p", notes=(Note(60, 0, 100),)),))
    second = Song(tracks=(Track("p", notes=(Note(60, 1440, 100),)),),
                  time_signatures=(TimeSignature(0, 3, 4),),
                  key_signatures=(KeySignature(0, Key(-3, True)), KeySignature(1440, Key(-3))))
    joined = join(first, second)
    assert joined.time_signatures == (TimeSignature(0, 4, 4), TimeSignature(BAR, 3, 4))
    assert joined.key_signatures == (KeySignature(0, Key()), KeySignature(BAR, Key(-3, True)),
                                     KeySignature(BAR + 1440, Key(-3)))
    assert joined.meter.bar_start(1) == BAR
    assert joined.meter.bar_start(2) == BAR + 1440
    assert joined.bar_count == 3
    assert joined.tracks[0].notes[-1] == Note(60, BAR + 1440, 100)


def test_join_uses_first_song_meter_for_offset():
    first = Song(tracks=(Track("p", notes=(Note(60, 0, 1441),)),), time_signatures=(TimeSignature(0, 3, 4),))
    assert first.length_ticks == 2 * 1440
    joined = join(first, Song(tracks=(Track("p", notes=(Note(62, 0, 1),)),)))
    assert joined.tracks[0].notes[-1].start == 2880
    assert joined.time_signatures == (TimeSignature(0, 3, 4), TimeSignature(2880, 4, 4))


def test_join_after_empty_first_song_starts_after_one_bar():
    second = Song(tracks=(Track("p", notes=(Note(60, 0, 10),)),))
    joined = join(Song(), second)
    assert joined.tracks == (Track("p", notes=(Note(60, BAR, 10),)),)


def test_slice_then_join_rebuilds_song():
    song = Song(tracks=(Track("p", notes=tuple(Note(60 + b, b * BAR + 240, 480) for b in range(4))),),
                tempos=(Tempo(0, 500_000), Tempo(2 * BAR, 600_000), Tempo(3 * BAR, 400_000)))
    rebuilt = join(slice_bars(song, 0, 1), slice_bars(song, 2, 3))
    assert rebuilt.tracks == song.tracks
    assert rebuilt.tempos == song.tempos
    assert rebuilt.time_signatures == song.time_signatures
    assert rebuilt.key_signatures == song.key_signatures


def test_slicing_joining_and_merging_keep_controllers_and_words():
    """Issue 20: bars cut out of a song keep their pedal (a pedal held into the slice starts it held down),
    a join moves the second song's controllers and words along, and a merge keeps every track's events."""
    from musicstudio.core.controls import SUSTAIN, SongText, controller, pitch_bend

    bar = 1920
    piano = Track("Piano", 0, False, (Note(60, 0, 480), Note(62, bar, 480), Note(64, 2 * bar, 480)),
                  controls=(controller(0, SUSTAIN, 127), pitch_bend(bar + 240, 1000),
                            controller(bar + 960, SUSTAIN, 0)))
    song = Song((piano,), texts=(SongText(0, "marker", "A"), SongText(bar, "marker", "B")))
    second = slice_bars(song, 1, 1)
    assert second.tracks[0].controls == (controller(0, SUSTAIN, 127), pitch_bend(240, 1000),
                                         controller(960, SUSTAIN, 0))
    assert second.texts == (SongText(0, "marker", "B"),)
    joined = join(song, second)
    offset = song.length_ticks
    assert joined.tracks[0].controls[-3:] == tuple(c.moved_by(offset) for c in second.tracks[0].controls)
    assert joined.texts[-1] == SongText(offset, "marker", "B")
    merged = merge_tracks([piano, Track("Pad", 88, False, (), controls=(controller(0, 7, 90),))])
    assert len(merged.controls) == 4 and controller(0, 7, 90) in merged.controls
