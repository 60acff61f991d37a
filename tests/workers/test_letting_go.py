"""A big song's objects are freed on a thread of their own, a slice at a time (issue 21: a million notes
freed at once on the GUI thread stopped the window 40-80 ms when another song replaced theirs)."""

import threading

import musicstudio.workers.letting_go as letting_go


class Element:
    freed_in: list[str] = []

    def __del__(self):
        Element.freed_in.append(threading.current_thread().name)


class Holder:
    def __init__(self, n: int):
        self.items = tuple(Element() for _ in range(n))
        self.more = [Element() for _ in range(3)]


def test_objects_and_their_elements_are_freed_on_the_letting_go_thread(monkeypatch):
    monkeypatch.setattr(letting_go, "START_AFTER_S", 0.0)
    monkeypatch.setattr(letting_go, "SLICE", 7)
    Element.freed_in = []
    objects = [Holder(50), Holder(20)]
    thread = letting_go.let_go(objects, lambda h: (h.items, h.more))
    assert objects == [], "the caller's list is emptied: it keeps no reference"
    thread.join(10)
    assert not thread.is_alive()
    assert len(Element.freed_in) == 50 + 20 + 6
    assert set(Element.freed_in) == {thread.name}


def test_nothing_to_let_go_of_starts_no_thread():
    assert letting_go.let_go([], lambda h: ()) is None
