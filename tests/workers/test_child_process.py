"""The child-process helper both services use: messages from the process arrive as signals, a process that
ends unasked is reported once with its exit code, and one asked to stop is not reported at all."""

import os

from musicstudio.workers.child_process import ChildProcess
from musicstudio.workers.messages import Finished, Quit, Started

START = 60_000  # a spawned process imports this module (and Qt) first


def say_then_exit(commands, events, code):
    events.send(Started(1))
    events.close()
    os._exit(code)


def echo(commands, events):
    while not isinstance(message := commands.recv(), Quit):
        events.send(Finished(1, message))


def test_a_process_that_ends_unasked_is_lost_with_its_exit_code(qtbot):
    child = ChildProcess("test", listens=False)
    heard = []
    child.event.connect(heard.append)
    with qtbot.waitSignal(child.lost, timeout=START) as blocker:
        child.start(say_then_exit, (3,))
    assert heard == [Started(1)]
    assert blocker.args == ["the test process stopped unexpectedly (exit code 3, perhaps out of memory)"]
    assert not child.running and child.reader is None


def test_a_process_asked_to_stop_is_not_reported_lost(qtbot):
    child = ChildProcess("test")
    lost = []
    child.lost.connect(lost.append)
    with qtbot.waitSignal(child.event, timeout=START) as blocker:
        child.start(echo)
        child.send("hello")
    assert blocker.args == [Finished(1, "hello")] and child.running
    assert child.shutdown(5000, Quit()) and not child.running
    qtbot.wait(200)
    assert lost == []
