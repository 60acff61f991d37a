"""Python's cycle collector paused while a song is read, built or written.

A song of a million notes makes millions of tuples and numbers and no reference cycle, and the
collector would walk them all again and again while holding the interpreter (half the time it takes to
open 200,000 controller events; stalls of ~150 ms in the window while another thread reads). One
mechanism for every place that pauses it: blocks may nest and run in several threads at once, and the
collector comes back on only when the last one ends, and only if it was on before the first.
"""

from __future__ import annotations

import gc
import threading

_paused = 0
_paused_lock = threading.Lock()
_was_enabled = True


class collector_paused:  # noqa: N801 - used as a function: ``with collector_paused():``
    """Pause Python's cycle collector for the block (see the module's docstring)."""

    def __enter__(self) -> None:
        global _paused, _was_enabled
        with _paused_lock:
            if _paused == 0:
                _was_enabled = gc.isenabled()
                gc.disable()
            _paused += 1

    def __exit__(self, *exc) -> None:
        global _paused
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
