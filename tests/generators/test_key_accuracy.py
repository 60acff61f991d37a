"""The key-finding measurement: what counts as right for each kind of source, and the report."""

from dataclasses import replace

import pytest

from musicstudio.core.key import Key
from musicstudio.generators.corpus_piece import PieceInfo
from musicstudio.generators.evaluation.key_accuracy import k525_rows, main, verdict, wrong_kind

INFO = PieceInfo(id="x", collection="bach", content_hash="", meter=(4, 4), key_sharps=1, mode="major", bars=1,
                 notes=1, lowest=60, highest=60, tracks=())


@pytest.mark.parametrize("found, stated, kind", [
    (Key(1), Key(1), "right"), (Key(-6), Key(6), "right"),              # Gb major is F# major
    (Key(1, True), Key(1), "relative"), (Key(-2, True), Key(1), "parallel"),
    (Key(2), Key(1), "fifth"), (Key(0), Key(1), "fifth"), (Key(3), Key(1), "other"),
])
def test_wrong_kinds(found, stated, kind):
    assert wrong_kind(found, stated) == kind


def test_what_each_source_states():
    assert verdict(INFO, Key(1)) == "right" and verdict(INFO, Key(-2, True)) == "parallel"
    essen = replace(INFO, collection="essenFolksong")          # K: names the tonic alone
    assert verdict(essen, Key(-2, True)) == "right (mode not stated)" and verdict(essen, Key(1, True)) == "relative"
    signature_only = replace(INFO, collection="palestrina", mode=None)
    assert verdict(signature_only, Key(1, True)) == "right" and verdict(signature_only, Key(0)) == "other"
    assert verdict(replace(INFO, key_sharps=None), Key(1)) is None


def test_k525_is_found_in_g_major():
    rows = k525_rows()
    if not rows:
        pytest.skip("music21's K.525 MIDI files are not installed")
    assert all(r["signature"] == "C major" and r["found"] == "G major" == r["song_key"] for r in rows)


def test_the_report_on_a_small_corpus(tiny_corpus_dir, tmp_path, capsys):
    out = tmp_path / "keys.md"
    code = main(["--corpus", str(tiny_corpus_dir), "--out", str(out)])
    text = out.read_text()
    assert code in (0, 1) and text.strip() == capsys.readouterr().out.strip()
    assert "right on" in text and "essenFolksong" in text and "| margin |" in text and "K.525" in text


def test_no_corpus_is_one_line(tmp_path, capsys):
    assert main(["--corpus", str(tmp_path)]) == 3
    assert "no corpus" in capsys.readouterr().err
