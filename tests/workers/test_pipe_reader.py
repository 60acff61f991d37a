"""The pipe reader: messages and the pipe's end become signals, and a reader that is let go before its
pipe has closed is kept until it stops (Qt aborts the process if a running QThread is destroyed)."""

import gc
import multiprocessing

from musicstudio.workers.pipe_reader import PipeReader, let_go, readers_still_running


def test_messages_then_the_end_of_the_pipe_arrive_as_signals(qtbot):
    read_end, write_end = multiprocessing.Pipe(duplex=False)
    reader = PipeReader(read_end, "test events", number=7)
    events = []
    reader.event.connect(lambda number, message: events.append((number, message)))
    with qtbot.waitSignal(reader.lost, timeout=5000) as blocker:
        reader.start()
        write_end.send(("started", 1))
        write_end.send(("finished", 1, [60, 62]))
        write_end.close()
    assert blocker.args == [7]
    qtbot.waitUntil(lambda: len(events) == 2, timeout=1000)
    assert events == [(7, ("started", 1)), (7, ("finished", 1, [60, 62]))]
    assert let_go(reader)


def test_a_reader_whose_pipe_stays_open_is_kept_until_it_stops(qtbot):
    read_end, write_end = multiprocessing.Pipe(duplex=False)
    reader = PipeReader(read_end, "held open")
    reader.start()
    assert not let_go(reader, timeout_ms=50)   # the write end is still open: the reader still waits
    del reader
    gc.collect()                               # had it been dropped, Qt would have aborted here
    assert [r.objectName() for r in readers_still_running()] == ["held open"]
    write_end.close()
    qtbot.waitUntil(lambda: not readers_still_running(), timeout=5000)


def test_letting_go_of_no_reader_is_fine():
    assert let_go(None)
