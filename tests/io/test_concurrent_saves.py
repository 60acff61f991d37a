"""Saving one project from several processes at once (issue 26).

Three worker processes save the same project together, round after round, started by a barrier so the
saves overlap. After every round the folder must hold only ``NAME.msproj`` and ``NAME.msproj.bak``, and
both must open as projects: no hidden ``.NAME.msproj.bak.XXXX.tmp`` left behind, no half-written file.
Real processes, not threads: the bug is between processes (a lock held by one thread of the app would
hide it).
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from musicstudio.core import Note, Song, Track
from musicstudio.io.project import Project, backup_path, load_project, save_project

ROUNDS = 100
WORKERS = 3
BARRIER_TIMEOUT_S = 60


def _song(worker: int, round_: int) -> Song:
    notes = tuple(Note(60 + (worker + k) % 12, k * 240, 240, 90) for k in range(200))
    return Song(tracks=(Track(f"worker {worker}", worker, False, notes),), title=f"round {round_} by {worker}")


def _save_rounds(path: str, worker: int, rounds: int, start, done, failures) -> None:
    """One worker process: a save of ``path`` per round, all workers starting each round together."""
    try:
        for round_ in range(rounds):
            project = Project(_song(worker, round_))
            start.wait()
            try:
                save_project(project, path)
            except Exception as e:  # reported, and the round still ends for everyone
                failures.put(f"round {round_}, worker {worker}: {type(e).__name__}: {e}")
            done.wait()
    except Exception as e:  # a broken barrier: the main process reports it
        failures.put(f"worker {worker} stopped: {type(e).__name__}: {e}")


def _check_folder(path: Path, round_: int) -> tuple[list[str], list[str]]:
    """Stray files found (removed, so each round counts its own) and files that do not open."""
    expected = {path.name, backup_path(path).name}
    strays = sorted(p.name for p in path.parent.iterdir() if p.name not in expected)
    for name in strays:
        (path.parent / name).unlink()
    broken = []
    titles = []
    for p in (path, backup_path(path)):
        try:
            titles.append(load_project(p).song.title)
        except Exception as e:
            broken.append(f"round {round_}: {p.name}: {type(e).__name__}: {e}")
    # Saves take turns, so the backup is what another worker saved this round, just before the last one.
    if not broken and not (titles[1].startswith(f"round {round_} by ") and titles[0] != titles[1]):
        broken.append(f"round {round_}: the project is {titles[0]!r} and its backup {titles[1]!r}")
    return strays, broken


def run_rounds(folder: Path, rounds: int = ROUNDS, workers: int = WORKERS) -> dict:
    """Run the rounds; what was found, for the assertion and for a report."""
    path = folder / "song.msproj"
    ctx = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    start = ctx.Barrier(workers + 1, timeout=BARRIER_TIMEOUT_S)
    done = ctx.Barrier(workers + 1, timeout=BARRIER_TIMEOUT_S)
    failures = ctx.Queue()
    procs = [ctx.Process(target=_save_rounds, args=(str(path), w, rounds, start, done, failures))
             for w in range(workers)]
    for p in procs:
        p.start()
    found = {"rounds": 0, "rounds_with_strays": 0, "strays": [], "broken": [], "failures": []}
    try:
        for round_ in range(rounds):
            start.wait()
            done.wait()
            strays, broken = _check_folder(path, round_)
            found["rounds"] += 1
            found["rounds_with_strays"] += bool(strays)
            found["strays"] += strays
            found["broken"] += broken
    except BaseException:
        start.abort()  # releases the workers, which then stop
        done.abort()
        raise
    finally:
        for p in procs:
            p.join(BARRIER_TIMEOUT_S)
        while not failures.empty():
            found["failures"].append(failures.get())
    return found


def test_concurrent_saves_leave_only_the_project_and_its_backup(tmp_path):
    found = run_rounds(tmp_path)
    assert found["failures"] == []
    assert found["broken"] == []
    assert found["strays"] == [], f"{found['rounds_with_strays']} of {found['rounds']} rounds left stray files"
    assert found["rounds"] == ROUNDS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["song.msproj", "song.msproj.bak"]
