"""The bundle's entry point: the same ``musicstudio`` command as ``pip install`` makes."""

import multiprocessing
import sys

from musicstudio.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen program started as a worker process runs the worker, not the app
    sys.exit(main())
