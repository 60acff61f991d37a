"""Screenshots of the Generate panel's takes and of the VAE studio, with the shipped models, under xvfb:

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python docs/screenshots/make_generate_screenshots.py

Writes generate-takes.png (4 takes continuing the first 4 bars of Ode to Joy, take 2 previewed),
vae-studio-sliders.png (bars 1-2 encoded, note density and pitch height moved, the moved phrase as ghost
notes) and vae-studio.png (then 4 phrases interpolated between bars 1-2 and bars 3-4, end points included,
as takes after them) and vae-pad.png (the four-corner pad, the phrase at its dot as a take) next to
this script; gan-chords.png (the GAN continuing the same bars over typed chords, Am F C G) and
gan-voices.png (the GAN continuing the first 4 bars of Bach's chorale BWV 10.7, from music21's corpus, in
its four tracks, voice by voice; the alto's track on show, the others as ghosts). Settings go to a
temporary folder, never the user's. ``MUSICSTUDIO_SCREENSHOTS=gan`` makes only the GAN's,
``=vae`` all but the GAN's (default: ``vae,gan``, all of them).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODEL = os.environ.get("MUSICSTUDIO_SCREENSHOT_MODEL", "vae")   # a VAE: it makes the takes too
Q = 480
# Ode to Joy, bars 1-4 (public domain)
ODE = [(64, 0, Q), (64, Q, Q), (65, 2 * Q, Q), (67, 3 * Q, Q),
       (67, 4 * Q, Q), (65, 5 * Q, Q), (64, 6 * Q, Q), (62, 7 * Q, Q),
       (60, 8 * Q, Q), (60, 9 * Q, Q), (62, 10 * Q, Q), (64, 11 * Q, Q),
       (64, 12 * Q, 3 * Q // 2), (62, 13 * Q + Q // 2, Q // 2), (62, 14 * Q, 2 * Q)]


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="musicstudio-shots-"))
    os.environ["MUSICSTUDIO_CONFIG_DIR"] = str(tmp / "config")
    os.environ["MUSICSTUDIO_DATA_DIR"] = str(tmp / "data")
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtWidgets import QApplication

    from musicstudio.core import Note, Song, Track
    from musicstudio.generators.interface import BAR
    from musicstudio.io.settings import Settings
    from musicstudio.ui.main_window import MainWindow
    from musicstudio.workers.generation import GenerationService

    app = QApplication(sys.argv)
    window = MainWindow(Settings())
    folders = os.environ.get("MUSICSTUDIO_SCREENSHOT_FOLDERS")    # default: the shipped models/
    service = GenerationService(folders.split(os.pathsep) if folders else None)
    window.attach_generation(service)
    window.resize(1400, 900)
    window.show()
    window.generate_dock.show()
    window.resizeDocks([window.generate_dock], [540], Qt.Orientation.Horizontal)
    song = Song((Track("Melody", 0, False, tuple(Note(p, s, d, 92) for p, s, d in ODE)),))
    window.document.load(song, None)
    panel, roll = window.generate, window.roll
    roll.zoom(0.25, 0)                       # bars 1-9 in view
    roll.geometry.centre_on_pitch(66, roll.canvas.height())
    roll.refresh()

    def settle(seconds: float = 0.3) -> None:
        end = time.time() + seconds
        while time.time() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.01)

    def wait_for(condition, what: str, timeout: float = 180) -> None:
        end = time.time() + timeout
        while not condition():
            if time.time() > end:
                raise SystemExit(f"timed out waiting for {what}; status: {panel.status.text()}")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.01)

    def select_bars(first: int, last: int) -> None:
        roll.set_selection([n for n in window.document.song.tracks[0].notes
                            if (first - 1) * BAR <= n.start < last * BAR])

    def shoot(name: str) -> None:
        settle(0.5)
        path = HERE / name
        window.grab().save(str(path))
        print("wrote", path)

    settle(1.0)
    wanted = set(os.environ.get("MUSICSTUDIO_SCREENSHOTS", "vae,gan").split(","))
    if "gan" in wanted:
        gan_chords(panel, wait_for, shoot)
    if "vae" not in wanted:
        gan_voices(window, wait_for, shoot)
        window.document.undo_stack.setClean()
        window.close()
        service.shutdown()
        return 0
    if not panel.picker.select(MODEL):
        raise SystemExit(f"no model {MODEL!r} installed: {[i.name for i in panel.picker.infos]}")

    # the takes: continue the 4 bars
    ready = four_takes(panel, wait_for, 7, "the takes")
    shoot("generate-takes.png")              # the takes' column beside the settings never scrolls away
    panel.discard()

    # the VAE studio: encode bars 1-2, move two sliders
    studio = panel.studio
    page = studio.sliders_page
    select_bars(1, 2)
    studio.encode_selection()
    wait_for(lambda: studio.job is None and page.phrase is not None, "the encoding")
    for name, delta in (("note_density", 0.7), ("pitch_height", 0.6)):
        if name in page.sliders.sliders:
            page.sliders.set_value(name, page.sliders.sliders[name].home + delta)
            wait_for(lambda: studio.job is None and page.wanted is None, f"the {name} move")
    roll.set_selection([])
    page.sliders.sliders.get("note_density", page.encode_button).setFocus()
    roll.zoom(2.0, 0)                        # bars 1-4: the moved phrase over the first two
    shoot("vae-studio-sliders.png")
    roll.zoom(0.5, 0)

    # then interpolate between bars 1-2 and bars 3-4, as takes after them
    select_bars(1, 2)
    studio.set_phrase("A", "selection")
    select_bars(3, 4)
    studio.set_phrase("B", "selection")
    roll.set_selection([])
    studio.blend_page.between.setValue(4)
    studio.blend_page.ends.setChecked(True)
    studio.blend_page.layout_box.setCurrentIndex(studio.blend_page.layout_box.findData("takes"))
    ready.clear()
    studio.blend_page.interpolate()
    wait_for(lambda: ready, "the interpolation")
    panel.flip(2)
    shoot("vae-studio.png")

    # and the pad: C and D are the same bars the other way round, the dot a little off the middle
    panel.set_page("pad")
    for which, bars in (("C", (3, 4)), ("D", (1, 2))):
        select_bars(*bars)
        studio.set_phrase(which, "selection")
    roll.set_selection([])
    ready.clear()
    studio.pad_page.pad.set_position(0.3, 0.35)      # as a click there would
    wait_for(lambda: ready, "the pad's phrase")
    studio.pad_page.pad.setFocus()
    bar = panel.scroll.verticalScrollBar()
    bar.setValue(bar.maximum())              # the pad sits below the corners: show it whole
    shoot("vae-pad.png")
    bar.setValue(0)
    if "gan" in wanted:
        panel.discard()
        panel.set_page("generate")
        gan_voices(window, wait_for, shoot)

    window.document.undo_stack.setClean()
    window.close()
    service.shutdown()
    return 0


def four_takes(panel, wait_for, random_seed: int, what: str) -> list:
    """Continue the whole track by 4 bars in 4 takes with the selected model, and preview take 2. Returns
    the list each later ``takes_ready`` appends to (clear it before waiting on the next)."""
    panel.set_source("track")
    panel.set_mode("continue")
    panel.params.variations.setValue(4)
    panel.params.bars.setValue(4)
    panel.params.fresh_seed.setChecked(False)
    panel.params.seed.setValue(random_seed)
    ready = []
    panel.takes_ready.connect(lambda: ready.append(1))
    panel.generate()
    wait_for(lambda: ready, what)
    panel.flip(1)
    return ready


def gan_chords(panel, wait_for, shoot) -> None:
    """The GAN continuing the whole track for 4 bars over typed chords, take 2 previewed."""
    if not panel.picker.select("gan"):
        raise SystemExit("no model 'gan' installed")
    panel.params.chords.setText("Am F C G")
    four_takes(panel, wait_for, 3, "the GAN's takes")
    shoot("gan-chords.png")
    panel.discard()
    panel.params.chords.setText("")


def gan_voices(window, wait_for, shoot) -> None:
    """The GAN continuing bars 1-4 of BWV 10.7 (four tracks) for 4 bars; take 1 kept, voice by voice."""
    from music21 import corpus

    from musicstudio.core import Note, Song, Track
    from musicstudio.core.key import Key, KeySignature

    score = corpus.parse("bach/bwv10.7")
    tracks = []
    for part in score.parts:
        notes = tuple(Note(n.pitch.midi, int(n.offset * Q), int(n.quarterLength * Q), 80)
                      for n in part.flatten().notes if n.offset < 16 and not n.isChord)
        tracks.append(Track(part.partName or "Voice", 52, False, notes))
    key = score.analyze("key")                # G minor: the key lock follows the song's key
    song = Song(tuple(tracks), key_signatures=(KeySignature(0, Key(key.sharps, key.mode == "minor")),))
    window.document.load(song, None)
    panel, roll = window.generate, window.roll
    if not panel.picker.select("gan"):
        raise SystemExit("no model 'gan' installed")
    panel.set_source("every track")
    panel.set_mode("continue")
    panel.params.texture.setCurrentIndex(panel.params.texture.findData("auto"))
    panel.params.variations.setValue(4)
    panel.params.bars.setValue(4)
    panel.params.fresh_seed.setChecked(False)
    panel.params.seed.setValue(1)
    ready = []
    panel.takes_ready.connect(lambda: ready.append(1))
    panel.generate()
    wait_for(lambda: ready, "the GAN's chorale takes")
    panel.keep()
    window.tracks.select(1)                  # the alto's track; the other voices show as ghosts
    roll.geometry.centre_on_pitch(62, roll.canvas.height())
    roll.refresh()
    shoot("gan-voices.png")


if __name__ == "__main__":
    sys.exit(main())
