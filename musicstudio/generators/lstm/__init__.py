"""The LSTM backend: continue a seed phrase over the polyphonic events codec."""

from musicstudio.generators.capabilities import Scorer
from musicstudio.generators.family import Backend

BACKEND = Backend(
    name="lstm", summary="LSTM over the events codec with a bar-position input",
    implementation="musicstudio.generators.lstm.backend", capabilities=frozenset({Scorer}),
    fine_tuner="musicstudio.generators.fine_tune.lstm:fine_tune_lstm")

ENSEMBLE = Backend(
    name="lstm-ensemble", summary="the average of several lstm networks' next-event probabilities",
    implementation="musicstudio.generators.lstm.ensemble", capabilities=frozenset({Scorer}))
