"""Integrated gradients and gradient x input over embedding rows: the axioms that make the scores mean what
docs/saliency.md says (completeness, rows left alone score nothing, linear models read exactly)."""

from __future__ import annotations

import pytest
import torch

from musicstudio.generators.saliency.attribution import group_attributions, row_attributions

torch.manual_seed(0)
X = torch.randn(5, 3)
BASE = torch.randn(5, 3)


def quadratic(batch: torch.Tensor) -> torch.Tensor:
    return (batch.sum(dim=2) ** 2).sum(dim=1) + torch.tanh(batch[:, 0, 0] * batch[:, 1, 1])


def test_gradient_x_input_of_a_linear_objective_is_the_weight_times_the_difference():
    w = torch.randn(5, 3)
    rows = torch.tensor([True, True, False, True, False])
    found = row_attributions(lambda b: (b * w).sum(dim=(1, 2)), X, rows, "gradxinput", baseline=BASE)
    expected = ((X - BASE) * w).sum(dim=1) * rows
    assert torch.allclose(found, expected, atol=1e-5)


def test_integrated_gradients_add_up_to_the_objective_s_difference_and_leave_other_rows_at_zero():
    rows = torch.tensor([True, False, True, True, False])
    found = row_attributions(quadratic, X, rows, "ig", steps=200, baseline=BASE)
    moved = torch.where(rows[:, None], BASE, X)
    difference = quadratic(X[None]) - quadratic(moved[None])
    assert found[~rows].abs().max() == 0
    assert float(found.sum()) == pytest.approx(float(difference), rel=1e-3, abs=1e-3)


def test_note_by_note_paths_give_each_group_its_own_difference():
    groups = [[0, 1], [3]]
    found = group_attributions(quadratic, X, groups, BASE, steps=200, chunk=7)
    for group, score in zip(groups, found):
        moved = X.clone()
        moved[group] = BASE[group]
        assert float(score) == pytest.approx(float(quadratic(X[None]) - quadratic(moved[None])), rel=1e-3, abs=1e-3)


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError, match="choose one of"):
        row_attributions(quadratic, X, torch.ones(5, dtype=torch.bool), "lime")


def test_reading_the_rows_before_a_group_once_gives_the_same_scores():
    def tail(points, start):      # the objective of rows from start on, the rows before it as in X
        return quadratic(torch.cat([X[None, :start].expand(len(points), -1, -1), points], dim=1))

    groups = [[3, 4], [1], [2]]
    whole = group_attributions(quadratic, X, groups, BASE, steps=8, chunk=5)
    assert torch.allclose(group_attributions(quadratic, X, groups, BASE, steps=8, chunk=5, tail=tail), whole,
                          atol=1e-5)
