""""Which notes shaped this take?": the Takes box's button (Ctrl+Shift+W). Pressed, it asks the take's model
off the GUI thread (:mod:`musicstudio.workers.saliency`) how much each note of the seed shaped the take shown,
then tints the seed's notes in the piano roll by it (:mod:`musicstudio.ui.piano_roll.saliency_tint`), with a
legend; pressed again (or another take, keep, discard) clears the tint, and stops a question still running
(the job is cancelled, and the status line says so instead of still saying it is asking)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QPushButton

from musicstudio.core.clip import Clip
from musicstudio.generators.saliency.names import method_name
from musicstudio.ui.piano_roll.saliency_tint import SaliencyTint
from musicstudio.workers.saliency import SaliencyAnswer, saliency_job, start_saliency

SHORTCUT = "Ctrl+Shift+W"


class _Relay(QObject):
    """The end of one job, brought to the GUI thread (a plain function connected to a job's signals would run
    in the job's thread): its answer is shown only while the job is still the one asked."""

    def __init__(self, owner: TakeSaliency, job, take):
        super().__init__()
        self.owner, self.job, self.take = owner, job, take
        job.finished.connect(self.finished)
        job.failed.connect(self.failed)
        job.cancelled.connect(self.cancelled)

    @Slot(object)
    def finished(self, answer) -> None:
        if self.owner._answered(self.job):
            self.owner.show(answer, self.take)

    @Slot(str)
    def failed(self, message: str) -> None:
        if self.owner._answered(self.job):
            self.owner._failed(message)

    @Slot()
    def cancelled(self) -> None:
        self.owner._answered(self.job)


class TakeSaliency:
    """The button and the job behind it, for ``box`` (a :class:`~.take_box.TakeBox`)."""

    def __init__(self, box, say: Callable[..., None], start=start_saliency):
        self.box, self.say, self._start = box, say, start
        self.button = QPushButton("Which notes shaped this take?")
        self.button.setCheckable(True)
        self.button.setShortcut(QKeySequence(SHORTCUT))
        self.button.setToolTip(f"Tint the seed's notes by how much each shaped this take ({SHORTCUT}; "
                               "again to clear)")
        self.button.toggled.connect(self._toggled)
        self.job = None          # the running job (None when none runs)
        self._relay = None       # its end, brought to the GUI thread
        self._asked = None       # the take the running job is about

    @property
    def canvas(self):
        return self.box.roll.canvas

    def _toggled(self, on: bool) -> None:
        if on:
            self.ask()
        else:
            self.clear()

    def ask(self) -> bool:
        """Start the job for the take shown (False, with a message, when there is nothing to ask about)."""
        box = self.box
        take, plan = box.current_take, box.plan
        if take is None or plan is None or not plan.seed.notes or plan.after is not None:
            why = "a fill hears both sides" if plan is not None and plan.after is not None else "it has no seed"
            self.say(f"No saliency for this take: {why}." if take is not None else "No take to ask about.",
                     error=True)
            self.button.setChecked(False)
            return False
        meter = tuple(take.request.get("meter", (4, 4)))
        self._asked = take
        self.cancel()
        self.job = saliency_job(box.model_name, plan.seed, Clip(tuple(take.notes), take.length), meter)
        self._relay = _Relay(self, self.job, take)
        self.say(f"Asking {box.model_name} which notes shaped the take…")
        self._start(self.job)
        return True

    def _answered(self, job) -> bool:
        """``job`` has ended: whether it is still the one asked (a cancelled one's late answer is dropped)."""
        if job is not self.job:
            return False
        self.job = None
        return True

    def cancel(self) -> bool:
        """Stop the job still running, if any, and say so (True when one was stopped)."""
        job, self.job = self.job, None
        if job is None:
            return False
        job.cancel()
        self.say(f"Stopped asking {self.box.model_name} which notes shaped the take.")
        return True

    def show(self, answer: SaliencyAnswer, asked=None) -> None:
        """Tint the seed's notes with ``answer`` (when it is still about the take shown)."""
        if asked is not None and (asked is not self.box.current_take or not self.button.isChecked()):
            return
        start = self.box.plan.seed_start
        tint = SaliencyTint(tuple(n.moved_by(ticks=start) for n in answer.notes), answer.strengths,
                            answer.scores, answer.model, method_name(answer.method))
        self.canvas.saliency_tint = tint
        self.canvas.update()
        self.say(f"Which notes shaped this take: {tint.summary()} ({answer.seconds:.1f} s). "
                 f"{SHORTCUT} again clears.")

    def _failed(self, message: str) -> None:
        self.button.setChecked(False)
        self.say(f"Which notes shaped this take: {message}", error=True)

    def clear(self) -> None:
        """No tint (the button up), and no job still asking."""
        self._asked = None
        self.cancel()
        if self.button.isChecked():
            self.button.setChecked(False)     # comes back here through toggled
            return
        if getattr(self.canvas, "saliency_tint", None) is not None:
            self.canvas.saliency_tint = None
            self.canvas.update()
