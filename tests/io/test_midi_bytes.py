"""The byte-level helpers of the MIDI reader, on bytes whose answers are known."""

from musicstudio.io.midi_bytes import byte_size, meta_text, read_vlq, unwrap_rmid, what_is


def test_variable_length_quantities_and_damaged_ones():
    assert read_vlq(b"\x00", 0, 1) == (0, 1)
    assert read_vlq(b"\x81\x00", 0, 2) == (128, 2)
    assert read_vlq(b"\xff\xff\xff\x7f", 0, 4) == (0x0FFFFFFF, 4)
    assert read_vlq(b"\x81\x81\x81\x81\x01", 0, 5)[0] is None      # longer than four bytes
    assert read_vlq(b"\x81", 0, 1)[0] is None                        # cut short


def test_meta_text_is_utf8_or_latin1_without_control_characters():
    assert meta_text("Chorale — Soprano".encode()) == "Chorale — Soprano"
    assert meta_text(b"Caf\xe9\x00\x01 ") == "Café"
    assert meta_text(b"a\tb") == "a\tb"


def test_sizes_and_what_a_file_that_is_not_midi_looks_like():
    assert (byte_size(1), byte_size(3 * 1024), byte_size(12 * 2**20), byte_size(None)) == \
        ("1 byte", "3 KB", "12 MB", "an unreadable size")
    assert what_is(b"\x89PNG\r\n") == "a PNG image"
    assert what_is(b"RIFF\x00\x00\x00\x00WAVEfmt ") == "a WAV audio file"
    assert what_is(b"just some words\n") == "a text file"
    assert what_is(b"\x00\x01\x02") == ""


def test_midi_inside_a_riff_rmid_file():
    midi = b"MThd" + bytes(10)
    riff = b"RIFF" + (4 + 8 + len(midi)).to_bytes(4, "little") + b"RMID" + b"data" + \
        len(midi).to_bytes(4, "little") + midi
    assert unwrap_rmid(riff) == midi
    assert unwrap_rmid(b"RIFF\x04\x00\x00\x00RMID") is None
