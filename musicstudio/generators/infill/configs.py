"""The infill backend's named training configs (``musicstudio train infill --config NAME``).

``infill``, the shipped default: the licence-clean meter-aware ``lstm`` network (same sizes, same codec,
same meter slots) with the FILL markers added, started from ``models/lstm``'s weights and trained on
rearranged gaps (:mod:`.sequences`) of O'Neill's and Ryan's tunes for at most an hour of one CPU core.
"""

from musicstudio.generators.lstm.model import METERS

BACKEND = "infill"
LICENCE_CLEAN = ["oneills1850", "ryansMammoth"]
_EVENTS = {"codec": "events", "low": 0, "high": 127, "max_shift": 16, "velocity_bins": 0}
_NET = {"embed": 128, "hidden": 256, "layers": 2, "dropout": 0.1, "meters": [list(m) for m in METERS],
        "countdown": 4}   # countdown slots for the gap's last 4 bars (model.py)
_DATA = {"collections": LICENCE_CLEAN, "meter_classes": None, "transpose": list(range(-5, 7))}
_TRAIN = {"epochs": 200, "lr": 1e-3, "clip_norm": 1.0, "patience": 20, "schedule": "cosine", "precision": "bf16"}
CONFIGS = {
    "infill": {"summary": "the meter-aware lstm network with FILL markers, trained on rearranged gaps (the bars "
                          "after the gap, FILL, the bars before, the gap) of O'Neill's and Ryan's tunes only "
                          "(licence-clean), started from models/lstm; it hears the track's own bars before and "
                          "after the gap (the other tracks only through a harmony prior in decoding.harmony)",
               "codec": _EVENTS, "model": _NET, "data": _DATA, "warm_start": "models/lstm",
               "batches": {"batch_size": 32, "per_epoch": 40, "valid_items": 1024},
               "train": {**_TRAIN, "max_minutes": 60}},
    "infill-tiny": {"summary": "a tiny infill model for tests", "codec": _EVENTS,
                    "model": {"embed": 16, "hidden": 32, "layers": 2, "dropout": 0.1, "meters": _NET["meters"],
                              "countdown": 2},
                    "data": {**_DATA, "collections": None, "transpose": [0], "limit": 30},
                    "batches": {"batch_size": 8, "per_epoch": 4, "valid_items": 16},
                    "train": {"epochs": 2, "lr": 3e-3, "patience": 2}},
    "infill-controls": {
        "summary": "the infill network with MIDI-GPT style control tokens (note density, polyphony) before each bar "
                   "of the gap, started from models/infill and trained on rearranged gaps of O'Neill's and Ryan's "
                   "tunes and of music21's licence-clean polyphonic pieces (cache/poly-pieces.npz, parts merged), "
                   "each bar's controls its own (docs/controls.md)",
        "controls": "tertiles", "codec": _EVENTS,
        "data": {**_DATA, "poly_cache": "cache/poly-pieces.npz"}, "warm_start": "models/infill",
        "decoding": {"draws": 4},
        "batches": {"batch_size": 16, "per_epoch": 40, "valid_items": 256},
        "train": {**_TRAIN, "epochs": 400, "lr": 5e-4, "patience": 40, "max_minutes": 45}},
}
