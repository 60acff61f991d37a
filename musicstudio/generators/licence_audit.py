"""The licence audit: what every collection of music21's corpus (and Debian's mma groove library) says
about its use, read from the files themselves, counted per collection.

Each format keeps its terms in its own place: ABC in ``%`` comment lines (``Z:`` lines credit the
transcriber), Humdrum kern in ``!!!Y..`` reference records (``!!!EED``/``!!!ENC`` name the encoder),
MusicXML in ``<rights>`` and the credits, RomanText in its header; a folder's ``license.txt`` holds for all
of its files. :func:`audit_music21` classifies every file (:func:`~.licence_terms.classify`) and counts
files, pieces (an ABC file holds many tunes), terms, the rights lines quoted and who encoded them.

``python -m musicstudio.generators.licence_audit [--mma DIR] [--docs docs/licences.md]`` prints the counts as
JSON and writes the page that shows them beside each collection's verdict (:mod:`.source_licences`,
:mod:`.licence_docs`).
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from musicstudio.generators.licence_terms import NONE_STATED, TERMS, classify

READ_SUFFIXES = (".abc", ".krn", ".xml", ".mxl", ".musicxml", ".rntxt")   # the formats music21 reads here
DIRECTORY_LICENCE = "license.txt"
MMA_COPYRIGHT = Path("/usr/share/doc/mma/copyright")


@dataclass
class CollectionAudit:
    collection: str
    files: int = 0                  # files the corpus reads (every music file for the other collections)
    pieces: int = 0                 # tunes of the ABC files; one a file otherwise
    terms: Counter = field(default_factory=Counter)       # term -> files carrying it
    rights: Counter = field(default_factory=Counter)      # a rights line as written -> files carrying it
    encoders: Counter = field(default_factory=Counter)    # who encoded -> pieces
    licence_file: str = ""          # the folder's license.txt, when it has one
    not_read: Counter = field(default_factory=Counter)    # term -> files of the folder the corpus leaves out

    def counts(self) -> dict:
        return {"files": self.files, "pieces": self.pieces, "terms": dict(sorted(self.terms.items()))}


@dataclass(frozen=True)
class FileTerms:
    rights: tuple[str, ...]         # the lines that may state terms
    encoders: tuple[str, ...]       # who encoded it (one entry a piece where the format says so per piece)
    pieces: int


def _one_line(text: str, limit: int = 200) -> str:
    return " ".join(text.split())[:limit]


_CONTACT = re.compile(r"<[^>]*>|\([^)]*[@:][^)]*\)|\S+@\S+|\S+:\S+\.\S+|https?://\S+|www\.\S+")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_CREDIT = re.compile(r"^(z:)?\s*(transcribed|contributed|encoded|entered|edited)?\s*(by)?\s*", re.IGNORECASE)


def encoder_name(credit: str) -> str:
    """A transcriber's credit without its e-mail, web address, dates and "Transcribed by": the name."""
    text = _CONTACT.sub(" ", credit.replace('"', " "))
    text = re.sub(r"[\d/*,.\-]+(\s|$)|\b(19|20)\d\d\b|\b(" + _MONTHS + r")\b", " ", text)
    text = " ".join(_CREDIT.sub("", text.strip()).split()).strip(" ,;:-")
    # a credit is a name or two; longer Z: lines are notes about the tune
    if len(text) < 3 or len(text.split()) > 5 or re.match(r"^abc", text, re.IGNORECASE):
        return ""
    return text


def _abc_terms(text: str) -> FileTerms:
    lines = text.splitlines()
    rights = tuple(_one_line(line[1:]) for line in lines if line.startswith("%") and not line.startswith("%%"))
    credits = [encoder_name(line[2:]) for line in lines if line.startswith("Z:")]
    pieces = sum(1 for line in lines if re.match(r"X:\s*\d", line))
    return FileTerms(rights, tuple(c for c in credits if c), max(pieces, 1))


def _kern_terms(text: str) -> FileTerms:
    records = [line[3:] for line in text.splitlines() if line.startswith("!!!")]
    rights = tuple(_one_line(r) for r in records if r.startswith("Y"))
    encoders = tuple(_one_line(r.split(":", 1)[1]) for r in records if r[:3] in ("EED", "ENC") and ":" in r)
    return FileTerms(rights, encoders[:1], 1)


def _musicxml_text(path: Path) -> str:
    if path.suffix != ".mxl":
        return path.read_bytes().decode("utf-8", "replace")
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist()
                 if not n.startswith("META-INF") and n.endswith((".xml", ".musicxml"))]
        return archive.read(names[0]).decode("utf-8", "replace") if names else ""


_XML_RIGHTS = re.compile(r"<rights[^>]*>(.*?)</rights>", re.S)
_XML_CREDIT = re.compile(r"<credit-words[^>]*>(.*?)</credit-words>", re.S)
_XML_ENCODER = re.compile(r"<encoder[^>]*>(.*?)</encoder>|<creator type=\"(?:encoder|transcriber)\">(.*?)</creator>",
                          re.S)


def _musicxml_terms(text: str) -> FileTerms:
    unescape = (lambda s: _one_line(s.replace("&#169;", "©").replace("&amp;", "&")))
    rights = [unescape(m) for m in _XML_RIGHTS.findall(text)]
    rights += [unescape(m) for m in _XML_CREDIT.findall(text)
               if any(p.search(m) for _, p in TERMS) or "©" in m or "&#169;" in m]
    encoders = [unescape(a or b) for a, b in _XML_ENCODER.findall(text) if (a or b).strip()]
    return FileTerms(tuple(dict.fromkeys(rights)), tuple(encoders[:1]), 1)


def _romantext_terms(text: str) -> FileTerms:
    header = []
    for line in text.splitlines():
        if re.match(r"m\d", line):
            break
        header.append(line)
    analysts = [_one_line(line.split(":", 1)[1]) for line in header if line.startswith("Analyst:")]
    return FileTerms(tuple(_one_line(line) for line in header if line.startswith("Note:")), tuple(analysts[:1]), 1)


def file_terms(path: Path) -> FileTerms:
    """The rights lines, encoders and piece count of one music file (by its suffix)."""
    if path.suffix in (".xml", ".mxl", ".musicxml"):
        return _musicxml_terms(_musicxml_text(path))
    text = path.read_bytes().decode("utf-8", "replace")
    reader = {".abc": _abc_terms, ".krn": _kern_terms, ".rntxt": _romantext_terms}[path.suffix]
    return reader(text)


def _licence_body(path: Path) -> str:
    """A license.txt without its ``#`` banner."""
    return "\n".join(line for line in path.read_text("utf-8", "replace").splitlines()
                     if not line.startswith("#")).strip()


def audit_folder(folder: Path, collection: str, reads=None) -> CollectionAudit:
    """Every music file under ``folder``; ``reads(collection, "collection/relative path")`` says which files
    the corpus reads (the others are counted in ``not_read`` only)."""
    audit = CollectionAudit(collection)
    licence = folder / DIRECTORY_LICENCE
    if licence.is_file():
        audit.licence_file = _licence_body(licence)
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in READ_SUFFIXES):
        found = file_terms(path)
        lines = found.rights + ((audit.licence_file,) if audit.licence_file else ())
        term = classify(lines)
        if reads is not None and not reads(collection, f"{collection}/{path.relative_to(folder).as_posix()}"):
            audit.not_read[term] += 1
            continue
        audit.files += 1
        audit.pieces += found.pieces
        audit.terms[term] += 1
        audit.rights.update(set(r for r in found.rights if classify([r]) != NONE_STATED))
        share = found.pieces // max(len(found.encoders), 1)
        for name in found.encoders:
            audit.encoders[name] += share
    return audit


def music21_corpus_folder() -> Path:
    try:
        from music21 import common
    except ImportError as e:
        raise ImportError("the licence audit reads music21's corpus: pip install 'musicstudio[train]'") from e
    return Path(common.getCorpusFilePath())


def audit_music21(root: Path | None = None) -> dict[str, CollectionAudit]:
    """Every collection folder of music21's corpus, by name; for the collections the corpus build reads,
    only the files it reads count (the rest are in ``not_read``)."""
    from musicstudio.generators.corpus_sources import MUSIC21_COLLECTIONS, belongs_to_corpus

    root = root or music21_corpus_folder()
    out = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        reads = belongs_to_corpus if folder.name in MUSIC21_COLLECTIONS else None
        audit = audit_folder(folder, folder.name, reads)
        if audit.files or audit.not_read:
            out[folder.name] = audit
    return out


def audit_mma(library: Path, copyright_file: Path = MMA_COPYRIGHT) -> CollectionAudit:
    """Debian's mma groove library (``/usr/share/mma`` once installed): its groove files (``lib/stdlib`` and the
    other libraries whose styles Add drums trains on, :data:`.drums.grooves.BAND_LIBRARIES`), their authors, and
    the package's copyright file, whose "License:" holds for every file."""
    from musicstudio.generators.drums.grooves import style_files

    audit = CollectionAudit("mma")
    text = copyright_file.read_text("utf-8", "replace") if copyright_file.is_file() else ""
    licences = re.findall(r"^License:\s*(\S+)", text, re.MULTILINE)
    audit.licence_file = f"Debian copyright file: License: {licences[0]}" if licences else ""
    for _, path in style_files(library):
        lines = path.read_text("utf-8", "replace").splitlines()
        authors = [_one_line(line[len("Author"):]) for line in lines if line.startswith("Author")]
        audit.files += 1
        audit.pieces += 1
        audit.terms[classify([text]) if text else NONE_STATED] += 1
        audit.encoders.update(authors[:1])
    return audit


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.licence_audit",
                                description="Count the licence terms the corpus's files state, per collection.")
    p.add_argument("--mma", metavar="DIR", help="also audit an mma groove library (e.g. /usr/share/mma)")
    p.add_argument("--mma-copyright", metavar="FILE", default=str(MMA_COPYRIGHT),
                   help=f"the mma package's copyright file (default {MMA_COPYRIGHT})")
    p.add_argument("--docs", metavar="FILE", help="also write the audit's page (docs/licences.md)")
    args = p.parse_args(argv)
    audits = audit_music21()
    if args.mma:
        audits["mma"] = audit_mma(Path(args.mma), Path(args.mma_copyright))
    if args.docs:
        from musicstudio.generators.licence_docs import licences_markdown

        corpus_licence = _licence_body(music21_corpus_folder() / DIRECTORY_LICENCE)
        Path(args.docs).write_text(licences_markdown(audits, corpus_licence), "utf-8")
    report = {name: {**a.counts(), "not_read": dict(a.not_read), "encoders": dict(a.encoders.most_common(5)),
                     "rights": dict(a.rights.most_common(5))} for name, a in audits.items()}
    json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
