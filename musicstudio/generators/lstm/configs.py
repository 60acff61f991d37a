"""The LSTM backend's named training configs (``musicstudio train lstm --config NAME``)."""

BACKEND = "lstm"
_EVENTS = {"codec": "events", "low": 0, "high": 127, "max_shift": 16, "velocity_bins": 0}
_DATA = {"collections": None, "meter_classes": None, "transpose": list(range(-5, 7))}
CONFIGS = {
    "lstm": {"summary": "2-layer LSTM over the events codec with a bar-position input",
             "codec": _EVENTS, "model": {"embed": 128, "hidden": 256, "layers": 2, "dropout": 0.1},
             "data": _DATA,
             "batches": {"window": 256, "batch_size": 64, "per_epoch": 250, "valid_windows": 1024},
             "train": {"epochs": 30, "lr": 2e-3, "clip_norm": 1.0, "patience": 4, "schedule": "cosine",
                       "max_minutes": 60, "precision": "bf16"}},
    "lstm-member": {"summary": "an ensemble member: the lstm network trained for a quarter of an hour (pick the "
                                "seed with --set train.seed=N)",
                    "codec": _EVENTS, "model": {"embed": 128, "hidden": 256, "layers": 2, "dropout": 0.1},
                    "data": _DATA,
                    "batches": {"window": 256, "batch_size": 64, "per_epoch": 100, "valid_windows": 1024},
                    "train": {"epochs": 30, "lr": 2e-3, "clip_norm": 1.0, "patience": 4, "schedule": "cosine",
                              "max_minutes": 15, "precision": "bf16"}},
    "lstm-tiny": {"summary": "a tiny LSTM for tests", "codec": _EVENTS,
                  "model": {"embed": 16, "hidden": 32, "layers": 2, "dropout": 0.1},
                  "data": {**_DATA, "transpose": [0], "limit": 30},
                  "batches": {"window": 64, "batch_size": 8, "per_epoch": 6, "valid_windows": 16},
                  "train": {"epochs": 2, "lr": 3e-3, "patience": 2}},
}
