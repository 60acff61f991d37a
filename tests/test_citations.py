"""Papers are cited by authors and title, never by a private number: no "seed paper" in the shipped
models' cards, the docs, the code (whose config summaries become the cards of retrained models) or the
README."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_seed_paper_numbers_in_cards_docs_or_code():
    places = [ROOT / "models", ROOT / "docs", ROOT / "musicstudio", ROOT / "README.md"]
    found = []
    for place in places:
        files = [place] if place.is_file() else [p for p in place.rglob("*") if p.suffix in (".md", ".py", ".json")]
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace").lower()
            if "seed paper" in text:
                found.append(str(path.relative_to(ROOT)))
    assert not found, f"'seed paper' in {found}: cite the paper by authors and title"
