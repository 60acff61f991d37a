"""Project files with controllers (issue 20): a song with 200,000 controller events opens in under 1 s more
than the same song without them, and saves."""

import tempfile
from pathlib import Path

from benchmarks.timing import median_seconds
from musicstudio.core import Song
from musicstudio.core.controls import Control, controller, pitch_bend
from musicstudio.core.examples import dense_song
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
        size_mb = rich_path.stat().st_size / 2**20
    return [
        (f"open {plain.note_count:,} notes (median of 3)", t_plain, "s", None),
        (f"open the same + {CONTROLS:,} controller events", t_rich, "s", None),
        (f"{CONTROLS:,} controller events cost when opening", t_rich - t_plain, "s", lambda v: v < 1.0),
        (f"save {CONTROLS:,} controller events (median of 3)", t_save, "s", None),
        ("its file size", size_mb, "MB", None),
    ]
