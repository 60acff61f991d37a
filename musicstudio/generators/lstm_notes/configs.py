"""The ``lstm-notes`` backend's named training configs (``musicstudio train lstm-notes --config NAME``)."""

BACKEND = "lstm-notes"
_DATA = {"collections": None, "meter_classes": None, "transpose": list(range(-5, 7))}
CONFIGS = {
    "lstm-notes": {"summary": "(pitch, step, duration) of the last 25 notes into one LSTM(128), a pitch softmax "
                              "and step and duration regressions, as in Soundarya et al., \"Music Generation "
                              "Using Recurrent Neural Network\"",
                   "codec": {"codec": "notes"}, "model": {"window": 25, "hidden": 128, "layers": 1},
                   "data": _DATA, "batches": {"batch_size": 64, "per_epoch": 1500, "valid_windows": 8192},
                   "train": {"epochs": 60, "lr": 5e-3, "clip_norm": 0.0, "patience": 5, "schedule": "none",
                             "max_minutes": 18}},
    "lstm-notes-tiny": {"summary": "a tiny lstm-notes for tests", "codec": {"codec": "notes"},
                        "model": {"window": 8, "hidden": 16, "layers": 1},
                        "data": {**_DATA, "transpose": [0], "limit": 30},
                        "batches": {"batch_size": 16, "per_epoch": 6, "valid_windows": 64},
                        "train": {"epochs": 2, "lr": 5e-3, "patience": 2}},
}
