"""The Generate panel's Takes box: the takes of one generation (or of the VAE studio) to flip through, hear
in place, keep or discard. Nothing changes the song until a take is kept, as one undoable command that also
records how the take was made."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout

from musicstudio.core.changes import ChangeError, ChangeGroup
from musicstudio.ui.generate.audition import TakeAudition
from musicstudio.ui.generate.keep import KeepTakeCommand
from musicstudio.ui.generate.own_keys import connect_buttons
from musicstudio.ui.generate.record import take_record
from musicstudio.ui.generate.seed import SeedPlan
from musicstudio.ui.generate.take_saliency import TakeSaliency
from musicstudio.ui.generate.takes import TakeList
from musicstudio.workers.generation_job import GenerationResult


def show_in_roll(roll, start: int, end: int, pitches: list[int]) -> None:
    """Scroll ``roll`` so that ticks ``start``-``end`` are in view (with a bar before them, when there is room)
    and, when they are out of sight, the rows of ``pitches`` too; what is in view already stays put. It
    scrolls as a musician does, through the scroll bars, so the roll's opening zoom stops holding the view
    (a resize would otherwise fit the song again and take the take out of sight)."""
    g = roll.geometry
    width, height = roll.canvas.width(), roll.canvas.height()
    if g.x_of(start) < 0 or g.x_of(end) > width:
        bar = roll.document.song.meter.signature_at(start).bar_ticks * g.px_per_tick
        lead = min(bar, width / 4) if (end - start) * g.px_per_tick + bar <= width else 0
        roll.hbar.setValue(int(max(0.0, start * g.px_per_tick - lead)))
    if pitches and (g.y_of(max(pitches)) < 0 or g.y_of(min(pitches)) + g.row_height > height):
        g.centre_on_pitch((min(pitches) + max(pitches)) // 2, height)
        roll.vbar.setValue(int(g.scroll_y))
    roll.refresh()


class TakeBox(QGroupBox):
    """The takes on offer, with the plan that places them in ``document``'s song; ghost notes of the current
    take go to ``roll``'s preview, auditions through ``audition_player``, messages to ``say``."""

    kept = Signal()

    def __init__(self, document, roll, audition_player: TakeAudition, say: Callable[..., None]):
        super().__init__("Takes")
        self.document, self.roll, self.audition_player, self.say = document, roll, audition_player, say
        self.plan: SeedPlan | None = None          # where the takes shown go
        self.model_name = ""
        self.result: GenerationResult | None = None
        self.list = TakeList()
        self.audition_button = QPushButton("Audition")
        self.audition_button.setToolTip("Hear the take in the song, from a bar before it (Space in the list)")
        self.keep_button = QPushButton("Keep")
        self.keep_button.setToolTip("Put this take in the song: one undo step (Enter in the list)")
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip("Throw these takes away (Delete in the list)")
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        for b in (self.audition_button, self.keep_button, self.discard_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.saliency = TakeSaliency(self, say)     # "Which notes shaped this take?" (Ctrl+Shift+W)
        layout.addWidget(self.saliency.button)

        connect_buttons(((self.audition_button, self.list.audition_requested, self.audition),
                         (self.keep_button, self.list.keep_requested, self.keep),
                         (self.discard_button, self.list.discard_requested, self.discard)))
        self.list.currentRowChanged.connect(self._take_changed)
        self.enable_buttons()

    def show_takes(self, takes, plan: SeedPlan, name: str, result: GenerationResult) -> None:
        self.audition_player.stop()
        self.plan, self.model_name, self.result = plan, name, result
        lengths = [plan.end - plan.at if plan.end is not None else t.length for t in takes]
        self.list.set_takes(takes, lengths)
        self.enable_buttons()
        self._take_changed()
        if takes:      # the takes are seen where they go, however far from the bars on show
            show_in_roll(self.roll, plan.at, plan.at + max(lengths), [n.pitch for n in self.placed_notes()])

    def forget(self) -> None:
        """A new song: no takes, and no plan for them."""
        self.discard(quiet=True)
        self.plan = None

    def enable_buttons(self) -> None:
        has = bool(self.list.takes)
        for b in (self.audition_button, self.keep_button, self.discard_button, self.saliency.button):
            b.setEnabled(has)

    @property
    def current_take(self):
        return self.list.current_take

    def placed_notes(self):
        take = self.list.current_take
        return () if take is None or self.plan is None else self.plan.placed(take)

    def _take_changed(self, *_) -> None:
        self.saliency.clear()           # a tint is about one take
        self.roll.set_preview(list(self.placed_notes()))
        if self.audition_player.active:
            self.audition()

    def flip(self, index: int) -> bool:
        return self.list.flip(index)

    def take_name(self) -> str:
        take = self.list.current_take
        return f"{self.model_name} take {take.variation + 1}" if take is not None else self.model_name

    def song_with_take(self):
        """The song as it would be with the current take kept (None without a take, or when the song
        changed so that the take no longer fits)."""
        take, plan, song = self.list.current_take, self.plan, self.document.song
        if take is None or plan is None:
            return None
        try:
            return plan.change(song, self.placed_notes(), self.take_name()).apply(song)
        except (ChangeError, IndexError):
            return None

    def audition(self) -> bool:
        take, plan = self.list.current_take, self.plan
        song = self.song_with_take()
        if song is None:
            return False
        bar = song.meter.signature_at(plan.at).bar_ticks
        end = plan.end if plan.end is not None else plan.at + take.length
        return self.audition_player.play(song, plan.at - bar, end)

    def keep(self) -> bool:
        """Keep the current take: one undo step that adds its notes and its generation record."""
        take, plan, song = self.list.current_take, self.plan, self.document.song
        if take is None or plan is None:
            return False
        name, notes = self.take_name(), self.placed_notes()
        change = plan.change(song, notes, name)
        try:
            change.apply(song)
        except (ChangeError, IndexError):
            self.say("The song changed where these takes go; generate again.", error=True)
            return False
        record = take_record(take, plan, notes, plan.target_track(song), self.result.device)
        self.audition_player.stop()
        self.document.undo_stack.push(KeepTakeCommand(self.document, change, record, f"Keep {name}"))
        if plan.mode != "new track":   # the kept notes that landed in the track on show
            shown = set(self.document.song.tracks[self.roll.track_index].notes)
            self.roll.set_selection([n for n in notes if n in shown])
        self._clear(give_focus=True)
        spread = f", voice by voice in {len(change.parts)} tracks" if isinstance(change, ChangeGroup) else ""
        self.say(f"Kept {name} ({len(notes)} notes{spread}). Undo takes it back.")
        self.kept.emit()
        return True

    def discard(self, quiet: bool = False) -> None:
        said = bool(self.list.takes) and not quiet
        self._clear(give_focus=not quiet)     # first: a saliency question it stops says so, then this
        if said:
            self.say("Takes discarded.")

    def _clear(self, give_focus: bool = False) -> None:
        """No takes. ``give_focus``: the keyboard focus goes back to the piano roll's notes first, before the
        buttons are disabled; a disabled button that had the focus would hand it to the next widget in the
        window's tab order, a track's Instrument box, whose row then becomes the roll's track (issue 21)."""
        if give_focus:
            self.roll.setFocus(Qt.FocusReason.OtherFocusReason)
        self.audition_player.stop()
        self.saliency.clear()
        self.list.set_takes([])
        self.roll.set_preview([])
        self.enable_buttons()
