"""Generate ▸ Add drums…: a drum part for a song that has none, written by the drum model
(:mod:`musicstudio.generators.drums.add`) off the GUI thread with a cancellable progress dialog
(:func:`musicstudio.ui.progress.wait_for`).

A small dialog asks for the style (any, or one of the model's groove library), the density (what fits the
song, or sparse, medium, busy), fills (in the last bar of each pass through the song's form, none, or in the
last bar of every 4 or 8), the feel (the band's swing, straight, or a swing) and the bars (the selected notes'
bars, or the whole song). The part lands as a new drum track (channel 10, shown with the roll's General MIDI
drum map) in one undo step, and the roll shows it.

The job (:mod:`musicstudio.workers.add_drums`) imports the model's module in its thread: the GUI never imports
torch."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout

from musicstudio.core.changes import TrackChange
from musicstudio.core.feel import AUTO, OFF, TRIPLET
from musicstudio.ui.generate.part_tools import ok_pressed

ANY_STYLE = "Any (what fits the song)"
DENSITIES = {"What fits the song": None, "Sparse": 0.0, "Medium": 0.5, "Busy": 1.0}
FILLS = {"Where the form comes round": None, "None": 0, "Every 4 bars": 4, "Every 8 bars": 8}
FEELS = {"As the band plays (its swing)": AUTO, "Straight": OFF, "Swing 60%": 0.6, "Triplet swing (67%)": TRIPLET}


def drum_model(models):
    """The first drum model of ``models`` (the Generate service's ModelInfos) with a groove library, or
    None."""
    from musicstudio.generators.drums import BACKEND
    from musicstudio.workers.add_drums import library_styles

    found = [m for m in models if m.family is BACKEND and library_styles(m.folder)]
    return found[0] if found else None


class AddDrumsTool(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.dialog: QDialog | None = None
        self.takes = 0

    def selected_bars(self) -> tuple[int, int] | None:
        """(first bar, end bar exclusive) of the selected notes, or None."""
        selection = self.window.roll.selection
        if not selection:
            return None
        meter = self.window.document.song.meter
        return meter.bar_at(min(n.start for n in selection)), meter.bar_at(max(n.end for n in selection) - 1) + 1

    def ask(self, styles: list[str]) -> dict | None:
        """The dialog (kept as ``self.dialog`` while it is open); the options asked, or None when cancelled."""
        dialog = self.dialog = QDialog(self.window)
        dialog.setWindowTitle("Add drums")
        style, density, fills, feel, bars = (QComboBox(dialog) for _ in range(5))
        style.addItems([ANY_STYLE, *styles])
        density.addItems(list(DENSITIES))
        fills.addItems(list(FILLS))
        feel.addItems(list(FEELS))
        chosen = self.selected_bars()
        if chosen is not None:
            bars.addItem(f"The selection, bars {chosen[0] + 1}-{chosen[1]}", chosen)
        bars.addItem("The whole song", None)
        form = QFormLayout(dialog)
        for label, box, tip in (("Style", style, "A style of the drum model's grooves, or the one that fits"),
                                ("Density", density, "How many hits: what fits the song, or sparse to busy"),
                                ("Fills", fills, "A fill before the song's form comes round (heard from its harmony), "
                                 "or in the last bar of every 4 or 8 bars"),
                                ("Feel", feel, "Swing as the band's 8ths do (straight where they are), straight, "
                                 "or a swing: where the off-beat 8th falls in its pair"),
                                ("Bars", bars, "Where the drums play")):
            box.setToolTip(tip)
            form.addRow(label, box)
        accepted = ok_pressed(dialog, form)
        self.dialog = None
        if not accepted:
            return None
        span = bars.currentData()
        return {"style": None if style.currentText() == ANY_STYLE else style.currentText(),
                "density": DENSITIES[density.currentText()], "fills": FILLS[fills.currentText()],
                "feel": FEELS[feel.currentText()],
                **({} if span is None else {"first_bar": span[0], "last_bar": span[1]})}

    def add_drums(self, options: dict | None = None) -> bool:
        """Ask (unless ``options`` are given), write the part off the GUI thread, land it as a new drum track
        (one undo step); False when nothing was added (the status bar says why)."""
        from musicstudio.workers.add_drums import library_styles

        service = self.window.generate.service
        model = drum_model(service.models())
        if model is None:
            return self._say("Add drums: no drum model with a groove library is installed (see: musicstudio models).")
        song = self.window.document.song
        if any(t.is_drum and t.notes for t in song.tracks):
            return self._say("Add drums: the song already has a drum track; continue it with Generate instead.")
        if options is None:
            options = self.ask(library_styles(model.folder))
            if options is None:
                return False
        return self._run(model.name, list(service.folders), song, options)

    def _run(self, model: str, folders, song, options: dict) -> bool:
        from musicstudio.ui.progress import wait_for
        from musicstudio.workers.add_drums import add_drums_job

        self.takes += 1
        job = add_drums_job(folders, model, song, {**options, "random_seed": self.takes})
        outcome = wait_for(self.window, job, "Add drums", f"Adding drums with {model}…")
        if outcome.kind != "finished":
            return self._say(f"Add drums: {outcome.value}" if outcome.kind == "failed" else "Add drums: cancelled")
        track, at = outcome.value, len(self.window.document.song.tracks)
        self.window.document.edit(TrackChange(at, None, track), "Add drums")
        self.window.roll.set_track(at)
        return not self._say(f"Add drums: {track.name}, {len(track.notes)} notes on a new drum track. "
                             "Undo takes it back.")

    def _say(self, text: str) -> bool:
        self.window.statusBar().showMessage(text, 8000)
        return False


def install(window, menu) -> None:
    tool = AddDrumsTool(window)
    window.add_drums_tool = tool
    action = menu.addAction("Add &drums…")
    action.setShortcut("Ctrl+Alt+D")
    tip = "Write a drum part for a song without one, following its meter and its tracks' rhythm"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(lambda: tool.add_drums())
