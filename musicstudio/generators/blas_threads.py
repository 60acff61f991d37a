"""Sampling on one BLAS thread: numpy's OpenBLAS, limited for the calling thread only.

A sampling step multiplies a handful of rows by matrices of a few hundred columns. OpenBLAS splits such
products over every core, and on a small machine whose cores are busy (a training run, the audio thread,
torch's own worker threads still spinning after a call) the threads wait for each other: a step measured
5.9 ms with the default threads and 1.4 ms with one, on this project's 2-core machine under load.

``openblas_set_num_threads_local`` (OpenBLAS 0.3.27 and later) changes the count for the calling thread
alone, so a generation worker cannot slow anyone else's products. Where numpy brings no such OpenBLAS
(Accelerate on macOS, an older OpenBLAS, MKL), :func:`one_blas_thread` does nothing.
"""

from __future__ import annotations

import ctypes
import functools
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator


@functools.lru_cache(maxsize=1)
def _local_setter() -> Callable[[int], int] | None:
    import numpy

    root = Path(numpy.__file__).parent
    for folder in (root.parent / "numpy.libs", root / ".libs", root / ".dylibs"):
        for path in sorted(folder.glob("*openblas*")) if folder.is_dir() else ():
            try:
                setter = ctypes.CDLL(str(path)).openblas_set_num_threads_local
            except (OSError, AttributeError):
                continue
            setter.argtypes, setter.restype = [ctypes.c_int], ctypes.c_int
            return setter
    return None


@contextmanager
def one_blas_thread() -> Iterator[None]:
    setter = _local_setter()
    if setter is None:
        yield
        return
    previous = setter(1)
    try:
        yield
    finally:
        setter(previous)


def on_one_thread(generate: Callable) -> Callable:
    """A generator's ``generate`` run on one BLAS thread and one torch thread (the earlier torch count given
    back after), as the lstm's is: with one other busy process on the 2-core machine, the vae's 8 bars x 4
    took 200 ms on torch's default two threads and 103 ms on one, lstm-notes' 429 ms and 105 ms."""
    @functools.wraps(generate)
    def wrapped(*args, **kwargs):
        from musicstudio.generators.lstm.stepper import one_torch_thread

        with one_blas_thread(), one_torch_thread():
            return generate(*args, **kwargs)
    return wrapped
