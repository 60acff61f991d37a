"""docs/saliency.md's measured section, written from the measure's result (:mod:`.report`)."""

from __future__ import annotations

from pathlib import Path

BEGIN, END = "<!-- saliency-measure: begin -->", "<!-- saliency-measure: end -->"


def measure_table(result: dict) -> str:
    """The figures as Markdown: one row per model, method and take, then the baselines."""
    target = result["target"]
    split = result.get("split", "test")
    lines = [f"{result['cases']} held-out seeds ({split} split, random seed {result['random_seed']}) of "
             f"{result['seed_bars']} bars whose next bar repeats a bar of the seed "
             f"({'exactly or transposed' if result['transposed'] else 'exactly: same offsets, pitches, durations'}); "
             f"the take is {result['take_bars']} bars. How far back the repeated bar is (bars before the "
             f"continuation: cases): " + ", ".join(f"{k}: {v}" for k, v in result["repeat_distance"].items()) + ".",
             "", "| model | method / take | repeated bar above the rest | target | of the cases where the model "
                 "reads the repeated bar | mean margin (nats) |", "|---|---|---|---|---|---|"]
    for model, rows in result["models"].items():
        for name, row in rows.items():
            met = "met" if row["hit_rate"] >= target else "not met"
            target_cell = f"{target:.0%}: {met}" if row["cases"] == result["cases"] else "(a check on fewer cases)"
            read = row["cases"] - row["repeated_bar_unread"]
            hits = round(row["hit_rate"] * row["cases"])
            lines.append(f"| {model} | {name} | {row['hit_rate']:.0%} of {row['cases']} | {target_cell} | "
                         f"{hits} of {read} | {row['mean_margin_nats']:+.2f} |")
    for name, rate in result["baselines"].items():
        lines.append(f"| baseline | {name} | {rate:.0%} of {result['cases']} | | | |")
    if result.get("swaps"):
        lines += ["", *swaps_table(result["swaps"])]
    if "planted" in result:
        planted = result["planted"]
        lines += ["", f"Planted repeat (a tiny LSTM known to copy the first bar, {planted['phrases']} phrases): the "
                      "repeated bar's note above both others in " + ", ".join(
                          f"{rate:.0%} ({method})" for method, rate in planted["hit_rate"].items()) + "."]
    return "\n".join(lines)


def swaps_table(swaps: dict) -> list[str]:
    """How much likelier the true continuation is with the seed as it is than with its repeated bar (or its
    last bar) replaced by another bar of the seed, per model: all cases, then by how far back the bar is."""
    distances = sorted({k for by in swaps.values() for what in by.values() for k in what if k != "all"}, key=int)
    lines = ["Swapping a bar (the true continuation's log-likelihood, as the model decodes it, with the seed as "
             "it is minus with that bar replaced by the nearest other bar of the seed; mean nats over the cases, "
             "cases in brackets):", "",
             "| model | bar swapped | all cases | " + " | ".join(f"repeat {d} back" for d in distances) + " |",
             "|---|---|---|" + "---|" * len(distances)]
    for model, by in swaps.items():
        for what, figures in by.items():
            cells = [figures.get(k) for k in ("all", *distances)]
            lines.append(f"| {model} | {what} | " + " | ".join(
                f"{c['mean_drop_nats']:+.2f} ({c['cases']})" if c else "" for c in cells) + " |")
    return lines


def write_docs(path: Path, result: dict) -> None:
    """Put the table between the markers of ``path`` (the rest of the page is kept); a page without the
    markers gets them at its end."""
    path = Path(path)
    text = path.read_text() if path.exists() else "# Saliency\n"
    block = f"{BEGIN}\n{measure_table(result)}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)
