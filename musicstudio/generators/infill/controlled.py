"""Filling and continuing with the controls model: the infill generator whose network reads, before each bar
of the gap, the control tokens of the bar's wished density and polyphony (:mod:`..controls.tokens`; "any"
where the request names none), and which keeps, of the draws each variation makes, one whose bars meet the
wishes (then the likeliest: by the bar after the gap for a fill, by its own likelihood for a continuation).

The control tokens are pushed where training put them (:func:`~..controls.tokens.insert_controls`): the first
bar's after the context, each later bar's right after the sampled token that brought a row's time to its bar
line. Rows reach bar lines at different steps, so a control is pushed for the rows that reached one only
(:func:`_rows`, :func:`_put`). The sampling loop never sees them (nor the copy cache, nor the takes).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from musicstudio.generators.codecs.grid import steps_in_bar
from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.controls.bins import ControlBins
from musicstudio.generators.controls.guidance import Guide
from musicstudio.generators.controls.tokens import ControlTokens, bar_lines_reached, insert_controls
from musicstudio.generators.controls.wishes import bar_wishes, bars_met, measured_bins, requested
from musicstudio.generators.infill.configs import BACKEND
from musicstudio.generators.infill.draws import SCORED_BARS, Recorder, after_scores
from musicstudio.generators.infill.generator import InfillGenerator, _Filling
from musicstudio.generators.infill.sequences import vocab_size
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take


def _rows(state, rows: np.ndarray, size: int):
    """The ``rows`` of a state of ``size`` rows: a state dict, a stepper's lists of (rows, hidden) arrays, a
    torch (h, c) of (layers, rows, hidden); anything else (the meter) as it is."""
    if isinstance(state, dict):
        return {k: _rows(v, rows, size) for k, v in state.items()}
    if isinstance(state, (list, tuple)):
        return type(state)(_rows(v, rows, size) for v in state)
    if isinstance(state, torch.Tensor) and state.ndim == 3 and state.shape[1] == size:
        return state[:, torch.from_numpy(rows).to(state.device)]
    if isinstance(state, np.ndarray) and state.ndim and len(state) == size:
        return state[rows]
    return state


def _put(state, rows: np.ndarray, part, size: int):
    """``state`` with its ``rows`` replaced by ``part`` (of those rows: :func:`_rows`)."""
    if isinstance(state, dict):
        return {k: _put(v, rows, part[k], size) for k, v in state.items()}
    if isinstance(state, (list, tuple)):
        return type(state)(_put(v, rows, p, size) for v, p in zip(state, part))
    if isinstance(state, torch.Tensor) and state.ndim == 3 and state.shape[1] == size:
        state = state.clone()
        state[:, torch.from_numpy(rows).to(state.device)] = part
        return state
    if isinstance(state, np.ndarray) and state.ndim and len(state) == size:
        state = state.copy()
        state[rows] = part
        return state
    return state


class _Controlled:
    """A filling (:class:`~.generator._Filling`) whose network also reads each bar's control tokens, and the
    network's log-likelihood of each row's gap tokens."""

    def __init__(self, inner: _Filling, per_bar: list[np.ndarray], steps_of: np.ndarray, bar_steps: int,
                 guide=None):
        self.inner, self.per_bar, self.steps_of, self.bar = inner, per_bar, steps_of, bar_steps
        self.context, self.at, self.likelihood = None, np.zeros(0, np.int64), np.zeros(0)
        self.new_guide, self.guide = guide, None     # rows -> a Guide (None: the tokens alone steer)

    def begin(self, seed: np.ndarray, rows: int, meter: tuple[int, int]):
        state = self.inner.begin(seed, rows, meter)
        self.context = self.inner.context
        self.at, self.likelihood = np.zeros(rows, np.int64), np.zeros(rows)
        self.guide = self.new_guide(rows) if self.new_guide is not None else None
        for token in self.per_bar[0]:
            state = self.inner.push(state, np.full(rows, token, np.int64))
        return state

    def log_probs(self, state) -> np.ndarray:
        log_p = self.inner.log_probs(state)
        return log_p if self.guide is None else log_p + self.guide.bias()

    def push(self, state, tokens: np.ndarray):
        tokens = np.asarray(tokens, np.int64)
        if self.guide is not None:
            self.guide.push(tokens)
        ends = len(self.per_bar) * self.bar
        log_p = self.inner.log_probs(state)[np.arange(len(tokens)), tokens]
        self.likelihood += np.where(self.at < ends, log_p, 0.0)
        before, self.at = self.at, self.at + self.steps_of[tokens]
        state = self.inner.push(state, tokens)
        if not (np.minimum(self.at // self.bar, len(self.per_bar) - 1) > before // self.bar).any():
            return state        # no row reached a bar line of the gap (most steps)
        pending = [[t for b in bars for t in self.per_bar[b]]
                   for bars in bar_lines_reached(before, self.at, self.bar, len(self.per_bar))]
        while any(pending):
            rows = np.array([r for r, p in enumerate(pending) if p], np.int64)
            controls = np.array([pending[r].pop(0) for r in rows], np.int64)
            state = _put(state, rows, self.inner.push(_rows(state, rows, len(tokens)), controls), len(tokens))
        return state


class ControlledInfillGenerator(InfillGenerator):
    """The infill generator of a model with control tokens (its config's ``controls``: the bins)."""

    def __init__(self, *args, bins: ControlBins, guided: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.bins = bins
        self.guided = guided           # sampling guided into the wished bins (..controls.guidance)
        self.tokens = ControlTokens(vocab_size(self.phrases.codec))
        self.prefer_controls = True    # keep a draw that meets the wishes first (False: the likeliest only)

    def draws_continuation(self, request: GenerationRequest) -> bool:
        """A continuation keeps the best of the draws when it asks for controls (with none asked it is decoded
        as the infill model decodes one, a single draw)."""
        return requested(request.options)

    def wishes(self, request: GenerationRequest) -> list[dict[str, int]]:
        return bar_wishes(request.options, self.bins, request.bars)

    def controlled(self, request: GenerationRequest) -> _Controlled:
        wishes, codec = self.wishes(request), self.phrases.codec
        bar = steps_in_bar(request.meter, codec.steps_per_quarter)
        guide = None
        if self.guided and any(wishes):
            def guide(rows: int) -> Guide:
                return Guide(wishes, self.bins, bar, codec.steps_per_quarter, rows, codec.first_off,
                             codec.first_shift, codec.size)
        return _Controlled(_Filling(self, request), [self.tokens.bar(w) for w in wishes], self._steps_of, bar, guide)

    def token_model(self, request: GenerationRequest, filling=None):
        return super().token_model(request, filling or self.controlled(request))

    def best_of_draws(self, request: GenerationRequest, progress: Progress | None = None,
                      cancel: CancelToken | None = None) -> list[Take]:
        """:attr:`draws` candidates per variation (row ``j * variations + v``); each variation keeps the one
        whose bars meet the most wishes (with :attr:`prefer_controls`), then the likeliest."""
        k, rows = self.draws, request.variations
        controlled = self.controlled(request)
        recorder = Recorder(super().token_model(request, controlled))
        takes = continue_phrase(recorder, self.phrases, replace(request, variations=k * rows), BACKEND, self.name,
                                progress, cancel)
        likely = self.likelihoods(request, controlled, recorder)
        wishes = self.wishes(request)
        met = np.array([bars_met(wishes, measured_bins(t.notes, request.bar, request.bars, self.bins))
                        for t in takes]) if self.prefer_controls else np.zeros(len(takes))
        order = np.lexsort((likely, met))     # ascending: the last of a variation's rows is its best
        rank = np.empty(len(takes), np.int64)
        rank[order] = np.arange(len(takes))
        best = rank.reshape(k, rows).argmax(axis=0)
        record = request.record()
        return [replace(takes[int(j) * rows + v], request=record, variation=v) for v, j in enumerate(best)]

    def likelihoods(self, request: GenerationRequest, controlled: _Controlled, recorder: Recorder) -> np.ndarray:
        """Each draw's likelihood: of the first bar after the gap for a fill, of its own tokens else."""
        seed_tokens, _, shift = self.phrases.seed_tokens(request.seed)
        arranged = self.context(request, seed_tokens)
        first_bar = self.after_tokens(request.after, request.bar, shift, SCORED_BARS)
        if not arranged.hears_after or not len(first_bar):
            return controlled.likelihood
        target = int(arranged.end - arranged.steps[-1] - self._steps_of[arranged.tokens[-1]])
        candidates = [insert_controls(row, self._steps_of, controlled.bar, controlled.per_bar)
                      for row in recorder.rows(self._steps_of, target)]
        return after_scores(self, controlled.context, arranged, request.meter, candidates, first_bar)
