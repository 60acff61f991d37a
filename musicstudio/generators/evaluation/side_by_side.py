"""Two models' ``musicstudio eval`` reports side by side: a licence-clean default beside the ``-nc`` model it
replaced, on the same held-out pieces (issue 17's "nothing gets worse": cross-entropy, continuation overlap and
KL, key lock, copies). Each figure is marked where the first model is worse than the second by more than
``tolerance`` (lower is better for cross-entropy and KL; higher for the rest).

    python -m musicstudio.generators.evaluation.side_by_side --reports /tmp/eval44 \
        --pairs lstm:lstm-nc,vae:vae-nc --docs docs/eval/licence-clean.md
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

# (label, path in the report's metrics, True when lower is better; None: a count, never worse)
FIGURES = (
    ("held-out seeds continued", ("continuations", "seeds"), None),
    ("cross-entropy, nats/event", ("likelihood", "ce_nats_per_step"), True),
    ("continuation overlap", ("continuations", "mean_overlap_area"), False),
    ("continuation KL", ("continuations", "mean_kl"), True),
    ("scale consistency (unlocked)", ("continuations", "generated", "scale_consistency"), False),
    ("key lock: notes in scale", ("constraints", "in_scale_share"), False),
    ("longest copied span, bars (max)", ("novelty", "longest_copied_bars_max"), True),
)


def figure(metrics: dict, path: tuple[str, ...]) -> float | None:
    """The number at ``path`` in a report's metrics, None where the model has no such figure."""
    for key in path:
        if not isinstance(metrics, dict) or key not in metrics:
            return None
        metrics = metrics[key]
    return float(metrics) if isinstance(metrics, (int, float)) else None


def read_report(folder: Path) -> dict:
    """The metrics of the eval report in ``folder`` (its one JSON file)."""
    reports = sorted(folder.glob("*.json"))
    if not reports:
        raise FileNotFoundError(f"no eval report (*.json) in {folder}")
    return json.loads(reports[0].read_text())["metrics"]


def worse(new: float, old: float, lower_is_better: bool | None, tolerance: float) -> bool:
    if lower_is_better is None:
        return False
    return new - old > tolerance if lower_is_better else old - new > tolerance


def compare(new: dict, old: dict, tolerance: float = 0.01) -> list[tuple[str, float | None, float | None, bool]]:
    """(label, new figure, old figure, whether new is worse) for each of :data:`FIGURES`."""
    rows = []
    for label, path, lower in FIGURES:
        a, b = figure(new, path), figure(old, path)
        rows.append((label, a, b, a is not None and b is not None and worse(a, b, lower, tolerance)))
    return rows


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:g}" if value == int(value) and value > 1 else f"{value:.3f}"


def markdown(pairs: list[tuple[str, str]], reports: Path, tolerance: float = 0.01) -> str:
    """A table per pair, the worse figures in bold, and a count of them."""
    lines = ["# Licence-clean defaults beside the models they replaced", "",
             "Each pair evaluated by `musicstudio eval NAME --corpus cache/corpus-clean --no-audio` on the same "
             "held-out test pieces of the licence-clean corpus (O'Neill's and Ryan's), whose continuation seeds "
             f"are 4/4 and 2/4. **Bold**: the default is worse by more than {tolerance}. Made by `python -m "
             "musicstudio.generators.evaluation.side_by_side --reports DIR --pairs "
             f"{','.join(f'{a}:{b}' for a, b in pairs)}` over those reports.", ""]
    total = 0
    for new_name, old_name in pairs:
        rows = compare(read_report(reports / new_name), read_report(reports / old_name), tolerance)
        total += sum(bad for *_, bad in rows)
        lines += [f"## {new_name} beside {old_name}", "", f"| figure | {new_name} | {old_name} |", "|---|---|---|"]
        for label, a, b, bad in rows:
            mark = "**" if bad else ""
            lines.append(f"| {label} | {mark}{_cell(a)}{mark} | {_cell(b)} |")
        lines.append("")
    lines.append(f"Figures worse by more than {tolerance}: {total}.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, required=True, help="folder of eval report folders, one per model")
    parser.add_argument("--pairs", required=True, help="NEW:OLD,NEW:OLD ...")
    parser.add_argument("--tolerance", type=float, default=0.01)
    parser.add_argument("--docs", type=Path, help="write the Markdown here (printed otherwise)")
    args = parser.parse_args(argv)
    pairs = [tuple(pair.split(":", 1)) for pair in args.pairs.split(",")]
    text = markdown(pairs, args.reports, args.tolerance)
    if args.docs:
        args.docs.write_text(text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
