"""Keeping the best of several draws: the far seam judged by the model itself.

A sampled gap may end anywhere; the music after it is fixed. So with ``decoding.draws`` = k in a model's
``config.json``, a fill request samples k candidate gaps per variation (one batch of k x variations rows, so it
stays one sampling loop), and for each candidate the network reads on past the gap into the bars after it:
the log-probability of the first :data:`SCORED_BARS` bar(s) after the gap given the context and the candidate
is the candidate's score, and each variation keeps its highest. The judge is the model's own likelihood (the
network alone, not the copy mixture; nothing of the report's seam metric), like reranking sampled
candidates by a model's likelihood of what must follow them: the VAE fill and the GAN join their seams by
keeping the best of several draws too. The tokens after the gap get the plain position slots (the countdown
slots are for the gap's tokens only, :mod:`.model`).

Without ``draws`` (or with 1) a model decodes exactly as before; a request without bars after the gap has
nothing to judge by and is decoded as before too.
"""

from __future__ import annotations

import numpy as np
import torch

MAX_DRAWS = 32       # candidates per variation a config may ask for
SCORED_BARS = 1      # bars after the gap whose log-probability judges a candidate


def draws_from_config(decoding) -> int:
    """The candidates per variation a config's ``decoding`` section asks for (1 when it says nothing);
    ValueError, saying what is wrong, for a damaged value."""
    if not isinstance(decoding, dict) or "draws" not in decoding:
        return 1
    draws = decoding["draws"]
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= MAX_DRAWS:
        raise ValueError(f"decoding.draws must be a whole number of candidates from 1 to {MAX_DRAWS}, not {draws!r}")
    return draws


class Recorder:
    """A token model that passes everything to ``inner`` and keeps the tokens pushed for every row (the
    sampling loop pushes every row at every step; a row's own tokens are those before it reached its end)."""

    def __init__(self, inner):
        self.inner, self.pushed = inner, []

    def begin(self, seed: np.ndarray, rows: int, meter: tuple[int, int]):
        self.pushed = []
        return self.inner.begin(seed, rows, meter)

    def log_probs(self, state) -> np.ndarray:
        return self.inner.log_probs(state)

    def push(self, state, tokens: np.ndarray):
        self.pushed.append(np.array(tokens, np.int64, copy=True))
        return self.inner.push(state, tokens)

    def rows(self, steps_of: np.ndarray, target: int) -> list[np.ndarray]:
        """Each row's tokens: those pushed until its time reached ``target`` grid steps."""
        if not self.pushed:
            return []
        pushed = np.stack(self.pushed, axis=1)
        before = np.cumsum(steps_of[pushed], axis=1) - steps_of[pushed]    # time before each token
        return [row[: int((at < target).sum())] for row, at in zip(pushed, before)]


@torch.no_grad()
def after_scores(generator, context, arranged, meter: tuple[int, int], candidates: list[np.ndarray],
                 after: np.ndarray) -> np.ndarray:
    """The network's log-probability of the ``after`` tokens (the first bar after the gap) following the
    rearranged context ``arranged`` and each candidate gap's tokens: one batched read of the candidates and the
    bar after them, from ``context``, the network's (h, c) after the context (one row; None: read it here)."""
    model, config, steps_of = generator.model, generator.model.config, generator._steps_of
    vocab, device = generator.phrases.vocab_size, generator.device
    tokens, steps = arranged.tokens, arranged.steps
    start = int(steps[-1] + steps_of[tokens[-1]])
    if context is None:
        context = generator.begin_context(arranged, 1, meter)["context"]
    h, c = context
    # each candidate's tokens then the bar after it, read on from the context: input j predicts token j + 1
    rows = [np.concatenate([gap, after]).astype(np.int64) for gap in candidates]
    width = max(1, max(map(len, rows)) - 1)
    inputs, slots = np.zeros((len(rows), width), np.int64), np.zeros((len(rows), width), np.int64)
    for r, row in enumerate(rows):
        at = start + np.cumsum(steps_of[row[:-1]])      # the step of each predicted token
        inputs[r, :len(row) - 1] = row[:-1]
        slots[r, :len(row) - 1] = np.where(at < arranged.end, config.gap_slots(at, meter, arranged.end),
                                           config.position_slots(at, meter))
    logits, _ = model(torch.from_numpy(inputs).to(device), torch.from_numpy(slots).to(device),
                      (h.repeat(1, len(rows), 1), c.repeat(1, len(rows), 1)))
    log_p = torch.log_softmax(logits[..., :vocab].float(), dim=-1).cpu().numpy()
    scores = np.full(len(rows), -np.inf)     # an empty candidate (no gap tokens) is never kept
    for r, gap in enumerate(candidates):
        if len(gap):
            at = len(gap) - 1 + np.arange(len(after))      # the inputs that predict the bar after's tokens
            scores[r] = float(log_p[r, at, np.minimum(after, vocab - 1)].sum())
    return scores
