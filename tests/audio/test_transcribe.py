"""Audio to notes (issue 24): synthetic lines with known notes, the errors in words, files and the CLI."""

import numpy as np
import pytest

from musicstudio.audio.audio_file import AudioFileError, read_audio
from musicstudio.audio.tempo_detect import detect_tempo
from musicstudio.audio.transcribe import NO_PITCH, NO_SOUND, TranscriptionError, transcribe
from musicstudio.core.key import Key
from musicstudio.io.wav import write_wav
from musicstudio.transcribe_command import main

RATE = 44100


def tone_line(pitches, seconds=0.25, rate=RATE, vibrato_cents=0.0, gap=0.03, glide=0.0, level=0.3):
    """A sung-like line: harmonic tones with a short attack and release, a small gap between notes."""
    out = []
    phase = 0.0
    previous = None
    for p in pitches:
        n = int(seconds * rate)
        t = np.arange(n) / rate
        cents = vibrato_cents * np.sin(2 * np.pi * 5.0 * t)
        midi = p + cents / 100.0
        if glide and previous is not None:       # slide from the previous pitch over `glide` seconds
            ramp = np.clip(t / glide, 0, 1)
            midi = previous + (p - previous) * ramp + cents / 100.0
        f = 440.0 * 2 ** ((midi - 69) / 12)
        phases = phase + 2 * np.pi * np.cumsum(f) / rate
        phase = phases[-1]
        wave = sum(np.sin(k * phases) / k for k in (1, 2, 3, 4))
        envelope = np.minimum(1.0, np.minimum(t / 0.01, (seconds - t) / 0.02))
        if glide:                                # legato: one breath, no re-attack
            envelope = np.ones(n) if previous is not None else np.minimum(1.0, t / 0.01)
        sound = level * wave * np.clip(envelope, 0, 1)
        if gap:
            sound[-int(gap * rate):] = 0.0
        out.append(sound)
        previous = p
    return np.concatenate([np.zeros(int(0.25 * rate))] + out + [np.zeros(int(0.25 * rate))])


MELODY = [60, 62, 64, 65, 67, 65, 64, 62, 60, 67, 72, 67]


def test_a_scale_becomes_its_notes_on_the_16th_grid():
    # 120 BPM: a 16th is 0.125 s; notes of 0.25 s are 8ths after a 0.25 s lead-in
    result = transcribe(tone_line(MELODY), RATE, tempo_bpm=120)
    assert [n.pitch for n in result.notes] == MELODY
    starts = [n.start for n in result.notes]
    assert all(s % 120 == 0 for s in starts)
    assert np.diff(starts).tolist() == [240] * (len(MELODY) - 1)
    assert result.key == Key(0, False) and not result.tempo_detected and result.warnings == ()


def test_vibrato_and_glides_stay_inside_one_note():
    vib = transcribe(tone_line(MELODY, seconds=0.4, vibrato_cents=30), RATE, tempo_bpm=120)
    assert [n.pitch for n in vib.notes] == MELODY
    slid = transcribe(tone_line(MELODY, seconds=0.4, gap=0.0, glide=0.06), RATE, tempo_bpm=120)
    assert [n.pitch for n in slid.notes] == MELODY


def test_a_repeated_pitch_is_found_from_its_attacks():
    result = transcribe(tone_line([64, 64, 64, 67, 67]), RATE, tempo_bpm=120)
    assert [n.pitch for n in result.notes] == [64, 64, 64, 67, 67]


def test_strength_moves_notes_part_way_and_no_grid_keeps_the_timing():
    line = np.concatenate([np.zeros(int(0.03 * RATE)), tone_line(MELODY[:4])])   # 30 ms late: 29 ticks
    raw = transcribe(line, RATE, tempo_bpm=120, grid=None).notes
    half = transcribe(line, RATE, tempo_bpm=120, strength=0.5).notes
    full = transcribe(line, RATE, tempo_bpm=120).notes
    for r, h, f in zip(raw, half, full):
        assert f.start % 120 == 0 and abs(h.start - (r.start + f.start) / 2) <= 1


def test_the_tempo_is_found_when_not_given():
    result = transcribe(tone_line(MELODY * 2, seconds=0.5), RATE)       # quarter notes at 120 BPM
    assert result.tempo_detected and abs(result.tempo_bpm - 120) < 4
    assert len(result.notes) == 2 * len(MELODY)
    bpm, phase = detect_tempo([0.5 + 0.6 * i for i in range(12)])
    assert abs(bpm - 100) < 3 and 0.0 <= phase <= 0.5


def test_silence_noise_and_bad_rates_are_refused_in_words():
    with pytest.raises(TranscriptionError, match="is the microphone muted"):
        transcribe(np.zeros(RATE), RATE)
    assert NO_SOUND.startswith("no sound was recorded")
    noise = np.random.default_rng(1).standard_normal(RATE * 2) * 0.2
    with pytest.raises(TranscriptionError) as e:
        transcribe(noise, RATE, tempo_bpm=120)
    assert str(e.value) == NO_PITCH
    with pytest.raises(TranscriptionError, match="sample rate"):
        transcribe(tone_line(MELODY), 4000)


def test_a_clipped_take_is_transcribed_with_a_warning():
    loud = np.clip(tone_line(MELODY, level=1.5), -1.0, 1.0)
    result = transcribe(loud, RATE, tempo_bpm=120)
    assert [n.pitch for n in result.notes] == MELODY
    assert len(result.warnings) == 1 and "clipped" in result.warnings[0]


def test_wav_and_flac_files_are_read(tmp_path):
    line = tone_line(MELODY[:4], rate=48000).astype(np.float32)
    write_wav(tmp_path / "take.wav", np.stack([line, line], axis=1), 48000, bits=24)
    samples, rate = read_audio(tmp_path / "take.wav")
    assert rate == 48000 and samples.shape == (len(line), 2)
    assert [n.pitch for n in transcribe(samples, rate, 120).notes] == MELODY[:4]
    soundfile = pytest.importorskip("soundfile")
    soundfile.write(tmp_path / "take.flac", line, 48000)
    samples, rate = read_audio(tmp_path / "take.flac")
    assert [n.pitch for n in transcribe(samples, rate, 120).notes] == MELODY[:4]


def test_unreadable_files_say_why(tmp_path, monkeypatch):
    with pytest.raises(AudioFileError, match="no such file"):
        read_audio(tmp_path / "missing.wav")
    (tmp_path / "take.mp3").write_bytes(b"ID3")
    with pytest.raises(AudioFileError, match="use a .wav or .flac file"):
        read_audio(tmp_path / "take.mp3")
    (tmp_path / "bad.wav").write_bytes(b"RIFF0000WAVEjunk")
    with pytest.raises(AudioFileError, match="bad.wav"):
        read_audio(tmp_path / "bad.wav")
    import musicstudio.audio.audio_file as audio_file
    monkeypatch.setattr(audio_file, "_soundfile", lambda: None)
    (tmp_path / "take.flac").write_bytes(b"fLaC")
    with pytest.raises(AudioFileError, match="FLAC files needs the soundfile package"):
        read_audio(tmp_path / "take.flac")


def test_the_command_writes_a_midi_file(tmp_path, capsys):
    from musicstudio.io.files import open_song

    write_wav(tmp_path / "take.wav", tone_line(MELODY).astype(np.float32), RATE)
    out = tmp_path / "take.mid"
    assert main([str(tmp_path / "take.wav"), str(out), "--tempo", "120", "--grid", "1/8"]) == 0
    assert "12 notes, 120 BPM (given), C major" in capsys.readouterr().out
    song = open_song(out).song
    assert [n.pitch for n in song.tracks[0].notes] == MELODY and round(song.tempos[0].bpm) == 120
    assert main([str(tmp_path / "take.wav"), str(out), "--grid", "1/7"]) == 2
    assert main([str(tmp_path / "take.wav"), str(out), "--tempo", "fast"]) == 2
    assert main([str(tmp_path / "take.wav"), str(tmp_path / "take.txt")]) == 2
    write_wav(tmp_path / "silent.wav", np.zeros(RATE, np.float32), RATE)
    assert main([str(tmp_path / "silent.wav"), str(out)]) == 3
    assert "is the microphone muted?" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.wav"), str(out)]) == 3
