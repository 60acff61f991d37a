"""The VAE studio's sliders page: shape a phrase on the checkpoint's named sliders.

"Encode selection" asks the VAE where the selected bars sit on each slider (the markers) and shows, as
ghost notes, how it hears them. Dragging a slider re-decodes live: one move is in the generation process
at a time and the latest value waits for it (moves in between are skipped, and a newer move supersedes an
older one there), and the phrase is auditioned in the song when the slider is let go. Reset puts the
sliders back; Keep replaces the selected bars with the moved phrase, one undo step that records the model
and the slider values.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from musicstudio.core.changes import ChangeError
from musicstudio.ui.generate.keep import KeepTakeCommand
from musicstudio.ui.generate.latent_sliders import LatentSliders
from musicstudio.ui.generate.own_keys import connect_buttons
from musicstudio.ui.generate.record import take_record
from musicstudio.ui.generate.seed import SeedError
from musicstudio.ui.generate.vae_phrases import StudioPhrase, phrase_from_selection, slider_take
from musicstudio.workers.generation_job import EncodeClip, MoveSliders

INTRO = "Shape a phrase on the model's sliders: select two bars or more in the piano roll, then Encode selection."


class SlidersPage(QWidget):
    """Lives in ``studio`` (a VAEStudio), whose model and jobs it uses, and through it in the panel, whose
    audition player and status line it uses."""

    def __init__(self, studio, shortcuts: dict[str, str]):
        super().__init__()
        self.studio, self.panel = studio, studio.panel
        self.document, self.roll = studio.document, studio.roll
        self.phrase: StudioPhrase | None = None       # the encoded phrase
        self.heard: tuple = ()                        # how the VAE hears it (decoded at its position)
        self.current: tuple | None = None             # the phrase at the sliders' values (counted from 0)
        self.wanted: dict | None = None               # slider values waiting for the move in flight
        self.audition_after = False                   # audition when the latest move is decoded
        self._shown: list | None = None               # the roll's preview list this page put there

        self.hint = QLabel(INTRO)
        self.hint.setWordWrap(True)
        self.encode_button = QPushButton("Encode selection")
        self.encode_button.setToolTip(f"Find where the selected bars sit on the sliders ({shortcuts['encode']})")
        self.phrase_text = QLabel("No phrase yet.")
        self.phrase_text.setWordWrap(True)
        self.sliders = LatentSliders()
        self.no_sliders = QLabel()
        self.no_sliders.setWordWrap(True)
        self.no_sliders.hide()
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip(f"Put the sliders back where the phrase sits (Escape on a slider, "
                                     f"{shortcuts['reset']})")
        self.audition_button = QPushButton("Audition")
        self.audition_button.setToolTip("Hear the moved phrase in the song (Space on a slider; also when you let "
                                        "go of a slider)")
        self.keep_button = QPushButton("Keep")
        self.keep_button.setToolTip(f"Replace the encoded bars with the moved phrase: one undo step (Enter on a "
                                    f"slider, {shortcuts['keep']})")
        self._build()

        self.encode_button.clicked.connect(self.encode_selection)
        connect_buttons(((self.reset_button, self.sliders.reset_requested, self.reset),
                         (self.audition_button, self.sliders.audition_requested, self.audition),
                         (self.keep_button, self.sliders.keep_requested, self.keep)))
        self.sliders.changed.connect(self._slider_changed)
        self.sliders.released.connect(self._slider_released)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.hint)
        top = QHBoxLayout()
        top.addWidget(self.encode_button)
        top.addWidget(self.phrase_text, 1)
        layout.addLayout(top)
        layout.addWidget(self.no_sliders)
        layout.addWidget(self.sliders)
        buttons = QHBoxLayout()
        for b in (self.reset_button, self.audition_button, self.keep_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        layout.addStretch(1)

    # -- the model --------------------------------------------------------------------------------
    def no_model(self) -> None:
        """The model is not a VAE: no sliders and no phrase."""
        self.sliders.set_names([])
        self.phrase, self.current = None, None
        self.phrase_text.setText("No phrase yet.")
        if self._shown is not None and self.roll.preview is self._shown:
            self.roll.set_preview([])     # only the moved phrase this page showed: a take's ghost notes stay
        self._shown = None

    def model_changed(self, info, was) -> None:
        """Show VAE ``info``'s sliders; the phrase encoded with model ``was`` is encoded again with it."""
        self.hint.setText(INTRO)
        names = list(info.sliders)
        self.sliders.set_names(names)
        self.no_sliders.setVisible(not names)
        self.no_sliders.setText(f"{info.name} has no sliders (its training had not finished when it "
                                "was saved): encoding and interpolation still work.")
        if was is not None and was.name != info.name and self.phrase is not None:
            self._encode(self.phrase)     # the same phrase, on the new model's sliders

    def enable(self, vae: bool) -> None:
        self.encode_button.setEnabled(vae)
        has_phrase = vae and self.phrase is not None
        self.sliders.setEnabled(has_phrase)
        for b in (self.reset_button, self.audition_button, self.keep_button):
            b.setEnabled(has_phrase and self.current is not None)

    def forget_waiting(self) -> None:
        """Another job supersedes the move in flight: no values wait for it, nothing is heard after it."""
        self.wanted, self.audition_after = None, False

    def clear(self) -> None:
        """Forget the phrase (a new song)."""
        self.phrase, self.current, self.heard = None, None, ()
        self.sliders.set_position({})
        self.phrase_text.setText("No phrase yet.")

    # -- encoding ---------------------------------------------------------------------------------
    def encode_selection(self) -> bool:
        """Encode the selected bars (whole bars around the selection); False, with a message, when there is
        nothing to encode."""
        if self.studio.info is None:
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
        self.forget_waiting()
        self.studio.submit("encode", EncodeClip(phrase.clip), phrase)
        self.phrase_text.setText(f"Encoding {phrase.label}…")

    def encoded(self, phrase: StudioPhrase, result) -> None:
        self.phrase, self.heard = phrase, result.phrases[0]
        self.current = self.heard
        self.sliders.set_position(result.sliders)
        self.phrase_text.setText(phrase.label)
        self._preview()
        same = len(_heard_the_same(self._placed(self.heard), phrase.replaced))
        heard = f"the ghost notes show how the VAE hears it ({same} of {len(phrase.replaced)} notes the same)"
        name = self.studio.model_name
        if self.sliders.names:
            self.panel.say(f"Encoded {phrase.label} with {name}: the markers show where it sits, "
                           f"{heard}. Drag a slider; Enter keeps, Escape resets.")
        else:
            self.panel.say(f"Encoded {phrase.label} with {name}: {heard}. This model has no sliders; "
                           "blend phrases on the interpolate and pad pages.")

    # -- moving -----------------------------------------------------------------------------------
    def _slider_changed(self) -> None:
        if self.phrase is None:
            return
        self.wanted = self.sliders.moved()
        if not self.sliders.dragging:
            self.audition_after = True      # keys or a click: hear it once it is decoded
        if self.studio.job is None or self.studio.job_kind != "move":
            self.send_move()                # (an encode or interpolation in flight is superseded)

    def _slider_released(self) -> None:
        if self.studio.job is not None or self.wanted is not None:
            self.audition_after = True      # when the latest value is decoded
        else:
            self.audition()

    def send_move(self) -> None:
        values, self.wanted = self.wanted, None
        self.studio.submit("move", MoveSliders(self.phrase.clip, values), values)

    def moved(self, result) -> None:
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
        if self.studio.job_kind == "move":
            self.studio.cancel_job()
        self.wanted = None
        self.sliders.reset()
        self.current = self.heard
        self._preview()
        self.studio.enable()
        self.panel.say("Sliders reset.")

    # -- the moved phrase in the song -------------------------------------------------------------
    def _placed(self, notes) -> tuple:
        return self.phrase.plan().placed(self._take(notes)) if self.phrase is not None else ()

    def _take(self, notes):
        return slider_take(self.phrase, tuple(notes), self.studio.model_name, self.sliders.moved(),
                           self.sliders.position(), self.studio.backend_name)

    def _preview(self) -> None:
        self.roll.set_preview(list(self._placed(self.current or ())))
        self._shown = self.roll.preview

    def song_with_phrase(self):
        """The song with the moved phrase in place of the encoded bars (None if it no longer fits)."""
        if self.phrase is None or self.current is None:
            return None
        song, plan = self.document.song, self.phrase.plan()
        try:
            return plan.change(song, self._placed(self.current), self.studio.model_name).apply(song)
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
        change = plan.change(song, notes, self.studio.model_name)
        try:
            change.apply(song)
        except (ChangeError, IndexError):
            self.panel.say("The song changed where the encoded phrase was; encode it again.", error=True)
            return False
        record = take_record(take, plan, notes, plan.target_track(song), self.studio.device or "cpu")
        self.panel.audition_player.stop()
        self.studio.cancel_job()
        moved = ", ".join(f"{k.replace('_', ' ')} {v:+.2f}" for k, v in self.sliders.moved().items()) or "as heard"
        self.document.undo_stack.push(KeepTakeCommand(self.document, change, record, "Keep VAE phrase"))
        self.roll.set_preview([])
        self.panel.say(f"Kept the phrase ({moved}): {len(notes)} notes. Undo takes it back.")
        if self.roll.track_index == phrase.track:
            self.roll.set_selection(list(notes))
            self._encode(phrase_from_selection(self.document.song, phrase.track, notes))  # go on from here
        else:
            self.studio.clear()
        return True


def _heard_the_same(heard, played) -> set:
    """The played notes the VAE gives back: the same pitch, start and length (the VAE plays a phrase at one
    velocity, so a chord under a louder tune would otherwise never count as heard)."""
    return {(n.pitch, n.start, n.duration) for n in heard} & {(n.pitch, n.start, n.duration) for n in played}
