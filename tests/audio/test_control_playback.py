"""Playback of what a track plays besides notes: controllers, bends, aftertouch and program changes at
their frames on the track's channel, in order; the state chased when playing from the middle; and
nothing left hanging after stop or a loop."""

import numpy as np
import pytest

from musicstudio.audio.engine import LIVE_CHANNEL, PlaybackEngine
from musicstudio.audio.schedule import (
    BEND,
    CONTROL,
    KEY_PRESSURE,
    NOTE_OFF,
    NOTE_ON,
    PRESSURE,
    PROGRAM,
    Renderer,
    Schedule,
    SynthEvent,
    frames_at,
    schedule,
    start_point,
)
from musicstudio.audio.soundfont import bundled_soundfont
from musicstudio.audio.synth import Synth
from musicstudio.core import Note, Song, Tempo, Track
from musicstudio.core.controls import (
    CHANNEL_PRESSURE,
    POLY_PRESSURE,
    Control,
    controller,
    pitch_bend,
)
from musicstudio.core.controls import PROGRAM as PROGRAM_CHANGE
from musicstudio.io.midi_write import assign_channels
from musicstudio.io.timeline import Timeline

RATE = 44100
BEAT = RATE // 2          # frames a beat at 120 BPM


class LoggingSynth:
    """Stands in for FluidSynth: logs every call with the frame it comes at, and renders silence."""

    def __init__(self):
        self.sample_rate = RATE
        self.frame = 0
        self.log: list[tuple] = []

    def __getattr__(self, name):
        if name in ("note_on", "note_off", "control_change", "pitch_bend", "channel_pressure", "key_pressure",
                    "set_program", "reset_channel", "all_notes_off_channel"):
            return lambda *args: self.log.append((self.frame, name) + args)
        raise AttributeError(name)

    def render(self, frames, out=None):
        out = np.zeros((frames, 2), np.float32) if out is None else out
        out[:] = 0
        self.frame += frames
        return out

    def calls(self, *names):
        return [entry for entry in self.log if entry[1] in names]


def piano(notes=(), controls=(), **kw) -> Track:
    return Track("Piano", 0, False, tuple(notes), controls=tuple(controls), **kw)


def song_of(*tracks) -> Song:
    return Song(tuple(tracks), tempos=(Tempo(0, 500_000),))


def test_every_kind_is_scheduled_at_its_frame_on_the_track_channel():
    controls = (controller(480, 64, 127), pitch_bend(960, -4096), Control(960, CHANNEL_PRESSURE, 0, 70),
                Control(1440, POLY_PRESSURE, 62, 90), Control(1920, PROGRAM_CHANGE, 0, 40), controller(2400, 64, 0))
    drums = Track("Drums", 0, True, (Note(36, 0, 10),), controls=(controller(0, 7, 90),))
    song = song_of(drums, piano([Note(62, 1440, 480)], controls))
    channels = assign_channels(song.tracks)
    got = [e for e in schedule(song, RATE) if e.kind not in (NOTE_ON, NOTE_OFF)]
    assert got == [
        SynthEvent(0, PROGRAM, channels[0], 0, 1), SynthEvent(0, CONTROL, channels[0], 7, 90),
        SynthEvent(0, PROGRAM, channels[1], 0, 0),
        SynthEvent(BEAT, CONTROL, channels[1], 64, 127),
        SynthEvent(2 * BEAT, BEND, channels[1], 0, -4096), SynthEvent(2 * BEAT, PRESSURE, channels[1], 0, 70),
        SynthEvent(3 * BEAT, KEY_PRESSURE, channels[1], 62, 90),
        SynthEvent(4 * BEAT, PROGRAM, channels[1], 40, 0),
        SynthEvent(5 * BEAT, CONTROL, channels[1], 64, 0),
    ]
    assert channels[0] == 9


def test_each_track_plays_on_the_channel_the_midi_export_gives_it():
    """One rule for the channels of playback and of export (assign_channels): a track from a file
    plays on the channel it came from."""
    song = song_of(piano([Note(60, 0, 480)], [controller(0, 64, 127)], channel=4), piano([Note(64, 0, 480)]))
    channels = assign_channels(song.tracks)
    events = schedule(song, RATE)
    first = [e for e in events if e.pitch == 60 and e.kind in (NOTE_ON, NOTE_OFF) or e.kind == CONTROL]
    second = [e for e in events if e.pitch == 64 and e.kind in (NOTE_ON, NOTE_OFF)]
    assert channels[0] == 4 and len(first) == 3 and {e.channel for e in first} == {4}
    assert len(second) == 2 and {e.channel for e in second} == {channels[1]} != {channels[0]}


def test_at_one_frame_programs_and_controllers_come_before_offs_before_ons_in_the_track_order():
    a = piano([Note(60, 0, 480), Note(60, 480, 480), Note(64, 480, 240)],
              [controller(480, 0, 1), Control(480, PROGRAM_CHANGE, 0, 5), controller(480, 64, 127),
               Control(480, POLY_PRESSURE, 64, 100)])
    b = piano([Note(67, 480, 240)], [pitch_bend(480, 100)])
    at_beat = [(e.kind, e.pitch) for e in schedule(song_of(a, b), RATE) if e.frame == BEAT]
    assert at_beat == [(CONTROL, 0), (PROGRAM, 5), (CONTROL, 64), (BEND, 0),   # track a in its order, then b
                       (NOTE_OFF, 60), (NOTE_ON, 60), (NOTE_ON, 64), (NOTE_ON, 67), (KEY_PRESSURE, 64)]


def test_the_renderer_sends_each_kind_to_the_synth_at_its_frame():
    song = song_of(piano([Note(60, 480, 480)], [controller(480, 64, 127), pitch_bend(720, 2000),
                                                 Control(720, CHANNEL_PRESSURE, 0, 33),
                                                 Control(960, POLY_PRESSURE, 60, 99), controller(1200, 64, 0)]))
    ch = assign_channels(song.tracks)[0]
    synth = LoggingSynth()
    Renderer(synth, schedule(song, RATE)).render(np.zeros((3 * BEAT, 2), np.float32))
    assert synth.log == [
        (0, "set_program", ch, 0, False),
        (BEAT, "control_change", ch, 64, 127), (BEAT, "note_on", ch, 60, 100),
        (BEAT * 3 // 2, "pitch_bend", ch, 2000), (BEAT * 3 // 2, "channel_pressure", ch, 33),
        (2 * BEAT, "note_off", ch, 60), (2 * BEAT, "key_pressure", ch, 60, 99),
        (BEAT * 5 // 2, "control_change", ch, 64, 0),
    ]


def test_starting_in_the_middle_first_sends_the_state_before_the_start():
    controls = (controller(0, 7, 50), controller(0, 64, 127), pitch_bend(100, 300), controller(200, 7, 90),
                Control(200, PROGRAM_CHANGE, 0, 12), controller(300, 123, 0), Control(300, POLY_PRESSURE, 60, 9),
                pitch_bend(400, -1000), controller(1500, 64, 0))
    song = song_of(piano([Note(60, 0, 1920)], controls))
    ch = assign_channels(song.tracks)[0]
    events = schedule(song, RATE)
    start = start_point(events, BEAT)
    assert events[start.index].frame >= BEAT > events[start.index - 1].frame
    chased = [(e.frame, e.kind, e.channel, e.pitch, e.velocity) for e in start.chase]
    assert chased == [(BEAT, CONTROL, ch, 64, 127), (BEAT, CONTROL, ch, 7, 90), (BEAT, PROGRAM, ch, 12, 0),
                      (BEAT, BEND, ch, 0, -1000)]   # no note, key pressure or 'all notes off'
    synth = LoggingSynth()
    Renderer(synth, events, BEAT).render(np.zeros((BEAT, 2), np.float32))
    assert [entry[1:] for entry in synth.log[:4]] == [("control_change", ch, 64, 127), ("control_change", ch, 7, 90),
                                                      ("set_program", ch, 12, False), ("pitch_bend", ch, -1000)]


def test_parameter_numbers_and_their_data_are_chased_whole_in_order():
    rpn = [controller(0, 101, 0), controller(0, 100, 0), controller(0, 6, 12), controller(0, 38, 0),
           controller(10, 101, 127), controller(10, 100, 127)]
    events = schedule(song_of(piano([Note(60, 0, 960)], rpn)), RATE)
    chased = [(e.pitch, e.velocity) for e in start_point(events, BEAT).chase if e.kind == CONTROL]
    assert chased == [(101, 0), (100, 0), (6, 12), (38, 0), (101, 127), (100, 127)]


def test_frames_of_many_ticks_are_those_of_the_timeline():
    timeline = Timeline((Tempo(0, 500_000), Tempo(777, 612_345), Tempo(1001, 333_333), Tempo(5000, 1_234_567)))
    ticks = np.array([0, 1, 479, 776, 777, 778, 1000, 1001, 4999, 5000, 5001, 123_457, 10**8])
    for rate in (44100, 48000, 22050):
        assert frames_at(timeline, ticks, rate).tolist() == [timeline.frame_at(int(t), rate) for t in ticks]


def test_a_schedule_merges_events_in_playing_order_keeping_ties_in_order():
    events = Schedule.from_events([SynthEvent(10, NOTE_ON, 0, 60, 90), SynthEvent(0, PROGRAM, 0, 5, 0),
                                   SynthEvent(10, CONTROL, 0, 64, 127)])
    assert list(events) == [SynthEvent(0, PROGRAM, 0, 5, 0), SynthEvent(10, CONTROL, 0, 64, 127),
                            SynthEvent(10, NOTE_ON, 0, 60, 90)]
    merged = events.merged([SynthEvent(10, CONTROL, 9, 7, 1), SynthEvent(10, NOTE_OFF, 9, 76, 0)])
    assert [(e.kind, e.channel) for e in merged[1:]] == [(CONTROL, 0), (CONTROL, 9), (NOTE_OFF, 9), (NOTE_ON, 0)]
    assert len(merged) == 5 and merged[-1] == merged[4] and list(events) == events[:]


def test_no_chase_from_the_top():
    events = schedule(song_of(piano([Note(60, 0, 960)], [controller(0, 64, 127)])), RATE)
    assert start_point(events, 0).chase == () and start_point(events, 0).index == 0


def engine_with(synth, song) -> PlaybackEngine:
    engine = PlaybackEngine(synth)
    engine.set_song(song)
    return engine


def test_stop_and_play_reset_every_song_channel_before_the_chase():
    synth = LoggingSynth()
    engine = engine_with(synth, song_of(piano([Note(60, 0, 1920)], [controller(0, 64, 127)])))
    engine.play(960)
    engine.render(np.zeros((256, 2), np.float32))
    resets = synth.calls("reset_channel")
    assert sorted(entry[2] for entry in resets) == list(range(16))   # every channel a song track can use
    pedal = synth.log.index(next(e for e in synth.log if e[1] == "control_change"))
    assert pedal > synth.log.index(resets[-1])       # the chased pedal comes after the reset
    synth.log.clear()
    engine.stop()
    engine.render(np.zeros((256, 2), np.float32))
    assert len(synth.calls("reset_channel")) == 16 and ("all_notes_off_channel", LIVE_CHANNEL) in [
        e[1:] for e in synth.log]


def test_each_loop_pass_resets_then_chases_the_loop_start():
    synth = LoggingSynth()
    controls = [controller(0, 64, 127), pitch_bend(240, 500), controller(700, 64, 0), pitch_bend(700, 0)]
    engine = engine_with(synth, song_of(piano([Note(60, 0, 960)], controls)))
    engine.set_loop(480, 960)
    engine.play(480)
    engine.render(np.zeros((BEAT * 9 // 4, 2), np.float32))     # the loop (one beat) two and a quarter times
    after_wrap = synth.log[max(i for i, e in enumerate(synth.log) if e[1] == "reset_channel") + 1:]
    assert [e[1:] for e in after_wrap[:3]] == [("set_program", 0, 0, False), ("control_change", 0, 64, 127),
                                               ("pitch_bend", 0, 500)]
    pedal_ups = [e for e in synth.calls("control_change") if e[3:] == (64, 0)]
    assert len(pedal_ups) == 2                                   # one a pass, at 700 ticks


def test_live_controls_reach_the_live_channel():
    synth = LoggingSynth()
    engine = PlaybackEngine(synth)
    engine.control(controller(0, 64, 127))
    engine.control(pitch_bend(0, -8192))
    engine.control(Control(0, PROGRAM_CHANGE, 0, 30))           # the track's program rules live notes
    engine.render(np.zeros((64, 2), np.float32))
    assert [e[1:] for e in synth.log] == [("control_change", LIVE_CHANNEL, 64, 127),
                                          ("pitch_bend", LIVE_CHANNEL, -8192)]


@pytest.fixture
def synth():
    with Synth(bundled_soundfont(), RATE) as s:
        yield s


def test_fluidsynth_takes_every_kind_and_the_reset_lets_go(synth):
    """The real synthesizer: controllers, bend, channel and key pressure are accepted, and a reset
    leaves the pedal up, the volume and pan at their defaults."""
    fs = synth._fs
    synth.control_change(3, 64, 127)
    synth.control_change(3, 7, 20)
    synth.control_change(3, 10, 0)
    synth.pitch_bend(3, -8192)
    synth.channel_pressure(3, 100)
    synth.key_pressure(3, 60, 100)
    assert (fs.get_cc(3, 64), fs.get_cc(3, 7), fs.get_cc(3, 10)) == (127, 20, 0)
    synth.reset_channel(3)
    assert (fs.get_cc(3, 64), fs.get_cc(3, 7), fs.get_cc(3, 10), fs.get_cc(3, 11)) == (0, 100, 64, 127)


def level(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


def test_a_pedal_held_across_the_start_is_heard(synth):
    """Playing from beat 2 of a song whose pedal went down at the top: the note released at beat 3
    keeps ringing, as it does when the song plays from the top."""
    notes = [Note(60, 960, 240, 100)]
    held = engine_with(synth, song_of(piano(notes, [controller(0, 64, 127)])))
    held.play(480)
    ringing = held.render(np.zeros((4 * BEAT, 2), np.float32))
    held.stop()
    held.render(np.zeros((RATE, 2), np.float32))                 # the stop releases everything
    dry = engine_with(synth, song_of(piano(notes)))
    dry.play(480)
    released = dry.render(np.zeros((4 * BEAT, 2), np.float32))
    after_off = slice(int(2.5 * BEAT), 4 * BEAT)                 # from the note-off on
    assert level(ringing[after_off]) > 2 * level(released[after_off])
