"""The computer keyboard as a piano: two rows of keys, octave and velocity keys.

    row  W E   T Y U   O P        black keys
    row A S D F G H J K L ; '     white keys, from C
    Z / X: octave down / up      C / V: softer / louder
"""

from __future__ import annotations

from dataclasses import dataclass

WHITE_KEYS = "asdfghjkl;'"
WHITE_STEPS = (0, 2, 4, 5, 7, 9, 11, 12, 14, 16, 17)
BLACK_KEYS = {"w": 1, "e": 3, "t": 6, "y": 8, "u": 10, "o": 13, "p": 15}
KEY_STEPS = {**dict(zip(WHITE_KEYS, WHITE_STEPS)), **BLACK_KEYS}
VELOCITIES = (32, 48, 64, 80, 96, 112, 127)


@dataclass
class KeyboardPiano:
    octave: int = 4            # the A key plays C of this octave (C4 = 60)
    velocity_step: int = 4     # index into VELOCITIES

    @property
    def velocity(self) -> int:
        return VELOCITIES[self.velocity_step]

    def pitch_of(self, char: str) -> int | None:
        step = KEY_STEPS.get(char.lower())
        if step is None:
            return None
        pitch = (self.octave + 1) * 12 + step
        return pitch if 0 <= pitch <= 127 else None

    def control(self, char: str) -> bool:
        """Octave and velocity keys; True if ``char`` was one."""
        c = char.lower()
        if c == "z":
            self.octave = max(-1, self.octave - 1)
        elif c == "x":
            self.octave = min(8, self.octave + 1)
        elif c == "c":
            self.velocity_step = max(0, self.velocity_step - 1)
        elif c == "v":
            self.velocity_step = min(len(VELOCITIES) - 1, self.velocity_step + 1)
        else:
            return False
        return True
