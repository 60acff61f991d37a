"""Reading a song file never reads without end: a name for a device or a pipe is refused before it is
read, for MIDI import and projects alike, in one line; and a long text event imports quickly."""

import os

import pytest

from musicstudio.io.errors import MidiImportError, ProjectError
from musicstudio.io.midi_bytes import meta_text
from musicstudio.io.midi_read import import_midi
from musicstudio.io.project import load_project


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("name, opener, error", [("endless.mid", import_midi, MidiImportError),
                                                 ("endless.msproj", load_project, ProjectError)])
def test_a_name_for_dev_zero_is_refused_before_it_is_read(tmp_path, name, opener, error):
    (tmp_path / name).symlink_to("/dev/zero")
    with pytest.raises(error, match="it is a device or a pipe, not a file"):
        opener(tmp_path / name)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "pipe.mid")
    with pytest.raises(MidiImportError, match="device or a pipe"):
        import_midi(tmp_path / "pipe.mid")


def test_meta_text_leaves_out_control_characters_but_the_tab():
    assert meta_text(b"\x00Lead\tGuitar\x07 \r\n") == "Lead\tGuitar"
    assert meta_text("caf\u00e9".encode("latin-1")) == "caf\u00e9"
    assert len(meta_text(b"a\x01" * 5_000_000)) == 5_000_000
