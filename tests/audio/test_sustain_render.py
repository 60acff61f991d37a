"""What FluidSynth hears besides notes is heard in the WAV render: a piano passage played with the
sustain pedal rings on after its last note-off, longer and louder than without it, and the
expression controller (CC 11) turned down makes the track quieter."""

from contextlib import closing

import mido
import numpy as np
import pytest

from musicstudio.audio.render import SAMPLE_RATE, export_wav, render_blocks
from musicstudio.audio.schedule import CONTROL, schedule
from musicstudio.audio.soundfont import bundled_soundfont
from musicstudio.core import Note, Song, Tempo, Track
from musicstudio.core.controls import EXPRESSION, SUSTAIN, controller
from musicstudio.core.ticks import PPQ
from musicstudio.io.midi_read import import_midi
from musicstudio.io.wav import read_wav

EIGHTH = PPQ // 2
# Two bars of broken chords (C major, F major) in detached eighths, on the piano at 120 BPM.
PASSAGE = tuple(Note(pitch, i * EIGHTH, EIGHTH * 3 // 4, 80)
                for i, pitch in enumerate([48, 55, 60, 64, 67, 64, 60, 55, 53, 60, 65, 69, 72, 69, 65, 60]))
LAST_OFF = max(n.end for n in PASSAGE)
LAST_OFF_FRAME = LAST_OFF * SAMPLE_RATE // (2 * PPQ)    # 120 BPM: two beats a second
PEDAL_UP = LAST_OFF + 3 * PPQ                            # 1.5 s after the last note-off


def passage(*controls) -> Song:
    return Song((Track("Piano", 0, False, PASSAGE, controls=controls),), tempos=(Tempo(0, 500_000),))


@pytest.fixture(scope="module")
def soundfont():
    return bundled_soundfont()


def rendered(song: Song, soundfont) -> np.ndarray:
    """The render as it comes (unscaled), padded with silence to 3 s after the last note-off."""
    with closing(render_blocks(song, soundfont)) as blocks:
        samples = np.concatenate([block.copy() for block in blocks])
    frames = LAST_OFF_FRAME + 3 * SAMPLE_RATE
    return np.pad(samples, ((0, max(0, frames - len(samples))), (0, 0)))


def rms_dbfs(samples: np.ndarray) -> float:
    return 20 * np.log10(max(float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))), 1e-12))


def release_seconds(samples: np.ndarray, floor_dbfs: float = -60.0) -> float:
    """How long after the last note-off the sound stays above ``floor_dbfs`` (10 ms windows)."""
    tail = samples[LAST_OFF_FRAME:]
    window = SAMPLE_RATE // 100
    peaks = np.abs(tail[:len(tail) // window * window]).reshape(-1, window * 2).max(axis=1)
    loud = np.nonzero(peaks > 10 ** (floor_dbfs / 20))[0]
    return (int(loud[-1]) + 1) / 100 if len(loud) else 0.0


def test_the_sustain_pedal_gives_a_longer_louder_release(soundfont):
    dry = rendered(passage(), soundfont)
    pedalled = rendered(passage(controller(0, SUSTAIN, 127), controller(PEDAL_UP, SUSTAIN, 0)), soundfont)
    second = slice(LAST_OFF_FRAME, LAST_OFF_FRAME + SAMPLE_RATE)
    dry_rms, pedal_rms = rms_dbfs(dry[second]), rms_dbfs(pedalled[second])
    dry_release, pedal_release = release_seconds(dry), release_seconds(pedalled)
    print(f"second after the last note-off: {dry_rms:.1f} dBFS RMS without the pedal, {pedal_rms:.1f} with it; "
          f"release above -60 dBFS {dry_release:.2f} s without, {pedal_release:.2f} s with")
    assert pedal_rms > dry_rms + 6.0                 # over twice the level
    assert pedal_release > 1.5 > 0.6 > dry_release   # rings until the pedal comes up, 1.5 s on
    before = slice(0, LAST_OFF_FRAME // 8)           # the first chord tones sound the same either way
    assert abs(rms_dbfs(pedalled[before]) - rms_dbfs(dry[before])) < 1.0


def test_lowering_expression_lowers_the_level(soundfont):
    halfway = len(PASSAGE) // 2 * EIGHTH
    full = rendered(passage(), soundfont)
    lowered = rendered(passage(controller(halfway, EXPRESSION, 40)), soundfont)
    first = slice(0, halfway * SAMPLE_RATE // (2 * PPQ))
    second = slice(first.stop, LAST_OFF_FRAME)
    assert abs(rms_dbfs(lowered[first]) - rms_dbfs(full[first])) < 0.5    # the same until it is turned down
    assert rms_dbfs(lowered[second]) < rms_dbfs(full[second]) - 10.0      # then clearly quieter


def test_the_exported_wav_keeps_the_pedal(tmp_path, soundfont):
    """The WAV file rings on too: export_wav plays the same schedule."""
    pedalled = passage(controller(0, SUSTAIN, 127), controller(PEDAL_UP, SUSTAIN, 0))
    export_wav(pedalled, tmp_path / "pedal.wav", soundfont=soundfont)
    export_wav(passage(), tmp_path / "dry.wav", soundfont=soundfont)
    second = slice(LAST_OFF_FRAME, LAST_OFF_FRAME + SAMPLE_RATE)
    pedal_wav, dry_wav = (read_wav(tmp_path / name)[0] for name in ("pedal.wav", "dry.wav"))
    assert len(pedal_wav) > len(dry_wav)
    dry_second = np.pad(dry_wav, ((0, max(0, second.stop - len(dry_wav))), (0, 0)))[second]
    assert rms_dbfs(pedal_wav[second]) > rms_dbfs(dry_second) + 6.0


def test_a_midi_files_pedal_is_heard_on_its_own_channel(tmp_path, soundfont):
    """End to end: a file written by mido with the passage and its pedal on channel 5 imports with
    the pedal, plays on channel 5, and rings on; the same file without the pedal does not."""
    def write(name: str, pedal: bool):
        track = mido.MidiTrack([mido.Message("program_change", channel=4, program=0)])
        if pedal:
            track.append(mido.Message("control_change", channel=4, control=SUSTAIN, value=127))
        events = [(n.start, 1, n.pitch, n.velocity) for n in PASSAGE] + [(n.end, 0, n.pitch, 0) for n in PASSAGE]
        if pedal:
            events.append((PEDAL_UP, 0, -1, 0))    # pitch -1: the pedal coming up
        last = 0
        for tick, on, pitch, velocity in sorted(events):
            if pitch < 0:
                track.append(mido.Message("control_change", channel=4, control=SUSTAIN, value=0, time=tick - last))
            else:
                kind = "note_on" if on else "note_off"
                track.append(mido.Message(kind, channel=4, note=pitch, velocity=velocity, time=tick - last))
            last = tick
        mido.MidiFile(ticks_per_beat=PPQ, tracks=[track]).save(tmp_path / name)
        return import_midi(tmp_path / name).song

    pedalled, dry = write("pedal.mid", True), write("dry.mid", False)
    piano_track = next(t for t in pedalled.tracks if t.notes)
    assert piano_track.channel == 4 and [c.value for c in piano_track.controls if c.number == SUSTAIN] == [127, 0]
    assert {e.channel for e in schedule(pedalled, SAMPLE_RATE) if e.kind == CONTROL} == {4}
    second = slice(LAST_OFF_FRAME, LAST_OFF_FRAME + SAMPLE_RATE)
    assert rms_dbfs(rendered(pedalled, soundfont)[second]) > rms_dbfs(rendered(dry, soundfont)[second]) + 6.0
