"""MIDI import and export: 150,000 notes (import within 1 s); 200,000 controller events (under 1 s more).

The notes are a generated 150,000-note file; the controller events ride over a 20,000-note song and are
timed against the same song without them."""

import tempfile
from pathlib import Path

from benchmarks.timing import median_cpu_seconds, median_seconds, peak_rss_mb
from musicstudio.core.controls import CHANNEL_PRESSURE, Control, controller, pitch_bend
from musicstudio.core.examples import dense_song
from musicstudio.core.song import Song
from musicstudio.io.midi_read import import_midi
from musicstudio.io.midi_write import export_midi, song_to_midi_bytes

NOTES = 150_000
CONTROLS = 200_000


def with_controls(song: Song, count: int) -> Song:
    """``song`` with ``count`` controller events spread over its tracks, as a played take has them:
    a modulation and expression ride, pitch bends, channel aftertouch and the sustain pedal."""
    per_track = count // len(song.tracks)
    tracks = []
    for track in song.tracks:
        end = max(track.end_tick, 1)
        events = []
        for i in range(per_track):
            tick = i * end // per_track
            kind = i % 5
            if kind == 0:
                events.append(controller(tick, 1, i % 128))
            elif kind == 1:
                events.append(controller(tick, 11, 127 - i % 128))
            elif kind == 2:
                events.append(pitch_bend(tick, (i * 37) % 16384 - 8192))
            elif kind == 3:
                events.append(Control(tick, CHANNEL_PRESSURE, 0, i % 128))
            else:
                events.append(controller(tick, 64, 127 if i % 10 == 4 else 0))
        tracks.append(track.with_controls(events))
    return Song(tuple(tracks), song.tempos, song.time_signatures, song.key_signatures, song.title)


def _import_figures(folder: Path) -> list:
    song = dense_song(NOTES)
    path = folder / "dense.mid"
    export_midi(song, path)
    imported = import_midi(path).song
    assert imported.note_count == song.note_count
    t_import = median_seconds(lambda: import_midi(path), repeat=3)
    t_export = median_seconds(lambda: song_to_midi_bytes(song), repeat=3)
    return [
        ("file size", path.stat().st_size / 2**20, "MB", None),
        (f"import {song.note_count:,} notes (median of 3)", t_import, "s", lambda v: v <= 1.0),
        ("import speed", song.note_count / t_import / 1000, "k notes/s", None),
        (f"export {song.note_count:,} notes (median of 3)", t_export, "s", None),
    ]


def _control_figures(folder: Path) -> list:
    plain = dense_song(20_000)
    rich = with_controls(plain, CONTROLS)
    plain_path, rich_path = folder / "plain.mid", folder / "rich.mid"
    export_midi(plain, plain_path)
    export_midi(rich, rich_path)
    back = import_midi(rich_path).song
    assert sum(len(t.controls) for t in back.tracks) == CONTROLS
    t_plain = median_seconds(lambda: import_midi(plain_path), repeat=3)
    t_rich = median_seconds(lambda: import_midi(rich_path), repeat=3)
    cpu_added = median_cpu_seconds(lambda: import_midi(rich_path)) \
        - median_cpu_seconds(lambda: import_midi(plain_path))
    t_export = median_seconds(lambda: song_to_midi_bytes(rich), repeat=3)
    return [
        (f"import {plain.note_count:,} notes (median of 3)", t_plain, "s", None),
        (f"  the same with {CONTROLS:,} controller events", t_rich, "s", None),
        (f"  {CONTROLS:,} controller events add", t_rich - t_plain, "s", lambda v: v < 1.0),
        (f"  {CONTROLS:,} controller events add, CPU time", cpu_added, "s", lambda v: v < 1.0),
        (f"  export with {CONTROLS:,} controller events", t_export, "s", None),
    ]


def run():
    with tempfile.TemporaryDirectory() as folder:
        figures = _import_figures(Path(folder))
        figures += _control_figures(Path(folder))
    return figures + [("peak memory of the process", peak_rss_mb(), "MB", None)]
