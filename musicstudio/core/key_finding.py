"""The key of some notes, found from how long each pitch class sounds (the Krumhansl-Schmuckler method).

How much each pitch class is heard (its notes counted, by default, or their durations summed) is
correlated with a key profile turned to each of the 24 major and minor tonics; the best correlation
names the key. Profiles, each a pair (major, minor) indexed from the
tonic:

* ``albrecht-shanahan``: J. Albrecht and D. Shanahan, "The Use of Large Corpora to Train a
  New Type of Key-Finding Algorithm: An Improved Treatment of the Minor Mode", Music Perception 31(1),
  2013, pp. 59-67.
* ``krumhansl-kessler``: C. L. Krumhansl and E. J. Kessler, "Tracing the Dynamic Changes in Perceived
  Tonal Organization in a Spatial Representation of Musical Keys", Psychological Review 89(4), 1982,
  pp. 334-368 (the probe-tone ratings, as Krumhansl's "Cognitive Foundations of Musical Pitch", 1990,
  uses them for key finding).
* ``temperley-kostka-payne`` (the default): D. Temperley, "Music and Probability", MIT Press, 2007 (the
  profiles of the Kostka-Payne corpus, as Humdrum's ``keycor`` and music21's ``TemperleyKostkaPayne`` list
  them).

The last onset's lowest note is the tonic in most pieces: a key on that tonic can gain a bonus
(:data:`FINAL_BONUS`, 0: with notes counted it did not help on the validation split).

:func:`song_key` is the key a song's notes are in: its key signature's, unless the notes say clearly
otherwise (a piece in G written without a signature reads as C major from the file, G major from here).
"""

from __future__ import annotations

from math import sqrt
from typing import Iterable, NamedTuple

from musicstudio.core.key import Key, key_of_tonic
from musicstudio.core.note import Note

PROFILES: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "albrecht-shanahan": (
        (0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.080, 0.008, 0.081),
        (0.220, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052)),
    "krumhansl-kessler": (
        (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88),
        (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)),
    "temperley-kostka-payne": (
        (0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400),
        (0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330)),
}
DEFAULT_PROFILE = "temperley-kostka-payne"
# Added to the correlation of the two keys on the tonic the piece ends on (its last onset's lowest note).
# The default profile, weighting, FINAL_BONUS and SIGNATURE_MARGIN were chosen on the corpus's validation split
# (python -m musicstudio.generators.evaluation.key_accuracy); the test split only reports.
FINAL_BONUS = 0.0
WEIGHTINGS = ("onsets", "duration")   # a note counts once, or for its length
DEFAULT_WEIGHTING = "onsets"
# The signature stands unless the key found from the notes correlates this much better than the
# signature's key does (correlations run from -1 to 1).
SIGNATURE_MARGIN = 0.2


class KeyFit(NamedTuple):
    key: Key
    correlation: float   # Pearson's r between the notes' pitch-class weights and the key's profile
    score: float         # the correlation, plus FINAL_BONUS for a key on the final tonic


def pitch_class_durations(notes: Iterable[Note]) -> list[float]:
    """How long each pitch class sounds, in ticks (0 = C); a chord's notes each count."""
    totals = [0.0] * 12
    for n in notes:
        totals[n.pitch % 12] += n.duration
    return totals


def pitch_class_weights(notes: Iterable[Note], weighting: str = DEFAULT_WEIGHTING) -> list[float]:
    """Each pitch class's weight (0 = C): its notes counted ("onsets") or their ticks summed ("duration")."""
    if weighting == "duration":
        return pitch_class_durations(notes)
    if weighting != "onsets":
        raise ValueError(f"a weighting is one of {', '.join(WEIGHTINGS)}, not {weighting!r}")
    totals = [0.0] * 12
    for n in notes:
        totals[n.pitch % 12] += 1
    return totals


def _pearson(xs: list[float], ys: tuple[float, ...]) -> float:
    mx, my = sum(xs) / 12, sum(ys) / 12
    dx, dy = [x - mx for x in xs], [y - my for y in ys]
    den = sqrt(sum(d * d for d in dx) * sum(d * d for d in dy))
    return sum(a * b for a, b in zip(dx, dy)) / den if den else 0.0


def final_pitch_class(notes: Iterable[Note]) -> int | None:
    """The pitch class of the lowest note of the last onset (None without notes)."""
    last = None
    for n in notes:
        if last is None or n.start > last.start or (n.start == last.start and n.pitch < last.pitch):
            last = n
    return None if last is None else last.pitch % 12


def key_fits(heard: list[float], final: int | None = None, profile: str = DEFAULT_PROFILE,
             bonus: float = FINAL_BONUS) -> list[KeyFit]:
    """The 24 major and minor keys with their scores, best first: each key's correlation with ``heard``
    (12 pitch-class weights), plus ``bonus`` for the keys on the ``final`` tonic. Empty for silence or
    for every pitch class heard equally: no key to find."""
    if len(set(heard)) < 2:
        return []
    fits = []
    for minor, weights in enumerate(PROFILES[profile]):
        for tonic in range(12):
            r = _pearson([heard[(tonic + k) % 12] for k in range(12)], weights)
            fits.append(KeyFit(key_of_tonic(tonic, bool(minor)), r, r + (bonus if tonic == final else 0.0)))
    return sorted(fits, key=lambda f: -f.score)


def fits_of(notes: Iterable[Note], profile: str = DEFAULT_PROFILE, bonus: float = FINAL_BONUS,
            weighting: str = DEFAULT_WEIGHTING) -> list[KeyFit]:
    """:func:`key_fits` for some notes: their pitch-class weights and their final tonic."""
    notes = list(notes)
    return key_fits(pitch_class_weights(notes, weighting), final_pitch_class(notes), profile, bonus)


def find_key(notes: Iterable[Note], profile: str = DEFAULT_PROFILE, bonus: float = FINAL_BONUS,
             weighting: str = DEFAULT_WEIGHTING) -> KeyFit | None:
    """The key the notes are most likely in, or None when they name none (no notes)."""
    fits = fits_of(notes, profile, bonus, weighting)
    return fits[0] if fits else None


def same_key(a: Key, b: Key) -> bool:
    """Whether two keys are one (an enharmonic spelling, Gb major and F# major, counts as the same)."""
    return a.tonic == b.tonic and a.minor == b.minor


def song_key(song, profile: str = DEFAULT_PROFILE, margin: float = SIGNATURE_MARGIN) -> Key:
    """The key at the start of ``song``: its key signature's, unless the notes up to the next signature
    (drums left out) fit another key better by more than ``margin``; then that key."""
    signature = song.key
    end = song.key_signatures[1].tick if len(song.key_signatures) > 1 else None
    fits = fits_of((n for t in song.tracks if not t.is_drum for n in t.notes if end is None or n.start < end), profile)
    if not fits:
        return signature
    of_signature = next(f.score for f in fits if same_key(f.key, signature))
    return fits[0].key if fits[0].score - of_signature > margin else signature
