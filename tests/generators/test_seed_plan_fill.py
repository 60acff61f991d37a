"""Seed planning for filled bars (issue 18): a "regenerate" plan carries the bars before the span (the seed),
the track after it (``after``) and the other pitched tracks over the whole window (``others``); a request
carries the two only for a family that fills."""

from musicstudio.core.clip import Clip
from musicstudio.core.meter import TimeSignature
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.backends import backend_named
from musicstudio.generators.capabilities import Infiller
from musicstudio.generators.interface import BAR
from musicstudio.generators.seed_plan import plan_seed

QUARTER = BAR // 4
MELODY = tuple(Note(60 + (i % 8), i * QUARTER, QUARTER, 90) for i in range(48))       # 12 bars of quarters
BASS = tuple(Note(36 + i % 5, i * BAR, BAR, 70) for i in range(12))
KIT = tuple(Note(36, i * QUARTER, QUARTER // 2, 100) for i in range(48))


def song(*tracks: Track, meter=None) -> Song:
    return Song(tracks, time_signatures=meter) if meter else Song(tracks)


def test_the_plan_carries_the_bars_after_the_span_counted_from_its_end():
    held = Note(72, 8 * BAR - QUARTER, 2 * QUARTER, 80)        # starts in the span: replaced, not context
    s = song(Track("Tune", 0, False, MELODY + (held,)))
    plan = plan_seed(s, 0, "bars", "regenerate", loop=(4 * BAR, 8 * BAR), context_bars=2)
    assert (plan.seed_start, plan.at, plan.end, plan.bars) == (2 * BAR, 4 * BAR, 8 * BAR, 4)
    assert plan.after.length == 2 * BAR                             # the context bars, not the rest of the song
    assert plan.after.notes == tuple(n.moved_by(-8 * BAR) for n in MELODY if 8 * BAR <= n.start < 10 * BAR)
    assert held in plan.replaced and all(n.start >= 0 for n in plan.after.notes)


def test_after_stops_at_the_songs_last_bar_line_and_is_cut_at_the_context():
    long = Note(67, 9 * BAR, 3 * BAR, 80)                          # rings past the context's end
    s = song(Track("Tune", 0, False, tuple(n for n in MELODY if n.start < 9 * BAR) + (long,)))
    plan = plan_seed(s, 0, "bars", "regenerate", loop=(4 * BAR, 8 * BAR), context_bars=2)
    assert plan.after.notes[-1] == Note(67, BAR, BAR, 80)          # cut at 10 bars
    plan = plan_seed(s, 0, "bars", "regenerate", loop=(4 * BAR, 8 * BAR), context_bars=8)
    assert plan.after.length == 4 * BAR                            # the song ends at bar 12
    end = plan_seed(s, 0, "bars", "regenerate", loop=(10 * BAR, 12 * BAR))
    assert end.after == Clip((), 0)                                # nothing after the song's last bars


def test_the_other_pitched_tracks_come_over_the_whole_window_and_drums_stay_out():
    s = song(Track("Tune", 0, False, MELODY), Track("Kit", 0, True, KIT), Track("Bass", 32, False, BASS),
             Track("Empty", 0, False, ()))
    plan = plan_seed(s, 0, "bars", "regenerate", loop=(4 * BAR, 6 * BAR), context_bars=2)
    assert (plan.seed_start, plan.after.length) == (2 * BAR, 2 * BAR)
    (bass,) = plan.others                                          # no drums, no empty track, not the tune
    assert bass.length == 6 * BAR                                  # seed, span and after
    assert bass.notes == tuple(n.moved_by(-2 * BAR) for n in BASS[2:8])
    other = plan_seed(s, 2, "bars", "regenerate", loop=(4 * BAR, 6 * BAR), context_bars=2)
    assert [len(c.notes) for c in other.others] == [sum(2 * BAR <= n.start < 8 * BAR for n in MELODY)]


def test_bars_after_follow_the_songs_meter():
    waltz = tuple(Note(60 + i % 3, i * QUARTER, QUARTER, 80) for i in range(36))     # 12 bars of 3/4
    s = song(Track("W", 0, False, waltz), meter=(TimeSignature(0, 3, 4),))
    bar = 3 * QUARTER
    plan = plan_seed(s, 0, "bars", "regenerate", loop=(4 * bar, 6 * bar), context_bars=3)
    assert (plan.at, plan.end, plan.bars, plan.after.length) == (4 * bar, 6 * bar, 2, 3 * bar)
    assert len(plan.after.notes) == 9 and plan.seed.length == 3 * bar


def test_a_request_carries_both_sides_only_for_a_family_that_fills():
    s = song(Track("Tune", 0, False, MELODY), Track("Bass", 32, False, BASS))
    plan = plan_seed(s, 0, "bars", "regenerate", loop=(4 * BAR, 8 * BAR))
    markov, vae = backend_named("markov"), backend_named("vae")
    assert not markov.can(Infiller) and vae.can(Infiller)
    assert plan.request_context(markov) == {}
    assert plan.request_context(vae) == {"after": plan.after, "others": plan.others}
    assert plan_seed(s, 0, "track", "continue").request_context(vae) == {}
    assert plan_seed(s, 0, "track", "continue").after is None


def test_a_swung_fill_is_given_both_sides_straightened():
    """The feel pipeline straightens the music after the gap and the other tracks as it does the seed, so a
    model on a straight grid hears one time on both sides."""
    from musicstudio.core.feel import AUTO
    from musicstudio.generators.fitting import fit_request
    from musicstudio.generators.interface import GenerationRequest

    eighth = QUARTER // 2
    swung = tuple(Note(60 + i % 5, i * eighth + (eighth // 3 if i % 2 else 0), eighth - eighth // 3, 80)
                  for i in range(32))                          # 4 bars of 8ths swung 2:1
    after = Clip(swung[:16], 2 * BAR)
    request = GenerationRequest(Clip(swung, 4 * BAR), bars=2, after=after, others=(Clip(swung, 8 * BAR),))
    fitted = fit_request(request, backend_named("vae"), AUTO)
    assert fitted.swing is not None
    assert all(n.start % eighth == 0 for n in fitted.request.after.notes + fitted.request.others[0].notes)
    assert fitted.request.after.length == 2 * BAR and fitted.request.others[0].length == 8 * BAR
