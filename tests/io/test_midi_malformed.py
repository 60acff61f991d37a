"""The malformed-MIDI corpus (tests/io/malformed_midi.py): refused or loaded as damaged, never a crash.

Each file is checked twice: in process with ``import_midi``, and through the command line
(``python -m musicstudio info FILE``), which must exit 3 with exactly one line on stderr, quickly and
in bounded memory.

How the child's peak memory is measured: on Linux a process's ``ru_maxrss`` is not its own alone. At
``exec`` the kernel carries over the high-water mark of the memory it replaces, and a child forked from
this test run starts with a copy of (or, with vfork, a share in) the test run's memory, so a child of a
1 GiB pytest process reports at least 1 GiB whatever it does. The command line is therefore started by a
small go-between (``_PEAK_PROBE``): a fresh interpreter of a few MiB that starts the real command,
reaps it with ``os.wait4`` and writes that child's ``ru_maxrss`` to a file. The child then inherits only
the go-between's few MiB, so the figure is the command line's own peak.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from malformed_midi import MUST_REFUSE, NOTE_LIMIT, TRACK_LIMIT, corpus, header, note, track, write_corpus

from musicstudio.io.errors import MidiImportError
from musicstudio.io.midi_read import import_midi, parse_midi

ROOT = Path(__file__).resolve().parents[2]
CASES = tuple(corpus())
CLI_SECONDS = 5.0
CLI_MAX_RSS_BYTES = 1 << 30  # 1 GiB
TRACEBACK_MARKERS = ("Traceback", 'File "', "\n", "Error:")


@pytest.fixture(scope="session")
def malformed_files(tmp_path_factory) -> dict[str, Path]:
    return write_corpus(tmp_path_factory.mktemp("malformed_midi"))


def test_the_corpus_holds_every_case_the_brief_names():
    expected = {
        "truncated", "zero_length", "random_after_header", "png_renamed", "text_renamed", "wav_renamed",
        "ppq_zero", "smpte_division", "tempo_zero", "key_nine_sharps", "meta_300mb", "sysex_300mb",
        "header_65535_tracks", "too_many_tracks", "too_many_notes", "running_status_after_sysex",
        "time_signature_0_4", "data_byte_over_127", "delta_vlq_5_bytes", "absurd_tick", "unknown_binary_chunk",
    }
    assert expected <= set(CASES)
    assert MUST_REFUSE <= set(CASES)


# -- in process -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_import_refuses_or_reports_damage(malformed_files, name):
    path = malformed_files[name]
    try:
        result = import_midi(path)
    except MidiImportError as e:
        message = str(e)
        assert message.startswith(f"{path.name}: "), message
        assert len(message) > len(path.name) + 2
        for marker in TRACEBACK_MARKERS:
            assert marker not in message, f"{marker!r} in {message!r}"
        # A deliberate refusal, not an internal error that parse_midi's safety net wrapped up.
        assert e.__cause__ is None, f"{name}: wrapped {e.__cause__!r}"
        assert e.path == str(path)
        return
    assert name not in MUST_REFUSE, f"{name} must be refused, but it loaded: {result.warnings}"
    assert result.damaged, f"{name} loaded without a damage warning: {result.warnings}"
    for w in result.warnings:
        assert w.message and "\n" not in w.message


# -- the limits refuse only what is over them -------------------------------------------------------
def test_exactly_the_note_limit_still_loads():
    body = b"\x00\x90\x3c\x40\x00\x3c\x00" + b"\x00\x3c\x40\x00\x3c\x00" * (NOTE_LIMIT - 1)
    result = parse_midi(header(0, 1) + track(body), "limit.mid")
    assert result.song.note_count == NOTE_LIMIT
    assert not result.warnings


def test_exactly_the_track_limit_still_loads():
    result = parse_midi(header(1, TRACK_LIMIT) + track(note(60)) * TRACK_LIMIT, "limit.mid")
    assert len(result.song.tracks) == TRACK_LIMIT
    assert result.song.note_count == TRACK_LIMIT
    assert not result.damaged


# -- through the command line -----------------------------------------------------------------------
_PEAK_PROBE = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _run_info(path: Path) -> tuple[int, str, float, int]:
    """Run ``python -m musicstudio info path``; returns (exit code, stderr, seconds, peak RSS in bytes)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p))
    out_path, err_path = path.with_suffix(".stdout"), path.with_suffix(".stderr")
    peak_path = path.with_suffix(".peak")
    peak_path.unlink(missing_ok=True)
    command = [sys.executable, "-m", "musicstudio", "info", str(path)]
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-c", _PEAK_PROBE, str(peak_path), *command],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=ROOT, env=env,
                                start_new_session=True)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a hung child fails the test instead of the run
            os.killpg(proc.pid, 9)
            proc.wait()
            pytest.fail(f"{path.name}: the command line did not finish in 60 s")
        seconds = time.monotonic() - start
    peak = int(peak_path.read_text())
    rss = peak if sys.platform == "darwin" else peak * 1024  # bytes vs KiB
    return code, err_path.read_text("utf-8", errors="replace"), seconds, rss


@pytest.mark.skipif(not hasattr(os, "wait4"), reason="needs os.wait4 to measure the child's memory")
@pytest.mark.parametrize("name", CASES)
def test_cli_info_exits_3_with_one_line(malformed_files, name):
    path = malformed_files[name]
    code, stderr, seconds, rss = _run_info(path)
    lines = stderr.splitlines()
    assert code == 3, f"exit {code}, stderr: {stderr!r}"
    assert len(lines) == 1 and lines[0].strip(), f"stderr must be one line: {stderr!r}"
    assert stderr.endswith("\n") and not stderr.endswith("\n\n")
    assert lines[0].startswith("musicstudio: ") and path.name in lines[0], lines[0]
    assert "Traceback" not in stderr
    assert seconds < CLI_SECONDS, f"{name}: took {seconds:.2f} s"
    assert rss < CLI_MAX_RSS_BYTES, f"{name}: peak memory {rss / 2**20:.0f} MiB"
