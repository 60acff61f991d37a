"""The Generate panel's "Regenerate these bars" mode, in the words of the chosen model (issue 18): with a
model whose family fills (:class:`~musicstudio.generators.capabilities.Infiller`) it reads **Fill these
bars**, and the takes join the bars before the span to the bars after it; with a left-only model it stays
"Regenerate these bars" and its tooltip says that only the bars before are heard. What the model is given
is the plan's :meth:`~musicstudio.generators.seed_plan.SeedPlan.request_context`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from musicstudio.generators.capabilities import Infiller
from musicstudio.ui.generate.seed import CONTEXT_BARS, MODES

REGENERATE = MODES["regenerate"]
FILL = "Fill these bars"
REGENERATE_TIP = (f"{REGENERATE}: the bars are made again from the bars before them only (up to {CONTEXT_BARS} "
                  "bars). This model does not fill: it does not hear the bars after them nor the other tracks, so "
                  "the join at their end is left to chance. A model that fills (such as vae) hears both sides.")
FILL_TIP = (f"{FILL}: the bars are made again to join the bars before them to the bars after them. The model "
            f"hears up to {CONTEXT_BARS} bars before and after them, and the song's other tracks where it can.")


def fills(family) -> bool:
    """Whether ``family``'s models are given both sides of the bars (None: no model)."""
    return family is not None and family.can(Infiller)


def name_modes(combo: QComboBox, family) -> None:
    """Name the "regenerate" entry of ``combo`` (the panel's "Takes go" box) and its tooltip for ``family``."""
    index = list(MODES).index("regenerate")
    fill = fills(family)
    tip = FILL_TIP if fill else REGENERATE_TIP
    combo.setItemText(index, FILL if fill else REGENERATE)
    combo.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
    combo.setToolTip("Where the takes go. " + tip)


def describe_span(song, plan, family, seed: str, where: str) -> str:
    """The seed box's sentence for bars to regenerate or fill (``seed``: what comes before them, ``where``:
    where they start)."""
    if not fills(family):
        return f"Regenerates {plan.bars} bars from {where}, continuing {seed}."
    after = plan.after
    if after is None or not after.length:
        heard = "nothing after them (the song ends there)"
    else:
        first = song.meter.bar_at(plan.end) + 1
        last = song.meter.bar_at(plan.end + after.length - 1) + 1
        heard = f"{len(after.notes)} notes in bars {first}-{last}"
    return f"Fills {plan.bars} bars from {where}, between {seed} and {heard}."
