"""The test helper that waits for a signal a job emits in its own thread fails the test when none comes in time
(that it returns the arguments of one that does, test_render_worker's jobs show through ``run_job``)."""

import pytest
from PySide6.QtCore import QObject, Signal
from thread_signals import wait_for_signal


class Quiet(QObject):
    said = Signal(str)


def test_a_signal_that_never_comes_fails_the_test(qtbot):
    quiet = Quiet()
    with pytest.raises(qtbot.TimeoutError):
        wait_for_signal(qtbot, quiet.said, 100)
