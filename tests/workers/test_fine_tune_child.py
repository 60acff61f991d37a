"""The fine-tune process's answers when the work cannot go on: a message for the user, never a traceback."""

import errno
import multiprocessing

from musicstudio.workers import fine_tune_child


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
    fine_tune_child.run(object(), events, multiprocessing.get_context("spawn").RawValue("b", 0))
    kind, message = events.sent[-1]
    assert kind == "failed" and events.closed
    assert "No space left on device" in message and "state.safetensors" in message
    assert "internal error" not in message and "Traceback" not in message
