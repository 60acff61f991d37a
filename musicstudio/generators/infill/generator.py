"""Filling bars with the infill model: the lstm's generator and sampling loop, given a context that holds
the bars after the gap.

A fill request (``request.after`` set) becomes the rearranged context of :mod:`.sequences`: up to
:data:`~.sequences.AFTER_BARS` bars of ``after``, the FILL marker of the request's bar count, then up to
:data:`~.sequences.BEFORE_BARS` bars of the seed; the network reads it in one torch call and
:func:`~musicstudio.generators.continuation.continue_phrase` samples the gap from there, exactly ``bars``
bars of the request's meter, with its key lock, range, temperature, top-p, batch of variations, cancel and
progress. Without ``after`` the context is the empty after part and the marker: a continuation from the
left. ``others`` (the song's other tracks) the network cannot read (it learned from single-line tunes); a
model whose config asks for it hears their harmony through :mod:`.harmony`'s prior on the gap's pitches.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from musicstudio.core.clip import Clip
from musicstudio.generators.blas_threads import one_blas_thread
from musicstudio.generators.codecs.grid import on_grid, steps_in_bar
from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.copy_cache import CopyCache, copy_statistics, mixed_log_probs, with_cache
from musicstudio.generators.infill.configs import BACKEND
from musicstudio.generators.infill.draws import SCORED_BARS, Recorder, after_scores
from musicstudio.generators.infill.harmony import HarmonyModel, HarmonyPrior, sounding
from musicstudio.generators.infill.model import arranged_slots
from musicstudio.generators.infill.sequences import AFTER_BARS, BEFORE_BARS, Arranged, after_part, arrange, part_tokens
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take, bar_ticks
from musicstudio.generators.lstm.generator import LSTMGenerator
from musicstudio.generators.lstm.model import EventLSTM
from musicstudio.generators.lstm.stepper import NumpyStepper, one_torch_thread, torch_log_probs
from musicstudio.generators.phrases import TokenPhrases


def last_bars(seed: Clip, bar: int, bars: int = BEFORE_BARS) -> Clip:
    """The seed's last ``bars`` bars (a seed starts on a bar line; one shorter is kept whole)."""
    cut = max(0, seed.length - bars * bar) // bar * bar
    if not cut:
        return seed
    return Clip(tuple(n.moved_by(ticks=-cut) for n in seed.notes if n.start >= cut), seed.length - cut)


def _octaves_into(pitch: int, low: int, high: int) -> int:
    """``pitch`` moved by whole octaves into ``low .. high`` (unchanged when it is there)."""
    if pitch < low:
        return pitch + 12 * -(-(low - pitch) // 12)
    return pitch - 12 * -(-(pitch - high) // 12) if pitch > high else pitch


class InfillGenerator(LSTMGenerator):
    """Fills (and continues) with an :class:`EventLSTM` whose vocabulary is the codec's plus the FILL
    markers; sampling never draws a marker."""

    backend = BACKEND

    def __init__(self, name: str, model: EventLSTM, phrases: TokenPhrases, device: str,
                 cache: CopyCache | None = None, draws: int = 1, harmony: HarmonyPrior | None = None):
        super().__init__(name, model, phrases, device)
        self.cache = cache     # the copy mixture over the context (config.json's decoding), None: none
        self.draws = draws     # candidates sampled per variation, the best judged by the bar after (.draws)
        self.harmony = harmony  # the prior from the other tracks' pitch classes (.harmony), None: not heard
        self._steps_of = np.concatenate([phrases.steps_of(), np.zeros(model.config.vocab - phrases.vocab_size,
                                                                       np.int64)])

    @property
    def hears_others(self) -> bool:
        """Whether the song's other tracks reach the takes (through the harmony prior)."""
        return self.harmony is not None and not self.harmony.silent

    def after_tokens(self, after: Clip | None, bar: int, shift: int, most: int = AFTER_BARS) -> np.ndarray:
        """The after part's tokens: its first ``most`` bars (on the grid, moved by the seed's ``shift`` and by
        octaves into the codec's range), however long the clip says it is."""
        if after is None:
            return np.zeros(0, np.int64)
        codec = self.phrases.codec
        notes = [n._replace(pitch=_octaves_into(n.pitch + shift, codec.low, codec.high))
                 for n in on_grid(after.notes, step_ticks=self.phrases.step_ticks)]
        length = max(after.length, max((n.end for n in after.notes), default=0))
        return after_part(codec, notes, 0, min(-(-length // bar), most), bar, self.model.config.after_reversed)

    def context(self, request: GenerationRequest, seed_tokens: np.ndarray) -> Arranged:
        """The rearranged context of a request: its after part, the marker, the seed's tokens; ``end`` is the
        step at which the take will end (the gap's end)."""
        shift = self.phrases.seed_tokens(request.seed)[2]
        after = self.after_tokens(request.after, request.bar, shift)
        arranged = arrange(self.phrases.codec, self._steps_of, after, seed_tokens, np.zeros(0, np.int64),
                           request.bars)
        step = self.phrases.step_ticks
        return replace(arranged, end=arranged.end + -(-request.take_length(arranged.end * step) // step))

    def slots(self, steps: np.ndarray, state: dict) -> np.ndarray:
        """Position slots of gap tokens at ``steps``: with countdown slots when the model hears an after part."""
        config = self.model.config
        if state["end"] is None:
            return config.position_slots(steps, state["meter"])
        return config.gap_slots(steps, state["meter"], state["end"])

    @torch.no_grad()
    def begin_context(self, arranged: Arranged, rows: int, meter: tuple[int, int]):
        """A state for ``rows`` copies of a rearranged context (:meth:`context`): the network reads it in
        one call."""
        tokens, steps = arranged.tokens, arranged.steps
        inputs = np.concatenate([[self.model.start_token], tokens])
        next_step = int(steps[-1] + self._steps_of[tokens[-1]])
        state = {"meter": meter, "end": arranged.end if arranged.hears_after else None,
                 "position": np.full(rows, next_step, np.int64)}
        target = np.concatenate([self.model.config.position_slots(steps, meter),
                                 self.slots(np.array([next_step]), state)])
        x = torch.from_numpy(inputs).to(self.device).unsqueeze(0)
        p = torch.from_numpy(np.asarray(target, np.int64)).to(self.device).unsqueeze(0)
        logits, (h, c) = self.model(x, p)
        state["context"] = (h, c)       # the context's reading, one row (what .draws reads on from)
        h, c = h.repeat(1, rows, 1), c.repeat(1, rows, 1)
        return {**state, "log_probs": np.repeat(torch_log_probs(logits[:, -1]), rows, axis=0),
                "state": NumpyStepper.from_torch((h, c)) if self._stepper is not None else (h, c)}

    @torch.no_grad()
    def push(self, state, tokens: np.ndarray):
        position = state["position"] + self._steps_of[tokens]
        slots = np.asarray(self.slots(position, state), np.int64)
        if self._stepper is not None:
            log_p, lstm_state = self._stepper.step(tokens, slots, state["state"])
        else:
            logits, lstm_state = self.model(torch.from_numpy(tokens).to(self.device).unsqueeze(1),
                                            torch.from_numpy(slots).to(self.device).unsqueeze(1), state["state"])
            log_p = torch_log_probs(logits[:, -1])
        return {**state, "log_probs": log_p, "state": lstm_state, "position": position}

    @torch.no_grad()
    def gap_log_probs(self, before: Clip, after: Clip, gap: Clip, meter: tuple[int, int]) -> np.ndarray:
        """The log-probability of each token of the true ``gap`` (whole bars of ``meter``) between ``before``
        (from a bar line) and ``after``, each given every token before it in the rearranged sequence that a
        fill request makes (the markers left out, as sampling leaves them out): the gap's cross-entropy."""
        codec, bar = self.phrases.codec, bar_ticks(meter)
        before_tokens, gap_tokens = (part_tokens(codec, list(c.notes), 0, c.length) for c in (before, gap))
        arranged = arrange(codec, self._steps_of, self.after_tokens(after, bar, 0), before_tokens, gap_tokens,
                           gap.length // bar)
        tokens = arranged.tokens
        inputs = np.concatenate([[self.model.start_token], tokens[:-1]])
        slots = arranged_slots(self.model.config, arranged, meter)
        logits, _ = self.model(torch.from_numpy(inputs).to(self.device).unsqueeze(0),
                               torch.from_numpy(slots).to(self.device).unsqueeze(0))
        log_p = torch.log_softmax(logits[0, :, :self.phrases.vocab_size].float(), dim=-1).cpu().numpy()
        log_p = log_p[np.arange(len(tokens)), np.minimum(tokens, self.phrases.vocab_size - 1)][arranged.gap_at:]
        if self.cache is None:
            return log_p
        parts = [tokens[:arranged.fill_at], before_tokens] if arranged.hears_after else [before_tokens]
        stats = copy_statistics(parts, gap_tokens, self.phrases.steps_of(),
                                steps_in_bar(meter, self.phrases.codec.steps_per_quarter), self.cache.aligned)
        return mixed_log_probs(self.cache, log_p, stats)

    def log_probs(self, state) -> np.ndarray:
        """The codec's tokens' log-probabilities (the markers are never drawn)."""
        return state["log_probs"][:, :self.phrases.vocab_size]

    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        torch.manual_seed(request.random_seed)
        seed = last_bars(request.seed, request.bar)
        cut = request.seed.length - seed.length       # the others are counted from the seed's start
        request = replace(request, seed=seed, others=tuple(_moved(c, -cut) for c in request.others))
        with one_blas_thread(), one_torch_thread():   # as lstm's generate: the steps then keep torch at one thread
            if self.draws > 1 and (request.after is not None or self.draws_continuation(request)):
                return self.best_of_draws(request, progress, cancel)
            return continue_phrase(self.token_model(request), self.phrases, request, BACKEND, self.name,
                                   progress, cancel)

    def draws_continuation(self, request: GenerationRequest) -> bool:
        """Whether a continuation (nothing after the gap) keeps the best of :attr:`draws` too: not here."""
        return False

    def best_of_draws(self, request: GenerationRequest, progress: Progress | None = None,
                      cancel: CancelToken | None = None) -> list[Take]:
        """:attr:`draws` candidates per variation in one batch (candidate ``j`` of variation ``v`` is row
        ``j * variations + v``), each variation keeping the one after which the network finds the first bar
        after the gap likeliest (:func:`~.draws.after_scores`)."""
        k, rows = self.draws, request.variations
        filling = _Filling(self, request)
        recorder = Recorder(self.token_model(request, filling))
        takes = continue_phrase(recorder, self.phrases, replace(request, variations=k * rows), BACKEND, self.name,
                                progress, cancel)
        seed_tokens, _, shift = self.phrases.seed_tokens(request.seed)
        arranged = self.context(request, seed_tokens)
        first_bar = self.after_tokens(request.after, request.bar, shift, SCORED_BARS)
        if not arranged.hears_after or not len(first_bar):
            best = np.zeros(rows, np.int64)
        else:
            target = int(arranged.end - arranged.steps[-1] - self._steps_of[arranged.tokens[-1]])
            scores = after_scores(self, filling.context, arranged, request.meter,
                                  recorder.rows(self._steps_of, target), first_bar)
            best = scores.reshape(k, rows).argmax(axis=0)
        record = request.record()
        return [replace(takes[int(j) * rows + v], request=record, variation=v) for v, j in enumerate(best)]

    def token_model(self, request: GenerationRequest, filling: _Filling | None = None):
        """What :func:`continue_phrase` samples a request's takes from: the network from the rearranged
        context, mixed with the copy cache over the bars after the gap, the seed and the take so far when the
        model has one."""
        filling = filling or _Filling(self, request)
        shift = self.phrases.seed_tokens(request.seed)[2]
        model = with_cache(filling, self.cache, self.phrases,
                           lambda seed: [self.after_tokens(request.after, request.bar, shift)])
        return self.hearing_others(model, request, shift)

    def hearing_others(self, model, request: GenerationRequest, shift: int):
        """``model`` with the harmony prior over the request's other tracks, when the model has one and the
        request has others (``shift``: the seed's transposition into the codec's range)."""
        if not self.hears_others or not request.others:
            return model
        return HarmonyModel(model, self.harmony, *self.harmony_inputs(request, shift), self.phrases.steps_of())

    def harmony_inputs(self, request: GenerationRequest, shift: int) -> tuple[np.ndarray, np.ndarray]:
        """What the request's other tracks sound at each step from the seed's start to the take's end
        (:func:`.harmony.sounding`), and each note-on token's pitch class as the song hears it."""
        codec, step = self.phrases.codec, self.phrases.step_ticks
        steps = -(-(request.seed.length + request.take_length(request.seed.length)) // step)
        return sounding(request.others, step, steps), (codec.low + np.arange(codec.pitches) - shift) % 12


def _moved(clip: Clip, ticks: int) -> Clip:
    """``clip`` moved back by ``-ticks`` (a cut at ``-ticks``): notes that end before the cut are left out,
    notes that sound across it start at 0."""
    notes = tuple(n._replace(start=max(0, n.start + ticks), duration=n.end + ticks - max(0, n.start + ticks))
                  for n in clip.notes if n.end + ticks > 0)
    return Clip(notes, max(0, clip.length + ticks))


class _Filling:
    """The token model :func:`continue_phrase` samples from for one request: its state starts from the
    request's rearranged context instead of the seed alone."""

    def __init__(self, generator: InfillGenerator, request: GenerationRequest):
        self.generator, self.request = generator, request
        self.context = None     # the network's (h, c) after reading the context, once begun

    def begin(self, seed: np.ndarray, rows: int, meter: tuple[int, int]):
        state = self.generator.begin_context(self.generator.context(self.request, np.asarray(seed, np.int64)),
                                             rows, meter)
        self.context = state["context"]
        return state

    def log_probs(self, state) -> np.ndarray:
        return self.generator.log_probs(state)

    def push(self, state, tokens: np.ndarray):
        return self.generator.push(state, tokens)
