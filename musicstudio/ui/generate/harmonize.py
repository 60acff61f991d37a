"""Generate ▸ Harmonize… and Add a part…: new tracks beside the song's own, written by a harmonizer model
(:mod:`musicstudio.generators.harmonizer`) off the GUI thread with a cancellable progress dialog
(:func:`musicstudio.ui.progress.wait_for`). **Harmonize** writes alto, tenor and bass under the current
track's melody (the selected notes' bars, or the whole track); **Add a part** asks for a role and register
and writes one part hearing every other pitched track. The result waits in a small dialog: Audition plays
the song with it, Keep adds the tracks as one undo step, Another take draws again, Discard drops it.

The job (:mod:`musicstudio.workers.harmonize`) imports the model's module in its thread: the GUI never
imports torch."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from musicstudio.core.changes import ChangeGroup, TrackChange
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.ui.generate.part_tools import ok_pressed

ROLES = ("soprano", "alto", "tenor", "bass")
REGISTERS = {"soprano": (60, 81), "alto": (53, 74), "tenor": (48, 69), "bass": (36, 62)}


@dataclass
class Pending:
    """A written result waiting for Keep: the new tracks and where they go."""

    what: str                       # "Harmonize" or "Add a bass part"
    tracks: list[Track]
    at: int                         # the index the first new track takes
    start: int
    end: int
    ask: tuple                      # what to ask again for Another take: (kind, arguments)


def harmonizer_model(models) -> str | None:
    """The first harmonizer model of ``models`` (the Generate service's ModelInfos), or None."""
    from musicstudio.generators.harmonizer import BACKEND

    found = [m for m in models if m.family is BACKEND]
    return found[0].name if found else None


class HarmonizeTools(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.pending: Pending | None = None
        self.dialog: QDialog | None = None
        self.takes = 0
        self.audition = None

    # -- asking -----------------------------------------------------------------------------------
    def _bars(self) -> tuple[int, int] | None:
        selection = self.window.roll.selection
        if not selection:
            return None
        meter = self.window.document.song.meter
        return meter.bar_at(min(n.start for n in selection)), meter.bar_at(max(n.end for n in selection) - 1)

    def harmonize(self) -> bool:
        index = self.window.roll.track_index
        return self._run("Harmonize", index + 1, "harmonize", {"index": index, "bars": self._bars()})

    def add_part(self, role: str | None = None, register: tuple[int, int] | None = None) -> bool:
        if role is None:
            asked = self.ask_part()
            if asked is None:
                return False
            role, register = asked
        at = len(self.window.document.song.tracks)
        return self._run(f"Add a {role} part", at, "add_part", {"role": role, "register": register,
                                                                  "bars": self._bars()})

    def ask_part(self) -> tuple[str, tuple[int, int]] | None:
        dialog = QDialog(self.window)
        dialog.setWindowTitle("Add a part")
        role, low, high = QComboBox(dialog), QSpinBox(dialog), QSpinBox(dialog)
        role.addItems(ROLES)
        role.setCurrentText("bass")
        for box in (low, high):
            box.setRange(0, 127)

        def registered(name: str) -> None:
            low.setValue(REGISTERS[name][0])
            high.setValue(REGISTERS[name][1])
        role.currentTextChanged.connect(registered)
        registered("bass")
        form = QFormLayout(dialog)
        form.addRow("Role", role)
        form.addRow("Lowest note (MIDI)", low)
        form.addRow("Highest note (MIDI)", high)
        if not ok_pressed(dialog, form):
            return None
        return role.currentText(), (min(low.value(), high.value()), max(low.value(), high.value()))

    # -- writing ----------------------------------------------------------------------------------
    def _run(self, what: str, at: int, kind: str, args: dict) -> bool:
        from musicstudio.ui.progress import wait_for
        from musicstudio.workers.harmonize import parts_job

        self.discard()
        service = self.window.generate.service
        folders = list(service.folders)
        model = harmonizer_model(service.models())
        if model is None:
            return self._say("No harmonizer model is installed (see: musicstudio models).")
        self.takes += 1
        song = self.window.document.song
        job = parts_job(folders, model, kind, song, {**args, "random_seed": self.takes})
        outcome = wait_for(self.window, job, what, f"{what} with {model}…")
        if outcome.kind != "finished":
            return self._say(f"{what}: {outcome.value}" if outcome.kind == "failed" else f"{what}: cancelled")
        span, tracks = outcome.value
        self.pending = Pending(what, list(tracks), at, span.start, span.end, (what, at, kind, args))
        self._show(f"{what}: {len(tracks)} new track{'s' if len(tracks) > 1 else ''} over bars "
                   f"{span.first_bar + 1}-{span.last_bar + 1} ("
                   + ", ".join(f"{t.name}: {len(t.notes)} notes" for t in tracks) + ").")
        return True

    def _say(self, text: str) -> bool:
        self.window.statusBar().showMessage(text, 8000)
        return False

    def song_with(self) -> Song | None:
        return None if self.pending is None else self.change().apply(self.window.document.song)

    def change(self) -> ChangeGroup:
        p = self.pending
        return ChangeGroup(tuple(TrackChange(p.at + i, None, t) for i, t in enumerate(p.tracks)))

    def _show(self, text: str) -> None:
        self.dialog = QDialog(self.window)
        self.dialog.setWindowTitle(self.pending.what)
        layout = QVBoxLayout(self.dialog)
        layout.addWidget(QLabel(text, self.dialog))
        buttons = QDialogButtonBox(self.dialog)
        for label, slot, tip in (("&Keep", self.keep, "Add the new tracks to the song (one undo step)"),
                                 ("&Audition", self.play, "Hear the song with the new tracks over their bars"),
                                 ("Another &take", self.again, "Write them again with another random seed"),
                                 ("&Discard", self.discard, "Drop them")):
            button = QPushButton(label, self.dialog)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        self.dialog.show()

    def play(self) -> bool:
        from musicstudio.ui.generate.audition import TakeAudition

        song, playback = self.song_with(), getattr(self.window, "playback", None)
        if song is None or playback is None:
            return False
        if self.audition is None:
            self.audition = TakeAudition(playback, self.window.document, self)
        bar = song.meter.signature_at(self.pending.start).bar_ticks
        return self.audition.play(song, self.pending.start - bar, self.pending.end)

    def keep(self) -> bool:
        if self.pending is None:
            return False
        what, count = self.pending.what, len(self.pending.tracks)
        self.window.document.edit(self.change(), what)
        self.discard()
        return not self._say(f"{what}: kept {count} new track{'s' if count > 1 else ''}. Undo takes them back.")

    def again(self) -> bool:
        if self.pending is None:
            return False
        return self._run(*self.pending.ask)

    def discard(self) -> None:
        if self.audition is not None:
            self.audition.stop()
        self.pending = None
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


def install(window, menu) -> None:
    tools = HarmonizeTools(window)
    window.harmonize_tools = tools
    for label, shortcut, slot, tip in (
            ("&Harmonize…", "Ctrl+Alt+H", tools.harmonize,
             "Write alto, tenor and bass under the current track's melody (the selected notes' bars, or all of it)"),
            ("Add a &part…", "Ctrl+Alt+P", lambda: tools.add_part(),
             "Write one new part (soprano, alto, tenor or bass) hearing the song's other tracks")):
        action = menu.addAction(label)
        action.setShortcut(shortcut)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
