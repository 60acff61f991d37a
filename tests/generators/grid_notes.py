"""Notes for tests (not a test module): Hypothesis strategies for notes on (and off) the 16th grid, shared by the
codec tests, and a plain line of quarter notes (:func:`quarter_line`) and how much of one the takes play
(:func:`share_in_place`), shared by the copy-cache tests."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.codecs.grid import STEP_TICKS

BAR = 1920   # a bar of 4/4 in ticks


def quarter_line(pitches, bars: int) -> Clip:
    """Quarter notes cycling through ``pitches`` for ``bars`` bars of 4/4, velocity 90."""
    return Clip(tuple(Note(pitches[i % len(pitches)], t, 480, 90) for i, t in enumerate(range(0, bars * BAR, 480))),
                bars * BAR)


def share_in_place(takes, truth: Clip) -> float:
    """The share of ``truth``'s notes (pitch, start, duration) that the takes play in their places, on average
    over the takes."""
    wanted = {(n.pitch, n.start, n.duration) for n in truth.notes}
    return sum(len(wanted & {(n.pitch, n.start, n.duration) for n in t.notes}) for t in takes) / (
        len(wanted) * len(takes))


# database=None: keep runs from writing a .hypothesis folder into the checkout.
SETTINGS = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def lines(draw, low: int = 48, high: int = 84, max_notes: int = 24):
    """A monophonic line on the grid: notes one after another, with rests between some."""
    notes, step = [], draw(st.integers(0, 8))
    for _ in range(draw(st.integers(0, max_notes))):
        duration = draw(st.integers(1, 24))
        notes.append(Note(draw(st.integers(low, high)), step * STEP_TICKS, duration * STEP_TICKS, 100))
        step += duration + draw(st.integers(0, 6))
    return notes


@st.composite
def chords(draw, low: int = 0, high: int = 127, max_notes: int = 30, velocities: bool = False):
    """Notes on the grid that may overlap (same pitch too: the codecs' on_grid resolves those)."""
    return [Note(draw(st.integers(low, high)), draw(st.integers(0, 80)) * STEP_TICKS,
                 draw(st.integers(1, 40)) * STEP_TICKS, draw(st.integers(1, 127)) if velocities else 100)
            for _ in range(draw(st.integers(0, max_notes)))]


@st.composite
def loose_notes(draw, low: int = 0, high: int = 127, max_notes: int = 20):
    """Notes anywhere in time (off the grid too)."""
    return [Note(draw(st.integers(low, high)), draw(st.integers(0, 8000)), draw(st.integers(1, 2000)),
                 draw(st.integers(1, 127))) for _ in range(draw(st.integers(0, max_notes)))]
