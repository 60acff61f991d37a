"""Blocked Gibbs sampling with an annealed masking rate (Huang et al., "Counterpoint by Convolution", 2017,
section 5): the steps to write are first all masked and drawn at once from the context; then, for ``steps``
rounds, a random share of them (falling linearly from ``rate_max`` to ``rate_min`` over the first
``anneal`` of the rounds) is masked again and redrawn given everything else, the temperature falling from
``temperature`` to ``final_temperature``. Given steps are never changed; each voice's note-ons are kept to
its allowed pitches. With ``parallels`` > 0, note-ons that would move in parallel fifths or octaves
with another voice lose that many nats (:mod:`.rules`): a part writer's rule, not the model's."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import torch

from musicstudio.generators.harmonizer.rules import parallel_penalty
from musicstudio.generators.harmonizer.voices import rolls


@dataclass(frozen=True)
class Schedule:
    steps: int = 24
    rate_max: float = 1.0
    rate_min: float = 0.05
    anneal: float = 0.75
    temperature: float = 1.0
    final_temperature: float = 0.5
    parallels: float = 0.0          # nats taken from note-ons that move in parallel 5ths / 8ves (:mod:`.rules`)
    repairs: int = 0                # rounds after the schedule that redraw, voice by voice, the notes still
                                    # moving in parallel (only with ``parallels``)

    def __post_init__(self) -> None:
        if self.steps < 1 or not 0 < self.rate_min <= self.rate_max <= 1 or not 0 < self.anneal <= 1 \
                or self.temperature <= 0 or self.final_temperature <= 0 or self.parallels < 0 \
                or self.repairs < 0:
            raise ValueError(f"not a Gibbs schedule: {self}")

    @classmethod
    def from_config(cls, decoding: dict | None, steps: int | None = None, temperature: float | None = None) -> Schedule:
        d = dict(decoding or {})
        base = cls(steps=int(steps if steps is not None else d.get("gibbs_steps", cls.steps)),
                   rate_max=float(d.get("rate_max", cls.rate_max)), rate_min=float(d.get("rate_min", cls.rate_min)),
                   anneal=float(d.get("anneal", cls.anneal)), temperature=float(d.get("temperature", cls.temperature)),
                   final_temperature=float(d.get("final_temperature", cls.final_temperature)),
                   parallels=float(d.get("parallel_penalty", cls.parallels)),
                   repairs=int(d.get("repair_rounds", cls.repairs)))
        if temperature is not None:   # a request's temperature scales both ends
            base = replace(base, temperature=base.temperature * temperature,
                           final_temperature=base.final_temperature * temperature)
        return base

    def rate(self, n: int) -> float:
        span = max(1.0, self.anneal * self.steps)
        return max(self.rate_min, self.rate_max - n / span * (self.rate_max - self.rate_min))

    def temperature_at(self, n: int) -> float:
        return self.temperature + (self.final_temperature - self.temperature) * n / max(1, self.steps - 1)


def sample(net, tokens: np.ndarray, write: np.ndarray, planes: np.ndarray, allowed: np.ndarray,
           schedule: Schedule, rng: np.random.Generator, device: str = "cpu",
           progress: Callable[[float], None] | None = None, cancel=None) -> np.ndarray:
    """``tokens`` (B, 4, T) with ``write`` (B, 4, T) bool the steps to draw, ``planes`` (3, T), ``allowed``
    (4, TOKENS) bool: the tokens after sampling (a new array; the given steps untouched)."""
    tokens = tokens.copy()
    b, v, t = tokens.shape
    banned = torch.from_numpy(~allowed)[None, :, None, :]
    planes_t = torch.from_numpy(np.broadcast_to(planes, (b,) + planes.shape).copy()).to(device)
    written = [int(i) for i in np.flatnonzero(write.any(axis=(0, 2)))]
    net.eval()
    with torch.no_grad():
        def draw(masked: np.ndarray, temperature: float) -> np.ndarray:
            roll = torch.from_numpy(rolls(tokens)).to(device)
            logits = net(roll, torch.from_numpy(masked.astype(np.float32)).to(device), planes_t).cpu()
            if schedule.parallels > 0:
                logits = logits - torch.from_numpy(parallel_penalty(tokens, schedule.parallels, written))
            logits = logits.masked_fill(banned, float("-inf")) / temperature
            probs = torch.softmax(logits, dim=-1).numpy().reshape(-1, logits.shape[-1])
            cumulative = probs.cumsum(axis=1)
            draws = (cumulative < rng.random((probs.shape[0], 1)) * cumulative[:, -1:]).sum(axis=1)
            return np.where(masked, np.minimum(draws, probs.shape[1] - 1).reshape(b, v, t), tokens)

        for n in range(schedule.steps + 1):
            if cancel is not None:
                cancel.check()
            masked = write if n == 0 else write & (rng.random(write.shape) < schedule.rate(n - 1))
            if masked.any():
                tokens = draw(masked, schedule.temperature_at(max(0, n - 1)))
            if progress is not None:
                progress((n + 1) / (schedule.steps + 1))
        for _ in range(schedule.repairs if schedule.parallels > 0 else 0):
            for voice in written:     # one voice at a time, so that two voices never move into one together
                penalised = np.take_along_axis(parallel_penalty(tokens, schedule.parallels, [voice]),
                                               tokens[..., None], axis=-1)[..., 0] > 0
                masked = write & penalised
                masked[:, [u for u in range(v) if u != voice]] = False
                if masked.any():
                    tokens = draw(masked, schedule.final_temperature)
    return tokens
