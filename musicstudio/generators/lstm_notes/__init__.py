"""The note-row LSTM of Soundarya et al., "Music Generation Using Recurrent Neural Network": (pitch, step,
duration) in, a pitch softmax and two regressions out."""

from musicstudio.generators.capabilities import NoteLikelihood
from musicstudio.generators.family import Backend

BACKEND = Backend(
    name="lstm-notes", summary="note-row LSTM: pitch, step and duration per note",
    implementation="musicstudio.generators.lstm_notes.backend", capabilities=frozenset({NoteLikelihood}))
