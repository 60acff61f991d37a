"""The polyphonic VAE's interactive operations on the shipped ``vae-poly`` (and ``vae-poly-gan``) models.

Encode and decode a 4-bar phrase (two 2-bar chunks) at most 30 ms (issue 23); a slider move to a new phrase
and an interpolation of 8 steps are timed beside it (the melody VAE's targets: 30 and 100 ms). Medians of 30
runs after a warm-up, one torch thread (what the generation process uses), greedy decoding. For a model whose
config refines its codes (``encoding.refine``: musicstudio/generators/vae_poly/refine.py) the same operations
are timed both ways: from the encoder's mean (refinement off: the 30 ms target), and refined, a new selection
each time (its kept codes cleared before each run: the first encode of a selection), without a target; the slider
moves after it reuse the codes (the studio's slider drags: against 30 ms). For a model whose config has an update
network (``encoding.fast``: musicstudio/generators/vae_poly/iterative.py, what the app then encodes with) the
same operations are timed through it, a new selection each time, against the targets (30 ms for 4 bars: issue
23). The phrases are
``bench_generate``'s four-voice chords on every beat and a melody with a bass line under it, written out here,
so the figures need no corpus. The machine is shared: run it more than once.
"""

import torch

from benchmarks.timing import median_seconds, shipped, skipped
from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.interface import BAR

# "Ode to Joy" over a bass note a half bar (pitch, start in 8ths, length in 8ths)
_TUNE = [(64, 0, 2), (64, 2, 2), (65, 4, 2), (67, 6, 2), (67, 8, 2), (65, 10, 2), (64, 12, 2), (62, 14, 2),
         (60, 16, 2), (60, 18, 2), (62, 20, 2), (64, 22, 2), (64, 24, 3), (62, 27, 1), (62, 28, 4)]
_BASS = [48, 43, 48, 43, 45, 43, 48, 43]
TUNE_AND_BASS = Clip(tuple(Note(p, s * 240, d * 240, 90) for p, s, d in _TUNE)
                     + tuple(Note(p, k * BAR // 2, BAR // 2, 80) for k, p in enumerate(_BASS)), 4 * BAR)


def run():
    from benchmarks.bench_generate import CHORDS
    from musicstudio.generators.vae.evaluation import timings
    from musicstudio.generators.vae_poly.refine import Refine

    rows = []
    for name, vae in shipped(["vae-poly", "vae-poly-gan"]):
        if vae is None:
            rows.append(skipped(name))
            continue
        torch.set_num_threads(1)
        fast, vae.fast = vae.fast, None
        refine, vae.refine = vae.refine, Refine()
        t = timings(vae, CHORDS, TUNE_AND_BASS)
        if fast is not None:
            vae.fast = fast
            new = _NewSelection(vae)
            f = timings(new, CHORDS, TUNE_AND_BASS)
            rows += [(f"{name}: encode + decode 4 bars, {fast.steps} learned update steps, a new selection "
                      "(median)", f["encode_decode_4_bars_ms"], "ms", lambda v: v <= 30),
                     (f"{name}: a slider move, learned updates, a new selection (median)", f["slider_move_ms"], "ms",
                      lambda v: v <= 30),
                     (f"{name}: interpolation of 8 steps, learned updates, new A and B (median)",
                      f["interpolate_8_steps_ms"], "ms", lambda v: v <= 100)]
            vae.fast = None
        if refine.steps:
            vae.refine = refine
            new = _NewSelection(vae)
            r = timings(new, CHORDS, TUNE_AND_BASS, repeats=10)
            kept = timings(vae, CHORDS, TUNE_AND_BASS, repeats=10)
            rows += [(f"{name}: encode + decode 4 bars, refined {refine.steps} steps, a new selection",
                      r["encode_decode_4_bars_ms"], "ms", None),
                     (f"{name}: a slider move, refined, a new selection", r["slider_move_ms"], "ms", None),
                     (f"{name}: interpolation of 8 steps, refined, new A and B", r["interpolate_8_steps_ms"], "ms",
                      None),
                     (f"{name}: a slider move, refined, the selection's codes kept", kept["slider_move_ms"], "ms",
                      lambda v: v <= 30)]
        vae.fast, vae.refine = fast, refine
        rows += _kernel_rows(name, vae, CHORDS)
        rows += [(f"{name}: encode + decode 4 bars of chords (median)", t["encode_decode_4_bars_ms"], "ms",
                  lambda v: v <= 30),
                 (f"{name}: a slider move to a new 4-bar phrase (median)", t["slider_move_ms"], "ms",
                  lambda v: v <= 30),
                 (f"{name}: interpolation of 8 steps, 4 bars each (median)", t["interpolate_8_steps_ms"], "ms",
                  lambda v: v <= 100)]
    return rows


def _kernel_rows(name: str, vae, clip, repeats: int = 50) -> list:
    """A refinement step's pieces for the two 2-bar codes of a 4-bar 4/4 phrase, each way the kernel runs them
    (musicstudio/generators/vae_poly/kernel.py: the numba-compiled loops of fused.py, and torch's): the objective
    with its gradient, greedy decoding, the encoder's posterior. Medians of ``repeats`` calls."""
    from musicstudio.generators.vae_poly.kernel import Kernel
    from musicstudio.generators.vae_poly.roll import roll_features

    if vae.model.parallel:
        return []
    rolls, _ = vae.clip_rolls(clip, (4, 4))
    x = torch.from_numpy(roll_features(rolls))
    slots = vae.config.slots((4, 4), rolls.shape[1])
    with torch.no_grad():
        mu, logvar = vae.model.encode(x, slots)

    def median_ms(f):
        f()                                         # a warm-up call, not timed
        return 1000 * median_seconds(f, repeats)

    def timed(kernel):
        kernel.warm_up()
        way = "compiled" if kernel.compiled else "torch"
        phrases = kernel.phrases(x, slots)
        return [(f"{name}: kernel ({way}), objective + gradient of 2 codes (median)",
                 median_ms(lambda: kernel.objective(mu, phrases, logvar, 0.2, 512.0)), "ms", None),
                (f"{name}: kernel ({way}), greedy decoding of 2 codes (median)",
                 median_ms(lambda: kernel.decode(mu, slots)), "ms", None),
                (f"{name}: kernel ({way}), the encoder's posterior of 2 chunks (median)",
                 median_ms(lambda: kernel.encode(x, slots)), "ms", None)]

    compiled = Kernel(vae.model)
    return timed(Kernel(vae.model, compiled=False)) + (timed(compiled) if compiled.compiled else [])


class _NewSelection:
    """The generator with its kept refined codes cleared before each encode: every call a new selection."""

    def __init__(self, vae):
        self._vae = vae

    def __getattr__(self, name):
        return getattr(self._vae, name)

    def encode(self, clip, meter):
        self._vae._refined.clear()
        return self._vae.encode(clip, meter)

    def move_sliders(self, clip, values, meter):
        self._vae._refined.clear()
        return self._vae.move_sliders(clip, values, meter)

    def interpolate(self, a, b, steps, meter):
        self._vae._refined.clear()
        return self._vae.interpolate(a, b, steps, meter)
