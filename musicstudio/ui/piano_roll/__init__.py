"""The piano roll: keyboard, ruler, note canvas and velocity lane, sharing one geometry."""

from musicstudio.ui.piano_roll.editor import PianoRoll

__all__ = ["PianoRoll"]
