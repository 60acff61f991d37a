"""Add drums' listener: where kick and snare land in the bar, predicted step by step from the band's rhythm.

For each 16th step of the bar (in the song's meter) :func:`step_features` describes what the pitched tracks
do at that step and at the :data:`CONTEXT` steps either side: how often (per bar) any track starts a note
there, the bass (the lowest track), the other tracks, notes of a beat or longer (chords and pads) and the
high register (tracks above middle C) do, each also relative to its busiest step of the bar, and how
loud the notes starting there are; and the step's place in the meter (the downbeat, a beat, the middle of
a beat, an 8th or an off 16th, the half bar, a compound or a 12-step bar). Small networks (:class:`Listener`:
:data:`MEMBERS` networks of :data:`HIDDEN` tanh units and two logistic outputs, fitted from different random
starts and their chances averaged, as Lakshminarayanan, Pritzel and Blundell's "Simple and Scalable Predictive
Uncertainty Estimation using Deep Ensembles", 2017, average theirs) map those features to the chance that the
kick and the snare hit the step in a bar; they are fitted (:func:`fit_listener`) on the training styles' songs
of :mod:`.songs`, the share of bars in which each drum hits each step as its target. Because they read steps,
not whole grooves, they can predict a pattern no training groove plays (a 6/8 march). A hidden layer lets a
feature count for more in one metric place than another (the bass on a beat against off it); a logistic
regression on the same features (``hidden`` 0, the listener until 2026-12-04) cannot.

:func:`kit_pattern` turns the predicted chances into the steps to hit: for each drum, the ``k`` likeliest
steps, ``k`` chosen so that hitting them alike overlaps the chances (sharpened by :data:`GAMMA`) most. It is
the rule :func:`validate` scores the listener by, and was Add drums' until 2026-12-04, when
:func:`.kit_choice.expected_pattern` (the expected overlap with truths drawn from the chances) took its place.
The features' context, the networks' size, the regularisation and the sharpening were chosen by holding out
the training styles an eighth at a time (:func:`validate`, and Add drums as a whole); the held-out styles of
:data:`.data.HELD_OUT` were not used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from musicstudio.core.note import Note
from musicstudio.generators.codecs.drums import GROUP_OF
from musicstudio.generators.codecs.grid import STEP_TICKS, steps_in_bar
from musicstudio.generators.drums.grooves import in_standard_library

CONTEXT = 2          # steps either side whose rhythm a step's features read
HIDDEN = 16          # tanh units of each of the listener's networks (0: a logistic regression)
MEMBERS = 4          # networks fitted from different random starts, their chances averaged
L2 = 1e-3            # weight decay of the fit
GAMMA = 2.0          # sharpening of the predicted chances before the steps are picked
LONG_TICKS = 480     # a note of a beat (a quarter) or longer
HIGH_PITCH = 60      # a track whose mean pitch is at least this plays in the high register
KIT = (0, 1)         # the drum groups predicted: kick, snare
FOLDS = 8


def beat_steps(meter: tuple[int, int]) -> int:
    """16th steps a beat: a dotted quarter in compound meters (6/8, 9/8, 12/8), else the denominator's note."""
    numerator, denominator = meter
    if denominator == 8 and numerator % 3 == 0:
        return 6
    return max(1, 16 // denominator)


def _metric(meter: tuple[int, int], bar: int) -> np.ndarray:
    beat, s = beat_steps(meter), np.arange(bar)
    half = (s == bar // 2) if bar % 2 == 0 and 2 * beat < bar else np.zeros(bar, bool)
    return np.stack([s == 0, s % beat == 0, (s % beat == 0) & (s != 0), half, s % 2 == 0, s % 2 == 1,
                     s % beat == beat // 2, np.full(bar, beat == 6), np.full(bar, bar == 12)]).astype(float)


def _rhythm(tracks: Sequence[Sequence[Note]], bar: int, bars: int) -> np.ndarray:
    """``(11, bar)``: per step, onsets a bar of all tracks, the bass, the others, long notes and the high
    register (each absolute, capped at 2, and relative to its busiest step), and the mean peak loudness."""
    played = [t for t in tracks if t]
    counts, loud, lowest = np.zeros((5, bar)), np.zeros(bar), -1
    if played:
        lowest = min(range(len(played)), key=lambda i: float(np.mean([n.pitch for n in played[i]])))
    for i, track in enumerate(played):
        high = i != lowest and float(np.mean([n.pitch for n in track])) >= HIGH_PITCH
        steps: dict[int, list[Note]] = {}
        for n in track:
            steps.setdefault(int(round(n.start / STEP_TICKS)), []).append(n)
        for step, notes in steps.items():
            b = step % bar
            counts[:, b] += (1, i == lowest, i != lowest, any(n.duration >= LONG_TICKS for n in notes), high)
            loud[b] += max(n.velocity for n in notes) / 127
    loud /= np.maximum(1, counts[0])
    counts /= max(1, bars)
    relative = counts / np.maximum(1e-9, counts.max(axis=1, keepdims=True))
    return np.concatenate([np.minimum(counts, 2), relative, loud[None]])


def step_features(tracks: Sequence[Sequence[Note]], meter: tuple[int, int], bars: int) -> np.ndarray:
    """``(bar_steps, features)``: each step's features (see the module's note) for pitched tracks of
    ``bars`` bars of ``meter`` (their notes counted from a bar line)."""
    bar = steps_in_bar(meter)
    rhythm = _rhythm(tracks, bar, bars)
    columns = [_metric(meter, bar)] + [np.roll(rhythm, -k, axis=1) for k in range(-CONTEXT, CONTEXT + 1)]
    return np.concatenate(columns).T


def kit_profile(drums: Sequence[Note], meter: tuple[int, int], bars: int) -> np.ndarray:
    """``(2, bar_steps)``: the share of the ``bars`` bars in which the kick and the snare hit each step."""
    bar = steps_in_bar(meter)
    hits = {(int(GROUP_OF[n.pitch]), int(round(n.start / STEP_TICKS))) for n in drums
            if GROUP_OF[n.pitch] in KIT}
    out = np.zeros((len(KIT), bar))
    for group, step in hits:
        out[KIT.index(group), step % bar] += 1
    return np.minimum(out / max(1, bars), 1.0)


@dataclass(frozen=True)
class Member:
    """One network of the listener: a layer of tanh units (``hidden``: weights and bias; None for a logistic
    regression on the features themselves), then two logistic outputs."""
    hidden: tuple[np.ndarray, np.ndarray] | None     # (features, units) and (units,)
    weights: np.ndarray                              # (units or features, 2)
    bias: np.ndarray                                 # (2,)

    def logits(self, features: np.ndarray) -> np.ndarray:
        x = features if self.hidden is None else np.tanh(features @ self.hidden[0] + self.hidden[1])
        return x @ self.weights + self.bias

    def to_json(self) -> dict:
        out = {"weights": np.round(self.weights, 5).tolist(), "bias": np.round(self.bias, 5).tolist()}
        if self.hidden is not None:
            out.update(hidden_weights=np.round(self.hidden[0], 5).tolist(),
                       hidden_bias=np.round(self.hidden[1], 5).tolist())
        return out

    @classmethod
    def from_json(cls, data: dict) -> Member:
        hidden = None if "hidden_weights" not in data else (np.asarray(data["hidden_weights"], float),
                                                            np.asarray(data["hidden_bias"], float))
        return cls(hidden, np.asarray(data["weights"], float), np.asarray(data["bias"], float))


@dataclass(frozen=True)
class Listener:
    members: tuple[Member, ...]

    def chances(self, features: np.ndarray) -> np.ndarray:
        """``(2, steps)``: for ``(steps, features)`` step features, the members' mean chance that the kick and
        the snare hit each step."""
        return np.mean([1.0 / (1.0 + np.exp(-m.logits(features))) for m in self.members], axis=0).T

    def predict(self, tracks: Sequence[Sequence[Note]], meter: tuple[int, int], bars: int) -> np.ndarray:
        """``(2, bar_steps)``: the chance that the kick and the snare hit each step of a bar."""
        return self.chances(step_features(tracks, meter, bars))

    def to_json(self) -> dict:
        return {"context": CONTEXT, "members": [m.to_json() for m in self.members]}

    @classmethod
    def from_json(cls, data: dict) -> Listener:
        """The listener a library file holds: its members, or (a file written before them) one logistic
        regression."""
        if data.get("context") != CONTEXT:
            raise ValueError(f"the listener reads {data.get('context')} steps either side, not {CONTEXT}")
        members = data["members"] if "members" in data else [data]
        return cls(tuple(Member.from_json(m) for m in members))


def fit_listener(examples: Sequence[tuple[np.ndarray, np.ndarray]], l2: float = L2, hidden: int = HIDDEN,
                 members: int = MEMBERS) -> Listener:
    """A listener fitted to (``step_features``, ``kit_profile``) pairs: ``members`` networks of ``hidden``
    tanh units, each from its own random start (seeds 0, 1, ...), or with ``hidden`` 0 one logistic regression
    from zeros; each minimises the soft targets' cross-entropy plus ``l2`` times its squared weights (not its
    biases) by L-BFGS."""
    import torch

    x = torch.tensor(np.concatenate([f for f, _ in examples]), dtype=torch.float64)
    y = torch.tensor(np.concatenate([p.T for _, p in examples]), dtype=torch.float64)
    fitted = []
    for seed in range(members if hidden else 1):
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            if hidden:
                net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], hidden), torch.nn.Tanh(),
                                          torch.nn.Linear(hidden, len(KIT))).double()
            else:
                net = torch.nn.Linear(x.shape[1], len(KIT)).double()
                torch.nn.init.zeros_(net.weight)
                torch.nn.init.zeros_(net.bias)
        optimiser = torch.optim.LBFGS(net.parameters(), max_iter=500 if hidden else 300, line_search_fn="strong_wolfe")

        def closure(net=net, optimiser=optimiser):
            optimiser.zero_grad()
            decay = sum((p ** 2).sum() for name, p in net.named_parameters() if name.endswith("weight"))
            loss = torch.nn.functional.binary_cross_entropy_with_logits(net(x), y) + l2 * decay
            loss.backward()
            return loss
        optimiser.step(closure)
        layers = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
        arrays = [(m.weight.detach().numpy().T.copy(), m.bias.detach().numpy().copy()) for m in layers]
        fitted.append(Member(arrays[0] if hidden else None, *arrays[-1]))
    return Listener(tuple(fitted))


def kit_pattern(chances: np.ndarray, gamma: float = GAMMA) -> np.ndarray:
    """``(2, bar_steps)`` booleans: the steps each drum hits (see the module's note); at least one each."""
    out = np.zeros(chances.shape, bool)
    for i, row in enumerate(chances):
        q = np.maximum(row, 1e-9) ** gamma
        q /= q.sum()
        order = np.argsort(-q, kind="stable")
        best = max(range(1, len(q) + 1), key=lambda k: (float(np.minimum(q[order[:k]], 1.0 / k).sum()), -k))
        out[i, order[:best]] = True
    return out


def _notes(rows) -> list[Note]:
    return [Note(int(p), int(s), int(d), int(v)) for p, s, d, v in rows]


def example(record: dict) -> tuple[np.ndarray, np.ndarray]:
    """A song record's (:mod:`.songs`) step features and kick/snare profile."""
    meter = (int(record["meter"][0]), int(record["meter"][1]))
    bars = max(1, int(record["length"]) // (steps_in_bar(meter) * STEP_TICKS))
    return (step_features([_notes(t) for t in record["others"]], meter, bars),
            kit_profile(_notes(record["drums"]), meter, bars))


def pattern_overlap(pattern: np.ndarray, profile: np.ndarray) -> float:
    """Mean over kick and snare (those ``profile`` plays) of the overlapping area of the pattern's and the
    profile's onset-position histograms (:func:`.evaluation.instrument_overlap`'s measure); NaN for none."""
    scores = [float(np.minimum(p / p.sum(), q / q.sum()).sum()) if p.any() else 0.0
              for p, q in zip(pattern.astype(float), profile) if q.any()]
    return float(np.mean(scores)) if scores else float("nan")


def with_kit(records: Sequence[dict]) -> list[dict]:
    """The song records whose drums play a kick or a snare (those the listener learns from)."""
    return [r for r in records if any(GROUP_OF[n[0]] in KIT for n in r["drums"])]


def style_folds(styles: Iterable[str], folds: int = FOLDS) -> list[set[str]]:
    """The styles dealt into ``folds`` folds in name order: mma's standard library's styles (bare names) first and
    apart, then the other libraries' (``library/style``, :data:`.grooves.BAND_LIBRARIES`), so that each standard
    style lies in the fold it lay in before the other libraries joined and figures stay comparable."""
    names = sorted(set(styles))
    out: list[set[str]] = [set() for _ in range(folds)]
    for group in ([s for s in names if in_standard_library(s)], [s for s in names if not in_standard_library(s)]):
        for i, style in enumerate(group):
            out[i % folds].add(style)
    return out


def validate(records: Sequence[dict], l2: float = L2, gamma: float = GAMMA, folds: int = FOLDS,
             hidden: int = HIDDEN, members: int = MEMBERS) -> dict:
    """The listener's pattern against each song's kick and snare, each song predicted by a listener fitted
    without its style (the styles dealt into ``folds`` folds): the mean overlap, overall and per meter."""
    kept = with_kit(records)
    data = [example(r) for r in kept]
    scores: dict[str, list[float]] = {}
    for out in style_folds((r["style"] for r in kept), folds):
        listener = fit_listener([d for r, d in zip(kept, data) if r["style"] not in out], l2, hidden, members)
        for r, (features, profile) in zip(kept, data):
            if r["style"] in out:
                chances = listener.chances(features)
                meter = f"{r['meter'][0]}/{r['meter'][1]}"
                scores.setdefault(meter, []).append(pattern_overlap(kit_pattern(chances, gamma), profile))
    every = [x for v in scores.values() for x in v]
    return {"songs": len(every), "overlap": float(np.nanmean(every)),
            "per_meter": {m: {"songs": len(v), "overlap": float(np.nanmean(v))} for m, v in sorted(scores.items())}}


if __name__ == "__main__":
    import argparse
    import json

    from musicstudio.generators.drums import songs
    from musicstudio.generators.drums.data import HELD_OUT

    parser = argparse.ArgumentParser(description="The listener held out an eighth of the training styles at a time.")
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--gamma", type=float, default=GAMMA)
    parser.add_argument("--hidden", type=int, default=HIDDEN, help="tanh units a network (0: logistic regression)")
    parser.add_argument("--members", type=int, default=MEMBERS)
    args = parser.parse_args()
    training = [r for r in songs.load() if r["style"] not in HELD_OUT]
    print(json.dumps(validate(training, args.l2, args.gamma, hidden=args.hidden, members=args.members), indent=1))
