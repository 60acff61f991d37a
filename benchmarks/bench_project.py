"""Project files with controllers (issue 20): a song with 200,000 controller events opens in under 1 s more
than the same song without them, and saves; a file of more than MAX_CONTROLS is refused without parsing."""

import tempfile
from pathlib import Path

from benchmarks.timing import median_cpu_seconds, median_seconds
from musicstudio.core import Song
from musicstudio.core.controls import Control, controller, pitch_bend
from musicstudio.core.examples import dense_song
from musicstudio.io.errors import ProjectError
from musicstudio.io.limits import MAX_CONTROLS
from musicstudio.io.project import Project, load_project, save_project

NOTES = 20_000
CONTROLS = 200_000


def with_controls(song: Song, count: int) -> Song:
    """``song`` with ``count`` events in its first track: a bend curve, the pedal, expression and pressure
    every few ticks, as a played performance holds them."""
    kinds = (lambda t, i: pitch_bend(t, (i * 97) % 16384 - 8192), lambda t, i: controller(t, 64, 127 * (i % 2)),
             lambda t, i: controller(t, 11, i % 128), lambda t, i: Control(t, "pressure", 0, i % 128))
    events = tuple(kinds[i % 4](i * 3, i) for i in range(count))
    first = song.tracks[0]
    return song.with_track(0, first.with_controls(events))


def refused(path: Path) -> None:
    try:
        load_project(path)
    except ProjectError:
        return
    raise AssertionError(f"{path.name} opened")


def too_many_events() -> bytes:
    """A project of one track holding MAX_CONTROLS + 1 pedal events, as bytes."""
    events = b",".join([b'[0,"cc",64,127]'] * (MAX_CONTROLS + 1))
    return (b'{"format":"musicstudio-project","schema":2,"ppq":480,"song":{"tempos":[[0,500000]],'
            b'"time_signatures":[[0,4,4]],"keys":[[0,0,0]],"tracks":[{"name":"T","notes":[],"controls":['
            + events + b']}]}}')


def run():
    plain = dense_song(NOTES)
    rich = with_controls(plain, CONTROLS)
    with tempfile.TemporaryDirectory() as folder:
        plain_path, rich_path = Path(folder) / "plain.msproj", Path(folder) / "rich.msproj"
        save_project(Project(plain), plain_path)
        t_save = median_seconds(lambda: save_project(Project(rich), rich_path), repeat=3)
        assert load_project(rich_path).song == rich
        t_plain = median_seconds(lambda: load_project(plain_path), repeat=3)
        t_rich = median_seconds(lambda: load_project(rich_path), repeat=3)
        cpu_plain = median_cpu_seconds(lambda: load_project(plain_path))
        cpu_rich = median_cpu_seconds(lambda: load_project(rich_path))
        size_mb = rich_path.stat().st_size / 2**20
        dense = Path(folder) / "dense.msproj"
        dense.write_bytes(too_many_events())
        t_refuse = median_seconds(lambda: refused(dense), repeat=3)
        dense_mb = dense.stat().st_size / 2**20
    return [
        (f"open {plain.note_count:,} notes (median of 3)", t_plain, "s", None),
        (f"open the same + {CONTROLS:,} controller events", t_rich, "s", None),
        (f"{CONTROLS:,} controller events cost when opening", t_rich - t_plain, "s", None),
        ("the same in processor time (the figure under load)", cpu_rich - cpu_plain, "s", lambda v: v < 1.0),
        (f"save {CONTROLS:,} controller events (median of 3)", t_save, "s", None),
        ("its file size", size_mb, "MB", None),
        (f"refuse {MAX_CONTROLS + 1:,} events ({dense_mb:.0f} MB) without parsing", t_refuse, "s", None),
    ]
