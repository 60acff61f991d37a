"""The Markov backend's named training configs (``musicstudio train markov --config NAME``)."""

BACKEND = "markov"
_DATA = {"collections": None, "meter_classes": None, "transpose": list(range(-5, 7))}
CONFIGS = {
    "markov-melody": {"summary": "n-gram baseline on the melody codec (48..84), order chosen on validation",
                      "codec": {"codec": "melody", "low": 48, "high": 84},
                      "model": {"max_order": 8, "discount": 0.75, "min_count": 3}, "data": _DATA},
    "markov-events": {"summary": "n-gram baseline on the polyphonic events codec, order chosen on validation",
                      "codec": {"codec": "events", "low": 0, "high": 127, "max_shift": 16, "velocity_bins": 0},
                      "model": {"max_order": 7, "discount": 0.75, "min_count": 8}, "data": _DATA},
    "markov-tiny": {"summary": "a small melody n-gram for tests",
                    "codec": {"codec": "melody", "low": 48, "high": 84},
                    "model": {"max_order": 3, "discount": 0.75, "min_count": 1},
                    "data": {**_DATA, "transpose": [0, 2], "limit": 40}},
}
