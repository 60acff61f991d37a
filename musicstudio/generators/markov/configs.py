"""The Markov backend's named training configs (``musicstudio train markov --config NAME``).

``markov-events`` and ``markov-melody``, the shipped defaults, are meter-aware (every context holds the
slot of the step in the bar of the piece's meter, :mod:`.bar_slots`) and train only on the collections whose
terms allow shipping derived weights (O'Neill's and Ryan's, docs/licences.md). ``markov-events-nc`` and
``markov-melody-nc`` are the earlier models' recipes (every collection, Essen and Palestrina included, no
bar position): their weights are for non-commercial use only.
"""

BACKEND = "markov"
LICENCE_CLEAN = ["oneills1850", "ryansMammoth"]
_DATA = {"collections": None, "meter_classes": None, "transpose": list(range(-5, 7))}
_MELODY = {"codec": "melody", "low": 48, "high": 84}
_EVENTS = {"codec": "events", "low": 0, "high": 127, "max_shift": 16, "velocity_bins": 0}


def _metered(codec: dict, what: str, max_order: int) -> dict:
    """A shipped default: meter-aware, on the licence-clean collections."""
    return {"summary": f"meter-aware n-gram baseline on the {what} (the step in the bar of the piece's meter in "
                       "every context), trained on O'Neill's and Ryan's tunes only (licence-clean)",
            "codec": codec, "model": {"max_order": max_order, "discount": 0.75, "min_count": 2, "bar_position": True},
            "data": {**_DATA, "collections": LICENCE_CLEAN}}


def _earlier(codec: dict, what: str, max_order: int, min_count: int) -> dict:
    """The recipe of an earlier default: every collection, no bar position (non-commercial)."""
    return {"summary": f"n-gram baseline on the {what}, order chosen on validation, trained on every collection: "
                       "non-commercial",
            "codec": codec, "model": {"max_order": max_order, "discount": 0.75, "min_count": min_count},
            "data": _DATA}


CONFIGS = {
    "markov-melody": _metered(_MELODY, "melody codec (48..84)", 8),
    "markov-events": _metered(_EVENTS, "polyphonic events codec", 6),
    "markov-melody-nc": _earlier(_MELODY, "melody codec (48..84)", 8, 3),
    "markov-events-nc": _earlier(_EVENTS, "polyphonic events codec", 7, 8),
    "markov-tiny": {"summary": "a small melody n-gram for tests",
                    "codec": _MELODY,
                    "model": {"max_order": 3, "discount": 0.75, "min_count": 1},
                    "data": {**_DATA, "transpose": [0, 2], "limit": 40}},
    "markov-meters-tiny": {"summary": "a small meter-aware events n-gram for tests",
                           "codec": _EVENTS,
                           "model": {"max_order": 3, "discount": 0.75, "min_count": 1, "bar_position": True},
                           "data": {**_DATA, "transpose": [0], "limit": 40}},
}
