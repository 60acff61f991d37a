"""Which seed note each input token belongs to, so that token scores add up to one score per note.

A note's tokens: in the events codec its NOTE_ON, its NOTE_OFF (its duration), and the TIME_SHIFT and
VELOCITY tokens that lead up to it (the time shift that places it; shifts after the last note go to the
last note); in the melody codec its onset token and the HOLD tokens while it sounds, and the NOTE_OFF that
ends it (HOLD tokens in a rest belong to no note). The position input travels with each token's row.

Notes are named by a key, (pitch in the model's range, grid step of the start); the user's seed notes are
keyed the same way (snapped to the grid, moved by the seed's transposition and folded into the codec's
range, as :meth:`~musicstudio.generators.phrases.TokenPhrases.fit_seed` moves them), so a note that the
codec dropped (a lower note of a chord for a melody model) owns no token and scores 0.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs import EventCodec, MelodyCodec
from musicstudio.generators.codecs.grid import to_step
from musicstudio.generators.codecs.melody import FIRST_NOTE, HOLD, NOTE_OFF

Key = tuple[int, int]


def event_owners(codec: EventCodec, tokens: np.ndarray) -> list[Key | None]:
    """For each events-codec token, the key of the note it belongs to (None: no note)."""
    owners: list[Key | None] = [None] * len(tokens)
    sounding: dict[int, Key] = {}
    waiting: list[int] = []          # shifts and velocities, until the next note starts
    now, last = 0, None
    for i, token in enumerate(int(t) for t in tokens):
        if token < codec.first_off:
            last = sounding[codec.low + token] = (codec.low + token, now)
            owners[i] = last
            for j in waiting:
                owners[j] = last
            waiting = []
        elif token < codec.first_shift:
            owners[i] = sounding.pop(codec.low + token - codec.first_off, None)
        else:
            if token < codec.first_velocity:
                now += token - codec.first_shift + 1
            waiting.append(i)
    for j in waiting:
        owners[j] = last
    return owners


def melody_owners(codec: MelodyCodec, tokens: np.ndarray) -> list[Key | None]:
    """For each melody-codec token (one per 16th step), the key of the note it belongs to."""
    owners: list[Key | None] = []
    current = None
    for step, token in enumerate(int(t) for t in tokens):
        if token >= FIRST_NOTE:
            current = (codec.low + token - FIRST_NOTE, step)
            owners.append(current)
        elif token == NOTE_OFF:
            owners.append(current)
            current = None
        else:
            owners.append(current if token == HOLD else None)
    return owners


def token_owners(codec, tokens: np.ndarray) -> list[Key | None]:
    return melody_owners(codec, tokens) if isinstance(codec, MelodyCodec) else event_owners(codec, tokens)


def fold(pitch: int, low: int, high: int) -> int:
    """``pitch`` moved by whole octaves into ``low .. high``."""
    while pitch < low:
        pitch += 12
    while pitch > high:
        pitch -= 12
    return pitch


def note_keys(notes: Sequence[Note], codec, shift: int, step_ticks: int) -> list[Key]:
    """The key of each of the user's notes, as the codec sees it after the seed's transposition."""
    return [(fold(n.pitch + shift, codec.low, codec.high), to_step(n.start, step_ticks)) for n in notes]


def note_scores(token_scores: np.ndarray, owners: Sequence[Key | None], keys: Sequence[Key]) -> np.ndarray:
    """One score per note (``keys``, the user's notes): the sum of its tokens' scores."""
    by_key: dict[Key, float] = {}
    for score, owner in zip(token_scores, owners):
        if owner is not None:
            by_key[owner] = by_key.get(owner, 0.0) + float(score)
    return np.array([by_key.get(k, 0.0) for k in keys], np.float64)
