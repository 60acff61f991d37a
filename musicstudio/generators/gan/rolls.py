"""From the generator's probabilities to notes that do not fall apart: masking and binarisation.

* **Masking** (key lock, pitch range): a pitch that may not sound hands its probability to the nearest
  pitch that may (the lower on a tie), so a locked key bends a line into the scale instead of punching
  holes in it.
* **Binarisation**: a cell sounds at probability 0.5 and above; a note starts where the onset plane says so
  or where a pitch begins to sound (in a melody of a model with calibrated onset thresholds: where the onset
  plane reaches its step's threshold, :func:`one_line`). Steps of one pitch that sound in a row with no
  onset between them are one sustained note (the onset plane is what keeps MidiNet's repeated-step fragments
  apart from real repeated notes). A *melody* keeps one pitch a step (:func:`one_line`). *Chords*
  (:func:`held_chords`) keep the ``voices`` likeliest pitches of a step, with hysteresis: a pitch that
  sounds goes on while its probability stays at :data:`HOLD` or above and no onset cuts it, and it goes
  before new pitches when more want to sound than there are voices. Of two pitches a semitone apart only the
  likelier sounds (the GAN stacked them in 7% of chorale steps, Bach in 1.5%), and a voice left free takes
  the likeliest pitch at :data:`FILL` or above that clashes with none sounding. With three voices or more
  the outer voices are kept (:func:`_keep_the_outer_voices`): where the bass (or the top voice) has gone
  more than a fifth from where it last was, the likeliest pitch near it comes back at :data:`OUTER_FILL` or
  above (a part of a chorale take fell silent for a whole bar in 1.5% of bars without this, in 0.6% with it;
  Bach's in 0.006%).
* **Merging** (:func:`tidy`), against the GAN's typical flicker: a one-step gap in a pitch's sound with
  no onset after it is filled (the same note, held); a lone step with no onset is dropped (except on the
  bar's first step, where it may hold a note over the bar line); an onset inside a sounding run that would
  cut off a one-step fragment is dropped, so the steps sound as one sustained note. In chords a note of
  one step then lasts two where the next step has a free voice and no semitone neighbour, and is dropped
  otherwise (:func:`lengthen_chord_notes`): Bach's chorales have 5% one-step notes, the GAN's chords had 17%.
"""

from __future__ import annotations

import numpy as np

SOUNDING, ONSET = 0, 1


def nearest_allowed(allowed: np.ndarray) -> np.ndarray:
    """For each pitch, the index of the nearest allowed pitch (itself when allowed; lower on a tie)."""
    allowed = np.asarray(allowed, dtype=bool)
    where = np.flatnonzero(allowed)
    if not len(where):
        raise ValueError("no pitch is allowed")
    pitches = np.arange(len(allowed))
    after = np.clip(np.searchsorted(where, pitches), 0, len(where) - 1)
    before = np.clip(after - 1, 0, len(where) - 1)
    up, down = where[after], where[before]
    return np.where(np.abs(down - pitches) <= np.abs(up - pitches), down, up)


def fold(probs: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Probabilities (..., pitches) with each pitch's moved to ``target[pitch]`` (a non-decreasing map from
    :func:`nearest_allowed`); a target keeps the largest it receives, other pitches get 0."""
    targets, starts = np.unique(target, return_index=True)
    out = np.zeros_like(probs)
    out[..., targets] = np.maximum.reduceat(probs, starts, axis=-1)
    return out


def binarise(probs: np.ndarray, melody: np.ndarray | bool = False, threshold: float = 0.5,
             previous: np.ndarray | None = None, voices: int | None = None,
             allowed: np.ndarray | None = None, onsets: np.ndarray | None = None) -> np.ndarray:
    """Bool rolls (n, 2, steps, pitches) from probabilities of the same shape. ``melody`` (per row or for
    all): at most one pitch per step, led on from the last note of ``previous`` (the bars before, same
    shape) when given. ``voices``: at most that many pitches sound at once (the likeliest). ``allowed``:
    the pitches a melody's note may move to by octaves (default: all). ``onsets``: a melody's onset
    threshold at each step (steps,), calibrated per meter (:mod:`.calibration`); None: ``threshold``."""
    probs = np.asarray(probs)
    melody = np.broadcast_to(np.asarray(melody, dtype=bool), (len(probs),))
    sounding = np.zeros(probs[:, SOUNDING].shape, dtype=bool)
    onset = np.zeros_like(sounding)
    chords = np.flatnonzero(~melody)
    if len(chords):
        before = previous[chords, SOUNDING, -1] > 0 if previous is not None else None
        outer = last_outer(previous[chords, SOUNDING] > 0, voices) if previous is not None else None
        sounding[chords] = held_chords(probs[chords], threshold, before, voices, outer)
        onset[chords] = (probs[chords, ONSET] >= threshold) & sounding[chords]
    rows = np.flatnonzero(melody)
    if len(rows):
        last = last_pitches(previous[rows]) if previous is not None else None
        sounding[rows], onset[rows] = one_line(probs[rows], threshold, last, allowed, onsets)
    sounding, onset = tidy(sounding, onset)
    if len(chords):
        sounding[chords], onset[chords] = lengthen_chord_notes(sounding[chords], onset[chords], voices)
    return np.stack((sounding, onset), axis=1)


HOLD = 0.2          # a chord note that sounds goes on while its probability stays at this or above
HELD_FIRST = 0.3    # ... and, when more pitches want to sound than there are voices, counts this much more
FILL = 0.1          # a voice left free takes the likeliest other pitch at this or above
OUTER_FILL = 0.01   # ... and where the bass or the top voice has gone (three voices or more), the likeliest
OUTER_REACH = 7     # pitch at this or above within this many semitones of where that voice last was


def last_outer(sounding: np.ndarray, voices: int | None) -> np.ndarray:
    """Each bar's (n, steps, pitches) last bass and top pitch, (n, 2): the lowest and highest pitch of its
    last step with ``voices`` pitches sounding, else of its last step with any; -1 for a silent bar."""
    out = np.full((len(sounding), 2), -1)
    for r, roll in enumerate(sounding):
        counts = roll.sum(axis=1)
        full = np.flatnonzero(counts >= (voices or 1))
        some = np.flatnonzero(counts)
        step = full[-1] if len(full) else some[-1] if len(some) else -1
        if step >= 0:
            out[r] = np.flatnonzero(roll[step])[[0, -1]]
    return out


def held_chords(probs: np.ndarray, threshold: float = 0.5, before: np.ndarray | None = None,
                voices: int | None = None, outer: np.ndarray | None = None) -> np.ndarray:
    """Sounding bools (n, steps, pitches) of chords from probabilities (n, 2, steps, pitches), step by step
    (see the module's notes). ``before``: what sounded at the last step of the bar before (n, pitches);
    ``outer``: where its bass and top voice last were (n, 2), see :func:`last_outer`.

    At each step the pitches that sound (at ``threshold``) or go on (sounding before, no onset now, at
    :data:`HOLD` or above; these count :data:`HELD_FIRST` more) are kept best first, skipping any a
    semitone from one kept, up to ``voices``; then a voice still free takes the likeliest other pitch at
    :data:`FILL` or above, again a semitone clear of those kept, and with three voices or more a bass or
    top voice that has gone comes back (:func:`_keep_the_outer_voices`)."""
    s, o = probs[:, SOUNDING], probs[:, ONSET] >= threshold
    n, steps, pitches = s.shape
    sounding = np.zeros((n, steps, pitches), dtype=bool)
    limit = voices or pitches
    # plain Python on the few pitches a step that reach FILL: numpy's per-call cost dominated here
    likely: list[list[list[int]]] = [[[] for _ in range(steps)] for _ in range(n)]
    for r, t, q in zip(*(axis.tolist() for axis in np.nonzero(s >= min(FILL, threshold)))):
        likely[r][t].append(q)   # one nonzero for the bar, not one a step; pitches come out ascending
    p_list, o_list = s.tolist(), o.tolist()
    for r in range(n):
        held = set(np.flatnonzero(before[r]).tolist()) if before is not None else set()
        if outer is not None:   # where the bass and the top voice were last
            low, high = int(outer[r, 0]), int(outer[r, 1])
        else:
            low, high = min(held, default=-1), max(held, default=-1)
        for t in range(steps):
            p, onset = p_list[r][t], o_list[r][t]
            scored = []
            for q in likely[r][t]:
                goes_on = q in held and not onset[q] and p[q] >= HOLD
                if goes_on or p[q] >= threshold:
                    scored.append((p[q] + HELD_FIRST * goes_on, q))
            kept: set[int] = set()
            for _, q in sorted(scored, reverse=True):
                if len(kept) < limit and q - 1 not in kept and q + 1 not in kept:
                    kept.add(q)
            if voices and len(kept) < voices:
                for _, q in sorted(((p[q], q) for q in likely[r][t] if q not in kept), reverse=True):
                    if len(kept) < voices and q - 1 not in kept and q + 1 not in kept:
                        kept.add(q)
            if voices and voices >= 3 and len(kept) < voices and low >= 0:
                _keep_the_outer_voices(kept, p, low, high, voices)
            sounding[r, t, list(kept)] = True
            held = kept
            full = len(kept) >= (voices or 1)
            if kept and (full or min(kept) <= low + OUTER_REACH or low < 0):
                low = min(kept)
            if kept and (full or max(kept) >= high - OUTER_REACH or high < 0):
                high = max(kept)
    return sounding


def _keep_the_outer_voices(kept: set[int], p: list[float], low: int, high: int, voices: int) -> None:
    """Where pitches sound but the lowest is more than :data:`OUTER_REACH` above where the bass last was
    (``low``), add the likeliest pitch within that reach of it and a third or more below the lowest kept,
    at :data:`OUTER_FILL` or above, a semitone clear of the others; the same for the top voice (``high``),
    above the highest kept, while a voice is free. A rest of every voice stays a rest."""
    if kept and min(kept) > low + OUTER_REACH:
        _add_likeliest(kept, p, range(max(0, low - OUTER_REACH), min(min(kept) - 2, low + OUTER_REACH + 1, len(p))))
    if kept and len(kept) < voices and max(kept) < high - OUTER_REACH:
        _add_likeliest(kept, p, range(max(max(kept) + 3, high - OUTER_REACH, 0), min(high + OUTER_REACH + 1, len(p))))


def _add_likeliest(kept: set[int], p: list[float], candidates: range) -> None:
    fit = [q for q in candidates if p[q] >= OUTER_FILL and q - 1 not in kept and q + 1 not in kept]
    if fit:
        kept.add(max(fit, key=lambda q: p[q]))


def lengthen_chord_notes(sounding: np.ndarray, onset: np.ndarray,
                         voices: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(sounding, onset) of chord bars (n, steps, pitches) with no note of a single step, except on the
    bar's last step (it may go on in the next bar): such a note takes the next step too where fewer than
    ``voices`` pitches sound there and none a semitone from it, and is dropped otherwise (on the bar's
    first step it stays, as it may be the end of a note held over the bar line)."""
    s, o = sounding.copy(), onset.copy()
    steps, pitches = s.shape[1:]
    for t in range(steps - 1):
        before = s[:, t - 1] if t else np.zeros_like(s[:, 0])
        short = s[:, t] & (o[:, t] | ~before) & (~s[:, t + 1] | o[:, t + 1])
        if not short.any():
            continue
        room = (voices - s[:, t + 1].sum(axis=-1)) if voices else np.full(len(s), pitches)
        for r, p in zip(*np.nonzero(short)):
            if room[r] > 0 and not s[r, t + 1, max(p - 1, 0):p + 2].any():
                s[r, t + 1, p] = True
                room[r] -= 1
            elif t:
                s[r, t, p] = o[r, t, p] = False
    return s, o


LEAP_COST = 0.4   # probability a melody's next note gives up per octave it leaps from the last
MAX_LEAP = 9      # semitones: a melody's note further than a major sixth from the last moves by octaves


def last_pitches(rolls: np.ndarray) -> np.ndarray:
    """The highest pitch sounding at the last step that sounds in each roll (n, 2, steps, pitches); -1 if
    none does."""
    sounding = np.asarray(rolls)[:, SOUNDING] > 0
    out = np.full(len(sounding), -1)
    for r, roll in enumerate(sounding):
        steps = np.flatnonzero(roll.any(axis=1))
        if len(steps):
            out[r] = int(np.flatnonzero(roll[steps[-1]])[-1])
    return out


def _nearest_likeliest(candidates: list[int], p: list[float], prior: int) -> int:
    if prior < 0:
        return max(candidates, key=lambda c: p[c])
    return max(candidates, key=lambda c: p[c] - LEAP_COST * abs(c - prior) / 12)


def one_line(probs: np.ndarray, threshold: float = 0.5, last: np.ndarray | None = None,
             allowed: np.ndarray | None = None, onsets: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A melody from probabilities (n, 2, steps, pitches), step by step: where some pitch both sounds and
    starts, a note begins (the likeliest onset, less :data:`LEAP_COST` per octave from the melody's last
    pitch, so the line follows the voice it is in instead of jumping between the roll's voices); otherwise
    the note sounding goes on while its pitch still sounds; otherwise the likeliest sounding pitch (with the
    same leap cost) begins one. A new note more than :data:`MAX_LEAP` semitones from the last moves by
    octaves towards it, to an ``allowed`` pitch (the GAN leapt more than that in 7% of folk-tune intervals,
    the tunes in 1.5%); it keeps its pitch class, so a key lock still holds. ``last``: each row's pitch
    before the bar (-1: none). Returns (sounding, onset) bools.

    ``onsets`` (a model's calibrated table for the bar's meter, :mod:`.calibration`): the threshold of each
    step (steps,) that a pitch's onset and sound must both reach for a note to start there, and then the
    onset plane alone starts notes: where the held pitch stops sounding and another sounds without an onset,
    the held note goes on (the sound of a held note drifts across neighbouring pitches in the GAN's bars).
    None: ``threshold`` at every step and the rules above, as every GAN decoded before the tables."""
    n, _, steps, pitches = probs.shape
    s, o = probs[:, SOUNDING], probs[:, ONSET]
    at = threshold if onsets is None else np.asarray(onsets, dtype=probs.dtype)[None, :, None]
    strict = onsets is not None
    starts = _pitch_lists((o >= at) & (s >= at))
    sounds = _pitch_lists(s >= threshold)
    o_list, s_list = o.tolist(), None if strict else s.tolist()   # a calibrated line starts notes on onsets only
    sounding = np.zeros((n, steps, pitches), dtype=bool)
    onset = np.zeros_like(sounding)
    allowed = np.ones(pitches, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    for r in range(n):          # the held note and the last pitch carry over: plain Python on short lists
        held, played = -1, -1   # the model's pitch, and where it sounds (an octave move apart)
        prior = int(last[r]) if last is not None else -1
        for t in range(steps):
            if starts[r][t]:
                held = _nearest_likeliest(starts[r][t], o_list[r][t], prior)
            elif held >= 0 and (held in sounds[r][t] or strict and sounds[r][t]):
                sounding[r, t, played] = True
                continue
            elif sounds[r][t] and not strict:
                held = _nearest_likeliest(sounds[r][t], s_list[r][t], prior)
            else:
                held = -1
                continue
            played = _towards(held, prior, allowed)
            onset[r, t, played] = sounding[r, t, played] = True
            prior = played
    return sounding, onset


def _pitch_lists(mask: np.ndarray) -> list[list[list[int]]]:
    """For a (rows, steps, pitches) mask, each row's and step's pitches that are set, in rising order: one
    search over the whole (sparse) mask instead of one per step."""
    rows, steps, _ = mask.shape
    lists: list[list[list[int]]] = [[[] for _ in range(steps)] for _ in range(rows)]
    for r, t, p in zip(*(axis.tolist() for axis in np.nonzero(mask))):
        lists[r][t].append(p)
    return lists


def _towards(pitch: int, prior: int, allowed: np.ndarray) -> int:
    """``pitch`` moved by as few octaves as bring it within :data:`MAX_LEAP` of ``prior`` (the leap keeps
    its direction), to an allowed pitch; where none is allowed there, the allowed octave nearest ``prior``
    (or ``pitch`` itself)."""
    if prior < 0 or abs(pitch - prior) <= MAX_LEAP:
        return pitch
    step = 12 if pitch < prior else -12
    best, moved = pitch, pitch + step
    while 0 <= moved < len(allowed):
        if allowed[moved] and abs(moved - prior) < abs(best - prior):
            best = moved
            if abs(best - prior) <= MAX_LEAP:
                break
        moved += step
    return best


def tidy(sounding: np.ndarray, onset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sounding, onset) of bars (n, steps, pitches) with the flicker merged away (see the module's notes)."""
    s = sounding.copy()
    gap = np.zeros_like(s)
    gap[:, 1:-1] = ~s[:, 1:-1] & s[:, :-2] & s[:, 2:] & ~onset[:, 2:]
    s |= gap
    before, after = np.zeros_like(s), np.zeros_like(s)
    before[:, 1:], after[:, :-1] = s[:, :-1], s[:, 1:]
    lone = s & ~before & ~after & ~onset
    lone[:, 0] = False
    s &= ~lone
    return s, merge_fragments(s, onset & s)


def merge_fragments(sounding: np.ndarray, onset: np.ndarray) -> np.ndarray:
    """The onsets (n, steps, pitches) without those that re-articulate a sounding pitch into a one-step
    fragment: the note before would have lasted one step, or the new one would."""
    before = np.zeros_like(sounding)
    before[:, 1:] = sounding[:, :-1]
    starts = onset | (sounding & ~before)
    again = onset & before
    prev_started = np.zeros_like(sounding)
    prev_started[:, 1:] = starts[:, :-1]
    goes_on = np.zeros_like(sounding)
    goes_on[:, :-1] = sounding[:, 1:] & ~onset[:, 1:]
    return onset & ~(again & (prev_started | ~goes_on))
