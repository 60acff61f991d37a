"""The ``lstm-notes`` backend's named training configs (``musicstudio train lstm-notes --config NAME``).

``lstm-notes``, the shipped default, is meter-aware (each note's position in the bar of its piece's meter
as an input, slots as the ``lstm`` family's) and trains only on the collections whose terms allow shipping
derived weights (O'Neill's and Ryan's, docs/licences.md); ``lstm-notes-nc`` is the earlier model's recipe
(every training collection, Essen and Palestrina included, no position input): its weights are for
non-commercial use only.
"""

from musicstudio.generators.lstm.configs import LICENCE_CLEAN
from musicstudio.generators.lstm.model import METERS

BACKEND = "lstm-notes"
_DATA = {"collections": None, "meter_classes": None, "transpose": list(range(-5, 7))}
_SUMMARY = ("(pitch, step, duration) of the last 25 notes into one LSTM(128), a pitch softmax and step and "
            "duration regressions, as in Soundarya et al., \"Music Generation Using Recurrent Neural Network\"")
_MODEL = {"window": 25, "hidden": 128, "layers": 1}
_BATCHES = {"batch_size": 64, "per_epoch": 1500, "valid_windows": 8192}
_METERS = [list(m) for m in METERS]
CONFIGS = {
    "lstm-notes": {"summary": _SUMMARY + "; each note's position in the bar of the tune's meter as an input; "
                              "trained on O'Neill's and Ryan's tunes only (licence-clean)",
                   "codec": {"codec": "notes"}, "model": {**_MODEL, "meters": _METERS},
                   "data": {**_DATA, "collections": LICENCE_CLEAN}, "batches": _BATCHES,
                   "train": {"epochs": 60, "lr": 5e-3, "clip_norm": 0.0, "patience": 5, "schedule": "none",
                             "max_minutes": 25}},
    "lstm-notes-nc": {"summary": _SUMMARY + ", trained on every collection: non-commercial",
                      "codec": {"codec": "notes"}, "model": _MODEL, "data": _DATA, "batches": _BATCHES,
                      "train": {"epochs": 60, "lr": 5e-3, "clip_norm": 0.0, "patience": 5, "schedule": "none",
                                "max_minutes": 18}},
    "lstm-notes-tiny": {"summary": "a tiny lstm-notes for tests", "codec": {"codec": "notes"},
                        "model": {"window": 8, "hidden": 16, "layers": 1},
                        "data": {**_DATA, "transpose": [0], "limit": 30},
                        "batches": {"batch_size": 16, "per_epoch": 6, "valid_windows": 64},
                        "train": {"epochs": 2, "lr": 5e-3, "patience": 2}},
    "lstm-notes-meters-tiny": {"summary": "a tiny meter-aware lstm-notes for tests", "codec": {"codec": "notes"},
                               "model": {"window": 8, "hidden": 16, "layers": 1, "meters": _METERS},
                               "data": {**_DATA, "transpose": [0], "limit": 30},
                               "batches": {"batch_size": 16, "per_epoch": 6, "valid_windows": 64},
                               "train": {"epochs": 2, "lr": 5e-3, "patience": 2}},
}
