"""Generate ▸ Vary drums… (Ctrl+Alt+V): variations of a drum groove, as takes to flip, hear in place and keep.

With a drum track current in the piano roll, a small dialog asks for the amount (how far the variations
stray from the groove: near 0 they keep its hits, 1 is a new groove in its meter that has only heard its
steps) and the bars (the selected notes' bars, the ruler's bars, or the whole track). The drum model
(:meth:`~musicstudio.generators.drums.generator.DrumGenerator.vary`) plays the groove again off the GUI thread
(:mod:`musicstudio.workers.drum_vary`), with a cancellable progress dialog as Add drums does
(:func:`musicstudio.ui.progress.wait_for`). The variations land in the Generate panel's Takes box as
Continue's takes do, in place of those bars of the drum track: the roll shows the take over the groove with
its General MIDI drum map, 1-9 flip, Space auditions in the song, Enter keeps (one undo step, with the take's
generation record), Delete discards. The panel's parameters apply: variations, temperature, top-p, the random
seed (rolled for each run when "new each time" is ticked) and the feel (a swung groove is straightened for the
model and its variations swung back, :mod:`musicstudio.generators.fitting`).

A pitched track, a drum track without hits, bars that change meter or no drum model installed are refused in
the status bar before anything runs."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox, QDialog, QDoubleSpinBox, QFormLayout, QLabel

from musicstudio.core.clip import Clip
from musicstudio.generators.capabilities import DrumWriter
from musicstudio.generators.fitting import fit_request
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.seed_plan import SeedPlan, take_meter
from musicstudio.ui.generate.part_tools import ok_pressed

SHORTCUT = "Ctrl+Alt+V"
DEFAULT_AMOUNT = 0.5       # the drum generator's VARY_AMOUNT (its module imports torch, which the UI never does)
AMOUNT_RANGE = (0.05, 1.0)  # 0 would give the groove back note for note: no variation


def drum_models(models) -> list:
    """The models of ``models`` (the Generate service's ModelInfos) whose family writes drums."""
    return [m for m in models if m.family.can(DrumWriter)]


def bar_span(song, notes) -> tuple[int, int]:
    """(first bar, end bar exclusive) of the bars the hits of ``notes`` start in."""
    meter = song.meter
    return meter.bar_at(min(n.start for n in notes)), meter.bar_at(max(n.start for n in notes)) + 1


class DrumVaryTool(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.dialog: QDialog | None = None
        self.amount = DEFAULT_AMOUNT      # the last amount asked, offered next time

    # -- what to vary -------------------------------------------------------------------------------
    def spans(self) -> list[tuple[str, tuple[int, int]]]:
        """The bars on offer, as (the dialog's words, (first bar, end bar)): the selected notes', the
        ruler's, the whole track's."""
        roll, song = self.window.roll, self.window.document.song
        track = song.tracks[roll.track_index]
        offered = []
        if roll.selection:
            offered.append(("The selection, bars {}-{}", bar_span(song, roll.selection)))
        if roll.loop is not None:
            first, end = song.meter.bar_at(roll.loop[0]), song.meter.bar_at(max(roll.loop[0], roll.loop[1] - 1)) + 1
            offered.append(("The ruler's bars, {}-{}", (first, end)))
        offered.append(("The whole track, bars {}-{}", bar_span(song, track.notes)))
        return [(text.format(a + 1, b), (a, b)) for text, (a, b) in offered]

    def refusal(self) -> str | None:
        """Why the roll's track cannot be varied (said before anything runs), or None."""
        roll, song = self.window.roll, self.window.document.song
        if not 0 <= roll.track_index < len(song.tracks):
            return "there is no track: open a song with a drum track"
        track, number = song.tracks[roll.track_index], roll.track_index + 1
        name = track.name or "untitled"
        if not track.is_drum:
            drums = [f"track {k + 1} ({t.name or 'untitled'})" for k, t in enumerate(song.tracks)
                     if t.is_drum and t.notes]
            hint = f"pick {drums[0]} in the track list" if drums else "a drum track is on channel 10"
            what = "holds pitched notes" if track.notes else "is not a drum track"
            return f"track {number} ({name}) {what}, and Vary plays variations of a drum groove: {hint}"
        if not track.notes:
            return f"track {number} ({name}) has no hits to vary: write or record a groove first"
        return None

    def model(self):
        """The drum model to vary with: the Generate panel's when it writes drums, else the first installed."""
        panel = self.window.generate
        if panel.picker.current is not None and panel.picker.current.family.can(DrumWriter):
            return panel.picker.current
        found = drum_models(panel.service.models())
        return found[0] if found else None

    # -- asking ---------------------------------------------------------------------------------------
    def ask(self, spans) -> dict | None:
        """The dialog (kept as ``self.dialog`` while it is open); the options asked, or None when cancelled."""
        params = self.window.generate.params
        dialog = self.dialog = QDialog(self.window)
        dialog.setWindowTitle("Vary drums")
        amount = QDoubleSpinBox(dialog, minimum=AMOUNT_RANGE[0], maximum=AMOUNT_RANGE[1], singleStep=0.05,
                                decimals=2, value=self.amount)
        amount.setToolTip("How far the variations stray from the groove: low keeps most of its hits, 1 is a new "
                          f"groove in its meter (default {DEFAULT_AMOUNT})")
        bars = QComboBox(dialog)
        for text, span in spans:
            bars.addItem(text, span)
        bars.setToolTip("The bars whose groove is varied; a kept variation takes their place on the drum track")
        form = QFormLayout(dialog)
        form.addRow("Amount", amount)
        form.addRow("Bars", bars)
        form.addRow(QLabel(f"{params.variations.value()} variations at temperature {params.temperature.value():.2f} "
                           "(the Generate panel's parameters)"))
        accepted = ok_pressed(dialog, form)
        self.dialog = None
        return {"amount": amount.value(), "bars": bars.currentData()} if accepted else None

    # -- varying ----------------------------------------------------------------------------------------
    def vary(self, options: dict | None = None) -> bool:
        """Ask (unless ``options`` are given: ``amount`` and ``bars``, (first, end)), vary off the GUI thread
        and show the variations as takes; False when there are none (the status bar says why)."""
        refusal = self.refusal()
        if refusal:
            return self._say(f"Vary drums: {refusal}.")
        model = self.model()
        if model is None:
            return self._say("Vary drums: no drum model is installed (see: musicstudio models).")
        spans = self.spans()
        if options is None:
            options = self.ask(spans)
            if options is None:
                return False
        options = {"amount": self.amount, "bars": spans[0][1], **options}
        low, high = AMOUNT_RANGE
        if not low <= options["amount"] <= high:
            return self._say(f"Vary drums: the amount goes from {low:g} to {high:g}, not {options['amount']:g}.")
        self.amount = options["amount"]
        plan, said = self.plan(*options["bars"])
        if plan is None:
            return self._say(f"Vary drums: {said}.")
        return self._run(model, plan, options["amount"])

    def plan(self, first: int, end: int) -> tuple[SeedPlan | None, str]:
        """Where the variations of bars ``first``-``end`` go: over those bars of the roll's drum track (their
        hits are the groove, and what a kept take replaces); None and why when they change meter."""
        song, track = self.window.document.song, self.window.roll.track_index
        meter = song.meter
        start, stop = meter.bar_start(first), meter.bar_start(end)
        if len({take_meter(song, meter.bar_start(b)) for b in range(first, end)}) > 1:
            return None, f"bars {first + 1}-{end} change meter: choose bars of one meter"
        replaced = tuple(n for n in song.tracks[track].notes if start <= n.start < stop)
        if not replaced:
            return None, f"bars {first + 1}-{end} of the drum track have no hits to vary"
        seed = Clip(tuple(n.moved_by(-start).with_duration(min(n.end, stop) - n.start) for n in replaced),
                    stop - start)
        return SeedPlan(track, seed, start, start, "regenerate", replaced, stop, end - first), ""

    def _run(self, model, plan: SeedPlan, amount: float) -> bool:
        from musicstudio.ui.generate.panel import took
        from musicstudio.ui.progress import wait_for
        from musicstudio.workers.drum_vary import drum_vary_job

        panel = self.window.generate
        params = panel.params
        if params.fresh_seed.isChecked():
            params.roll_seed()
        request = GenerationRequest(seed=plan.seed, bars=plan.bars, variations=params.variations.value(),
                                    temperature=round(params.temperature.value(), 4),
                                    top_p=round(params.top_p.value(), 4), random_seed=params.seed.value(),
                                    options={"mode": "vary", "amount": round(amount, 4)},
                                    meter=take_meter(self.window.document.song, plan.at))
        fitted = fit_request(request, model.family, params.feel_setting())   # a swung groove heard straight
        job = drum_vary_job(list(panel.service.folders), model.name, fitted.request)
        outcome = wait_for(self.window, job, "Vary drums", f"Varying the groove with {model.name}…")
        if outcome.kind != "finished":
            return self._say(f"Vary drums: {outcome.value}" if outcome.kind == "failed" else "Vary drums: cancelled")
        result = outcome.value
        swing = fitted.swing
        takes = [replace(t, notes=tuple(swing.swung(t.notes)) if swing is not None else t.notes,
                         request={**t.request, "feel": fitted.record}) for t in result.takes]
        first = self.window.document.song.meter.bar_at(plan.at) + 1
        self.window.generate_dock.show()
        panel.picker.select(model.name)         # the panel names the model its takes come from
        panel.show_takes(takes, plan, model.name, replace(result, takes=takes),
                         f"{len(takes)} variations of bars {first}-{first + plan.bars - 1} (amount {amount:g}), "
                         f"{took(result.seconds)}. 1-9 flip, Space auditions, Enter keeps.")
        return True

    def _say(self, text: str) -> bool:
        """Say ``text`` in the Generate panel's status line and the window's status bar; False."""
        self.window.generate.say(text, error=True)
        return False


def install(window, menu) -> None:
    tool = DrumVaryTool(window)
    window.drum_vary_tool = tool
    action = menu.addAction("&Vary drums…")
    action.setShortcut(SHORTCUT)
    tip = "Variations of the drum track's groove (its selected bars, or all of it), as takes to hear and keep"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(lambda: tool.vary())
