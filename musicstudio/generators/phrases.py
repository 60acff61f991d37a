"""Phrases as token sequences: what a token model needs to know about its codec to continue a seed.

A :class:`TokenPhrases` wraps a codec (``melody`` or ``events``) and answers the questions sampling asks:
how a seed becomes tokens, which tokens start notes (for masks and for onset accuracy), how much time a
token takes, and how the tokens become a take again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.codecs import EventCodec, MelodyCodec, codec_from_vocabulary
from musicstudio.generators.codecs.grid import STEP_TICKS, on_grid
from musicstudio.generators.codecs.melody import FIRST_NOTE, monophonic
from musicstudio.generators.interface import GenerationRequest

MAX_EVENTS_PER_STEP = 16  # an events model that names more notes than this at one step must move on


@dataclass(frozen=True)
class TokenPhrases:
    codec: MelodyCodec | EventCodec
    home: tuple[int, int] | None = None   # the register the model learned; None: the codec's whole range

    @classmethod
    def from_vocabulary(cls, vocab: dict, home: tuple[int, int] | None = None) -> TokenPhrases:
        codec = codec_from_vocabulary(vocab)
        if not isinstance(codec, (MelodyCodec, EventCodec)):
            raise ValueError(f"a token model needs the melody or events codec, not {vocab.get('codec')!r}")
        return cls(codec, home)

    @property
    def vocab_size(self) -> int:
        return self.codec.size

    @property
    def is_melody(self) -> bool:
        return isinstance(self.codec, MelodyCodec)

    @property
    def step_ticks(self) -> int:
        """Ticks in one step of the codec's grid: 120 (16ths), or 40 for an events codec at 12 a quarter."""
        return getattr(self.codec, "step_ticks", STEP_TICKS)

    # -- tokens and time ---------------------------------------------------------------------------------
    def pitch_of(self) -> np.ndarray:
        """For each token, the pitch it starts, or -1."""
        out = np.full(self.vocab_size, -1, dtype=np.int64)
        c = self.codec
        if self.is_melody:
            out[FIRST_NOTE:] = np.arange(c.low, c.high + 1)
        else:
            out[:c.first_off] = np.arange(c.low, c.high + 1)
        return out

    def onsets(self, tokens: np.ndarray) -> np.ndarray:
        """True where a token starts a note."""
        return self.pitch_of()[np.asarray(tokens, dtype=np.int64)] >= 0

    def steps_of(self) -> np.ndarray:
        """For each token, the grid steps (:attr:`step_ticks` each) it moves time by."""
        c = self.codec
        if self.is_melody:
            return np.ones(self.vocab_size, dtype=np.int64)
        out = np.zeros(self.vocab_size, dtype=np.int64)
        out[c.first_shift:c.first_velocity] = np.arange(1, c.max_shift + 1)
        return out

    def allowed(self, request: GenerationRequest, transposition: int = 0) -> np.ndarray:
        """Tokens that may be sampled: note starts only for pitches the request allows (key, range)."""
        ok = np.ones(self.vocab_size, dtype=bool)
        for token, pitch in enumerate(self.pitch_of()):
            if pitch >= 0 and not request.allows(int(pitch) - transposition):
                ok[token] = False
        return ok

    # -- seeds and takes ----------------------------------------------------------------------------------
    def fit_seed(self, seed: Clip) -> tuple[tuple[Note, ...], int]:
        """The seed's notes on the grid, moved by whole octaves into the codec's range where needed,
        and the transposition used (add it to model pitches... subtract it to get the user's pitches).

        With a ``home`` register (the pitches the model's training notes kept to), a seed whose middle
        pitch lies outside it is first moved by whole octaves to sit as near its middle as it can: a bass
        line is continued by a model of fiddle tunes two octaves up, and its takes come back down."""
        notes = on_grid(seed.notes, step_ticks=self.step_ticks)
        c = self.codec
        if self.is_melody:
            notes = monophonic(notes)
        if not notes:
            return notes, 0
        low, high = min(n.pitch for n in notes), max(n.pitch for n in notes)
        shift = self._home_shift(sorted(n.pitch for n in notes))
        while low + shift < c.low and high + shift + 12 <= c.high:
            shift += 12
        while high + shift > c.high and low + shift - 12 >= c.low:
            shift -= 12
        moved = []
        for n in notes:
            p = n.pitch + shift
            while p < c.low:
                p += 12
            while p > c.high:
                p -= 12
            moved.append(n._replace(pitch=p))
        return tuple(moved), shift

    def _home_shift(self, pitches: list[int]) -> int:
        """Whole octaves that bring the middle of ``pitches`` (sorted) into the home register, 0 when it
        is there already (or no home is known)."""
        if self.home is None:
            return 0
        middle = pitches[len(pitches) // 2]
        low, high = self.home
        if low <= middle <= high:
            return 0
        return 12 * round(((low + high) / 2 - middle) / 12)

    def seed_tokens(self, seed: Clip) -> tuple[np.ndarray, int, int]:
        """Tokens for the seed (covering its whole length on the grid), its length in steps, and the
        transposition applied."""
        notes, shift = self.fit_seed(seed)
        step = self.step_ticks
        steps = -(-seed.length // step) if seed.length else 0
        if notes:
            # the notes as written, not as snapped: a triplet in the seed's last beat that a 16th grid rounds
            # onto the bar line does not make the seed a step longer (and its takes start mid-bar)
            steps = max(steps, max(-(-n.end // step) for n in seed.notes))
        return self.codec.encode(notes, steps=steps) if steps else np.zeros(0, np.int64), steps, shift

    def take_notes(self, seed_tokens: np.ndarray, continuation: np.ndarray, seed_steps: int, steps: int,
                   shift: int, velocity: int) -> tuple[Note, ...]:
        """The notes that start in the continuation, counted from its start, back in the user's octave,
        each ending by ``steps``."""
        tokens = np.concatenate([seed_tokens, continuation])
        start = seed_steps * self.step_ticks
        end = start + steps * self.step_ticks
        out = []
        for n in self.codec.decode(tokens, velocity=velocity):
            if start <= n.start < end:
                n = n._replace(pitch=n.pitch - shift, start=n.start - start,
                               duration=min(n.end, end) - n.start)
                if 0 <= n.pitch <= 127:
                    out.append(n)
        return tuple(out)
