"""The fine-tune process's answers when the work cannot go on: a message for the user, never a traceback."""

import errno
import multiprocessing

from musicstudio.workers import fine_tune_child
from musicstudio.workers.messages import EpochEnded, EpochProgress, Failed, ModelFolder


class Events:
    def __init__(self):
        self.sent, self.closed = [], False

    def send(self, message):
        self.sent.append(message)

    def close(self):
        self.closed = True


def test_a_full_disk_is_a_message_naming_the_file(monkeypatch):
    def full_disk(job, send, cancel):
        raise OSError(errno.ENOSPC, "No space left on device", "/models/lstm-mine/resume/state.safetensors")

    monkeypatch.setattr("musicstudio.generators.fine_tune.job.fine_tune", full_disk)
    events = Events()
    fine_tune_child.run(None, events, object(), 1, multiprocessing.get_context("spawn").RawValue("q", 0))
    assert isinstance(events.sent[-1], Failed) and events.sent[-1].job_id == 1 and events.closed
    message = events.sent[-1].message
    assert "No space left on device" in message and "state.safetensors" in message
    assert "internal error" not in message and "Traceback" not in message


def test_the_fine_tunes_progress_dicts_become_typed_messages():
    assert fine_tune_child.message_for({"kind": "folder", "out": "/m/lstm-mine", "name": "lstm-mine"}) == \
        ModelFolder("/m/lstm-mine", "lstm-mine")
    assert fine_tune_child.message_for({"kind": "progress", "epoch": 2, "epochs": 3, "done": 1}) == \
        EpochProgress(2, 3, 1.0)
    report = {"kind": "epoch", "epoch": 1, "epochs": 3, "train_loss": 2.0, "valid_loss": 2.5, "before": 3.0}
    assert fine_tune_child.message_for(report) == EpochEnded(report)
