"""The saliency as a picture: the seed and the take as one piano roll, the seed's notes coloured by how much
each shaped the take (viridis: dark blue little or against, yellow most; a colour bar gives the nats), the
take in grey after a line where the seed ends. What ``musicstudio saliency --png`` writes; the app's piano
roll tints the same notes with the same ramp."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.core.ticks import PPQ
from musicstudio.generators.evaluation.pictures import _figure, _save
from musicstudio.generators.interface import bar_ticks
from musicstudio.generators.saliency.names import method_name
from musicstudio.generators.saliency.saliency import Saliency


def saliency_png(found: Saliency, take: Clip, path: str | Path, seed_length: int,
                 meter: tuple[int, int] = (4, 4), title: str = "") -> Path:
    """``found``'s seed notes tinted, then ``take``'s notes (counted from the seed's end, ``seed_length``)."""
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    fig = _figure(11, 4.2)
    ax = fig.add_subplot()
    strengths = found.strengths()
    cmap = colormaps["viridis"]
    seed, later = list(found.notes), [n.moved_by(ticks=seed_length) for n in take.notes]
    for notes, colours in ((seed, [cmap(s) for s in strengths]), (later, [(0.55, 0.55, 0.58, 0.9)] * len(later))):
        if notes:
            ax.barh([n.pitch for n in notes], [n.duration / PPQ for n in notes], left=[n.start / PPQ for n in notes],
                    height=0.8, color=colours, edgecolor=(0.15, 0.15, 0.15, 0.6), linewidth=0.4)
    end = seed_length + take.length
    bar = bar_ticks(meter)
    for t in range(0, end + 1, bar):
        ax.axvline(t / PPQ, color="0.85", linewidth=0.6, zorder=0)
    ax.axvline(seed_length / PPQ, color=(0.85, 0.2, 0.2), linewidth=1.4)
    pitches = [n.pitch for n in seed + later]
    ax.set_ylim(min(pitches) - 2, max(pitches) + 2)
    ax.set_xlim(0, end / PPQ)
    ax.set_xlabel(f"beats (bars of {meter[0]}/{meter[1]}; the red line: the seed ends, the take follows in grey)")
    ax.set_ylabel("MIDI pitch")
    scores = np.asarray(found.scores)
    top = float(np.clip(scores, 0, None).max()) if len(scores) else 0.0
    bar_colours = fig.colorbar(_mappable(cmap, Normalize(0, top or 1.0)), ax=ax, pad=0.01)
    bar_colours.set_label("score: nats of the take's log-likelihood")
    method = method_name(found.method)
    ax.set_title(title or f"Which notes shaped the take: {found.model}, {method}; "
                          f"log-likelihood of the take {found.log_likelihood:.1f} nats")
    return _save(fig, path)


def _mappable(cmap, norm):
    from matplotlib.cm import ScalarMappable
    mappable = ScalarMappable(norm=norm, cmap=cmap)
    mappable.set_array([])
    return mappable
