"""Recording: timestamped messages become notes and controller events at the right ticks, with count-in
and quantize; a take is one change that keeps what lies outside it."""

import mido
import numpy as np
import pytest

from musicstudio.audio.engine import LIVE_CHANNEL, PlaybackEngine
from musicstudio.audio.keyboard_piano import KeyboardPiano
from musicstudio.audio.midi_input import MidiInput, control_of, input_ports
from musicstudio.audio.recorder import Recorder, RecordSettings
from musicstudio.audio.soundfont import bundled_soundfont
from musicstudio.audio.synth import Synth
from musicstudio.core import Note, Song, Tempo, Track
from musicstudio.core.controls import (
    CHANNEL_PRESSURE,
    CONTROLLER,
    PITCH_BEND,
    POLY_PRESSURE,
    PROGRAM,
    Control,
    controller,
    pitch_bend,
)

SONG = Song(tempos=(Tempo(0, 500_000),))     # 120 BPM: a beat is 0.5 s, a 4/4 bar 2 s
MS_5 = 480 * 0.005 / 0.5                     # 5 ms in ticks at 120 BPM (4.8 ticks)


def test_messages_land_at_their_times_after_the_count_in():
    rec = Recorder(SONG, start_tick=1920, started_at=100.0)   # count-in 100.0 .. 102.0, then bar 2
    assert rec.count_in_seconds == pytest.approx(2.0)
    rec.message(102.0, mido.Message("note_on", note=60, velocity=90))
    rec.message(102.25, mido.Message("note_off", note=60))
    rec.message(102.5123, mido.Message("note_on", note=64, velocity=70))
    rec.message(103.0, mido.Message("note_on", note=64, velocity=0))
    take = rec.finish(104.0)
    expected = [Note(60, 1920, 240, 90), Note(64, 1920 + 480 + 12, 480 - 12, 70)]
    assert len(take) == 2
    for got, want in zip(take, expected):
        assert got.pitch == want.pitch and got.velocity == want.velocity
        assert abs(got.start - want.start) <= MS_5 and abs(got.end - want.end) <= MS_5


def test_a_note_struck_in_the_count_in_starts_on_the_first_beat():
    rec = Recorder(SONG, 0, started_at=0.0)
    rec.note_on(1.9, 62, 100)
    rec.note_off(2.5, 62)
    assert rec.finish(3.0) == [Note(62, 0, 480, 100)]


def test_quantize_on_stop_and_held_notes_end_at_stop():
    rec = Recorder(SONG, 0, started_at=0.0, settings=RecordSettings(count_in_bars=0, quantize_grid=120))
    rec.note_on(0.27, 60, 100)               # 259 ticks -> 240
    rec.note_on(0.51, 67, 100)               # held until stop at 1.0 s
    assert [n.pitch for n in rec.preview(0.8)] == [60, 67]
    take = rec.finish(1.0)
    assert take == [Note(60, 240, 720, 100), Note(67, 480, 480, 100)]


def test_replaced_span_runs_to_the_stop():
    rec = Recorder(SONG, 960, started_at=0.0, settings=RecordSettings(count_in_bars=0))
    assert rec.replaced_span(1.0) == (960, 1920)


class FakePort(mido.ports.BaseInput):
    """A MIDI input that delivers the messages a test pushes, as a device would."""

    def _receive(self, block=True):
        return None

    def push(self, message):
        self.callback(message)


def test_midi_input_timestamps_what_arrives():
    got = []
    clock = iter([10.0, 10.5])
    midi = MidiInput(lambda t, m: got.append((t, m.type, m.note)), clock=lambda: next(clock))
    port = FakePort()
    midi.open(port=port)
    port.push(mido.Message("note_on", note=60, velocity=90))
    port.push(mido.Message("control_change", control=64, value=127))   # ignored
    port.push(mido.Message("note_off", note=60))
    assert got == [(10.0, "note_on", 60), (10.5, "note_off", 60)]
    midi.close()


def test_no_midi_system_means_no_ports_not_an_error():
    assert isinstance(input_ports(), list)


def test_keyboard_piano_layout_octave_and_velocity():
    piano = KeyboardPiano()
    assert [piano.pitch_of(c) for c in "awsedf"] == [60, 61, 62, 63, 64, 65]
    assert piano.pitch_of("'") == 77 and piano.pitch_of("q") is None
    assert piano.control("z") and piano.pitch_of("a") == 48
    assert piano.control("x") and piano.control("x") and piano.pitch_of("a") == 72
    before = piano.velocity
    assert piano.control("v") and piano.velocity > before
    assert not piano.control("m")


def test_pedal_wheels_and_aftertouch_are_recorded_at_their_ticks():
    rec = Recorder(SONG, start_tick=1920, started_at=100.0)   # count-in 100.0 .. 102.0
    rec.message(101.5, mido.Message("control_change", control=64, value=127))   # pedal down in the count-in
    rec.message(102.0, mido.Message("note_on", note=60, velocity=90))
    rec.message(102.25, mido.Message("pitchwheel", pitch=-4096))
    rec.message(102.5, mido.Message("control_change", control=1, value=70))
    rec.message(102.5, mido.Message("aftertouch", value=50))
    rec.message(102.75, mido.Message("polytouch", note=60, value=40))
    rec.message(103.0, mido.Message("note_off", note=60))
    rec.message(103.0, mido.Message("pitchwheel", pitch=0))
    rec.message(103.5, mido.Message("control_change", control=64, value=0))
    rec.message(103.5, mido.Message("program_change", program=5))               # not recorded
    assert rec.finish_controls(104.0) == (
        controller(1920, 64, 127), pitch_bend(1920 + 240, -4096), controller(1920 + 480, 1, 70),
        Control(1920 + 480, CHANNEL_PRESSURE, 0, 50), Control(1920 + 720, POLY_PRESSURE, 60, 40),
        pitch_bend(1920 + 960, 0), controller(1920 + 1440, 64, 0))
    assert rec.finish(104.0) == [Note(60, 1920, 960, 90)]


def test_a_pedal_held_or_a_bend_left_at_stop_is_let_go_there():
    rec = Recorder(SONG, 0, started_at=0.0, settings=RecordSettings(count_in_bars=0))
    rec.control(0.0, CONTROLLER, 64, 100)
    rec.control(0.1, CONTROLLER, 67, 127)        # soft pedal
    rec.control(0.2, CONTROLLER, 66, 20)         # sostenuto already up
    rec.control(0.25, PITCH_BEND, 0, 3000)
    rec.control(0.3, CONTROLLER, 1, 90)          # a wheel that stays where it is left
    controls = rec.finish_controls(1.0)
    assert controls[5:] == (controller(960, 64, 0), controller(960, 67, 0), pitch_bend(960, 0))
    assert len(controls) == 8


def test_controllers_are_not_quantized_with_the_notes():
    rec = Recorder(SONG, 0, started_at=0.0, settings=RecordSettings(count_in_bars=0, quantize_grid=240))
    rec.note_on(0.27, 60, 100)
    rec.control(0.27, CONTROLLER, 64, 127)
    rec.note_off(0.6, 60)
    rec.control(0.6, CONTROLLER, 64, 0)
    assert rec.finish(1.0) == [Note(60, 240, 240, 100)]
    assert [c.tick for c in rec.finish_controls(1.0)] == [259, 576]


def recorded(overdub: bool) -> Recorder:
    rec = Recorder(SONG, 960, started_at=0.0, settings=RecordSettings(count_in_bars=0, overdub=overdub))
    rec.control(0.0, CONTROLLER, 64, 127)
    rec.note_on(0.1, 67, 80)
    rec.note_off(0.4, 67)
    rec.control(0.5, CONTROLLER, 64, 0)
    return rec


TRACK = Track("Piano", 0, False, (Note(60, 0, 240), Note(62, 1000, 240), Note(64, 2000, 240)),
              controls=(controller(0, 64, 127), controller(500, 64, 0), controller(1000, 1, 64),
                        Control(1200, PROGRAM, 0, 3), controller(2000, 1, 0)))


def test_a_replacing_take_keeps_the_controllers_outside_its_span_and_the_program_changes():
    song = Song((TRACK,), tempos=SONG.tempos)
    change = recorded(overdub=False).take_change(0, TRACK, 1.0)          # replaces ticks 960 .. 1920
    after = change.apply(song).tracks[0]
    assert [n.pitch for n in after.notes] == [60, 67, 64]             # 62 at 1000 replaced
    assert after.controls == (controller(0, 64, 127), controller(500, 64, 0), controller(960, 64, 127),
                              Control(1200, PROGRAM, 0, 3), controller(1440, 64, 0), controller(2000, 1, 0))
    assert change.inverse().apply(change.apply(song)) == song          # one undo step


def test_an_overdub_adds_the_take_and_removes_nothing():
    song = Song((TRACK,), tempos=SONG.tempos)
    after = recorded(overdub=True).take_change(0, TRACK, 1.0).apply(song).tracks[0]
    assert len(after.notes) == 4 and len(after.controls) == len(TRACK.controls) + 2


def test_nothing_played_is_no_change():
    assert Recorder(SONG, 0, started_at=0.0).take_change(0, TRACK, 5.0) is None


def test_midi_input_hands_controllers_to_their_own_receiver():
    notes, controls = [], []
    clock = iter([1.0, 2.0, 3.0, 4.0, 5.0])
    midi = MidiInput(lambda t, m: notes.append((t, m.type)), clock=lambda: next(clock),
                     receive_control=lambda t, m: controls.append((t, m.type)))
    port = FakePort()
    midi.open(port=port)
    port.push(mido.Message("control_change", control=64, value=127))
    port.push(mido.Message("note_on", note=60, velocity=90))
    port.push(mido.Message("pitchwheel", pitch=100))
    port.push(mido.Message("aftertouch", value=3))
    port.push(mido.Message("program_change", program=3))
    port.push(mido.Message("polytouch", note=60, value=3))
    assert notes == [(2.0, "note_on")]
    assert controls == [(1.0, "control_change"), (3.0, "pitchwheel"), (4.0, "aftertouch"), (5.0, "polytouch")]
    midi.close()


def test_a_keyboards_pedal_is_heard_live_and_recorded():
    """The path a recording session wires up: the MIDI input hands the pedal to the engine (heard on
    the live channel at once) and to the recorder (kept in the take)."""
    with Synth(bundled_soundfont(), 44100) as synth:
        engine = PlaybackEngine(synth)
        rec = Recorder(SONG, 0, started_at=0.0, settings=RecordSettings(count_in_bars=0))

        def hear_and_record(clock, message):
            engine.control(control_of(message))
            rec.message(clock, message)

        clock = iter([0.5, 0.75])
        midi = MidiInput(lambda t, m: None, clock=lambda: next(clock), receive_control=hear_and_record)
        port = FakePort()
        midi.open(port=port)
        port.push(mido.Message("control_change", control=64, value=127))
        port.push(mido.Message("pitchwheel", pitch=4000))
        engine.render(np.zeros((64, 2), np.float32))
        assert synth._fs.get_cc(LIVE_CHANNEL, 64) == 127
        assert rec.finish_controls(1.0) == (controller(480, 64, 127), pitch_bend(720, 4000),
                                            controller(960, 64, 0), pitch_bend(960, 0))
        midi.close()


def test_only_controller_messages_become_controller_events():
    assert control_of(mido.Message("polytouch", note=61, value=5), tick=7) == Control(7, POLY_PRESSURE, 61, 5)
    assert control_of(mido.Message("aftertouch", value=9)) == Control(0, CHANNEL_PRESSURE, 0, 9)
    assert control_of(mido.Message("note_on", note=60)) is None
    assert control_of(mido.Message("program_change", program=3)) is None
