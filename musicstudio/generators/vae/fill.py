"""The VAE's fill: bars between two stretches of a melody, decoded from points between the latent codes of
the phrase before the gap and the phrase after it (the interpolation of Roberts, Engel, Raffel, Hawthorne and
Eck, "A Hierarchical Latent Vector Model for Learning Long-Term Structure in Music", 2018, used as an
infill). It is what :meth:`VAEGenerator.generate <musicstudio.generators.vae.generator.VAEGenerator.generate>`
does with a request whose ``after`` is set (:attr:`GenerationRequest.fills
<musicstudio.generators.interface.GenerationRequest.fills>`).

How a gap is filled. The VAE's phrases are 2 bars of the song's meter. The *phrase before* is the last 2 bars
before the gap (the seed's end), the *phrase after* the first 2 bars of ``after``; both are encoded to their
posterior means z_before and z_after (in one octave shift, so the two sides stay an octave apart where they
are). The gap's bars are covered by ``ceil(bars / 2)`` phrases laid end to end so that the last one ends on
the gap's last bar line: a 2-bar gap is one phrase, 4 bars two, and a 1- or 3-bar gap drops the first bar of
its first phrase (that bar lies over the seed's last bar), so the bar that leads into the music after is
always a phrase's second bar, decoded towards it. Each phrase decodes the point of the spherical path from
z_before to z_after at its centre's place between the two phrases' centres (2 bars: halfway; 4 bars: 1/3
and 2/3; 1 bar: 1/3; 3 bars: 1/5 and 3/5).

Variations are sampled around the path: each take's phrases decode ``z + amount * noise`` (``amount``: the
request's ``options["amount"]``, default :data:`FILL_AMOUNT`), with the request's temperature and top-p, the
key lock and pitch range masked out, and every draw from a numpy generator seeded with
``request.random_seed``, as the VAE's other takes are. Each take is the best of ``options["candidates"]``
(default :data:`FILL_CANDIDATES`) such draws by how well it joins both sides (:func:`seam_costs`: the leaps
into and out of the gap, and how far its last bar's pitch classes lie from the bar after's), since a point
between two codes decodes to a phrase that lies between them in character but knows nothing of the exact
note it must land next to. A side without notes in its phrase (a gap at the
song's start or end, or after a rest) takes the other side's code for both ends; with neither, the phrases
are drawn from the prior as ``generate``'s samples are. The VAE writes one line: the other tracks
(``request.others``) are not heard.
"""

from __future__ import annotations

import math

import numpy as np

from musicstudio.core.clip import Clip
from musicstudio.generators.codecs.grid import STEP_TICKS
from musicstudio.generators.codecs.melody import HOLD
from musicstudio.generators.continuation import seed_velocity
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.vae.decoding import slerp
from musicstudio.generators.vae.model import PHRASE_BARS

FILL_AMOUNT = 0.3     # how far each take's codes lie from the path between the two sides
FILL_CANDIDATES = 8   # codes drawn for each take; the one whose notes join both sides best is kept
SILENT_SEAM = 12      # the seam cost of a candidate without notes (semitones)
TONAL_WEIGHT = 4.0    # semitones of leap that weigh as much as the whole distance between two bars' pitch classes


def path_points(gap_steps: int, size: int) -> tuple[int, list[float]]:
    """For a gap of ``gap_steps`` 16th steps and phrases of ``size`` steps: the steps of the first phrase that
    lie before the gap (dropped), and each phrase's place on the path from the phrase before (0) to the
    phrase after (1), its centre's place between theirs."""
    blocks = max(1, math.ceil(gap_steps / size))
    lead = blocks * size - gap_steps
    span = gap_steps + size           # from the phrase before's centre to the phrase after's
    return lead, [(k * size + size / 2 - lead + size / 2) / span for k in range(blocks)]


def _sides(vae, request: GenerationRequest, gap_steps: int, size: int):
    """The tokens of the phrase before and the phrase after the gap (in one octave shift), whether each holds
    notes, and the shift."""
    seed, after = request.seed, request.after
    before = -(-seed.length // STEP_TICKS)
    at_after = (size + before + gap_steps) * STEP_TICKS      # a phrase of silence ahead: the seed may be short
    notes = [n.moved_by(size * STEP_TICKS) for n in seed.notes] + [n.moved_by(at_after) for n in after.notes]
    length = at_after + max(after.length, size * STEP_TICKS)
    tokens, shift = vae.clip_tokens(Clip(tuple(notes), length), request.meter)
    flat = tokens.reshape(-1)
    left, right = flat[before:before + size], flat[at_after // STEP_TICKS:at_after // STEP_TICKS + size]
    sounds = vae.phrases.pitch_of()
    return np.stack([left, right]), ((sounds[left] >= 0).any(), (sounds[right] >= 0).any()), shift


def pitch_classes(tokens: np.ndarray, sounds: np.ndarray) -> np.ndarray:
    """The steps each pitch class sounds in a row of melody tokens, as shares (all 0 for silence)."""
    shares, sounding = np.zeros(12), None
    for token in tokens:
        if sounds[token] >= 0:
            sounding = sounds[token] % 12
        elif token != HOLD:
            sounding = None
        if sounding is not None:
            shares[sounding] += 1
    return shares / shares.sum() if shares.sum() else shares


def seam_costs(candidates: np.ndarray, sounds: np.ndarray, edges: tuple, bar_steps: int) -> np.ndarray:
    """For each row of tokens (a candidate for the gap), how badly it joins the music either side: the
    semitones from the last pitch before the gap to its first, and from its last to the first pitch after,
    plus :data:`TONAL_WEIGHT` times the distance between the pitch classes of its last bar and of the first
    bar after (``sounds``: each token's pitch, or -1; ``edges``: the pitch before, the pitch after and the
    pitch classes of the bar after, None where that side is silent)."""
    before, after, next_bar = edges
    costs = np.zeros(len(candidates))
    for k, row in enumerate(candidates):
        pitches = sounds[row][sounds[row] >= 0]
        if not len(pitches):
            costs[k] = SILENT_SEAM
            continue
        costs[k] = (abs(int(pitches[0]) - before) if before is not None else 0) + \
            (abs(int(pitches[-1]) - after) if after is not None else 0)
        last_bar = pitch_classes(row[-bar_steps:], sounds)
        if next_bar is not None and last_bar.any():
            costs[k] += TONAL_WEIGHT * float(np.linalg.norm(last_bar - next_bar))
    return costs


def _edge_pitch(tokens: np.ndarray, sounds: np.ndarray, last: bool) -> int | None:
    pitches = sounds[tokens][sounds[tokens] >= 0]
    return (int(pitches[-1]) if last else int(pitches[0])) if len(pitches) else None


def fill_takes(vae, request: GenerationRequest, progress: Progress | None = None,
               cancel: CancelToken | None = None) -> list[Take]:
    """``request.variations`` takes of ``request.bars`` bars between the seed and ``request.after``."""
    meter = request.meter
    size = vae.phrase_steps(meter)
    length = request.take_length()
    gap_steps = length // STEP_TICKS
    tokens, (has_before, has_after), shift = _sides(vae, request, gap_steps, size)
    z_before, z_after = vae._encode_tokens(tokens, meter)
    amount = float(request.options.get("amount", FILL_AMOUNT))
    if not has_before and not has_after:      # nothing either side: the prior, as generate's samples
        z_before = z_after = np.zeros(vae.latent, np.float32)
        amount = request.temperature
    elif not has_before:
        z_before = z_after
    elif not has_after:
        z_after = z_before
    lead, points = path_points(gap_steps, size)
    path = np.stack([slerp(z_before, z_after, t) for t in points]).astype(np.float32)
    rng = np.random.default_rng(request.random_seed)
    rows = request.variations
    if cancel is not None:
        cancel.check()
    count = max(1, int(request.options.get("candidates", FILL_CANDIDATES)))
    z = path + amount * rng.standard_normal((rows, count, len(points), vae.latent)).astype(np.float32)
    allowed = vae.phrases.allowed(request, shift)
    decoded = vae.tokens_for(z.reshape(-1, vae.latent), meter, request.temperature, request.top_p, allowed, rng)
    decoded = decoded.reshape(rows, count, -1)[:, :, lead:lead + gap_steps]
    sounds = vae.phrases.pitch_of()
    bar_steps = size // PHRASE_BARS
    next_bar = pitch_classes(tokens[1][:bar_steps], sounds)
    edges = (_edge_pitch(tokens[0], sounds, last=True), _edge_pitch(tokens[1], sounds, last=False),
             next_bar if next_bar.any() else None)
    decoded = np.stack([row[np.argmin(seam_costs(row, sounds, edges, bar_steps))] for row in decoded])
    if progress is not None:
        progress(1.0)
    velocity = seed_velocity(request.seed.notes + request.after.notes)    # the touch of both sides
    record = request.record()
    return [Take(notes=vae._notes(decoded[r], shift, velocity, length), length=length, backend=vae.backend,
                 model=vae.name, request=record, variation=r) for r in range(rows)]
