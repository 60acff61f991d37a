"""The WAV export job: finishes, reports progress, cancels, fails with a reason, and joins its thread."""

import pytest
from PySide6.QtCore import Qt
from thread_signals import wait_for_signal

from musicstudio.core.examples import four_voice_song
from musicstudio.io.wav import read_wav
from musicstudio.workers import render_worker
from musicstudio.workers.render_worker import WavExportJob, running_threads, start_in_thread, wait_for_threads


@pytest.fixture
def short_song():
    return four_voice_song(bars=2)  # about 4 s of music


@pytest.fixture(autouse=True)
def threads_are_joined(qtbot):
    yield
    assert wait_for_threads(10_000), "a render thread did not stop"
    qtbot.waitUntil(lambda: not running_threads(), timeout=2000)


def run_job(qtbot, job, signal_name, timeout=20_000):
    """Start ``job`` in a thread and wait for the named ending signal, which the job emits in its own thread
    (:func:`thread_signals.wait_for_signal`); returns its arguments."""
    threads = []
    args = wait_for_signal(qtbot, getattr(job, signal_name), timeout, lambda: threads.append(start_in_thread(job)))
    qtbot.waitUntil(lambda: threads[0] not in running_threads(), timeout=5000)
    return args


def test_finishes_with_a_wav_and_progress_up_to_one(qtbot, tmp_path, short_song, soundfont):
    path = tmp_path / "song.wav"
    job = WavExportJob(short_song, path, 16, soundfont)
    progress, ends = [], []
    job.progress.connect(progress.append)
    job.failed.connect(ends.append)
    job.cancelled.connect(lambda: ends.append("cancelled"))
    args = run_job(qtbot, job, "finished")
    assert args[0] == str(path)
    samples, rate = read_wav(path)
    assert rate == 44100 and args[1] == pytest.approx(len(samples) / rate)
    assert ends == []
    assert len(progress) >= 3
    assert progress == sorted(progress) and progress[-1] == 1.0 and 0.0 <= progress[0] < 1.0
    assert len(progress) <= 1 / render_worker.PROGRESS_STEP + 2


def test_24_bit(qtbot, tmp_path, short_song, soundfont):
    path = tmp_path / "song.wav"
    run_job(qtbot, WavExportJob(short_song, path, 24, soundfont), "finished")
    with open(path, "rb") as f:
        header = f.read(36)
    assert int.from_bytes(header[34:36], "little") == 24


def test_cancel_during_the_render_emits_cancelled_and_leaves_no_file(qtbot, tmp_path, soundfont):
    path = tmp_path / "song.wav"
    job = WavExportJob(four_voice_song(), path, 16, soundfont)
    # Cancel from the worker thread at the first progress report: the next block sees it.
    job.progress.connect(lambda _: job.cancel(), Qt.ConnectionType.DirectConnection)
    finished = []
    job.finished.connect(lambda *args: finished.append(args))
    run_job(qtbot, job, "cancelled")
    assert finished == []
    assert list(tmp_path.iterdir()) == []


def test_cancel_from_the_gui_thread(qtbot, tmp_path, soundfont):
    path = tmp_path / "song.wav"
    job = WavExportJob(four_voice_song(bars=64), path, 16, soundfont)  # about 2 minutes of music
    first = []
    job.progress.connect(lambda p: first or (first.append(p), job.cancel()))
    run_job(qtbot, job, "cancelled")
    assert first and list(tmp_path.iterdir()) == []


def test_a_cancel_before_the_start_renders_nothing(qtbot, tmp_path, short_song, soundfont):
    job = WavExportJob(short_song, tmp_path / "song.wav", 16, soundfont)
    job.cancel()
    assert job.is_cancelled()
    run_job(qtbot, job, "cancelled")
    assert list(tmp_path.iterdir()) == []


def test_a_cancelled_render_keeps_the_previous_file(qtbot, tmp_path, soundfont):
    path = tmp_path / "song.wav"
    path.write_bytes(b"the old render")
    job = WavExportJob(four_voice_song(), path, 16, soundfont)
    job.progress.connect(lambda _: job.cancel(), Qt.ConnectionType.DirectConnection)
    run_job(qtbot, job, "cancelled")
    assert path.read_bytes() == b"the old render"
    assert [p.name for p in tmp_path.iterdir()] == ["song.wav"]


def test_a_missing_soundfont_fails_with_the_reason(qtbot, tmp_path, short_song):
    missing = tmp_path / "nowhere" / "GM.sf2"
    args = run_job(qtbot, WavExportJob(short_song, tmp_path / "song.wav", 16, missing), "failed")
    assert args == [f"SoundFont {missing} does not exist"]
    assert not (tmp_path / "song.wav").exists()


def test_a_folder_that_does_not_exist_fails_with_the_reason(qtbot, tmp_path, short_song, soundfont):
    path = tmp_path / "missing-folder" / "song.wav"
    (message,) = run_job(qtbot, WavExportJob(short_song, path, 16, soundfont), "failed")
    assert message.startswith("song.wav: ") and "does not exist" in message


def test_an_unexpected_error_fails_as_an_internal_error_and_is_logged(qtbot, tmp_path, short_song, monkeypatch,
                                                                      caplog):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(render_worker, "export_wav", broken)
    args = run_job(qtbot, WavExportJob(short_song, tmp_path / "song.wav"), "failed")
    assert args == ["internal error: ZeroDivisionError: division by zero"]
    assert "ZeroDivisionError" in caplog.text


def test_bad_bit_depths_are_refused_at_once(short_song, tmp_path):
    with pytest.raises(ValueError, match="16 or 24 bits"):
        WavExportJob(short_song, tmp_path / "song.wav", bits=8)


def test_a_job_with_a_parent_cannot_be_moved(qtbot, short_song, tmp_path):
    from PySide6.QtCore import QObject

    owner = QObject()
    job = WavExportJob(short_song, tmp_path / "song.wav", parent=owner)
    with pytest.raises(ValueError, match="parent"):
        start_in_thread(job)


def test_the_thread_and_job_survive_the_caller_dropping_them(qtbot, tmp_path, short_song, soundfont):
    done = []
    job = WavExportJob(short_song, tmp_path / "song.wav", 16, soundfont)
    job.finished.connect(lambda path, seconds: done.append(path))
    start_in_thread(job)
    del job
    qtbot.waitUntil(lambda: bool(done) and not running_threads(), timeout=20_000)
    assert done == [str(tmp_path / "song.wav")]


def test_wait_for_threads_cancels_and_joins_running_jobs(qtbot, tmp_path, soundfont):
    job = WavExportJob(four_voice_song(bars=64), tmp_path / "song.wav", 16, soundfont)
    wait_for_signal(qtbot, job.progress, 10_000, lambda: start_in_thread(job))
    assert len(running_threads()) == 1
    assert wait_for_threads(10_000)
    assert running_threads() == []
    assert not (tmp_path / "song.wav").exists()
