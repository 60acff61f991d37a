"""A small fixture of grooves in the cache's format (what mma renders), so tests need no mma."""

from musicstudio.core.note import Note

STEP = 120


def pattern_notes(pattern: dict[int, str], bar_steps: int, bars: int, velocity: int = 90) -> list[Note]:
    """Notes of a one-bar pattern (GM number -> a string of 'x' hits and '.' rests, a char a 16th) repeated."""
    notes = []
    for bar in range(bars):
        for pitch, hits in pattern.items():
            for step, char in enumerate(hits[:bar_steps]):
                if char in "xX":
                    notes.append(Note(pitch, (bar * bar_steps + step) * STEP, STEP, 110 if char == "X" else velocity))
    return sorted(notes, key=lambda n: (n.start, n.pitch))


ROCK = {36: "x.......x.x.....", 38: "....X.......X...", 42: "x.x.x.x.x.x.x.x."}
WALTZ = {36: "x...........", 38: "....x...x...", 42: "x.x.x.x.x.x."}
SIX_EIGHT = {36: "x...........", 38: "......X.....", 42: "x.x.x.x.x.x."}
PATTERNS = {"rock": ((4, 4), ROCK), "threefour": ((3, 4), WALTZ), "sixeight": ((6, 8), SIX_EIGHT)}


def records(bars: int = 16) -> list[dict]:
    """Grooves of three styles, in the cache's format (the held-out style names are not among them)."""
    out = []
    for style, (meter, pattern) in PATTERNS.items():
        steps = meter[0] * 16 // meter[1]
        for k, name in enumerate(("Main", "Plus", "Other", "More")):
            extra = {46: "." * (steps - 2) + "x."} if k % 2 else {}
            notes = pattern_notes({**pattern, **extra}, steps, bars)
            out.append({"style": style, "groove": f"{style}{name}", "meter": list(meter),
                        "length": bars * steps * STEP,
                        "notes": [[n.pitch, n.start, n.duration, n.velocity] for n in notes]})
    return out
