"""The VAE studio, two pages of the Generate panel: shape a phrase on the checkpoint's named sliders
("VAE sliders"), and blend two phrases ("VAE interpolate").

*Sliders*: "Encode selection" asks the VAE where the selected bars sit on each slider (the markers) and
shows, as ghost notes, how it hears them. Dragging a slider re-decodes live: one move is in the
generation process at a time and the latest value waits for it (moves in between are skipped, and a
newer move supersedes an older one there), and the phrase is auditioned in the song when the slider is
let go. Reset puts the sliders back; Keep replaces the selected bars with the moved phrase, one undo step
that records the model and the slider values.

*Interpolate* (:mod:`.vae_blend`): A and B are each the selection or the panel's current take; the VAE makes
the phrases in between, which become the panel's takes. The *pad* (:mod:`.vae_pad`) mixes four phrases.

Everything the model does runs in the generation process (:meth:`GenerationService.submit_vae`); these
pages only send operations and show what comes back.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from musicstudio.core.changes import ChangeError
from musicstudio.generators.capabilities import LatentModel
from musicstudio.ui.generate.keep import KeepTakeCommand
from musicstudio.ui.generate.latent_sliders import LatentSliders
from musicstudio.ui.generate.record import take_record
from musicstudio.ui.generate.seed import SeedError
from musicstudio.ui.generate.vae_blend import BLEND_INTRO, BlendPage
from musicstudio.ui.generate.vae_pad import PAD_INTRO, PadPage
from musicstudio.ui.generate.vae_phrases import StudioPhrase, phrase_from_selection, phrase_from_take, slider_take
from musicstudio.workers.generation_job import EncodeClip, MoveSliders, VAEJob

CORNERS = "ABCD"
SHORTCUTS = {                    # window-wide while the Generate panel is shown
    "encode": "Ctrl+Alt+E",
    "set_a": "Ctrl+Alt+A",
    "set_b": "Ctrl+Alt+B",
    "interpolate": "Ctrl+Alt+I",
    "reset": "Ctrl+Alt+R",
    "keep": "Ctrl+Alt+K",
}
INTRO = "Shape a phrase on the model's sliders: select two bars or more in the piano roll, then Encode selection."


class VAEStudio(QObject):
    """Its pages (``sliders_page``, ``blend_page``, ``pad_page``) live in ``panel`` (a GeneratePanel), whose
    document, roll, service, model picker, audition player, takes and status line it uses."""

    def __init__(self, panel):
        super().__init__(panel)
        self.panel = panel
        self.document, self.roll, self.service = panel.document, panel.roll, panel.service
        self.info = None                              # the current model, when it is a VAE
        self.phrase: StudioPhrase | None = None       # the encoded phrase
        self.heard: tuple = ()                        # how the VAE hears it (decoded at its position)
        self.current: tuple | None = None             # the phrase at the sliders' values (counted from 0)
        self.device = ""
        self.job: int | None = None
        self.job_kind = ""                            # "encode", "move", "interpolate"
        self.job_payload = None
        self.wanted: dict | None = None               # slider values waiting for the move in flight
        self.audition_after = False                   # audition when the latest move is decoded
        self.corners: dict[str, StudioPhrase | None] = dict.fromkeys(CORNERS)   # A and B blend; all four: the pad
        self.corner_widgets: dict[str, list[tuple[QLabel, QPushButton, QPushButton]]] = {c: [] for c in CORNERS}

        self.hint = QLabel(INTRO)
        self.hint.setWordWrap(True)
        self.encode_button = QPushButton("Encode selection")
        self.encode_button.setToolTip(f"Find where the selected bars sit on the sliders ({SHORTCUTS['encode']})")
        self.phrase_text = QLabel("No phrase yet.")
        self.phrase_text.setWordWrap(True)
        self.sliders = LatentSliders()
        self.no_sliders = QLabel()
        self.no_sliders.setWordWrap(True)
        self.no_sliders.hide()
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip(f"Put the sliders back where the phrase sits (Escape on a slider, "
                                     f"{SHORTCUTS['reset']})")
        self.audition_button = QPushButton("Audition")
        self.audition_button.setToolTip("Hear the moved phrase in the song (Space on a slider; also when you let "
                                        "go of a slider)")
        self.keep_button = QPushButton("Keep")
        self.keep_button.setToolTip(f"Replace the encoded bars with the moved phrase: one undo step (Enter on a "
                                    f"slider, {SHORTCUTS['keep']})")
        self._build()
        self.blend_page = BlendPage(self, SHORTCUTS["interpolate"])   # its corner rows first, then the pad's
        self.pad_page = PadPage(self)
        self._shortcuts = self._make_shortcuts(panel)

        self.encode_button.clicked.connect(self.encode_selection)
        self.reset_button.clicked.connect(self.reset)
        self.audition_button.clicked.connect(self.audition)
        self.keep_button.clicked.connect(self.keep)
        self.sliders.changed.connect(self._slider_changed)
        self.sliders.released.connect(self._slider_released)
        self.sliders.audition_requested.connect(self.audition)
        self.sliders.keep_requested.connect(self.keep)
        self.sliders.reset_requested.connect(self.reset)
        self.service.vae_finished.connect(self._finished)
        self.service.vae_failed.connect(self._failed)
        self.document.replaced.connect(self.clear)
        panel.picker.model_changed.connect(self._model_changed)
        panel.takes_ready.connect(self._enable)
        panel.take_kept.connect(self._enable)
        self._model_changed()

    def _build(self) -> None:
        self.sliders_page = QWidget()
        phrase_layout = QVBoxLayout(self.sliders_page)
        phrase_layout.setContentsMargins(8, 8, 8, 8)
        phrase_layout.addWidget(self.hint)
        top = QHBoxLayout()
        top.addWidget(self.encode_button)
        top.addWidget(self.phrase_text, 1)
        phrase_layout.addLayout(top)
        phrase_layout.addWidget(self.no_sliders)
        phrase_layout.addWidget(self.sliders)
        buttons = QHBoxLayout()
        for b in (self.reset_button, self.audition_button, self.keep_button):
            buttons.addWidget(b)
        phrase_layout.addLayout(buttons)
        phrase_layout.addStretch(1)

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
        actions = {"encode": self.encode_selection, "set_a": lambda: self.set_phrase("A", "selection"),
                   "set_b": lambda: self.set_phrase("B", "selection"), "interpolate": self.blend_page.interpolate,
                   "reset": self.reset, "keep": self.keep}
        shortcuts = {}
        for name, key in SHORTCUTS.items():
            shortcut = QShortcut(QKeySequence(key), host)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(actions[name])
            shortcuts[name] = shortcut
        return shortcuts

    # -- the model --------------------------------------------------------------------------------
    @property
    def model_name(self) -> str:
        return self.info.name if self.info is not None else ""

    def _model_changed(self) -> None:
        info = self.panel.picker.current
        was = self.info
        if info is not None and was is not None and info.folder == was.folder:
            return                            # the list was refreshed, the model is the same
        self.info = info if info is not None and info.family.can(LatentModel) else None
        self._cancel_job()
        if self.info is None:
            vaes = [i.name for i in self.panel.picker.infos if i.family.can(LatentModel)]
            if info is None:
                why = "No model is installed."
            else:
                why = f"{info.name} is a {info.backend} model; the VAE studio needs a VAE."
            where = (f" Pick {', '.join(vaes)} in the model box above." if vaes
                     else " Add a VAE model folder, or train one (musicstudio train vae).")
            for label in (self.hint, self.blend_page.hint, self.pad_page.hint):
                label.setText(f"<b>{why}</b>{where}")
            self.sliders.set_names([])
            self.phrase, self.current = None, None
            self.phrase_text.setText("No phrase yet.")
            self.roll.set_preview([])
        else:
            self.hint.setText(INTRO)
            self.blend_page.hint.setText(BLEND_INTRO)
            self.pad_page.hint.setText(PAD_INTRO)
            names = list(self.info.sliders)
            self.sliders.set_names(names)
            self.no_sliders.setVisible(not names)
            self.no_sliders.setText(f"{self.info.name} has no sliders (its training had not finished when it "
                                    "was saved): encoding and interpolation still work.")
            if was is not None and was.name != self.info.name and self.phrase is not None:
                self._encode(self.phrase)     # the same phrase, on the new model's sliders
        self._enable()

    def _enable(self) -> None:
        vae = self.info is not None
        self.encode_button.setEnabled(vae)
        self.blend_page.enable(vae)
        has_take = vae and self.panel.takes.current_take is not None
        for rows in self.corner_widgets.values():
            for _label, selection, take in rows:
                selection.setEnabled(vae)
                take.setEnabled(has_take)
        self.pad_page.enable(vae)
        has_phrase = vae and self.phrase is not None
        self.sliders.setEnabled(has_phrase)
        for b in (self.reset_button, self.audition_button, self.keep_button):
            b.setEnabled(has_phrase and self.current is not None)
        for shortcut in self._shortcuts.values():
            shortcut.setEnabled(vae)

    # -- jobs -------------------------------------------------------------------------------------
    def submit(self, kind: str, op, payload=None) -> int:
        """Send a VAE operation (superseding the one in flight); its answer comes back by ``kind``."""
        self.job_kind, self.job_payload = kind, payload
        self.job = self.service.submit_vae(VAEJob(str(self.info.folder), op, self.panel.picker.wanted_device))
        return self.job

    def _cancel_job(self) -> None:
        if self.job is not None:
            self.job = None
            self.service.cancel_vae()
        self.wanted, self.audition_after = None, False
        self.pad_page.wanted = None

    def _finished(self, job: int, result) -> None:
        if job != self.job:
            return
        kind, payload, self.job = self.job_kind, self.job_payload, None
        self.device = result.device
        if kind == "encode":
            self._encoded(payload, result)
        elif kind == "move":
            self._moved(result)
        elif kind == "interpolate":
            self.blend_page.interpolated(payload, result)
        elif kind == "mix":
            self.pad_page.mixed(payload, result)
        if self.job is None and self.wanted is not None:
            self._send_move()
        elif self.job is None and self.pad_page.wanted is not None:
            self.pad_page.send()
        self._enable()

    def _failed(self, job: int, message: str) -> None:
        if job != self.job:
            return
        self.job, self.wanted, self.audition_after = None, None, False
        self.pad_page.wanted = None
        self.panel.say(f"The VAE studio could not do that: {message}", error=True)
        self._enable()

    # -- sliders ----------------------------------------------------------------------------------
    def encode_selection(self) -> bool:
        """Encode the selected bars (whole bars around the selection); False, with a message, when there is
        nothing to encode."""
        if self.info is None:
            self.panel.say("The VAE studio needs a VAE model: pick one in the model box.", error=True)
            return False
        try:
            phrase = phrase_from_selection(self.document.song, self.roll.track_index, self.roll.selection)
        except SeedError as e:
            self.panel.say(f"Nothing to encode: {e}.", error=True)
            return False
        self._encode(phrase)
        self.panel.set_page("sliders")
        return True

    def _encode(self, phrase: StudioPhrase) -> None:
        self.wanted, self.audition_after = None, False
        self.submit("encode", EncodeClip(phrase.clip), phrase)
        self.phrase_text.setText(f"Encoding {phrase.label}…")

    def _encoded(self, phrase: StudioPhrase, result) -> None:
        self.phrase, self.heard = phrase, result.phrases[0]
        self.current = self.heard
        self.sliders.set_position(result.sliders)
        self.phrase_text.setText(phrase.label)
        self._preview()
        same = len(set(self._placed(self.heard)) & set(phrase.replaced))
        heard = f"the ghost notes show how the VAE hears it ({same} of {len(phrase.replaced)} notes the same)"
        if self.sliders.names:
            self.panel.say(f"Encoded {phrase.label} with {self.model_name}: the markers show where it sits, "
                           f"{heard}. Drag a slider; Enter keeps, Escape resets.")
        else:
            self.panel.say(f"Encoded {phrase.label} with {self.model_name}: {heard}. This model has no sliders; "
                           "blend phrases on the interpolate and pad pages.")

    def _slider_changed(self) -> None:
        if self.phrase is None:
            return
        self.wanted = self.sliders.moved()
        if not self.sliders.dragging:
            self.audition_after = True      # keys or a click: hear it once it is decoded
        if self.job is None or self.job_kind != "move":
            self._send_move()               # (an encode or interpolation in flight is superseded)

    def _slider_released(self) -> None:
        if self.job is not None or self.wanted is not None:
            self.audition_after = True      # when the latest value is decoded
        else:
            self.audition()

    def _send_move(self) -> None:
        values, self.wanted = self.wanted, None
        self.submit("move", MoveSliders(self.phrase.clip, values), values)

    def _moved(self, result) -> None:
        if self.phrase is None:
            return
        self.current = result.phrases[0]
        self._preview()
        if self.wanted is None and self.audition_after:
            self.audition_after = False
            self.audition()

    def reset(self) -> None:
        """Sliders back to where the phrase sits, and the phrase as the VAE hears it."""
        if self.phrase is None:
            return
        if self.job_kind == "move":
            self._cancel_job()
        self.wanted = None
        self.sliders.reset()
        self.current = self.heard
        self._preview()
        self._enable()
        self.panel.say("Sliders reset.")

    def _placed(self, notes) -> tuple:
        return self.phrase.plan().placed(self._take(notes)) if self.phrase is not None else ()

    def _take(self, notes):
        return slider_take(self.phrase, tuple(notes), self.model_name, self.sliders.moved(),
                           self.sliders.position())

    def _preview(self) -> None:
        self.roll.set_preview(list(self._placed(self.current or ())))

    def song_with_phrase(self):
        """The song with the moved phrase in place of the encoded bars (None if it no longer fits)."""
        if self.phrase is None or self.current is None:
            return None
        song, plan = self.document.song, self.phrase.plan()
        try:
            return plan.change(song, self._placed(self.current), self.model_name).apply(song)
        except (ChangeError, IndexError):
            return None

    def audition(self) -> bool:
        song = self.song_with_phrase()
        if song is None:
            return False
        bar = song.meter.signature_at(self.phrase.start).bar_ticks
        return self.panel.audition_player.play(song, self.phrase.start - bar, self.phrase.end)

    def keep(self) -> bool:
        """Replace the encoded bars with the moved phrase: one undo step with its record."""
        if self.phrase is None or self.current is None:
            return False
        song, phrase = self.document.song, self.phrase
        plan, take = phrase.plan(), self._take(self.current)
        notes = plan.placed(take)
        change = plan.change(song, notes, self.model_name)
        try:
            change.apply(song)
        except (ChangeError, IndexError):
            self.panel.say("The song changed where the encoded phrase was; encode it again.", error=True)
            return False
        record = take_record(take, plan, notes, plan.target_track(song), self.device or "cpu")
        self.panel.audition_player.stop()
        self._cancel_job()
        moved = ", ".join(f"{k.replace('_', ' ')} {v:+.2f}" for k, v in self.sliders.moved().items()) or "as heard"
        self.document.undo_stack.push(KeepTakeCommand(self.document, change, record, "Keep VAE phrase"))
        self.roll.set_preview([])
        self.panel.say(f"Kept the phrase ({moved}): {len(notes)} notes. Undo takes it back.")
        if self.roll.track_index == phrase.track:
            self.roll.set_selection(list(notes))
            self._encode(phrase_from_selection(self.document.song, phrase.track, notes))  # go on from here
        else:
            self.clear()
        return True

    def clear(self) -> None:
        """Forget the phrases (a new song)."""
        self._cancel_job()
        self.phrase, self.current, self.heard = None, None, ()
        self.corners = dict.fromkeys(CORNERS)
        self.sliders.set_position({})
        self.phrase_text.setText("No phrase yet.")
        for rows in self.corner_widgets.values():
            for label, _selection, _take in rows:
                label.setText("–")
        self.pad_page.corners_changed()
        self._enable()

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
            take, plan = self.panel.takes.current_take, self.panel.plan
            if take is None or plan is None:
                self.panel.say(f"Cannot set {which}: there is no take; generate some first.", error=True)
                return False
            phrase = phrase_from_take(song, plan, take, f"{self.panel.model_name} take {take.variation + 1}")
        self.corners[which] = phrase
        for label, _selection, _take in self.corner_widgets[which]:
            label.setText(phrase.label)
        if which in "AB" and self.panel.pages.currentWidget() is not self.pad_page:
            self.panel.set_page("interpolate")
        self.pad_page.corners_changed()
        self._enable()
        missing = [c for c in (CORNERS if which in "CD" or self.panel.pages.currentWidget() is self.pad_page
                               else "AB") if self.corners[c] is None]
        self.panel.say(f"Phrase {which}: {phrase.label}." + (f" Now set {', '.join(missing)}." if missing else ""))
        return True
