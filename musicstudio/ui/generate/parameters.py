"""The parameters every backend shares: bars, variations, temperature, top-p, random seed (with a dice),
the feel (the seed's swing, straight, or a swing: :mod:`musicstudio.generators.fitting`), key lock (the
song's key by default, as its notes have it: :func:`~musicstudio.core.key_finding.song_key`)
with its scale (the key's own by default: major, or harmonic minor; or another minor, or a church mode)
and pitch range; and, shown only for a GAN model, the chord
progression to follow and the texture (one line or several voices); the per-bar controls (density, polyphony:
:mod:`.controls_box`), shown for a family that takes them and greyed, the reason in the tooltip, for a model of
it trained without them."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QWidget,
)

from musicstudio.core.clip import Clip
from musicstudio.core.feel import AUTO, OFF, TRIPLET
from musicstudio.core.key import Key
from musicstudio.core.note import pitch_name
from musicstudio.core.scale import MODES, Scale
from musicstudio.generators.capabilities import Controllable
from musicstudio.generators.family import Backend
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.seed_plan import seed_register
from musicstudio.ui.generate.controls_box import ControlsBox
from musicstudio.ui.transport import KEYS

MAX_SEED = 2**31 - 1
SONG_KEY, NO_KEY = 0, 1   # the first two entries of the key box; all keys follow
SHOWN_CHORDS = 8          # the seed's chords shown in the empty chords box; all of them fill it
KEYS_OWN = "The key's own (major, harmonic minor)"   # the first entry of the scale box
FEELS = (("Auto (the seed's swing)", AUTO), ("Straight", OFF),
         *((f"Swing {r:.0%}", r) for r in (0.55, 0.58, 0.6, 0.62, 0.64)), ("Triplet swing (67%)", TRIPLET),
         ("Swing 70%", 0.7))


class PitchBox(QSpinBox):
    """A MIDI pitch, shown with its name (60 = C4)."""

    def __init__(self, value: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setRange(0, 127)
        self.setValue(value)

    def textFromValue(self, value: int) -> str:  # noqa: N802 - Qt's name
        return f"{pitch_name(value)} ({value})"

    def valueFromText(self, text: str) -> int:  # noqa: N802 - Qt's name
        digits = text.rsplit("(", 1)[-1].rstrip(")").strip()
        return int(digits) if digits.isdigit() else self.value()

    def validate(self, text: str, pos: int):
        digits = text.rsplit("(", 1)[-1].rstrip(")").strip()
        if not digits:
            return QValidator.State.Intermediate, text, pos
        ok = digits.isdigit() and 0 <= int(digits) <= 127
        return (QValidator.State.Acceptable if ok else QValidator.State.Invalid), text, pos


class ParameterForm(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        form = self._form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.bars = QSpinBox(minimum=1, maximum=64, value=4, suffix=" bars")
        self.bars.setToolTip("How much to generate: bars of the song's meter, after the rest of the seed's "
                             "unfinished bar")
        self.variations = QSpinBox(minimum=1, maximum=16, value=4)
        self.variations.setToolTip("How many takes to make at once; keys 1-9 flip through them")
        self.temperature = QDoubleSpinBox(minimum=0.05, maximum=3.0, singleStep=0.05, value=1.0, decimals=2)
        self.temperature.setToolTip("Below 1: safer, more repetitive; above 1: wilder")
        self.top_p = QDoubleSpinBox(minimum=0.05, maximum=1.0, singleStep=0.05, value=1.0, decimals=2)
        self.top_p.setToolTip("Nucleus sampling: keep only the most likely choices that make up this much of the "
                              "probability (1 keeps everything)")
        seed_row, key_row, range_row = self._seed_row(), self._key_lock_row(), self._range_row()
        self.feel = self._feel_box()
        chords_row = self._chords_row_()
        self.texture = QComboBox()
        for text, key in (("As the seed", "auto"), ("Melody (one line)", "melody"), ("Chords (several voices)",
                                                                                       "chords")):
            self.texture.addItem(text, key)
        self.texture.setToolTip("One line, several voices, or whichever the seed is")
        self.controls = ControlsBox(self)      # density and polyphony, for a model that takes them
        self.more = QToolButton(text="More parameters", checkable=True)
        self.more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more.setAutoRaise(True)
        self.more.setToolTip("Top-p, the random seed, the key lock and the pitch range (their defaults: keep "
                             "everything, a new seed each time, the song's key, the seed's register)")
        form.addRow("Length", self.bars)
        form.addRow("Variations", self.variations)
        form.addRow("Temperature", self.temperature)
        form.addRow("Feel", self.feel)
        form.addRow("Chords", chords_row)          # the rows the model's backend reads, shown for it alone
        form.addRow("Texture", self.texture)
        form.addRow("Density", self.controls.density)
        form.addRow("Polyphony", self.controls.polyphony)
        form.addRow(self.more)
        form.addRow("Top-p", self.top_p)
        form.addRow("Random seed", seed_row)
        form.addRow("Key lock", key_row)
        form.addRow("Pitch range", range_row)
        self._more_rows = (self.top_p, seed_row, key_row, range_row)
        self.more.toggled.connect(self.show_more)
        self.show_more(False)
        self._backend, self._chords_row = "", chords_row
        self.show_family(None)
        self.chords.textChanged.connect(self.changed)
        self.texture.currentIndexChanged.connect(self.changed)
        self.controls.changed.connect(self.changed)
        for box in (self.bars, self.variations, self.seed, self.low, self.high):
            box.valueChanged.connect(self.changed)
        for box in (self.temperature, self.top_p):
            box.valueChanged.connect(self.changed)
        for box in (self.key, self.feel):
            box.currentIndexChanged.connect(self.changed)
        self.key.currentIndexChanged.connect(lambda index: self.scale.setEnabled(index != NO_KEY))
        self.scale.currentIndexChanged.connect(self.changed)

    def _feel_box(self) -> QComboBox:
        """Auto (the seed's swing), Straight, or a swing the takes get whatever the seed's."""
        box = QComboBox()
        for text, value in FEELS:
            box.addItem(text, value)
        box.setToolTip("The takes' swing. Auto: a seed whose off-beat 8ths come late (swung) is given to the model "
                       "straight, and the takes get the seed's swing back. Straight: the seed goes to the model as "
                       "it is, and the takes come back on the straight grid. A percentage: where the off-beat 8th "
                       "falls in its pair (50% straight, 67% triplet swing), for takes with that swing whatever "
                       "the seed's. Not in 6/8, 9/8 or 12/8, whose 8ths are the beat's thirds")
        return box

    def feel_setting(self) -> str | float:
        """"auto", "off" or a ratio, as ``musicstudio generate --swing`` takes it."""
        return self.feel.currentData()

    def _seed_row(self) -> QHBoxLayout:
        """The random seed, the dice and "new each time"."""
        self.seed = QSpinBox(minimum=0, maximum=MAX_SEED, value=random.randrange(MAX_SEED))
        self.seed.setToolTip("The same seed and parameters give the same takes")
        self.dice = QPushButton("Roll")
        self.dice.setToolTip("Pick a new random seed")
        self.dice.clicked.connect(self.roll_seed)
        self.fresh_seed = QCheckBox("new each time", checked=True)
        self.fresh_seed.setToolTip("Roll a new seed for every Generate (the kept take records the seed it used)")
        row = QHBoxLayout()
        row.addWidget(self.seed, 1)
        row.addWidget(self.dice)
        row.addWidget(self.fresh_seed)
        return row

    def _range_row(self) -> QHBoxLayout:
        """"the seed's" register, or the lowest and highest pitch set by hand."""
        self.low, self.high = PitchBox(0), PitchBox(127)
        self.low.setToolTip("The lowest pitch a take may use")
        self.high.setToolTip("The highest pitch a take may use")
        self.low.valueChanged.connect(lambda v: self.high.setValue(max(v, self.high.value())))
        self.high.valueChanged.connect(lambda v: self.low.setValue(min(v, self.low.value())))
        self.follow_register = QCheckBox("the seed's", checked=True)
        self.follow_register.setToolTip("Keep takes in the seed's register: from 5 semitones below its lowest note "
                                        "to 5 above its highest, so a bass line stays a bass line. Untick to set "
                                        "the range yourself")
        self.follow_register.toggled.connect(self._register_toggled)
        row = QHBoxLayout()
        row.addWidget(self.follow_register)
        row.addWidget(self.low, 1)
        row.addWidget(self.high, 1)
        self._register_toggled(True)
        return row

    def _chords_row_(self) -> QHBoxLayout:
        """The chords for a GAN to follow, and "From the seed"."""
        self.chords = QLineEdit()
        self.chords.setToolTip("Chords for the GAN to follow, one a bar, repeated: e.g. C Am F G, or Dm | G7 | C. "
                               "Empty: the seed's chords (I-IV-V-I of the key lock without a seed)")
        self.seed_chords_button = QPushButton("From the seed")
        self.seed_chords_button.setToolTip("Write the seed's chords here, to change some of them")
        self.seed_chords_button.clicked.connect(lambda: self.chords.setText(self._seed_chords))
        row = QHBoxLayout()
        row.addWidget(self.chords, 1)
        row.addWidget(self.seed_chords_button)
        self.show_seed_chords(None)
        return row

    def show_more(self, on: bool) -> None:
        """Show or fold away the parameters past the first three (they keep their values either way)."""
        self.more.setChecked(on)
        self.more.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        for row in self._more_rows:
            self._form.setRowVisible(row, on)

    def _key_lock_row(self) -> QHBoxLayout:
        """The key box (the song's key, off, or any key) and the scale box beside it."""
        self.key = QComboBox()
        self.key.addItems(["Song key", "Off (any pitch)"] + [k.name for k in KEYS])
        self.key.setToolTip("Lock the generated pitches to a key's scale (the song's key: as its notes have it "
                            "where they disagree with its key signature)")
        self.scale = QComboBox()
        self.scale.addItem(KEYS_OWN, None)
        for mode in MODES:
            self.scale.addItem(f"{mode} on the key's tonic", mode)
        self.scale.setToolTip("The scale of the key lock: a major key's own is major, a minor key's harmonic minor "
                              "(with its leading tone); or natural or melodic minor, or a church mode on the tonic")
        for box in (self.key, self.scale):     # as narrow as a docked panel needs; the lists open wider
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(10)
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(self.scale, 1)
        return row

    def show_family(self, family: Backend | None) -> None:
        """Show the rows the model's backend reads: those its options declare (chords and texture: a model
        that follows chords), and Density and Polyphony for a family that takes controls (a model of it trained
        without them sees them greyed, the reason in their tooltip)."""
        self._family = family
        names = family.option_names() if family is not None else ()
        self._form.setRowVisible(self._chords_row, "chords" in names)
        self._form.setRowVisible(self.texture, "texture" in names)
        controllable = family is not None and family.can(Controllable)   # greyed with the reason in between
        for box in (self.controls.density, self.controls.polyphony):
            self._form.setRowVisible(box, controllable)

    def show_seed_chords(self, names: list[str] | None) -> None:
        """What the chords box means when it is empty: the seed's chords as the GAN estimates them, one a
        bar; ``[]``: the seed is empty; None: there is no seed yet (the seed box says what to do)."""
        self._seed_chords = " ".join(names or [])
        if names is None:
            text = "the seed's own chords"
        elif not names:
            text = "I-IV-V-I of the key lock (no seed)"
        else:
            more = f" … ({len(names)} bars)" if len(names) > SHOWN_CHORDS else ""
            text = f"the seed's: {' '.join(names[:SHOWN_CHORDS])}{more}"
        self.chords.setPlaceholderText(text)
        self.seed_chords_button.setEnabled(bool(names))

    def options(self) -> dict:
        """The backend's own parameters for the request, and the controls asked for."""
        return {**self._chord_options(), **self.controls.options()}

    def _chord_options(self) -> dict:
        names = self._family.option_names() if self._family is not None else ()
        if "chords" not in names:
            return {}
        chords, texture = self.chords.text().strip(), self.texture.currentData()
        self._family.read_options({"chords": chords, "texture": texture})  # a ValueError names the bad chord
        out = {"chords": chords} if chords else {}
        if texture != "auto":
            out["texture"] = texture
        return out

    def roll_seed(self) -> None:
        self.seed.setValue(random.randrange(MAX_SEED))

    def show_song_key(self, key: Key) -> None:
        self.key.setItemText(SONG_KEY, f"Song key ({key.name})")

    def locked_key(self, song_key: Key) -> Scale | None:
        """The scale takes are locked to: the scale box's on the key box's key (``song_key`` for "Song key")."""
        index = self.key.currentIndex()
        if index == NO_KEY:
            return None
        key = song_key if index == SONG_KEY else KEYS[index - 2]
        return Scale.of_key(key, self.scale.currentData())

    def _register_toggled(self, follow: bool) -> None:
        self.low.setEnabled(not follow)
        self.high.setEnabled(not follow)

    def pitch_range(self, seed: Clip) -> tuple[int, int]:
        """The range takes keep to: the seed's register (when followed and the seed has notes), or the boxes'."""
        register = seed_register(seed) if self.follow_register.isChecked() else None
        return register or (self.low.value(), self.high.value())

    def request(self, seed: Clip, song_key: Key, bars: int | None = None,
                meter: tuple[int, int] = (4, 4)) -> GenerationRequest:
        """The request for ``seed`` (``bars`` overrides the length box, for regenerated bars), in bars of
        ``meter`` (the song's time signature where the take goes)."""
        return GenerationRequest(seed=seed, bars=bars or self.bars.value(), variations=self.variations.value(),
                                 temperature=round(self.temperature.value(), 4), top_p=round(self.top_p.value(), 4),
                                 random_seed=self.seed.value(), key=self.locked_key(song_key),
                                 pitch_range=self.pitch_range(seed), options=self.options(), meter=meter)
