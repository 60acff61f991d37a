"""WAV export streams: constant memory, the in-memory render's samples, the peak ceiling, and
nothing left behind by a cancel, a full disk or a file too big for its disk or for a WAV."""

import errno
import tracemalloc
from contextlib import contextmanager

import numpy as np
import pytest

from musicstudio.audio import render
from musicstudio.audio.errors import RenderCancelled, RenderTooLong
from musicstudio.audio.render import BLOCK, PEAK_CEILING, export_wav, render_song
from musicstudio.core import Note, Song, Tempo, Track
from musicstudio.core.examples import four_voice_song
from musicstudio.io import wav
from musicstudio.io.errors import WavExportError
from musicstudio.io.wav import check_wav_room, read_wav, write_wav

HOUR_TICKS = 480 * 120 * 60  # at 120 BPM


def loud_at_the_end() -> Song:
    """Quiet notes for 7 s, then a chord wall that goes over the ceiling: the first pass has written
    most of the file before it finds out."""
    quiet = tuple(Note(60 + i % 5, i * 480, 400, 60) for i in range(14))
    wall = tuple(Note(p, 14 * 480, 960, 127) for p in range(36, 100, 2))
    return Song((Track("Quiet", 0, False, quiet), Track("Wall", 30, False, wall), Track("Wall 2", 81, False, wall)))


def test_export_never_holds_the_song_in_memory(tmp_path, soundfont, monkeypatch):
    song = four_voice_song(bars=32)  # 64 s: 22 MB as float samples, 11 MB as 16-bit PCM
    whole_song = render.most_frames(song) * 2 * 4
    written = []
    real_stream = render.wav_stream

    @contextmanager
    def spying_stream(*args):
        with real_stream(*args) as write:
            yield lambda block: (written.append(len(block)), write(block))

    monkeypatch.setattr(render, "wav_stream", spying_stream)
    tracemalloc.start()
    try:
        export_wav(song, tmp_path / "song.wav", soundfont=soundfont)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert max(written) <= BLOCK and sum(written) == len(read_wav(tmp_path / "song.wav")[0])
    assert peak < min(whole_song / 10, 3e6), f"{peak / 1e6:.1f} MB traced for a {whole_song / 1e6:.0f} MB song"


@pytest.mark.parametrize("bits", [16, 24])
@pytest.mark.parametrize("song", [four_voice_song(bars=4), loud_at_the_end()], ids=["quiet", "loud"])
def test_the_streamed_file_is_the_in_memory_render_byte_for_byte(tmp_path, soundfont, song, bits):
    export_wav(song, tmp_path / "streamed.wav", bits, soundfont)
    write_wav(tmp_path / "in_memory.wav", render_song(song, soundfont), bits=bits)
    assert (tmp_path / "streamed.wav").read_bytes() == (tmp_path / "in_memory.wav").read_bytes()


def test_a_loud_render_is_brought_to_the_ceiling_in_a_second_pass(tmp_path, soundfont):
    seen = []
    seconds = export_wav(loud_at_the_end(), tmp_path / "loud.wav", 24, soundfont, progress=seen.append)
    samples, rate = read_wav(tmp_path / "loud.wav")
    assert seconds == pytest.approx(len(samples) / rate)
    assert 20 * np.log10(np.abs(samples).max()) == pytest.approx(-0.1, abs=0.01)
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert len(seen) > 1.5 * len(samples) / BLOCK  # two passes reported, not one


@pytest.mark.parametrize("song, after, passes", [(four_voice_song(bars=4), 0.5, 1), (loud_at_the_end(), 0.9, 2)],
                         ids=["first pass", "second pass"])
def test_cancel_in_either_pass_leaves_the_old_file_as_it_was(tmp_path, soundfont, song, after, passes):
    out = tmp_path / "song.wav"
    out.write_bytes(b"the previous export")
    seen = []
    with pytest.raises(RenderCancelled):
        export_wav(song, out, soundfont=soundfont, progress=seen.append,
                   cancelled=lambda: bool(seen) and seen[-1] > after)
    one_pass = -(-len(render_song(song, soundfont)) // BLOCK)
    assert (passes - 1) * one_pass < len(seen) < passes * one_pass
    assert [p.name for p in tmp_path.iterdir()] == ["song.wav"]
    assert out.read_bytes() == b"the previous export"


class FillingFile:
    """A file on a disk that fills up after ``room`` bytes."""

    def __init__(self, f, room):
        self.f, self.room = f, room

    def write(self, data):
        self.room -= len(data)
        if self.room < 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.f.write(data)

    def __getattr__(self, name):
        return getattr(self.f, name)


@pytest.mark.parametrize("song", [four_voice_song(bars=4), loud_at_the_end()], ids=["quiet", "loud"])
def test_a_disk_that_fills_up_midway_is_said_and_leaves_nothing(tmp_path, soundfont, monkeypatch, song):
    real_file = wav.atomic_file

    @contextmanager
    def filling_file(path):
        with real_file(path) as f:
            yield FillingFile(f, room=300_000)

    monkeypatch.setattr(wav, "atomic_file", filling_file)
    with pytest.raises(WavExportError, match="song.wav: it could not be written .the disk is full"):
        export_wav(song, tmp_path / "song.wav", soundfont=soundfont)
    assert list(tmp_path.iterdir()) == []


def test_no_room_on_the_disk_is_refused_before_rendering(tmp_path, soundfont, monkeypatch):
    import shutil
    from types import SimpleNamespace

    one_megabyte_free = SimpleNamespace(total=10**9, used=10**9 - 10**6, free=10**6)
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: one_megabyte_free)
    seen = []
    with pytest.raises(WavExportError, match=r"song.wav: it needs 6.0 MB of disk space and its disk has only 1.0 MB"):
        export_wav(four_voice_song(bars=16), tmp_path / "song.wav", soundfont=soundfont, progress=seen.append)
    assert seen == [] and list(tmp_path.iterdir()) == []


def test_songs_too_long_for_a_wav_file_are_refused_before_rendering(tmp_path, soundfont):
    seven_hours = Song((Track("", 0, False, (Note(60, 0, 7 * HOUR_TICKS, 100),)),), tempos=(Tempo(0, 500_000),))
    with pytest.raises(RenderTooLong, match="420 minutes"):
        export_wav(seven_hours, tmp_path / "long.wav", soundfont=soundfont)
    with pytest.raises(WavExportError, match=r"7.0 hours of 16-bit stereo would take 4.4 GB, more than a WAV "
                                             r"file can hold \(4.3 GB: at most 6.8 hours at 16 bits, 4.5 hours"):
        export_wav(seven_hours, tmp_path / "long.wav", soundfont=soundfont, force=True)
    five_hours = 5 * 3600 * 44100
    check_wav_room(tmp_path / "long.wav", five_hours, bits=16)
    with pytest.raises(WavExportError, match="5.0 hours of 24-bit stereo"):
        check_wav_room(tmp_path / "long.wav", five_hours, bits=24)
    assert list(tmp_path.iterdir()) == []


def test_the_ceiling_is_minus_a_tenth_of_a_decibel():
    assert 20 * np.log10(PEAK_CEILING) == pytest.approx(-0.1)
