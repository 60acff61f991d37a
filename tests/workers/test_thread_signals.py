"""The test helper that waits for a signal a job emits in its own thread: it returns the first emission's
arguments, and fails the test when none comes in time."""

import pytest
from PySide6.QtCore import QObject, Signal
from thread_signals import wait_for_signal

from musicstudio.core.examples import four_voice_song
from musicstudio.workers.render_worker import WavExportJob, running_threads, start_in_thread


class Quiet(QObject):
    said = Signal(str)


def test_the_arguments_of_a_signal_from_the_job_s_thread(qtbot, tmp_path):
    missing = tmp_path / "GM.sf2"
    job = WavExportJob(four_voice_song(bars=1), tmp_path / "song.wav", 16, missing)
    assert wait_for_signal(qtbot, job.failed, 10_000, lambda: start_in_thread(job)) == \
        [f"SoundFont {missing} does not exist"]
    qtbot.waitUntil(lambda: not running_threads(), timeout=5000)


def test_a_signal_that_never_comes_fails_the_test(qtbot):
    quiet = Quiet()
    with pytest.raises(qtbot.TimeoutError):
        wait_for_signal(qtbot, quiet.said, 100)
