"""The rearranged sequences the infill model reads: what comes after the gap first, then a FILL marker,
then the bars before the gap and the gap itself, so the gap's tokens continue straight from the bars
before it while the network's state already holds the bars after it.

This is the rearrangement of the Anticipatory Music Transformer (Thickstun, Hall, Donahue & Liang,
"Anticipatory Music Transformer", 2023) and of MMM / MIDI-GPT's bar infilling (Ens & Pasquier, "MMM:
Exploring Conditional Multi-Track Music Generation with the Transformer", 2020; Pasquier, Ens et al.,
"MIDI-GPT: A Controllable Generative Model for Computer-Assisted Multitrack Music Composition", 2025), for
a left-to-right LSTM over the events codec:

    [after: up to AFTER_BARS bars from the gap's end] [FILL_g] [before: up to BEFORE_BARS bars] [gap: g bars]

``FILL_g`` says how many bars the gap has (1 .. MAX_GAP; a longer gap says MAX_GAP). Each part is encoded
on its own (a note is cut at its part's end, as a seed is cut where a take starts) and its time is counted
from its own start, a bar line, so the position input of the bar is right in all three. An empty ``after``
(no bars after the gap) is a plain continuation: the model continues from the left only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs import EventCodec
from musicstudio.generators.lstm.model import step_positions

AFTER_BARS = 8    # bars of context after the gap the model reads (training draws 1 .. this many)
BEFORE_BARS = 8   # bars of context before the gap
MAX_GAP = 8       # gap lengths with a marker of their own (training draws mostly 1-4)
IGNORE = -100     # a target the loss skips


def fill_token(codec: EventCodec, gap_bars: int) -> int:
    """The FILL marker for a gap of ``gap_bars`` bars (more than MAX_GAP: MAX_GAP's)."""
    return codec.size + min(max(int(gap_bars), 1), MAX_GAP) - 1


def vocab_size(codec: EventCodec) -> int:
    """The model's vocabulary: the codec's tokens, then the FILL markers."""
    return codec.size + MAX_GAP


def part_tokens(codec: EventCodec, notes: list[Note], start: int, end: int) -> np.ndarray:
    """Tokens of the notes that start in ``[start, end)`` ticks, counted from ``start`` and cut at ``end``
    (the part covers its whole length: silence at its end is a time shift)."""
    inside = [n._replace(start=n.start - start) for n in notes if start <= n.start < end]
    steps = (end - start) // codec.step_ticks
    return codec.encode(inside, steps=steps) if steps else np.zeros(0, np.int64)


def after_part(codec: EventCodec, notes: list[Note], start: int, bars: int, bar: int,
               reverse: bool = False) -> np.ndarray:
    """The after part: :func:`part_tokens` of ``bars`` bars from ``start``; with ``reverse``, bar by bar in
    reverse order (each bar still forward in time from its bar line), so that the bar right after the gap is
    the one the network read last before the FILL marker."""
    if not reverse:
        return part_tokens(codec, notes, start, start + bars * bar)
    parts = [part_tokens(codec, notes, start + k * bar, start + (k + 1) * bar) for k in reversed(range(bars))]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


@dataclass(frozen=True)
class Arranged:
    """A rearranged sequence: ``tokens`` (after, FILL, before, gap), the grid step within its part at which
    each token happens (``steps``, the position input), where the parts begin, and the step (counted from
    the bars before the gap) at which the gap ends."""

    tokens: np.ndarray
    steps: np.ndarray
    fill_at: int       # index of the FILL marker (= the after part's length)
    gap_at: int        # index of the gap's first token
    end: int           # grid steps of the bars before the gap and the gap

    @property
    def context(self) -> np.ndarray:
        """Everything up to the gap: what a fill request gives the model before it samples."""
        return self.tokens[:self.gap_at]

    @property
    def hears_after(self) -> bool:
        """Whether there is anything after the gap (else the sequence is a plain continuation)."""
        return self.fill_at > 0


def arrange(codec: EventCodec, steps_of: np.ndarray, after: np.ndarray, before: np.ndarray, gap: np.ndarray,
            gap_bars: int) -> Arranged:
    """The sequence for the parts' tokens (``steps_of``: grid steps each codec token moves time by)."""
    marker = np.array([fill_token(codec, gap_bars)], np.int64)
    tail = np.concatenate([before, gap]).astype(np.int64)
    tokens = np.concatenate([np.asarray(after, np.int64), marker, tail])
    steps = np.concatenate([step_positions(np.asarray(after, np.int64), steps_of), [0],
                            step_positions(tail, steps_of)]).astype(np.int64)
    return Arranged(tokens, steps, len(after), len(after) + 1 + len(before), int(steps_of[tail].sum()))


def training_item(arranged: Arranged, start_token: int, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                                 np.ndarray]:
    """(inputs, position slots, targets) for the network: the start token then every token but the last as
    inputs; ``slots``, each target's position slot (:func:`~.model.arranged_slots`); the loss reads the gap's
    tokens only (the bars after it, the marker and the bars before it are context, never targets)."""
    tokens = arranged.tokens
    inputs = np.concatenate([[start_token], tokens[:-1]]).astype(np.int64)
    targets = tokens.copy()
    targets[:arranged.gap_at] = IGNORE
    return inputs, np.asarray(slots, np.int64), targets
