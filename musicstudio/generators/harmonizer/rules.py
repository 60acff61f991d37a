"""A voice-leading rule for the Gibbs sampler (:mod:`.gibbs`): a note that would move in parallel fifths or
octaves (unisons included) with another voice is made less likely by ``penalty`` nats, as a part writer
avoids them. The texture's onset times are those of :mod:`.texture`; for a voice's note-on at step ``t``
the rule looks at the transition into ``t`` (from the last onset time before it) and the transition out of
it (to the next onset time, where the voice starts its next note), against every other voice that moves
there, in the tokens as they are. Only note-on tokens are penalised; holding or resting never is."""

from __future__ import annotations

import numpy as np

from musicstudio.generators.codecs.melody import FIRST_NOTE
from musicstudio.generators.harmonizer.voices import LOW, PITCHES, TOKENS, sounding

CANDIDATES = LOW + np.arange(PITCHES)          # the pitch each note-on token plays


def _onset_neighbours(onset_any: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(B, T) previous onset time before each step (-1: none) and next one after it (T: none)."""
    b, t = onset_any.shape
    steps = np.arange(t)
    prev = np.maximum.accumulate(np.where(onset_any, steps, -1), axis=1)
    prev = np.concatenate([np.full((b, 1), -1), prev[:, :-1]], axis=1)
    nxt = np.minimum.accumulate(np.where(onset_any, steps, t)[:, ::-1], axis=1)[:, ::-1]
    nxt = np.concatenate([nxt[:, 1:], np.full((b, 1), t)], axis=1)
    return prev, nxt


def _forbidden(before: np.ndarray, other_from: np.ndarray, other_to: np.ndarray,
               valid: np.ndarray, into: bool) -> np.ndarray:
    """(B, T, PITCHES) bool: candidates that make a parallel perfect interval with the other voice.
    ``into``: the candidate is the arrival (``before`` the voice's pitch at the transition's start); else the
    candidate is the start and ``before`` the voice's next pitch."""
    c = CANDIDATES[None, None, :]
    if into:
        interval = np.abs(before - other_from) % 12
        made = np.abs(c - other_to[..., None]) % 12
        same_way = np.sign(c - before[..., None]) == np.sign(other_to - other_from)[..., None]
    else:
        interval = np.abs(before - other_to) % 12
        made = np.abs(c - other_from[..., None]) % 12
        same_way = np.sign(before[..., None] - c) == np.sign(other_to - other_from)[..., None]
    perfect = valid & ((interval == 0) | (interval == 7))
    return perfect[..., None] & (made == interval[..., None]) & same_way & (c != before[..., None])


def parallel_penalty(tokens: np.ndarray, penalty: float, voices=None) -> np.ndarray:
    """(B, 4, T, TOKENS) float32 to subtract from the logits: ``penalty`` on each note-on that would move in
    parallel fifths or octaves with another voice; only for the voices in ``voices`` (default all: the others
    are given and never drawn)."""
    b, v, t = tokens.shape
    out = np.zeros((b, v, t, TOKENS), np.float32)
    if penalty <= 0:
        return out
    pitch = np.where(sounding(tokens) < PITCHES, sounding(tokens) + LOW, -1)
    onset = tokens >= FIRST_NOTE
    prev, nxt = _onset_neighbours(onset.any(axis=1))
    at_prev = lambda voice: np.take_along_axis(pitch[:, voice], np.maximum(prev, 0), axis=1)   # noqa: E731
    at_next = lambda voice: np.take_along_axis(pitch[:, voice], np.minimum(nxt, t - 1), axis=1)   # noqa: E731
    for me in range(v) if voices is None else voices:
        bad = np.zeros((b, t, PITCHES), bool)
        next_onset = np.take_along_axis(onset[:, me], np.minimum(nxt, t - 1), axis=1) & (nxt < t)
        for other in range(v):
            if other == me:
                continue
            now = pitch[:, other]
            before_o, after_o = at_prev(other), at_next(other)
            mine_before, mine_after = at_prev(me), at_next(me)
            into = (prev >= 0) & (mine_before >= 0) & (before_o >= 0) & (now >= 0) & (now != before_o)
            out_of = next_onset & (mine_after >= 0) & (now >= 0) & (after_o >= 0) & (after_o != now)
            bad |= _forbidden(mine_before, before_o, now, into, True)
            bad |= _forbidden(mine_after, now, after_o, out_of, False)
        out[:, me, :, FIRST_NOTE:] = np.where(bad, penalty, 0.0)
    return out
