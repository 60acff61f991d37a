"""A corpus of malformed MIDI files, built byte by byte (not a test module: the MIDI tests import it).

Every file here must either be refused with :class:`~musicstudio.io.errors.MidiImportError` or load
with ``result.damaged`` true. :func:`write_corpus` writes them all into a folder.

The helpers build Standard MIDI File pieces directly, so the corpus does not depend on the writer
under test (or on mido) to produce its bytes.
"""

from __future__ import annotations

import random
from pathlib import Path

from musicstudio.io.midi_bytes import vlq

__all__ = ["vlq", "header", "track", "meta", "note", "valid_file", "corpus", "write_corpus",
           "MUST_REFUSE"]


# -- byte helpers -----------------------------------------------------------------------------------
def header(fmt: int = 1, ntracks: int = 1, division: int = 480) -> bytes:
    """An ``MThd`` chunk."""
    return b"MThd" + (6).to_bytes(4, "big") + fmt.to_bytes(2, "big") + ntracks.to_bytes(2, "big") \
        + division.to_bytes(2, "big")


def track(body: bytes, end_of_track: bool = True, size: int | None = None) -> bytes:
    """An ``MTrk`` chunk around ``body`` (event bytes, delta times included). ``size`` overrides the
    length the chunk claims."""
    if end_of_track:
        body += b"\x00\xff\x2f\x00"
    return b"MTrk" + (len(body) if size is None else size).to_bytes(4, "big") + body


def meta(mtype: int, payload: bytes, delta: int = 0) -> bytes:
    """A meta event with its delta time."""
    return vlq(delta) + bytes((0xFF, mtype)) + vlq(len(payload)) + payload


def note(pitch: int = 60, length: int = 480, velocity: int = 100, channel: int = 0, delta: int = 0) -> bytes:
    """A note-on and its note-off (each with a delta time and its own status byte)."""
    return (vlq(delta) + bytes((0x90 | channel, pitch, velocity))
            + vlq(length) + bytes((0x80 | channel, pitch, 0x40)))


def valid_file() -> bytes:
    """A small, well-formed type 1 file: a conductor track and a four-note melody."""
    conductor = track(meta(0x03, b"Valid") + meta(0x51, (500_000).to_bytes(3, "big"))
                      + meta(0x58, bytes((4, 2, 24, 8))) + meta(0x59, bytes((0, 0))))
    melody = track(meta(0x03, b"Melody") + b"\x00\xc0\x00"
                   + b"".join(note(p) for p in (60, 62, 64, 65)))
    return header(1, 2) + conductor + melody


def _one_track_file(body: bytes, division: int = 480) -> bytes:
    return header(0, 1, division) + track(body)


# -- the corpus -------------------------------------------------------------------------------------
# Files that must be refused outright (MidiImportError), never loaded with repairs: these are the
# reader's refusal rules and must not be weakened into warnings.
MUST_REFUSE = frozenset({
    "zero_length", "random_after_header", "png_renamed", "text_renamed", "wav_renamed", "ppq_zero",
    "smpte_division", "too_many_tracks", "too_many_notes", "absurd_tick",
    "absurd_end_of_track", "too_many_named_empty_tracks", "chunk_flood",
})

NOTE_LIMIT = 1_000_000
TRACK_LIMIT = 1024


def _too_many_notes() -> bytes:
    """One track with NOTE_LIMIT + 1 notes, built by multiplying bytes (6 bytes a note, about 6 MB).

    Running status on ``0x90``: a note-on (velocity 64) and a note-on with velocity 0 (a note-off),
    each after a delta time of 0.
    """
    body = b"\x00\x90\x3c\x40\x00\x3c\x00" + b"\x00\x3c\x40\x00\x3c\x00" * NOTE_LIMIT
    return _one_track_file(body)


def _too_many_tracks() -> bytes:
    """TRACK_LIMIT + 1 tracks that really exist, one note in each."""
    n = TRACK_LIMIT + 1
    return header(1, n) + track(note(60)) * n


def corpus() -> dict[str, bytes]:
    """Name -> bytes for every malformed file (names are also the file stems)."""
    rnd = random.Random(20240501)  # fixed: the corpus is the same on every run
    valid = valid_file()
    out: dict[str, bytes] = {}

    # Cut in the middle of the melody track: the chunk claims more bytes than remain.
    out["truncated"] = valid[: len(valid) - 7]
    out["zero_length"] = b""
    # A good header, then noise that starts with a byte that is not ASCII (so it is no chunk id).
    out["random_after_header"] = header(1, 1) + b"\x9b" + bytes(rnd.randrange(256) for _ in range(300))
    out["png_renamed"] = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + bytes(rnd.randrange(256) for _ in range(64))
    out["text_renamed"] = b"These are my lyrics, not a MIDI file.\nSecond verse: la la la.\n" * 4
    riff_body = b"WAVE" + b"fmt " + (16).to_bytes(4, "little") + bytes((1, 0, 2, 0)) \
        + (44100).to_bytes(4, "little") + (176400).to_bytes(4, "little") + bytes((4, 0, 16, 0)) \
        + b"data" + (64).to_bytes(4, "little") + bytes(64)
    out["wav_renamed"] = b"RIFF" + len(riff_body).to_bytes(4, "little") + riff_body
    out["ppq_zero"] = _one_track_file(note(60), division=0)
    out["smpte_division"] = _one_track_file(note(60), division=0xE728)  # -25 fps, 40 ticks per frame
    out["tempo_zero"] = _one_track_file(meta(0x51, b"\x00\x00\x00") + note(60))
    out["key_nine_sharps"] = _one_track_file(meta(0x59, b"\x09\x00") + note(60))
    # The largest length a (four-byte) VLQ can hold: 0x0FFFFFFF, about 268 MB, with a few bytes behind.
    out["meta_300mb"] = _one_track_file(b"\x00\xff\x01" + vlq(0x0FFFFFFF) + b"only a few bytes")
    out["sysex_300mb"] = _one_track_file(b"\x00\xf0" + vlq(0x0FFFFFFF) + b"\x7e\x7f\x09\x01\xf7")
    # Also a length of exactly 300,000,000 bytes: it needs a five-byte VLQ, longer than MIDI allows.
    out["meta_300mb_5byte_length"] = _one_track_file(b"\x00\xff\x01" + vlq(300_000_000) + b"text")
    out["header_65535_tracks"] = header(1, 0xFFFF) + track(note(60))
    out["too_many_tracks"] = _too_many_tracks()
    out["too_many_notes"] = _too_many_notes()
    # Note-on status, a SysEx (which cancels running status), then bare data bytes.
    out["running_status_after_sysex"] = _one_track_file(
        b"\x00\x90\x3c\x40" + b"\x00\xf0\x03\x43\x12\xf7" + b"\x60\x3c\x00" + note(64))
    out["time_signature_0_4"] = _one_track_file(meta(0x58, bytes((0, 2, 24, 8))) + note(60))
    out["data_byte_over_127"] = _one_track_file(b"\x00\x90\x3c\xc8" + b"\x83\x60\x80\x3c\x40")
    # 0x81 0x81 0x81 0x81 0x00: five bytes, one more than a delta time may have.
    out["delta_vlq_5_bytes"] = _one_track_file(note(60) + b"\x81\x81\x81\x81\x00\x90\x3e\x40\x60\x80\x3e\x40")
    # Delta times of 0x0FFFFFFF (the largest) on harmless meta events, then a note: ~1e9 ticks in.
    out["absurd_tick"] = _one_track_file(meta(0x01, b"x", delta=0x0FFFFFFF) * 4 + note(60))
    # Beyond the brief's list: holes the corpus found in the reader (see its MAX_CHUNKS and close_track).
    # A note that never ends, in a track whose end-of-track lies ~1e9 ticks in: it would last 2M bars.
    out["absurd_end_of_track"] = _one_track_file(b"\x00\x90\x3c\x40" + meta(0x01, b"x", delta=0x0FFFFFFF) * 4)
    # Named tracks without notes are tracks too: a conductor (its name is the title), then
    # TRACK_LIMIT + 1 named tracks.
    out["too_many_named_empty_tracks"] = (header(1, TRACK_LIMIT + 2) + track(meta(0x03, b"Title"))
                                          + track(meta(0x03, b"empty")) * (TRACK_LIMIT + 1))
    # More chunks than a header can announce (70,000 empty ones; 64 MB of them took 18 s and 1.2 GB).
    out["chunk_flood"] = header(1, 0xFFFF) + track(b"", end_of_track=False) * 70_000
    out["unknown_binary_chunk"] = valid + b"\xde\xad\xbe\xef" + (8).to_bytes(4, "big") + bytes(range(8))
    return out


def write_corpus(folder: Path) -> dict[str, Path]:
    """Write every malformed file as ``folder/<name>.mid``; returns name -> path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, data in corpus().items():
        path = folder / f"{name}.mid"
        path.write_bytes(data)
        paths[name] = path
    return paths
