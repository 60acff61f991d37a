"""The mixer in the WAV export (issue 21): a track at volume 0 (aim: below -80 dBFS RMS) and panned hard left
(aim: at least 95% of its energy in the left channel), per instrument, through FluidSynth and TimGM6mb; and
one step of a volume drag in the track list on a big song (aim: under 30 ms, so a drag follows the mouse).

A track's volume and pan are its controller values at tick 0 (core/mixer.py). The export holds CC10 at centre
in FluidSynth and pans each track's rendered pair, effects returns included (audio/pan_law.py): FluidSynth's
own CC10 only moves each sample's own pan before the chorus and reverb sends, which left strings, pads and
leads at 53-81% left. The first lines time the render of a dense song of 16 tracks all at centre (one output,
as before), with one track panned (13 outputs: channel 3 needs one of its own) and with each track panned its
own way (16 outputs), the outputs rendered on one thread, so that their cost is seen; then the same for
bench_wav's four-voice song (3 and 4 outputs)."""

import os
import statistics
import tempfile
import time
from contextlib import closing
from pathlib import Path

import numpy as np

from benchmarks.bench_audio import dense_16_track_song, with_controllers
from benchmarks.timing import median_cpu_seconds, median_seconds
from musicstudio.audio.render import export_wav, render_blocks, song_seconds
from musicstudio.audio.soundfont import bundled_soundfont
from musicstudio.core import Note, Song, Track
from musicstudio.core.controls import PAN, VOLUME
from musicstudio.core.examples import four_voice_song
from musicstudio.core.mixer import mix_change
from musicstudio.io.wav import read_wav

INSTRUMENTS = {"Piano": 0, "Nylon guitar": 24, "Acoustic bass": 32, "Trumpet": 56, "Flute": 73,
               "Strings": 48, "Slow strings": 49, "Synth lead": 81, "Pad": 88}


def phrase(program: int) -> Track:
    notes = [Note(p, 0, 1920, 100) for p in (48, 55, 64)]
    notes += [Note(72 + step, i * 240, 240, 110) for i, step in enumerate((0, 2, 4, 5, 7, 5, 4, 2))]
    return Track("", program, False, tuple(notes))


def set_to(track: Track, number: int, value: int) -> Track:
    return mix_change(0, track, number, value).apply(Song((track,))).tracks[0]


def wav_of(track: Track, folder: Path) -> np.ndarray:
    path = folder / "track.wav"
    export_wav(Song((track,)), path, bits=24, soundfont=bundled_soundfont())
    return read_wav(path)[0].astype(np.float64)


def rms_dbfs(samples: np.ndarray) -> float:
    return 20 * np.log10(max(float(np.sqrt(np.mean(samples ** 2))), 1e-12))


def left_share(samples: np.ndarray) -> float:
    energy = (samples ** 2).sum(axis=0)
    return float(energy[0] / energy.sum())


def drag_steps(bars: int = 80) -> tuple[int, int, list[float], int]:
    """A volume drag from the handle to the left end on 16 tracks of ``bars`` bars with 200,000 controller
    events: the song's size, the time of each step (its edit, the views' refresh) and the undo steps made."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider

    from musicstudio.io.settings import Settings
    from musicstudio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    song = with_controllers(dense_16_track_song(bars))
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MUSICSTUDIO_CONFIG_DIR"] = os.environ["MUSICSTUDIO_DATA_DIR"] = folder
        window = MainWindow(Settings())
        window.resize(1280, 760)
        window.show()
        window.document.load(song, None)
        app.processEvents()
        fader = window.tracks.fader(3, VOLUME)
        option = QStyleOptionSlider()
        fader.initStyleOption(option)
        handle = fader.style().subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                              QStyle.SubControl.SC_SliderHandle, fader).center()
        left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        QTest.mousePress(fader, left, none, handle)
        steps = []
        for x in range(handle.x() - 1, -4, -1):
            t = time.perf_counter()
            QTest.mouseMove(fader, QPoint(x, handle.y()))
            app.processEvents()
            steps.append(time.perf_counter() - t)
        QTest.mouseRelease(fader, left, none, QPoint(-4, handle.y()))
        undo_steps = window.document.undo_stack.count()
        window.document.undo_stack.setClean()   # closing asks nothing
        window.close()
    return song.note_count, sum(len(t.controls) for t in song.tracks), steps, undo_steps


def render_speeds(bars: int = 16):
    """Songs rendered (render_blocks, no file) at centre, with one track panned, and with each track panned its
    own way: the dense 16-track song and bench_wav's four-voice song, x realtime by the wall clock and by the
    CPU time of all threads."""
    for name, song, one in (("16 tracks", dense_16_track_song(bars), 3), ("4 voices", four_voice_song(bars), 1)):
        seconds = song_seconds(song)
        tracks = song.tracks
        one_panned = song.with_tracks(tuple(set_to(t, PAN, 20) if i == one else t for i, t in enumerate(tracks)))
        every = song.with_tracks(tuple(set_to(t, PAN, i * 8 + 4) for i, t in enumerate(tracks)))
        for label, mix in (("all at centre", song), ("one track panned", one_panned), ("each its own pan", every)):
            def render(mix=mix):
                with closing(render_blocks(mix, bundled_soundfont())) as blocks:
                    for _ in blocks:
                        pass
            yield f"render, {name}, {label}: wall", seconds / median_seconds(render, repeat=3), "x realtime", None
            yield f"render, {name}, {label}: CPU", seconds / median_cpu_seconds(render), "x realtime", None


def run():
    yield from render_speeds()
    notes, controls, steps, undo_steps = drag_steps()
    label = f"volume drag step, {notes:,} notes + {controls:,} controllers"
    yield f"{label}: median", 1000 * statistics.median(steps), "ms", lambda v: v < 30
    yield f"{label}: slowest", 1000 * max(steps), "ms", None
    yield f"undo steps the drag of {len(steps)} moves made", undo_steps, "", lambda v: v == 1
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for name, program in INSTRUMENTS.items():
            track = phrase(program)
            yield f"{name}: RMS at volume 100", rms_dbfs(wav_of(track, folder)), "dBFS", None
            yield f"{name}: RMS at volume 0", rms_dbfs(wav_of(set_to(track, VOLUME, 0), folder)), "dBFS", \
                lambda v: v < -80
            yield f"{name}: left share of the energy, pan hard left", \
                100 * left_share(wav_of(set_to(track, PAN, 0), folder)), "%", lambda v: v >= 95
