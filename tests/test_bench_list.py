"""`make bench` runs every benchmark module: one left out of the list (bench_harmonize and bench_saliency
were) never prints its figures where the targets are checked."""

import ast
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def listed() -> tuple:
    """BENCHMARKS as benchmarks/__main__.py writes it (read, not imported: `python -m benchmarks` runs it)."""
    tree = ast.parse((BENCH / "__main__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "BENCHMARKS" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("benchmarks/__main__.py has no BENCHMARKS")


def test_every_bench_module_is_in_make_benchs_list():
    names = listed()
    assert {p.stem for p in BENCH.glob("bench_*.py")} == set(names)
    assert len(names) == len(set(names))
