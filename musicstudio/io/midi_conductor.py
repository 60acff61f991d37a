"""The conductor's events of a MIDI file (tempo, time signature and key changes) as the reader meets
them, checked one by one (an impossible one is left out with a warning), and the song's maps made of
them once the file is read."""

from __future__ import annotations

from typing import Callable

from musicstudio.core.key import Key, KeySignature, is_valid_key
from musicstudio.core.meter import TimeSignature, is_valid_time_signature
from musicstudio.core.tempo import Tempo

TEMPO, TIME_SIGNATURE, KEY_SIGNATURE = 0x51, 0x58, 0x59


class ConductorEvents:
    """Tempo, meter and key changes in file ticks; ``warn(message, damage)`` hears what was left out."""

    def __init__(self, warn: Callable[[str, bool], None]):
        self.warn = warn
        self.tempos: list[tuple[int, int]] = []
        self.signatures: list[tuple[int, int, int]] = []
        self.keys: list[tuple[int, int, int]] = []

    def add(self, track_no: int, tick: int, mtype: int, body: bytes) -> None:
        """A meta event of type ``mtype`` (tempo, time signature or key signature) read in track ``track_no``."""
        if mtype == TEMPO:
            us = int.from_bytes(body[:3], "big") if len(body) >= 3 else 0
            if len(body) != 3 or us == 0:
                self.warn(f"track {track_no}: an impossible tempo ({'0 BPM' if us == 0 else 'bad length'}) "
                          "was ignored", True)
                return
            self.tempos.append((tick, us))
        elif mtype == TIME_SIGNATURE:
            if len(body) < 2:
                self.warn(f"track {track_no}: a damaged time signature was ignored", True)
                return
            numerator, power = body[0], body[1]
            denominator = 2 ** power if power < 8 else 0
            if not is_valid_time_signature(numerator, denominator):
                shown = f"{numerator}/{denominator}" if denominator else f"{numerator}/2^{power}"
                self.warn(f"track {track_no}: an impossible time signature ({shown}) was ignored", True)
                return
            self.signatures.append((tick, numerator, denominator))
        else:
            if len(body) < 2:
                self.warn(f"track {track_no}: a damaged key signature was ignored", True)
                return
            sharps = body[0] - 256 if body[0] > 127 else body[0]
            if not is_valid_key(sharps, body[1]):
                accidentals = f"{abs(sharps)} {'sharps' if sharps > 0 else 'flats'}"
                self.warn(f"track {track_no}: an impossible key signature ({accidentals}) was ignored", True)
                return
            self.keys.append((tick, sharps, body[1]))

    # -- the maps, rescaled by ``scale`` (file ticks to model ticks) ---------------------------------
    def tempo_map(self, scale) -> tuple[Tempo, ...]:
        return tuple(Tempo(scale(t), us) for t, us in sorted(self.tempos, key=lambda e: e[0]))

    def meter_map(self, scale) -> tuple[TimeSignature, ...]:
        return tuple(TimeSignature(scale(t), n, d) for t, n, d in sorted(self.signatures, key=lambda e: e[0]))

    def key_map(self, scale) -> tuple[KeySignature, ...]:
        return tuple(KeySignature(scale(t), Key(s, bool(m))) for t, s, m in sorted(self.keys, key=lambda e: e[0]))
