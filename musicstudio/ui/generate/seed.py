"""The Generate panel's words for seed planning, which lives below the UI in
:mod:`musicstudio.generators.seed_plan` (so the CLI seeds by the same rules); re-exported here for the panel."""

from __future__ import annotations

from musicstudio.generators import seed_plan
from musicstudio.generators.seed_plan import CONTEXT_BARS, SeedError, SeedPlan, plan_seed, source_span, voice_lines

SOURCES = dict(zip(seed_plan.SOURCES, ("Selected notes", "Selected bars (ruler)", "Whole track",
                                       "Every track, merged")))
MODES = dict(zip(seed_plan.MODES, ("Continue after it", "Regenerate these bars", "Continue in a new track")))

__all__ = ["CONTEXT_BARS", "MODES", "SOURCES", "SeedError", "SeedPlan", "plan_seed", "source_span", "voice_lines"]
