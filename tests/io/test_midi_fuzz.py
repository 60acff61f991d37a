"""Fuzzing the MIDI reader with mutated copies of the real MIDI files that music21 ships.

Whatever the bytes, ``parse_midi`` either returns an :class:`ImportResult` holding a song the rest of
the app can trust, or raises :class:`MidiImportError` on purpose. ``parse_midi`` turns any other
exception into a MidiImportError as a last resort, with the original as ``__cause__``; such a wrapped
error is a bug in the reader, so it fails the test here too.

Deterministic: ``derandomize=True`` and no example database, so CI runs the same 300 examples.
"""

from __future__ import annotations

import importlib.util
from glob import glob
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musicstudio.core.key import is_valid_key
from musicstudio.core.meter import is_valid_time_signature
from musicstudio.core.tempo import MAX_TEMPO_US, MIN_TEMPO_US
from musicstudio.io.errors import MidiImportError
from musicstudio.io.midi_read import ImportResult, MidiWarning, parse_midi
from musicstudio.io.midi_write import song_to_midi_bytes


def _music21_midi_files() -> list[Path]:
    spec = importlib.util.find_spec("music21")
    if spec is None or not spec.submodule_search_locations:
        return []
    base = spec.submodule_search_locations[0]
    return [Path(p) for p in sorted(glob(f"{base}/midi/testPrimitive/*.mid")) + sorted(glob(f"{base}/omr/*.mid"))]


FILES = _music21_midi_files()
if not FILES:
    pytest.skip("music21 (a dev dependency) is not installed: no real MIDI files to fuzz",
                allow_module_level=True)
SEEDS = {p.name: p.read_bytes() for p in FILES}

# Bytes that mean something to a MIDI reader: VLQ and status boundaries, SysEx, meta, end-of-track.
_INTERESTING = st.sampled_from([0x00, 0x01, 0x2F, 0x51, 0x58, 0x59, 0x7F, 0x80, 0x81, 0x90, 0xC0, 0xF0,
                                0xF7, 0xFF])
_PATCH = st.one_of(st.binary(min_size=1, max_size=8),
                   st.lists(_INTERESTING, min_size=1, max_size=6).map(bytes))


def _near_landmark(data: bytearray) -> st.SearchStrategy[int]:
    """A position at or just after a place where a mutation does most harm: the header, a chunk
    head, or the start of a meta or SysEx event (so that type, length and body bytes get hit)."""
    landmarks = [0, 8, 10, 12] + [i for i, b in enumerate(data) if b in (0xFF, 0xF0)]
    landmarks += [i for i in range(len(data) - 3) if data[i:i + 4] == b"MTrk"]
    return st.builds(lambda at, offset: min(at + offset, max(0, len(data) - 1)),
                     st.sampled_from(landmarks), st.integers(0, 7))


@st.composite
def mutated_midi(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(("flip", "insert", "delete", "overwrite", "truncate", "duplicate")))
        pos = draw(st.one_of(st.integers(0, max(0, len(data) - 1)), _near_landmark(data)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[pos:pos] = draw(_PATCH)
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 16))]
        elif op == "overwrite":
            patch = draw(_PATCH)
            data[pos:pos + len(patch)] = patch
        elif op == "truncate":
            del data[pos:]
        elif op == "duplicate":
            chunk = bytes(data[pos:pos + draw(st.integers(1, 64))])
            at = draw(st.integers(0, len(data)))
            data[at:at] = chunk
    return name, bytes(data)


def _check_song(result: ImportResult) -> None:
    """What the rest of the app relies on in an imported song."""
    assert isinstance(result, ImportResult)
    song = result.song
    for track in song.tracks:
        assert 0 <= track.program <= 127
        for n in track.notes:
            assert 0 <= n.pitch <= 127 and 1 <= n.velocity <= 127, n
            assert n.start >= 0 and n.duration >= 1, n
    assert all(MIN_TEMPO_US <= t.us_per_beat <= MAX_TEMPO_US and t.tick >= 0 for t in song.tempos)
    assert all(is_valid_time_signature(s.numerator, s.denominator) for s in song.time_signatures)
    assert all(is_valid_key(k.key.sharps, int(k.key.minor)) for k in song.key_signatures)
    assert len(result.warnings) <= 100
    for w in result.warnings:
        assert isinstance(w, MidiWarning) and isinstance(w.damage, bool)
        assert w.message and "\n" not in w.message
    # Whatever was imported can be exported, and the export reads back cleanly with every note.
    again = parse_midi(song_to_midi_bytes(song), "re-exported")
    assert not again.damaged, again.warnings
    assert again.song.note_count == song.note_count
    assert len(again.song.tracks) == len(song.tracks)


def test_every_seed_file_loads_cleanly():
    assert len(FILES) >= 20
    for name, data in SEEDS.items():
        result = parse_midi(data, name)
        assert not result.damaged, (name, result.warnings)
        _check_song(result)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_midi())
def test_mutated_files_only_ever_raise_midi_import_error(case):
    name, data = case
    try:
        result = parse_midi(data, name)
    except MidiImportError as e:
        message = str(e)
        assert message.startswith(f"{name}: ") and "\n" not in message, message
        # Raised on purpose, not an internal error wrapped up by parse_midi's safety net.
        assert e.__cause__ is None or isinstance(e.__cause__, MemoryError), repr(e.__cause__)
        return
    _check_song(result)
