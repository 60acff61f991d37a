"""Building the corpus cache from a small slice of music21's corpus plus a folder of MIDI files."""

import json
import shutil
import time

import pytest

from musicstudio.core.key import Key
from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.codecs.grid import is_on_grid
from musicstudio.generators.corpus import CorpusCacheError, build_corpus, load_corpus, main
from musicstudio.generators.corpus_piece import BAR_METERS, SPLITS, content_hash, transposed, transpositions
from musicstudio.generators.corpus_report import ROUND_TRIP_CODECS, round_trip_shares, summary_markdown
from musicstudio.generators.corpus_sources import MUSIC21_COLLECTIONS
from musicstudio.generators.corpus_split import assign_splits, split_by_id
from musicstudio.io.midi_write import export_midi

LIMIT = 20


@pytest.fixture(scope="module")
def midi_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("user_midi")
    melody = tuple(Note(60 + i % 5, i * 240, 240, 90) for i in range(32)) + (Note(72, 7690, 100, 90),)  # off grid
    export_midi(Song((Track("Lead", 73, False, melody),), key_signatures=()).with_key(Key(2, True)),
                folder / "tune.mid")
    (folder / "sub").mkdir()
    (folder / "sub" / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06 this is not a MIDI file")
    (folder / "notes.txt").write_text("not read")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory, midi_dir):
    cache = tmp_path_factory.mktemp("corpus")
    started = time.monotonic()
    manifest = build_corpus(cache, midi_dir=midi_dir, processes=2, limit=LIMIT, progress=False)
    seconds = time.monotonic() - started
    return cache, manifest, seconds


def test_a_small_build_counts_every_collection(built):   # its speed is a benchmark's business, not a test's
    cache, manifest, _ = built
    counts = {c: sum(p.collection == c for p in manifest.pieces) + sum(f["collection"] == c for f in manifest.failures)
              for c in MUSIC21_COLLECTIONS + ("midi",)}
    assert counts == {**{c: LIMIT for c in MUSIC21_COLLECTIONS}, "midi": 2}
    assert (cache / "manifest.json").exists() and (cache / "pieces.npz").exists()
    assert not list(cache.rglob("*.p*kl*")), "the cache holds no pickles"


def test_a_broken_file_is_counted_not_fatal(built):
    _, manifest, _ = built
    broken = [f for f in manifest.failures if f["id"] == "midi/sub/broken.mid"]
    assert len(broken) == 1 and "MidiImportError" in broken[0]["error"]
    assert {f["collection"] for f in manifest.failures} <= {"midi"}, manifest.failures


def test_manifest_hashes_and_notes_match_the_stored_pieces(built):
    cache, manifest, _ = built
    corpus = load_corpus(cache)
    assert corpus.infos == manifest.pieces
    for i, info in enumerate(corpus.infos):
        piece = corpus.piece(i)
        assert content_hash(piece.tracks) == info.content_hash
        assert sum(len(t.notes) for t in piece.tracks) == info.notes
        assert all(is_on_grid(t.notes) for t in piece.tracks)
        assert info.split in SPLITS


def test_splits_are_stable_by_id_and_across_builds(built, tmp_path, midi_dir, capsys):
    _, manifest, _ = built
    drawn = assign_splits((p.id, p.content_hash) for p in manifest.pieces)
    assert {p.id: p.split for p in manifest.pieces} == drawn
    unique = {h for h in (p.content_hash for p in manifest.pieces)
              if sum(q.content_hash == h for q in manifest.pieces) == 1}
    assert all(p.split == split_by_id(p.id) for p in manifest.pieces if p.content_hash in unique)
    # A different, smaller build (one process) agrees on every piece they share.
    again = build_corpus(tmp_path, collections=("essenFolksong", "bach"), midi_dir=midi_dir, processes=1,
                         limit=3, progress=True)
    assert "corpus: 8/8 pieces" in capsys.readouterr().err
    first = {p.id: (p.content_hash, p.split) for p in manifest.pieces}
    assert len(again.pieces) == 7
    for p in again.pieces:
        assert first[p.id] == (p.content_hash, p.split)


def test_no_content_of_the_test_split_is_trained_on(built):
    _, manifest, _ = built
    by_split = {s: {p.content_hash for p in manifest.pieces if p.split == s} for s in SPLITS}
    assert not by_split["test"] & by_split["train"]
    assert not by_split["test"] & by_split["valid"]
    assert not by_split["valid"] & by_split["train"]


def test_duplicates_go_to_the_earliest_split():
    ids = [f"piece{i}" for i in range(400)]
    tests = [i for i in ids if split_by_id(i) == "test"]
    valids = [i for i in ids if split_by_id(i) == "valid"]
    trains = [i for i in ids if split_by_id(i) == "train"]
    pairs = [(trains[0], "h1"), (tests[0], "h1"), (valids[0], "h1"), (trains[1], "h2"), (valids[1], "h2"),
             (trains[2], "h3")]
    assert assign_splits(pairs) == {trains[0]: "test", tests[0]: "test", valids[0]: "test",
                                    trains[1]: "valid", valids[1]: "valid", trains[2]: "train"}


def test_pieces_are_songs_with_meter_key_and_pickup(built):
    cache, _, _ = built
    corpus = load_corpus(cache)
    tune = corpus.piece("midi/tune.mid")
    assert tune.info.key == Key(2, True) and tune.info.meter == (4, 4)
    assert "off_grid" in tune.info.flags
    assert tune.tracks[0].program == 73 and tune.tracks[0].notes[-1] == Note(72, 7680, 120, 90)
    song = tune.song()
    assert song.key == Key(2, True) and song.bar_count == tune.info.bars
    chorale = next(corpus.pieces(collections=["bach"]))
    assert len(chorale.tracks) >= 4 and chorale.song().note_count == chorale.info.notes
    pickups = [p for p in corpus.infos if "pickup" in p.flags]
    assert pickups, "some tunes of the slice start with an anacrusis"


def test_filters_select_meters_ranges_and_exact_pieces(built):
    cache, _, _ = built
    corpus = load_corpus(cache)
    bar = corpus.select(meter_classes={"bar"})
    assert bar and all(p.meter in BAR_METERS and "meter_change" not in p.flags for p in bar)
    flagged = corpus.select(meter_classes={"flagged"})
    assert flagged and all(p.meter in ((3, 4), (6, 8)) for p in flagged)
    melodic = corpus.select(low=48, high=84, max_tracks=1)
    assert melodic and all(48 <= p.lowest and p.highest <= 84 and len(p.tracks) == 1 for p in melodic)
    assert all("off_grid" not in p.flags for p in corpus.select(exact_only=True))
    assert sum(len(corpus.select(split=s)) for s in SPLITS) == len(corpus)


def test_transposition_augmentation_stays_in_range(built):
    cache, _, _ = built
    corpus = load_corpus(cache)
    piece = corpus.piece(corpus.select(collections=["essenFolksong"])[0].id)
    up = transposed(piece, 3)
    assert [n.pitch for n in up.notes] == [n.pitch + 3 for n in piece.notes]
    assert up.transposition == 3 and up.info.content_hash == piece.info.content_hash
    if piece.info.key_sharps is not None:
        assert Key(up.info.key_sharps).tonic == (Key(piece.info.key_sharps).tonic + 3) % 12
    assert transposed(piece, 200) is None
    shifted = list(transpositions(piece, low=piece.info.lowest - 2, high=piece.info.highest + 2))
    assert [p.transposition for p in shifted] == [-2, -1, 0, 1, 2]


def test_a_changed_cache_is_refused(built, tmp_path):
    cache, _, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(cache, copy)
    with open(copy / "pieces.npz", "ab") as f:
        f.write(b"\0")
    with pytest.raises(CorpusCacheError, match="does not match"):
        load_corpus(copy)
    with pytest.raises(CorpusCacheError, match="no corpus"):
        load_corpus(tmp_path / "nothing")


def test_round_trip_share_per_codec_is_measured_and_reported(built, capsys):
    cache, manifest, _ = built
    corpus = load_corpus(cache)
    shares = round_trip_shares(corpus.piece(i) for i in range(len(corpus)))
    with capsys.disabled():
        print("\nround trips over the small corpus:")
        for name, rows in shares.items():
            print(f"  {name:18} " + ", ".join(f"{c} {rows[c].get('ok', 0)}/{rows[c]['pieces']}" for c in rows))
    assert set(shares) == set(ROUND_TRIP_CODECS)
    total = len(corpus)
    for name in ("events", "notes", "pianoroll"):
        assert shares[name]["all"]["ok"] == total  # every stored piece is on the grid and in range
    assert shares["melody"]["essenFolksong"]["ok"] == LIMIT
    text = summary_markdown(json.loads((cache / "summary.json").read_text()), shares)
    assert "## Codec round trips" in text and "## Per split" in text


def test_summary_files_add_up(built):
    cache, manifest, _ = built
    summary = json.loads((cache / "summary.json").read_text())
    assert summary["totals"]["pieces"] == len(manifest.pieces)
    assert sum(s["pieces"] for s in summary["splits"].values()) == len(manifest.pieces)
    assert sum(s["notes"] for s in summary["splits"].values()) == summary["totals"]["notes"]
    assert summary["failures"]["count"] == 1
    assert "# Training corpus" in (cache / "corpus.md").read_text()


def test_command_line(tmp_path, midi_dir, capsys):
    docs = tmp_path / "corpus.md"
    code = main(["build", "--collections", "", "--midi", str(midi_dir), "--cache", str(tmp_path / "c"),
                 "--docs", str(docs), "--quiet", "--processes", "1"])
    assert code == 0
    out = capsys.readouterr().out
    assert "corpus: 1 pieces" in out and "1 parse failures" in out
    assert "Codec round trips" in docs.read_text()
    docs.unlink()
    assert main(["report", "--cache", str(tmp_path / "c"), "--docs", str(docs), "--no-round-trip"]) == 0
    assert "# Training corpus" in docs.read_text() and "Codec round trips" not in docs.read_text()
    assert main(["report", "--cache", str(tmp_path / "nothing")]) == 3
    assert main(["build", "--midi", str(tmp_path / "missing"), "--cache", str(tmp_path / "d"), "--quiet"]) == 3
    assert main(["build", "--limit", "0"]) == 2
    assert main(["bogus"]) == 2
