"""The fine-tuned model's ``card.md``: what it was made from (base model, the MIDI folder, how many files
and notes were read, which files were skipped and why, the validation pieces), how (command, epochs,
settings, time, hardware), and the validation loss of the base model and of the fine-tune on the
folder's validation pieces."""

from __future__ import annotations

import json
from pathlib import Path

from musicstudio.generators.fine_tune.folder import file_name
from musicstudio.generators.training.outputs import CARD, HISTORY, LOSS_PNG, hardware

LISTED = 40   # at most this many file names per list


def _names(pieces) -> str:
    names = [f"`{file_name(p.info.id)}`" for p in pieces]
    more = f" and {len(names) - LISTED} more" if len(names) > LISTED else ""
    return ", ".join(names[:LISTED]) + more


def write_fine_tune_card(work, *, backend: str, before: float, after: float, epochs: int, device: str,
                         loss_name: str, metrics: dict, settings: dict, parameters: int | None = None,
                         notes: list[str] = ()) -> Path:
    data = work.data
    change = after - before
    summary = (f"{work.base_name} fine-tuned on {data.usable} of the {data.files} MIDI files in `{data.folder}` "
               f"({data.notes_read:,} notes read). Validation {loss_name} on the folder's own validation pieces: "
               f"{before:.4f} for the base model, {after:.4f} after fine-tuning ({change:+.4f}).")
    size = sum(f.stat().st_size for f in Path(work.out).glob("weights.safetensors"))
    lines = [f"# {work.name}", "", summary, "", "| | |", "|---|---|",
             f"| backend | `{backend}` |",
             f"| base model | {work.base_name} (`{work.base_folder}`) |",
             f"| command | `{work.command}` |",
             f"| epochs | {epochs} |",
             f"| wall time | {work.seconds:.0f} s ({work.seconds / 60:.1f} min) |",
             f"| device | {device} ({hardware(device)}) |"]
    if parameters is not None:
        lines.append(f"| parameters | {parameters:,} |")
    if size:
        lines.append(f"| weights | {size / 1e6:.2f} MB |")
    lines += ["", "## Data", "",
              "| | |", "|---|---|",
              f"| MIDI folder | `{data.folder}` |",
              f"| MIDI files found | {data.files} |",
              f"| files used | {data.usable} |",
              f"| files skipped | {len(data.skipped)} |",
              f"| notes read (files used) | {data.notes_read:,} |",
              f"| training pieces | {len(data.train)} |",
              f"| validation pieces | {len(data.valid)}: {_names(data.valid)} |",
              f"| sha256 of the files used and their split | `{data.sha256()}` |", ""]
    if data.skipped:
        lines += ["Files skipped:", "", "| file | why |", "|---|---|"]
        lines += [f"| `{name}` | {why} |" for name, why in data.skipped[:LISTED]]
        if len(data.skipped) > LISTED:
            lines.append(f"| … | {len(data.skipped) - LISTED} more |")
        lines.append("")
    else:
        lines += ["No file was skipped.", ""]
    lines += ["## Metrics", "", "| metric | value |", "|---|---:|",
              f"| validation {loss_name}, base model | {before:.4f} |",
              f"| validation {loss_name}, fine-tuned | {after:.4f} |"]
    lines += [f"| {k} | {v:.4f} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in metrics.items()]
    all_notes = list(data.notes) + list(notes)
    if all_notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in all_notes]
    lines += ["", "## Training history", "", f"`{HISTORY}`, and the curves in `{LOSS_PNG}`:", "",
              f"![loss]({LOSS_PNG})", "", "## Fine-tune settings", "", "```json",
              json.dumps(settings, indent=2, sort_keys=True), "```", ""]
    path = Path(work.out) / CARD
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
