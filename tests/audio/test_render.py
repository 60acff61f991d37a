"""Offline WAV render: level, peak, length, format, progress, cancel and clear errors."""

import numpy as np
import pytest

from musicstudio.audio.errors import RenderCancelled, RenderTooLong, SoundFontError
from musicstudio.audio.render import MAX_TAIL_SECONDS, export_wav, render_song, song_seconds
from musicstudio.audio.schedule import NOTE_OFF, NOTE_ON, PROGRAM, schedule
from musicstudio.core import Note, Song, Tempo, Track
from musicstudio.io.wav import read_wav


def dbfs(x: float) -> float:
    return 20 * np.log10(max(x, 1e-12))


@pytest.mark.parametrize("bits", [16, 24])
def test_four_voice_song_renders_loud_enough_unclipped_and_the_right_length(tmp_path, four_voice_song, soundfont, bits):
    path = tmp_path / "song.wav"
    seconds = export_wav(four_voice_song, path, bits=bits, soundfont=soundfont)
    samples, rate = read_wav(path)
    assert rate == 44100 and samples.shape[1] == 2
    rms = dbfs(float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))))
    peak = dbfs(float(np.abs(samples).max()))
    assert rms > -40.0
    assert peak <= -0.1 + 1e-3
    song_length = song_seconds(four_voice_song)
    assert song_length == pytest.approx(16 * 4 * 0.5 - 30 / 480 * 0.5, abs=0.01)  # 16 bars at 120 BPM
    assert song_length <= len(samples) / rate <= song_length + MAX_TAIL_SECONDS + 0.1
    assert seconds == pytest.approx(len(samples) / rate)


def test_loud_renders_are_brought_down_to_the_ceiling(soundfont):
    chord = tuple(Note(p, 0, 960, 127) for p in range(36, 100, 2))
    song = Song((Track("Wall", 30, False, chord), Track("Wall 2", 81, False, chord)))
    samples = render_song(song, soundfont)
    assert dbfs(float(np.abs(samples).max())) == pytest.approx(-0.1, abs=0.01)


def test_notes_start_at_their_sample(soundfont):
    # One note after two beats of silence at 120 BPM: sound begins 1.0 s in, not before.
    song = Song((Track("", 0, False, (Note(60, 960, 480, 100),)),), tempos=(Tempo(0, 500_000),))
    samples = render_song(song, soundfont)
    first = int(np.argmax(np.abs(samples).max(axis=1) > 1e-4))
    assert 44100 <= first <= 44100 + 441  # within 10 ms of 1.0 s (the sample's own attack)


def test_schedule_orders_program_then_offs_then_ons_at_exact_frames():
    song = Song((Track("", 5, False, (Note(60, 0, 480, 100), Note(60, 480, 480, 90))),
                 Track("Drums", 0, True, (Note(36, 480, 10, 100),))))
    events = schedule(song, 44100)
    assert [e.kind for e in events[:2]] == [PROGRAM, PROGRAM]
    at_half = [e for e in events if e.frame == 22050]
    assert [e.kind for e in at_half] == [NOTE_OFF, NOTE_ON, NOTE_ON]
    assert {e.channel for e in events if e.kind == NOTE_ON and e.pitch == 36} == {9}


def test_empty_song_renders_silence_quickly(soundfont):
    samples = render_song(Song(), soundfont)
    assert len(samples) <= 44100 * MAX_TAIL_SECONDS
    assert dbfs(float(np.abs(samples).max(initial=0.0))) < -100  # FluidSynth's float noise floor only


def test_progress_reaches_one_and_cancel_stops(four_voice_song, soundfont):
    seen = []
    render_song(four_voice_song, soundfont, progress=seen.append)
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(RenderCancelled):
        render_song(four_voice_song, soundfont, cancelled=lambda: len(seen) > 3, progress=seen.append)


def test_renders_over_an_hour_are_refused_unless_forced(soundfont):
    long_song = Song((Track("", 0, False, (Note(60, 0, 480 * 60 * 61, 100),)),), tempos=(Tempo(0, 1_000_000),))
    with pytest.raises(RenderTooLong, match="61 minutes"):
        render_song(long_song, soundfont)


def test_missing_or_broken_soundfont_is_a_clear_error(tmp_path, four_voice_song):
    with pytest.raises(SoundFontError, match="does not exist"):
        render_song(four_voice_song, tmp_path / "missing.sf2")
    broken = tmp_path / "broken.sf2"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00sfbk" + b"\x00" * 64)
    with pytest.raises(SoundFontError, match="could not load"):
        render_song(four_voice_song, broken)
    text = tmp_path / "notes.sf2"
    text.write_text("hello")
    with pytest.raises(SoundFontError, match="not a SoundFont"):
        render_song(four_voice_song, text)


def test_a_failed_wav_write_leaves_no_partial_file(tmp_path, four_voice_song, soundfont, monkeypatch):
    import errno

    from musicstudio.io.errors import WavExportError

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("musicstudio.io.atomic.os.fsync", disk_full)
    with pytest.raises(WavExportError, match="disk is full"):
        export_wav(four_voice_song, tmp_path / "out.wav", soundfont=soundfont)
    assert list(tmp_path.iterdir()) == []
