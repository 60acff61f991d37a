"""The byte-level pieces of reading a Standard MIDI File that are not about music: variable-length
quantities, meta-event text, RIFF-wrapped MIDI (RMID), what a file that is not MIDI looks like, and sizes
for messages. :mod:`.midi_read` builds the song on them."""

from __future__ import annotations

_SIGNATURES = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"), (b"OggS", "an Ogg audio file"),
    (b"fLaC", "a FLAC audio file"), (b"ID3", "an MP3 audio file"), (b"\x1f\x8b", "a gzip archive"),
    (b"MThd", "a MIDI file"),
)


def what_is(data: bytes) -> str:
    """What a file that is not MIDI looks like ("a PNG image", "a text file"), or "" when it is not known."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "a WAV audio file"
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            return what
    head = data[:512]
    if head and all(32 <= b < 127 or b in (9, 10, 13) for b in head):
        return "a text file"
    return ""


def unwrap_rmid(data: bytes) -> bytes | None:
    """The MIDI data inside a RIFF 'RMID' file, or None."""
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        if cid == b"data":
            return data[pos + 8:pos + 8 + size]
        pos += 8 + size + (size & 1)
    return None



def vlq(value: int) -> bytes:
    """``value`` as a MIDI variable-length quantity: seven bits a byte, the high bit set on all but the
    last; as many bytes as the value needs (a writer keeps to four; a test may want more)."""
    if value < 0:
        raise ValueError("a variable-length quantity is never negative")
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def read_vlq(data: bytes, pos: int, end: int) -> tuple[int | None, int]:
    """A variable-length quantity of at most four bytes, or None if it is damaged."""
    value = 0
    for _ in range(4):
        if pos >= end:
            return None, pos
        b = data[pos]
        pos += 1
        value = (value << 7) | (b & 0x7F)
        if b < 0x80:
            return value, pos
    return None, pos


def meta_text(body: bytes) -> str:
    """A meta event's text (a track name, a marker): UTF-8 or else Latin-1, control characters left out."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("latin-1")
    return text.translate(_CONTROLS).strip()


_CONTROLS = dict.fromkeys(c for c in range(32) if c != 9)   # every control character but the tab


def byte_size(n: int | None) -> str:
    """A size for a message: "3 KB", "12 MB", "1 byte"."""
    if n is None:
        return "an unreadable size"
    if n >= 2**20:
        return f"{n / 2**20:.0f} MB"
    if n >= 2**10:
        return f"{n / 2**10:.0f} KB"
    return f"{n} byte{'s' if n != 1 else ''}"
