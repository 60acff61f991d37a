"""Waiting for a signal that a job emits from its own thread, without pytest-qt's race.

``qtbot.waitSignal`` calls its slot in the thread that emits. When a job in another thread ends between
the blocker starting its timeout timer and entering its event loop (a job that fails or is cancelled at
once), the slot stops that timer from the wrong thread, which Qt ignores while the timer forgets its id,
and quits a loop that is not running yet: the loop then waits for ever (CI hung in
``test_a_folder_that_does_not_exist_fails_with_the_reason`` on 2026-12-04). Here the slot only records the
arguments, and the GUI thread polls for them.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt


def wait_for_signal(qtbot, signal, timeout: int, start: Callable[[], object] | None = None) -> list:
    """Connect to ``signal``, call ``start`` (if given), wait up to ``timeout`` ms for the first emission and
    return its arguments; fails the test (pytest-qt's TimeoutError) when none comes."""
    emitted: list[list] = []
    signal.connect(lambda *args: emitted.append(list(args)), Qt.ConnectionType.DirectConnection)
    if start is not None:
        start()
    qtbot.waitUntil(lambda: bool(emitted), timeout=timeout)
    return emitted[0]
