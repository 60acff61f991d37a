"""MIDI import and export of a generated 150,000-note file (target: import under 3 s)."""

import tempfile
from pathlib import Path

from benchmarks.timing import median_seconds, peak_rss_mb
from musicstudio.core.examples import dense_song
from musicstudio.io.midi_read import import_midi
from musicstudio.io.midi_write import export_midi, song_to_midi_bytes

NOTES = 150_000


def run():
    song = dense_song(NOTES)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dense.mid"
        export_midi(song, path)
        size_mb = path.stat().st_size / 2**20
        imported = import_midi(path).song
        assert imported.note_count == song.note_count
        t_import = median_seconds(lambda: import_midi(path), repeat=3)
        t_export = median_seconds(lambda: song_to_midi_bytes(song), repeat=3)
    return [
        ("file size", size_mb, "MB", None),
        (f"import {song.note_count:,} notes (median of 3)", t_import, "s", lambda v: v < 3.0),
        ("import speed", song.note_count / t_import / 1000, "k notes/s", None),
        (f"export {song.note_count:,} notes (median of 3)", t_export, "s", None),
        ("peak memory of the process", peak_rss_mb(), "MB", None),
    ]
