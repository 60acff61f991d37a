"""The VAE studio, three pages of the Generate panel that share a VAE model, its jobs and phrases A-D.

*Sliders* (:mod:`.vae_sliders`): shape a phrase on the checkpoint's named sliders. *Interpolate*
(:mod:`.vae_blend`): A and B are each the selection or the panel's current take; the VAE makes the phrases
in between, which become the panel's takes. The *pad* (:mod:`.vae_pad`) mixes four phrases.

Everything the model does runs in the generation process (:meth:`GenerationService.submit_vae`); these
pages only send operations and show what comes back.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from musicstudio.generators.capabilities import LatentModel
from musicstudio.ui.generate.seed import SeedError
from musicstudio.ui.generate.vae_blend import BLEND_INTRO, BlendPage
from musicstudio.ui.generate.vae_pad import PAD_INTRO, PadPage
from musicstudio.ui.generate.vae_phrases import StudioPhrase, phrase_from_selection, phrase_from_take
from musicstudio.ui.generate.vae_sliders import SlidersPage
from musicstudio.workers.generation_job import VAEJob

CORNERS = "ABCD"
SHORTCUTS = {                    # window-wide while the Generate panel is shown
    "encode": "Ctrl+Alt+E",
    "set_a": "Ctrl+Alt+A",
    "set_b": "Ctrl+Alt+B",
    "interpolate": "Ctrl+Alt+I",
    "reset": "Ctrl+Alt+R",
    "keep": "Ctrl+Alt+K",
}


class VAEStudio(QObject):
    """Its pages (``sliders_page``, ``blend_page``, ``pad_page``) live in ``panel`` (a GeneratePanel), whose
    document, roll, service, model picker, audition player, takes and status line it uses."""

    def __init__(self, panel):
        super().__init__(panel)
        self.panel = panel
        self.document, self.roll, self.service = panel.document, panel.roll, panel.service
        self.info = None                              # the current model, when it is a VAE
        self.device = ""
        self.job: int | None = None
        self.job_kind = ""                            # "encode", "move", "interpolate", "mix"
        self.job_payload = None
        self.corners: dict[str, StudioPhrase | None] = dict.fromkeys(CORNERS)   # A and B blend; all four: the pad
        self.corner_widgets: dict[str, list[tuple[QLabel, QPushButton, QPushButton]]] = {c: [] for c in CORNERS}

        self.sliders_page = SlidersPage(self, SHORTCUTS)
        self.blend_page = BlendPage(self, SHORTCUTS["interpolate"])   # its corner rows first, then the pad's
        self.pad_page = PadPage(self)
        self._shortcuts = self._make_shortcuts(panel)

        self.service.vae_finished.connect(self._finished)
        self.service.vae_failed.connect(self._failed)
        self.document.replaced.connect(self.clear)
        panel.picker.model_changed.connect(self._model_changed)
        panel.takes_ready.connect(self.enable)
        panel.take_box.kept.connect(self.enable)
        self._model_changed()

    def corner_row(self, which: str) -> QHBoxLayout:
        """A row that shows phrase ``which`` (A-D) and sets it from the selection or the current take (the
        blend and the pad pages each have their own rows for the same phrases)."""
        label, selection, take = QLabel("–"), QPushButton("Selection"), QPushButton("Take")
        label.setWordWrap(True)
        label.setMinimumWidth(120)
        key = {"A": SHORTCUTS["set_a"], "B": SHORTCUTS["set_b"]}.get(which)
        selection.setToolTip(f"Phrase {which} is the selected bars" + (f" ({key})" if key else ""))
        take.setToolTip(f"Phrase {which} is the take shown in the takes list")
        selection.clicked.connect(lambda: self.set_phrase(which, "selection"))
        take.clicked.connect(lambda: self.set_phrase(which, "take"))
        self.corner_widgets[which].append((label, selection, take))
        row = QHBoxLayout()
        row.addWidget(label, 1)
        row.addWidget(selection)
        row.addWidget(take)
        return row

    @property
    def a(self) -> StudioPhrase | None:
        return self.corners["A"]

    @property
    def b(self) -> StudioPhrase | None:
        return self.corners["B"]

    def _make_shortcuts(self, host: QWidget) -> dict[str, QShortcut]:
        """Window-wide keys, on the panel (shown whenever the Generate dock is), so they work from the roll."""
        sliders = self.sliders_page
        actions = {"encode": sliders.encode_selection, "set_a": lambda: self.set_phrase("A", "selection"),
                   "set_b": lambda: self.set_phrase("B", "selection"), "interpolate": self.blend_page.interpolate,
                   "reset": sliders.reset, "keep": sliders.keep}
        shortcuts = {}
        for name, key in SHORTCUTS.items():
            shortcut = QShortcut(QKeySequence(key), host)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(actions[name])
            shortcuts[name] = shortcut
        return shortcuts

    # -- the sliders page's, for scripts that drive the studio (docs/screenshots) -------------------
    phrase = property(lambda self: self.sliders_page.phrase)
    wanted = property(lambda self: self.sliders_page.wanted)
    sliders = property(lambda self: self.sliders_page.sliders)
    encode_button = property(lambda self: self.sliders_page.encode_button)

    def encode_selection(self) -> bool:
        return self.sliders_page.encode_selection()

    # -- the model --------------------------------------------------------------------------------
    @property
    def model_name(self) -> str:
        return self.info.name if self.info is not None else ""

    @property
    def backend_name(self) -> str:
        """The family of the current model (``vae``, ``vae-poly``): what its takes say made them."""
        return self.info.backend if self.info is not None else "vae"

    def _model_changed(self) -> None:
        info = self.panel.picker.current
        was = self.info
        if info is not None and was is not None and info.folder == was.folder:
            return                            # the list was refreshed, the model is the same
        self.info = info if info is not None and info.family.can(LatentModel) else None
        self.cancel_job()
        if self.info is None:
            vaes = [i.name for i in self.panel.picker.infos if i.family.can(LatentModel)]
            if info is None:
                why = "No model is installed."
            else:
                why = f"{info.name} is a {info.backend} model; the VAE studio needs a VAE."
            where = (f" Pick {', '.join(vaes)} in the model box above." if vaes
                     else " Add a VAE model folder, or train one (musicstudio train vae).")
            for label in (self.sliders_page.hint, self.blend_page.hint, self.pad_page.hint):
                label.setText(f"<b>{why}</b>{where}")
            self.sliders_page.no_model()
        else:
            self.blend_page.hint.setText(BLEND_INTRO)
            self.pad_page.hint.setText(PAD_INTRO)
            self.sliders_page.model_changed(self.info, was)
        self.enable()

    def enable(self) -> None:
        vae = self.info is not None
        self.sliders_page.enable(vae)
        self.blend_page.enable(vae)
        has_take = vae and self.panel.take_box.current_take is not None
        for rows in self.corner_widgets.values():
            for _label, selection, take in rows:
                selection.setEnabled(vae)
                take.setEnabled(has_take)
        self.pad_page.enable(vae)
        for shortcut in self._shortcuts.values():
            shortcut.setEnabled(vae)

    # -- jobs -------------------------------------------------------------------------------------
    def submit(self, kind: str, op, payload=None) -> int:
        """Send a VAE operation (superseding the one in flight); its answer comes back by ``kind``."""
        self.job_kind, self.job_payload = kind, payload
        signature = self.document.song.meter.signature_at(0)    # the song's meter (its first time signature)
        self.job = self.service.submit_vae(VAEJob(str(self.info.folder), op, self.panel.picker.wanted_device,
                                                  (signature.numerator, signature.denominator)))
        return self.job

    def cancel_job(self) -> None:
        if self.job is not None:
            self.job = None
            self.service.cancel_vae()
        self.sliders_page.forget_waiting()
        self.pad_page.wanted = None

    def _finished(self, job: int, result) -> None:
        if job != self.job:
            return
        kind, payload, self.job = self.job_kind, self.job_payload, None
        self.device = result.device
        if kind == "encode":
            self.sliders_page.encoded(payload, result)
        elif kind == "move":
            self.sliders_page.moved(result)
        elif kind == "interpolate":
            self.blend_page.interpolated(payload, result)
        elif kind == "mix":
            self.pad_page.mixed(payload, result)
        if self.job is None and self.sliders_page.wanted is not None:
            self.sliders_page.send_move()
        elif self.job is None and self.pad_page.wanted is not None:
            self.pad_page.send()
        self.enable()

    def _failed(self, job: int, message: str) -> None:
        if job != self.job:
            return
        self.job = None
        self.sliders_page.forget_waiting()
        self.pad_page.wanted = None
        self.panel.say(f"The VAE studio could not do that: {message}", error=True)
        self.enable()

    def clear(self) -> None:
        """Forget the phrases (a new song)."""
        self.cancel_job()
        self.sliders_page.clear()
        self.corners = dict.fromkeys(CORNERS)
        for rows in self.corner_widgets.values():
            for label, _selection, _take in rows:
                label.setText("–")
        self.pad_page.corners_changed()
        self.enable()

    # -- phrases A-D (the interpolate and pad pages) -----------------------------------------------
    def set_phrase(self, which: str, source: str) -> bool:
        """Make the selection (``source="selection"``) or the panel's current take (``"take"``) phrase
        ``which`` (A, B: the blend's ends; C, D too: the pad's corners)."""
        if self.info is None:
            return False
        song = self.document.song
        if source == "selection":
            try:
                phrase = phrase_from_selection(song, self.roll.track_index, self.roll.selection)
            except SeedError as e:
                self.panel.say(f"Cannot set {which}: {e}.", error=True)
                return False
        else:
            takes = self.panel.take_box
            take, plan = takes.current_take, takes.plan
            if take is None or plan is None:
                self.panel.say(f"Cannot set {which}: there is no take; generate some first.", error=True)
                return False
            phrase = phrase_from_take(song, plan, take, takes.take_name())
        self.corners[which] = phrase
        for label, _selection, _take in self.corner_widgets[which]:
            label.setText(phrase.label)
        if which in "AB" and self.panel.pages.currentWidget() is not self.pad_page:
            self.panel.set_page("interpolate")
        self.pad_page.corners_changed()
        self.enable()
        missing = [c for c in (CORNERS if which in "CD" or self.panel.pages.currentWidget() is self.pad_page
                               else "AB") if self.corners[c] is None]
        self.panel.say(f"Phrase {which}: {phrase.label}." + (f" Now set {', '.join(missing)}." if missing else ""))
        return True
