"""Attributing a scalar (the log-likelihood of a take) to the rows of an input embedding.

Two methods, both over the embedding rows a network reads (one row per input token), both against a
baseline the caller gives (the saliency's is :mod:`.baselines`: the same event kinds with no particular
pitch, duration or place; without one, every attributed row's baseline is the mean of the attributed rows),
the rows not attributed staying as they are:

* **integrated gradients** (Sundararajan, Taly & Yan, "Axiomatic Attribution for Deep Networks", 2017): the
  gradient averaged along the straight path from the baseline to the input, times (input - baseline); the
  row scores add up to f(input) - f(baseline) up to the Riemann sum's error (completeness). Over all the
  rows at once (:func:`row_attributions`), or one group of rows (a note's tokens) at a time, each on a path
  of its own (:func:`group_attributions`, what the saliency uses: docs/saliency.md says why);
* **gradient x input** (Shrikumar, Greenside & Kundaje, "Learning Important Features Through Propagating
  Activation Differences", 2017; the saliency map of Simonyan, Vedaldi & Zisserman, "Deep Inside
  Convolutional Networks: Visualising Image Classification Models and Saliency Maps", 2014, times the
  input): the gradient at the input times (input - baseline), one backward pass: the first-order term of the
  same difference.

``objective`` takes a batch of embeddings ``(batch, rows, width)`` and returns one scalar per batch row;
the path's points are evaluated as one batch (``chunk`` at a time).
"""

from __future__ import annotations

from typing import Callable

import torch

METHODS = ("ig", "gradxinput")
Objective = Callable[[torch.Tensor], torch.Tensor]


def row_attributions(objective: Objective, x: torch.Tensor, rows: torch.Tensor, method: str = "ig",
                     steps: int = 32, chunk: int = 16, baseline: torch.Tensor | None = None) -> torch.Tensor:
    """Per-row scores ``(rows,)`` of ``objective`` at the embedding ``x`` ``(rows, width)``: only the rows
    where ``rows`` (bool) is set move from their baseline (the mean of those rows); the others stay as they
    are and get 0."""
    if method not in METHODS:
        raise ValueError(f"saliency method {method!r}: choose one of {', '.join(METHODS)}")
    x = x.detach()
    mask = rows.to(x.dtype)[:, None]
    if baseline is None:
        baseline = x[rows].mean(dim=0) if bool(rows.any()) else torch.zeros(x.shape[1], dtype=x.dtype)
    delta = (x - baseline) * mask          # input - baseline on the attributed rows, 0 elsewhere
    baseline = x - delta
    if method == "gradxinput":
        alphas = torch.ones(1, dtype=x.dtype)
    else:
        alphas = (torch.arange(steps, dtype=x.dtype) + 0.5) / steps   # midpoints of the path's pieces
    total = torch.zeros_like(x)
    for i in range(0, len(alphas), chunk):
        a = alphas[i:i + chunk]
        points = (baseline[None] + a[:, None, None] * delta[None]).requires_grad_(True)
        value = objective(points).sum()
        (grad,) = torch.autograd.grad(value, points)
        total += grad.sum(dim=0)
    return ((total / len(alphas)) * delta).sum(dim=1)


def group_attributions(objective: Objective, x: torch.Tensor, groups: list[list[int]], baseline: torch.Tensor,
                       steps: int = 16, chunk: int = 64, tail=None) -> torch.Tensor:
    """Integrated gradients one group of rows (one note's tokens) at a time: for each group, the path moves
    only its rows from ``baseline`` to ``x`` (every other row stays as it is), so a group's score is, up to the
    Riemann sum's error, f(x) - f(x with that group at the baseline): what the note added to the objective
    with the rest of the seed in place. ``(len(groups),)`` scores; the paths' points go as batches.

    ``tail(points, start)``, when given, is the objective of points that hold only the rows from ``start`` on
    (a left-to-right network reads the rows before ``start``, the same in every point, once): the groups go
    in order of their first row, so that each batch starts as late as it can."""
    x, baseline = x.detach(), baseline.detach()
    alphas = (torch.arange(steps, dtype=x.dtype) + 0.5) / steps
    order = sorted(range(len(groups)), key=lambda g: min(groups[g]))
    jobs = [(g, a) for g in order for a in alphas]
    scores = torch.zeros(len(groups), dtype=x.dtype)
    for i in range(0, len(jobs), chunk):
        part = jobs[i:i + chunk]
        start = min(min(groups[g]) for g, _ in part) if tail is not None else 0
        points = x[None, start:].repeat(len(part), 1, 1)
        for k, (g, a) in enumerate(part):
            rows = groups[g]
            local = [r - start for r in rows]
            points[k, local] = baseline[rows] + a * (x[rows] - baseline[rows])
        points.requires_grad_(True)
        value = tail(points, start) if tail is not None else objective(points)
        (grad,) = torch.autograd.grad(value.sum(), points)
        for k, (g, _) in enumerate(part):
            rows = groups[g]
            local = [r - start for r in rows]
            scores[g] += (grad[k, local] * (x[rows] - baseline[rows])).sum() / steps
    return scores
