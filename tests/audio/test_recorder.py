"""Recording: timestamped messages become notes at the right ticks, with count-in and quantize."""

import mido
import pytest

from musicstudio.audio.keyboard_piano import KeyboardPiano
from musicstudio.audio.midi_input import MidiInput, input_ports
from musicstudio.audio.recorder import Recorder, RecordSettings
from musicstudio.core import Note, Song, Tempo

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
