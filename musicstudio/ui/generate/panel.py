"""The Generate panel: pick a model, say what seeds it and where the takes go, set the shared parameters,
generate in the background, then flip through the takes, hear them in place, keep one or discard them
(:mod:`.take_box`).

Generation runs in a worker (:class:`musicstudio.workers.generation.GenerationService`, handed in by
the app); this panel only sends requests and shows what comes back. Nothing changes the song until a
take is kept, as one undoable command that also records how the take was made.

Four pages share the model picker and the takes: *Generate* (seed, parameters, Generate) and the VAE
studio's *VAE sliders*, *VAE interpolate* and *VAE pad* (:mod:`.vae_studio`), whose interpolations and pad
phrases come back as takes.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

import musicstudio.ui.generate.panel_layout as panel_layout
from musicstudio.core.feel import measure_swing
from musicstudio.core.key_finding import song_key
from musicstudio.generators import model_choice
from musicstudio.generators.capabilities import ChordFollower
from musicstudio.generators.fitting import Fitted, fit_request
from musicstudio.generators.seed_plan import drums_refused, meter_refused, take_meter
from musicstudio.ui.generate.audition import TakeAudition
from musicstudio.ui.generate.fill_mode import describe_span, name_modes
from musicstudio.ui.generate.model_picker import ModelPicker, first_choice
from musicstudio.ui.generate.page_tabs import PageTabs
from musicstudio.ui.generate.parameters import ParameterForm
from musicstudio.ui.generate.seed import MODES, SOURCES, SeedError, SeedPlan, plan_seed
from musicstudio.ui.generate.take_box import TakeBox
from musicstudio.ui.generate.vae_studio import VAEStudio
from musicstudio.workers.generation_job import GenerationJob, GenerationResult


def took(seconds: float) -> str:
    """How long a generation took, as a musician reads it: 20 ms, 1.4 s."""
    ms = round(seconds * 1000)
    return f"{ms} ms" if ms < 1000 else f"{seconds:.1f} s"


def place_name(song, tick: int) -> str:
    """"bar 4", or "bar 4, beat 2.5" for a place inside a bar (the seed's end, where a take starts)."""
    bar = song.meter.bar_at(tick)
    into = tick - song.meter.bar_start(bar)
    if not into:
        return f"bar {bar + 1}"
    return f"bar {bar + 1}, beat {into / song.meter.signature_at(tick).beat_ticks + 1:g}"


class GeneratePanel(QWidget):
    message = Signal(str)          # for the status bar
    takes_ready = Signal()         # a generation's takes are in the list

    def __init__(self, document, roll, playback, service, settings=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.document, self.roll, self.service, self.settings = document, roll, service, settings
        self.plan: SeedPlan | None = None        # of the generation being made (or the last one)
        self.fitted: Fitted | None = None        # its request as the model's family hears it, and the way back
        self.model_name = ""
        self.picked_by_hand = False              # the musician chose the model in the box (never swapped)
        self.job: int | None = None
        self.owns_service = True
        self.audition_player = TakeAudition(playback, document, self)

        self.picker = ModelPicker(service, self)    # hidden: its header and details are laid out apart
        self.source = QComboBox()
        for key, text in SOURCES.items():
            self.source.addItem(text, key)
        self.mode = QComboBox()
        for key, text in MODES.items():
            self.mode.addItem(text, key)
        name_modes(self.mode, None)      # "Fill these bars" for a model that fills (fill_mode.py)
        self.seed_text = QLabel()
        self.seed_text.setWordWrap(True)
        self.params = ParameterForm()
        self.generate_button = QPushButton("Generate")
        self.generate_button.setToolTip("Make the takes (Ctrl+G in the piano roll)")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.take_box = TakeBox(document, roll, self.audition_player, self._say)
        self.studio = VAEStudio(self)
        self.pages = PageTabs()
        panel_layout.build(self)

        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel)
        self.source.currentIndexChanged.connect(self.describe_seed)
        self.mode.currentIndexChanged.connect(self.describe_seed)
        self.picker.folder_added.connect(self._remember_folder)
        self.picker.device_changed.connect(self._remember_device)
        self.picker.model_changed.connect(self._model_changed)
        roll.selection_changed.connect(self.describe_seed)
        roll.loop_changed.connect(self.describe_seed)
        document.changed.connect(self._song_changed)
        document.replaced.connect(self._song_replaced)
        service.started.connect(self._started)
        service.progress.connect(self._progress)
        service.finished.connect(self._finished)
        service.failed.connect(self._failed)
        service.cancelled.connect(self._cancelled)
        self._restore_settings()
        self.picker.find_device()
        self.picker.combo.activated.connect(self._remember_model)    # picked by the user
        self.params.show_family(self.picker.current.family if self.picker.current is not None else None)
        name_modes(self.mode, self.picker.current.family if self.picker.current is not None else None)
        self._enable_generate()
        self._song_changed()

    def set_side_by_side(self, on: bool) -> None:
        """The settings beside the column of model, Generate and takes (docked under the roll), or above it."""
        panel_layout.set_side_by_side(self, on)

    # -- settings ---------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        if s is None:
            return
        for folder in getattr(s, "model_folders", []):
            self.service.add_folder(folder)
        self.picker.refresh()
        if getattr(s, "generate_model", ""):
            self.picker.select(s.generate_model)
        self.picker.cpu.blockSignals(True)
        self.picker.cpu.setChecked(bool(getattr(s, "generate_on_cpu", False)))
        self.picker.cpu.blockSignals(False)
        self.params.show_more(bool(getattr(s, "generate_more_parameters", False)))
        self.params.more.toggled.connect(lambda on: setattr(s, "generate_more_parameters", on))

    def _remember_folder(self, folder: str) -> None:
        if self.settings is not None and folder not in self.settings.model_folders:
            self.settings.model_folders.append(folder)

    def _remember_device(self) -> None:
        if self.settings is not None:
            self.settings.generate_on_cpu = self.picker.cpu.isChecked()

    def _remember_model(self, *picked) -> None:
        """The model last used (picked, or generated with) is the one offered next time; one picked in the box
        (``picked``: its index) is the musician's choice, which a triplet seed never swaps (:mod:`model_choice`)."""
        self.picked_by_hand = self.picked_by_hand or bool(picked)
        info = self.picker.current
        if self.settings is not None and info is not None:
            self.settings.generate_model = info.name

    def _model_changed(self) -> None:
        info = self.picker.current
        self.params.show_family(info.family if info is not None else None)
        name_modes(self.mode, info.family if info is not None else None)
        self._enable_generate()
        self.describe_seed()
        panel_layout.fit_width(self)

    # -- the seed ---------------------------------------------------------------------------------
    @property
    def source_key(self) -> str:
        return self.source.currentData()

    @property
    def mode_key(self) -> str:
        return self.mode.currentData()

    def set_source(self, key: str) -> None:
        self.source.setCurrentIndex(list(SOURCES).index(key))

    def set_mode(self, key: str) -> None:
        self.mode.setCurrentIndex(list(MODES).index(key))

    def current_plan(self) -> SeedPlan:
        song = self.document.song
        return plan_seed(song, self.roll.track_index, self.source_key, self.mode_key, self.roll.selection,
                         self.roll.loop)

    def describe_seed(self) -> None:
        song = self.document.song
        self.params.bars.setEnabled(self.mode_key != "regenerate")
        try:
            plan = self.current_plan()
        except SeedError as e:
            self.seed_text.setText(f"<i>{str(e)[0].upper() + str(e)[1:]}.</i>")
            self.params.show_seed_chords(None)
            return
        family = self.picker.current.family if self.picker.current is not None else None
        if family is not None and family.can(ChordFollower):
            self.params.show_seed_chords(family.options.seed_chords(plan.seed, take_meter(song, plan.seed_start)))
        meter = song.meter
        count = len(plan.seed.notes)
        first, last = meter.bar_at(plan.seed_start) + 1, meter.bar_at(max(plan.seed_start, plan.at - 1)) + 1
        seed = f"{count} notes in bars {first}-{last}" if plan.seed.length else "nothing (from scratch)"
        where = place_name(song, plan.at)
        if plan.mode == "regenerate":
            text = describe_span(song, plan, family, seed, where)
        elif plan.mode == "new track":
            text = f"Continues {seed} from {where}, in a new track."
        elif plan.lines:
            text = f"Continues {seed} from {where}; chords go voice by voice into the {len(plan.lines)} tracks."
        else:
            text = f"Continues {seed} from {where}."
        swing = measure_swing(plan.seed.notes)
        if swing is not None and swing.swing is not None:
            text += f" Its {swing.swing.describe()}."
        self.seed_text.setText(text)

    # -- generating -------------------------------------------------------------------------------
    def generate(self) -> int | None:
        """Send the request; returns the job id, or None (and says why) when there is nothing to send."""
        info = self.picker.current
        if info is None:
            self._say("No model is installed: add a model folder first.")
            return None
        try:
            plan = self.current_plan()
        except SeedError as e:
            self._say(f"Cannot generate: {e}.")
            return None
        said: list[str] = []     # the family's default on a triplet seed: its triplet model, said in the status
        named = self.picked_by_hand or self.picker.combo.currentIndex() != first_choice(self.picker.infos)
        info = model_choice.for_seed(info, plan.seed.notes, self.picker.infos, named, said.append)
        source = None if self.source_key == "every track" else plan.track
        meter = take_meter(self.document.song, plan.at)
        refusal = drums_refused(self.document.song, source, info.family) or meter_refused(info.family, meter, info)
        if refusal:     # said before anything runs: a drum groove never comes back as piano, nor 6/8 as 4/4
            self._say(f"Cannot generate: {refusal}.", error=True)
            return None
        if self.params.fresh_seed.isChecked() and not (self.plan is None and self.take_box.plan is None):
            self.params.roll_seed()      # a new seed for each generation after the first takes
        try:
            request = self.params.request(plan.seed, song_key(self.document.song), plan.bars, meter)
            request = replace(request, **plan.request_context(info.family))   # both sides, for a model that fills
        except ValueError as e:
            self._say(f"Cannot generate: {e}.")
            return None
        self.discard(quiet=True)
        self._remember_model()
        self.plan, self.model_name = plan, info.name
        self.fitted = fit_request(request, info.family, self.params.feel_setting(), model_choice.grid_ticks(info))
        self.job = self.service.submit(GenerationJob(str(info.folder), self.fitted.request,
                                                     self.picker.wanted_device))
        self.generate_button.setText("Generate again")
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self._say(f"Generating {request.variations} takes of {request.bars} bars of {meter[0]}/{meter[1]} with "
                  f"{info.name}…" + "".join(f" {line}" for line in said))
        return self.job

    def cancel(self) -> None:
        if self.job is not None:
            self.service.cancel()

    def _started(self, job: int) -> None:
        if job == self.job:
            self.progress.setValue(0)

    def _progress(self, job: int, done: float) -> None:
        if job == self.job:
            self.progress.setValue(int(done * 1000))

    def _finished(self, job: int, result: GenerationResult) -> None:
        if job != self.job:
            return
        self.job = None
        self.cancel_button.setEnabled(False)
        self.progress.setValue(1000)
        notes = " ".join(result.notes + ([f"Feel: {self.fitted.summary}."] if self.fitted.summary else []))
        result = replace(result, takes=self.fitted.takes(result.takes))   # from the seed's end, with its feel
        self.show_takes(result.takes, self.plan, self.model_name, result,
                        f"{len(result.takes)} takes from {self.model_name} on {result.device} in "
                        f"{took(result.seconds)}. 1-9 flip, Space auditions, Enter keeps. {notes}".strip())

    def show_takes(self, takes, plan: SeedPlan, name: str, result: GenerationResult, message: str,
                   focus: bool = True) -> None:
        """Put ``takes`` in the list to flip, audition and keep (generated here, or made by the VAE studio:
        those supersede a generation still running). ``focus``: the list takes the keyboard focus."""
        if self.job is not None:
            self.cancel()
        self.take_box.show_takes(takes, plan, name, result)
        self._say(message)
        self._enable_generate()
        if focus:
            self.take_box.list.setFocus()
        self.takes_ready.emit()

    PAGES = ("generate", "model", "sliders", "interpolate", "pad")

    def set_page(self, key: str) -> None:
        """Show the "generate", "model", "sliders", "interpolate" or "pad" page."""
        self.pages.setCurrentIndex(self.PAGES.index(key))

    def _failed(self, job: int, message: str) -> None:
        if job == self.job:
            self.job = None
            self._idle()
            self._say(f"Generation failed: {message}", error=True)

    def _cancelled(self, job: int) -> None:
        if job == self.job:
            self.job = None
            self._idle()
            self._say("Cancelled; the song is unchanged.")

    def _idle(self) -> None:
        self.cancel_button.setEnabled(False)
        self.progress.setValue(0)
        self.take_box.enable_buttons()
        self._enable_generate()

    # -- takes: the Takes box does the work ------------------------------------------------------
    def _enable_generate(self) -> None:
        self.generate_button.setEnabled(self.picker.current is not None)

    def flip(self, index: int) -> bool:
        return self.take_box.flip(index)

    def audition(self) -> bool:
        return self.take_box.audition()

    def keep(self) -> bool:
        return self.take_box.keep()

    def discard(self, quiet: bool = False) -> None:
        self.take_box.discard(quiet)

    # -- the song ---------------------------------------------------------------------------------
    def _song_changed(self) -> None:
        self.params.show_song_key(song_key(self.document.song))
        self.describe_seed()

    def _song_replaced(self) -> None:
        self.cancel()
        self.take_box.forget()
        self.plan = None

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #d9534f;" if error else "")
        self.status.setText(text)
        self.message.emit(text)

    say = _say   # for the studio page

    def shutdown(self) -> None:
        """The window is closing: stop hearing takes, cancel, and stop the worker if it is ours."""
        self.audition_player.stop()
        self.cancel()
        self.studio.clear()
        if self.owns_service:
            self.service.shutdown()
