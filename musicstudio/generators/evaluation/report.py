"""An evaluation report: the metrics as JSON, and a Markdown page with tables of them and the pictures.

``metrics`` is a nested dict as the other evaluation modules return (numbers, numpy values, lists, dicts).
In the JSON, numpy values become plain numbers and lists, and NaN / infinity become ``null``. In the
Markdown page, the numbers at one level form a two-column table; a dict whose values are all dicts (one
row per feature, say, as :func:`.overlap.compare_sets` returns) forms one table with a column per inner key;
other dicts get a sub-heading of their own. Pictures are linked relative to the report's folder.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import quote

import numpy as np

LIST_ITEMS_SHOWN = 12


def to_jsonable(value: Any) -> Any:
    """``value`` with numpy types, tuples and paths made JSON's own, and NaN / inf made None."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Path):
        return value.as_posix()
    return value


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        shown = ", ".join(_cell(v) for v in value[:LIST_ITEMS_SHOWN])
        return f"[{shown}{', ...' if len(value) > LIST_ITEMS_SHOWN else ''}]"
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |" for r in rows]


def _section(title: str, metrics: dict, level: int) -> list[str]:
    lines = [f"{'#' * min(level, 6)} {title}", ""]
    nested = {k: v for k, v in metrics.items() if isinstance(v, dict)}
    flat = {k: v for k, v in metrics.items() if k not in nested}
    if flat:
        lines += _table(("metric", "value"), [(_cell(k), _cell(v)) for k, v in flat.items()]) + [""]
    for key, inner in nested.items():
        if inner and all(isinstance(v, dict) for v in inner.values()) and \
                not any(isinstance(x, dict) for v in inner.values() for x in v.values()):
            columns = list(dict.fromkeys(c for row in inner.values() for c in row))
            rows = [[_cell(k)] + [_cell(row.get(c)) for c in columns] for k, row in inner.items()]
            lines += [f"{'#' * min(level + 1, 6)} {key}", ""] + _table([""] + columns, rows) + [""]
        else:
            lines += _section(str(key), inner, level + 1)
    return lines


def _relative(picture: Path, folder: Path) -> str:
    try:
        return quote(Path(os.path.relpath(picture.resolve(), folder.resolve())).as_posix())
    except ValueError:   # another drive on Windows: no relative path exists
        return picture.resolve().as_uri()


def write_report(folder: str | Path, name: str, metrics: dict,
                 pictures: Sequence[str | Path] = ()) -> tuple[Path, Path]:
    """Write ``<name>.json`` and ``<name>.md`` into ``folder`` (made if needed); return both paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "report"
    data = to_jsonable(metrics)
    links = [_relative(Path(p), folder) for p in pictures]
    json_path = folder / f"{stem}.json"
    json_path.write_text(json.dumps({"name": name, "metrics": data, "pictures": links}, indent=2,
                                    allow_nan=False) + "\n", encoding="utf-8")
    lines = _section(name, data, 1)
    if links:
        lines += ["## Pictures", ""]
        for picture, link in zip(pictures, links):
            lines += [f"![{Path(picture).stem}]({link})", ""]
    md_path = folder / f"{stem}.md"
    md_path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return json_path, md_path
