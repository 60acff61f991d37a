"""The ``lstm-notes`` backend: the model of Soundarya et al., "Music Generation Using Recurrent Neural
Network", on the ``notes`` codec, beside ``lstm`` for comparison.

Training windows are the 25 notes before each note of a piece (the piece's first notes see zero rows
before them, so every note, and an empty seed, has a window; the tutorial instead windows one stream of
all notes across file boundaries). Training data is transposed like the other backends'.

Generation follows the tutorial: the pitch is drawn from the softmax (temperature, top-p, and the key
and range masks apply here), step and duration are the regressions' values (negative ones become 0).
Unlike the tutorial, each predicted step and duration is put on the 16th grid before it is fed back, so
the network continues what the user will hear; where it keeps predicting chords (step 0), a 16th step is
forced after ``MAX_EVENTS_PER_STEP`` notes. Generated notes continue from the seed's last note; those that
would start before the seed's end are dropped.

A meter-aware model (config ``model.meters``; the seed starts on a bar line of the request's meter) reads
each note's position in the bar, and its step is drawn rather than rounded: among the grid steps near the
regression's value, by a normal error of the regression's own size on the valid split (``step_sigma``)
times the share of the training tunes' onsets at the position the note would land on (``onset_prior``),
so that a regression between an 8th and a quarter lands where the meter's tunes put notes, not on the
16th between them (:func:`~.generator.steps_by_onset_prior`). A model without meters decodes as before.

Its likelihood is per note and covers the pitch only: ``eval`` reports the pitch cross-entropy per note
and the step and duration mean squared errors (quarter notes squared), not a per-event cross-entropy.
"""

from __future__ import annotations

from pathlib import Path

from musicstudio.generators.checkpoint import CheckpointError, build_checked
from musicstudio.generators.codecs import NotesCodec
from musicstudio.generators.lstm_notes.configs import BACKEND, CONFIGS
from musicstudio.generators.lstm_notes.generator import NotesLSTMGenerator
from musicstudio.generators.lstm_notes.model import NotesLSTM, NotesLSTMConfig
from musicstudio.generators.lstm_notes.training import train

__all__ = ["BACKEND", "CONFIGS", "NotesLSTMGenerator", "load", "train"]


def load(folder: Path, config: dict, device: str = "cpu") -> NotesLSTMGenerator:
    folder = Path(folder)
    try:
        NotesCodec.from_vocabulary(config["codec"])
        model_config = NotesLSTMConfig(**config["model"])
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "config.json", f"it does not describe an lstm-notes model ({e})") from None
    model = build_checked(lambda: NotesLSTM(model_config), folder, "an lstm-notes model")
    return NotesLSTMGenerator(config.get("name", folder.name), model, device)
