"""Keeping a take is one undoable change of the document: its notes and its generation record come and go
together, by value, whatever else the history holds (two equal records included)."""

from musicstudio.core import Note, Song, Track
from musicstudio.core.changes import NoteChange
from musicstudio.ui.document import SongDocument
from musicstudio.ui.generate.keep import KeepTakeCommand


def keep(document, pitch, record):
    document.undo_stack.push(KeepTakeCommand(document, NoteChange(0, (), (Note(pitch, 0, 480),)), record))


def test_a_kept_take_and_its_record_are_one_undo_step(qapp):
    document = SongDocument()
    document.load(Song((Track("Melody", 0, False, ()),)), None, [{"kind": "take", "old": True}])
    changes = []
    document.changed.connect(lambda: changes.append(document.history))
    same = {"kind": "take", "model": "m"}
    keep(document, 60, same)
    keep(document, 62, dict(same))                                  # an equal record, another take
    assert len(document.history) == 3 and len(document.song.tracks[0].notes) == 2
    assert len(changes) == 2                                        # one change each: notes and record
    document.undo_stack.undo()
    assert document.history == ({"kind": "take", "old": True}, same) and document.history[1] is same
    assert [n.pitch for n in document.song.tracks[0].notes] == [60]
    document.undo_stack.undo()
    assert document.history == ({"kind": "take", "old": True},) and not document.song.tracks[0].notes
    document.undo_stack.redo()
    document.undo_stack.redo()
    assert document.history[1:] == (same, same) and document.project().history == list(document.history)
