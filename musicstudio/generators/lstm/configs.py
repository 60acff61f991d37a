"""The LSTM backend's named training configs (``musicstudio train lstm --config NAME``).

``lstm``, the shipped default, is meter-aware (a position slot per step of each meter's bar) and trains
only on the collections whose terms allow shipping derived weights (O'Neill's and Ryan's, docs/licences.md);
``lstm-nc`` is the earlier model's recipe (every training collection, Essen and Palestrina included, bar
position modulo 16): its weights are for non-commercial use only. ``lstm-triplets`` is ``lstm`` on the grid
of 12 steps a quarter (16ths, 8th and 16th triplets; train it on a corpus built with ``--grid 12``), its
position slots per step of that grid (4/4: 48) and time shifts up to a bar of 4/4 (48 steps).
"""

from musicstudio.generators.lstm.model import METERS

BACKEND = "lstm"
LICENCE_CLEAN = ["oneills1850", "ryansMammoth"]
_EVENTS = {"codec": "events", "low": 0, "high": 127, "max_shift": 16, "velocity_bins": 0}
_TRIPLET_EVENTS = {**_EVENTS, "max_shift": 48, "steps_per_quarter": 12}
_DATA = {"collections": None, "meter_classes": None, "transpose": list(range(-5, 7))}
_CLEAN = {**_DATA, "collections": LICENCE_CLEAN}
_NET = {"embed": 128, "hidden": 256, "layers": 2, "dropout": 0.1}
_METERED = {"meters": [list(m) for m in METERS]}
_BATCHES = {"window": 256, "batch_size": 64, "per_epoch": 100, "valid_windows": 1024}
_TRAIN = {"epochs": 30, "lr": 2e-3, "clip_norm": 1.0, "patience": 4, "schedule": "cosine", "precision": "bf16"}
_TINY = {"codec": _EVENTS, "data": {**_DATA, "transpose": [0], "limit": 30},
         "batches": {"window": 64, "batch_size": 8, "per_epoch": 6, "valid_windows": 16},
         "train": {"epochs": 2, "lr": 3e-3, "patience": 2}}
CONFIGS = {
    "lstm": {"summary": "2-layer meter-aware LSTM over the events codec (the step in the bar of the piece's meter as "
                        "an input), trained on O'Neill's and Ryan's tunes only (licence-clean)",
             "codec": _EVENTS, "model": {**_NET, **_METERED}, "data": _CLEAN, "batches": _BATCHES,
             "train": {**_TRAIN, "epochs": 20, "max_minutes": 30}},
    "lstm-nc": {"summary": "2-layer LSTM over the events codec with a bar-position input (modulo 16), trained on "
                           "every collection: non-commercial",
                "codec": _EVENTS, "model": _NET, "data": _DATA, "batches": {**_BATCHES, "per_epoch": 250},
                "train": {**_TRAIN, "max_minutes": 60}},
    "lstm-member": {"summary": "an ensemble member: the lstm network trained for a quarter of an hour (pick the "
                                "seed with --set train.seed=N)",
                    "codec": _EVENTS, "model": _NET, "data": _DATA, "batches": _BATCHES,
                    "train": {**_TRAIN, "max_minutes": 15}},
    "lstm-member-small": {"summary": "an lstm-ensemble member: the meter-aware lstm at hidden 128 (a quarter of the "
                                     "recurrent arithmetic, so three step as fast as one lstm), O'Neill's and Ryan's "
                                     "only, 12 minutes (pick the seed with --set train.seed=N)",
                          "codec": _EVENTS, "model": {**_NET, "hidden": 128, **_METERED}, "data": _CLEAN,
                          "batches": {**_BATCHES, "per_epoch": 50},
                          "train": {**_TRAIN, "epochs": 80, "lr": 3e-3, "patience": 6, "max_minutes": 12}},
    "lstm-tiny": {"summary": "a tiny LSTM for tests", **_TINY,
                  "model": {"embed": 16, "hidden": 32, "layers": 2, "dropout": 0.1}},
    "lstm-meters-tiny": {"summary": "a tiny meter-aware LSTM for tests", **_TINY,
                         "model": {"embed": 16, "hidden": 32, "layers": 2, "dropout": 0.1, **_METERED}},
}
# The triplet grid: the lstm and the tiny meter-aware recipes with the events codec at 12 steps a quarter.
# lstm-triplets starts from the shipped lstm carried onto the finer grid (grid_transfer.py): on this CPU a
# from-scratch run gets a third of the epochs that lstm had in its budget.
CONFIGS["lstm-triplets"] = {
    **CONFIGS["lstm"], "codec": _TRIPLET_EVENTS, "warm_start": "models/lstm",
    "train": {**CONFIGS["lstm"]["train"], "epochs": 6, "lr": 1e-3, "max_minutes": 35},
    "summary": "the meter-aware lstm on a grid of 12 steps a quarter (16ths and triplets), started from the "
               "licence-clean lstm and trained on O'Neill's and Ryan's tunes only (its corpus built with musicstudio "
               "corpus build --grid 12)"}
CONFIGS["lstm-triplets-tiny"] = {**CONFIGS["lstm-meters-tiny"], "codec": _TRIPLET_EVENTS,
                                 "summary": "a tiny meter-aware LSTM on the triplet grid, for tests"}
