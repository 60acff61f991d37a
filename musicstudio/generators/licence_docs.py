"""docs/licences.md: the licence audit's page (every source's terms, quotes and counts, the verdicts and
the installed models' licences), and the short licence section of docs/corpus.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from musicstudio.generators.licence_terms import VERDICTS
from musicstudio.generators.source_licences import EVALUATION, SOURCES, TRAINING, source_licence

if TYPE_CHECKING:   # the audit writes these pages, so it imports this module, not the other way round
    from musicstudio.generators.licence_audit import CollectionAudit

COMMAND = ".venv/bin/python -m musicstudio.generators.licence_audit"
REPRODUCE = (
    "# the counts as JSON (music21's corpus only)", COMMAND,
    "# with Debian's mma groove library (not installed here: unpack its package), and this page",
    "apt-get download mma && dpkg -x mma_*_all.deb /tmp/mma",
    f"{COMMAND} --mma /tmp/mma/usr/share/mma --mma-copyright /tmp/mma/usr/share/doc/mma/copyright "
    "--docs docs/licences.md",
    "# cross-checks without Python, in music21's corpus folder (.venv/lib/python3.11/site-packages/music21/corpus)",
    "grep -l 'Rights to all derivative electronic formats reserved' palestrina/*.krn | wc -l   # 1318",
    "grep -h '^X:' essenFolksong/*.abc | wc -l; grep -c non-commercial essenFolksong/license.txt   # 8514, 1",
    "for f in bach/bwv*.mxl; do case $f in bach/bwv846*) continue;; esac; "
    "unzip -p $f | grep -q 'Margaret Greentree' && echo; done | wc -l   # 361",
)
JUDGEMENTS = (
    "O'Neill's and Ryan's (3,068 tunes) are the two training collections that may ship. Their tunes were "
    "published in 1903 and 1883; the ABC files name their transcribers and state no terms. That is a "
    "judgement, not a grant: a transcriber could still claim rights in an encoding. Flipping it is one verdict "
    "each in `source_licences.py` (the test then asks the policy to agree).",
    "The Bach chorales (407 read) are treated as no: 361 of them carry "
    "\"PDF © 2004 Margaret Greentree\" and none says what is allowed. Written permission from her, or "
    "re-encoding the chorales from a public-domain edition, would change that.",
    "airdsAirs and miscFolk (Jack Campin's transcriptions) are for evaluation only: no weights derive from them.",
    "Debian's mma grooves (237 files, GPL-2+: the standard library's 118, and 119 of its other libraries, "
    "Casio and Yamaha styles among them, that only Add drums' library and listener learn from) are for the drum "
    "and accompaniment work: weights trained on them would have to be offered under the GPL too, so they are no "
    "default either; running mma itself to render a groove is a different question (a GPL program called as a "
    "separate process).",
    "Music that is in the public domain may still come in a restricted encoding (Palestrina, Essen): the "
    "verdict is about the files, not the composer.",
)
VERDICT_WORDS = {"yes": "**yes**", "no": "**no**", "unclear": "unclear, treated as **no**"}
USE_ORDER = (TRAINING, EVALUATION)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _terms_text(terms) -> str:
    return ", ".join(f"{term} {files:,}" for term, files in sorted(terms.items(), key=lambda e: -e[1]))


def _rules() -> list[str]:
    by_verdict: dict[str, list[str]] = {}
    for term, verdict in VERDICTS.items():
        by_verdict.setdefault(verdict, []).append(term)
    return ["A file's terms are the most restrictive its rights lines state (ABC `%` comments, kern `!!!Y..` "
            "reference records, MusicXML `<rights>` and copyright credits, RomanText notes, and a folder's "
            "`license.txt`, which holds for all of its files). A collection's verdict is the worst of its "
            "files' (`musicstudio/generators/licence_terms.py`):", ""] + \
           [f"- {VERDICT_WORDS[v]}: {', '.join(by_verdict[v])}" for v in ("no", "unclear", "yes")] + \
           ["", "\"No terms stated\" counts as yes: music21's own corpus licence says that restrictions are "
            "\"embedded in individual compositions or directories\"; where none is embedded and no one claims a "
            "copyright, none is known, and the music itself is in the public domain. A named copyright claim "
            "with no terms (Bach's \"PDF © 2004 Margaret Greentree\") is unclear: someone asserts rights and "
            "says nothing about what they allow. Share-alike and copyleft terms (CC BY-SA, GPL) would allow "
            "shipping only weights released under the same terms, so they are unclear for a default.", ""]


def _table(audits: dict[str, CollectionAudit]) -> list[str]:
    lines = ["| collection | used for | files | pieces | terms the files state (files) | licence | encoded by "
             "| may ship as a default |", "|---|---|---:|---:|---|---|---|---|"]
    order = sorted(SOURCES.values(), key=lambda s: (s.use not in USE_ORDER, USE_ORDER.index(s.use)
                                                    if s.use in USE_ORDER else 0, s.collection.lower()))
    for source in order:
        audit = audits.get(source.collection)
        files, pieces, terms = ((audit.files, audit.pieces, audit.terms) if audit is not None
                                else (source.files, source.pieces, source.file_terms))
        mark = "" if audit is not None else " (recorded)"
        lines.append(f"| {source.collection} | {source.use} | {files:,}{mark} | {pieces:,} | {_terms_text(terms)} | "
                     f"{_cell(source.licence)} | {_cell(source.encoded_by)} | {VERDICT_WORDS[source.verdict]} |")
    return lines


def _quotes(audits: dict[str, CollectionAudit]) -> list[str]:
    lines = ["## What the files say", ""]
    for name, audit in sorted(audits.items(), key=lambda e: e[0].lower()):
        source = SOURCES.get(name)
        quoted = audit.rights.most_common(4)
        if not quoted and not audit.licence_file:
            continue
        lines += [f"### {name}", "", _cell(source.terms) if source else "", ""]
        if audit.licence_file:
            lines += ["The package's copyright file:" if name == "mma" else "Its `license.txt`:", ""]
            lines += [f"> {line}" if line.strip() else ">" for line in audit.licence_file.splitlines()]
            lines += [""] if quoted or audit.not_read or audit.encoders else []
        lines += [f"- {files:,} of {audit.files:,} files: \"{_cell(line)}\"" for line, files in quoted]
        if audit.not_read:
            lines.append(f"- not read by the corpus: {_terms_text(audit.not_read)} files")
        if audit.encoders:
            lines.append("- encoded by (pieces): " + ", ".join(f"{_cell(n)} {c:,}" for n, c in
                                                               audit.encoders.most_common(5)))
        lines.append("")
    return lines


def _models() -> list[str]:
    from musicstudio.generators.registry import find_models

    models, _ = find_models()
    lines = ["## The installed models", "", "Each model's licence follows from the collections its config "
             "says trained it (`musicstudio/generators/licences.py`): any collection that may not ship makes "
             "the model non-commercial. `musicstudio models`, the model picker and each card say the same.", "",
             "| model | licence |", "|---|---|"]
    return lines + [f"| {m.name} | {_cell(m.licence.line)} |" for m in models] + [""]


def licences_markdown(audits: dict[str, CollectionAudit], corpus_licence: str) -> str:
    """The whole page from the audit's counts (a source not audited this time shows its recorded counts)."""
    lines = ["# Licences of the training sources", "",
             "May weights trained on a source ship in a desktop app as a default? Every collection of the music21 "
             "corpus installed here and Debian's mma groove library, read file by file. The verdicts and the "
             "counts they rest on are kept in `musicstudio/generators/source_licences.py`, and a test reads the "
             "files again and fails when a count or a verdict no longer matches.", "",
             "To reproduce the counts and this page:", "", "```sh", *REPRODUCE, "```", "",
             "## Verdicts", ""] + _rules() + _table(audits) + [
             "", "*Used for*: training is what `musicstudio corpus build` reads (of bach, the chorales "
             "`bwv*.mxl`); evaluation only means never trained on, so no weights derive from it. *(recorded)*: "
             "not installed when this page was written; the counts kept in `source_licences.py`.", "",
             "## Judgement calls", ""] + [f"- {j}" for j in JUDGEMENTS] + [""]
    if corpus_licence:
        lines += ["## music21's corpus licence", "", "`music21/corpus/license.txt`, for the whole corpus:", ""]
        lines += [f"> {line}" if line.strip() else ">" for line in corpus_licence.splitlines()] + [""]
    return "\n".join(lines + _quotes(audits) + _models())


def corpus_section(collections) -> list[str]:
    """docs/corpus.md's licence section for the built ``collections``."""
    lines = ["## Licences", "", "Whether weights trained on a collection may ship in a desktop app as a default, "
             "from its terms (audited, with quotes and counts, in [licences.md](licences.md)). A model trained on "
             "any collection that may not is non-commercial; its card, `musicstudio models` and the model picker "
             "say so.", "", "| collection | licence | may ship as a default |", "|---|---|---|"]
    for name in collections:
        source = source_licence(name)
        if source is None:
            lines.append(f"| {name} | not audited | {VERDICT_WORDS['unclear']} |")
        else:
            lines.append(f"| {name} | {_cell(source.licence)} | {VERDICT_WORDS[source.verdict]} |")
    return lines + [""]
