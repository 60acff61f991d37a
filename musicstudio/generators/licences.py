"""A model's licence, from what trained it: a model trained on any collection whose terms do not allow
shipping derived weights (:mod:`.source_licences`) is non-commercial, and says which collections make it so;
one whose only such collections are under the GPL is copyleft instead (shared only under the GPL's terms,
never as a default of an app under other terms), which says more than "non-commercial" about GPL data.

What trained a model comes from its ``config.json``: ``trained_on`` (the collections, written by training
since the licence audit), else ``data.collections`` (null: every collection of the corpus, which for the
shipped models is the corpus build's default, :data:`~.corpus_sources.DEFAULT_COLLECTIONS`); a fine-tune
(``data.fine_tune``) adds the user's MIDI folder. A config that says neither is of unknown licence.
"""

from __future__ import annotations

from dataclasses import dataclass

from musicstudio.generators.source_licences import USER_MIDI, source_licence

REDISTRIBUTABLE = "redistributable"
NON_COMMERCIAL = "non-commercial"
COPYLEFT = "copyleft"
UNKNOWN = "unknown"
OWN_DATA = "your own data"
DOCS = "docs/licences.md"


@dataclass(frozen=True)
class ModelLicence:
    name: str                                 # REDISTRIBUTABLE, NON_COMMERCIAL, COPYLEFT, UNKNOWN or OWN_DATA
    collections: tuple[str, ...] = ()         # what trained it (USER_MIDI for the user's MIDI files)
    restricted: tuple[str, ...] = ()          # the collections that make it non-commercial (or copyleft)
    unaudited: tuple[str, ...] = ()           # collections the audit does not know

    @property
    def line(self) -> str:
        """The licence in one line, naming the collections behind it."""
        if not self.collections:
            return f"{UNKNOWN}: its config does not say what it was trained on"
        own = USER_MIDI in self.collections
        corpus = [c for c in self.collections if c != USER_MIDI]
        mine = "your MIDI files (their own terms apply)"
        if self.name == OWN_DATA:
            return f"{OWN_DATA}: trained on {mine}"
        if self.name in (NON_COMMERCIAL, COPYLEFT):
            reasons = ", ".join(f"{c} ({source_licence(c).licence})" for c in self.restricted)
            rest = [c for c in corpus if c not in self.restricted] + ([mine] if own else [])
            return (f"{self.name}: trained on {reasons}" + (f"; also on {', '.join(rest)}" if rest else "")
                    + ("; its weights may be shared only under the same licence" if self.name == COPYLEFT else ""))
        if self.name == UNKNOWN:
            return f"{UNKNOWN}: {', '.join(self.unaudited)} {'is' if len(self.unaudited) == 1 else 'are'} not audited"
        return f"{REDISTRIBUTABLE}: trained on {', '.join(corpus + ([mine] if own else []))}"


def trained_collections(config: dict) -> tuple[str, ...]:
    """The collections a model's config says trained it (see the module's note); () when it does not say."""
    listed = config.get("trained_on")
    data = config.get("data")
    if isinstance(listed, list) and all(isinstance(c, str) for c in listed):
        collections = tuple(listed)
    elif isinstance(data, dict) and "collections" in data:
        from musicstudio.generators.corpus_sources import DEFAULT_COLLECTIONS  # (it imports the codecs)

        named = data["collections"]
        collections = tuple(str(c) for c in named) if isinstance(named, list) and named else DEFAULT_COLLECTIONS
    else:
        return ()
    if isinstance(data, dict) and data.get("fine_tune") and USER_MIDI not in collections:
        collections += (USER_MIDI,)
    return tuple(dict.fromkeys(collections))


def licence_of(collections) -> ModelLicence:
    """The licence of weights trained on ``collections`` (kept sorted, the user's MIDI files last)."""
    corpus = sorted({c for c in collections if c != USER_MIDI})
    collections = tuple(corpus) + ((USER_MIDI,) if USER_MIDI in collections else ())
    if not collections:
        return ModelLicence(UNKNOWN)
    unaudited = tuple(c for c in corpus if source_licence(c) is None)
    restricted = tuple(c for c in corpus if c not in unaudited and not source_licence(c).redistributable)
    if restricted:
        name = COPYLEFT if all(_copyleft(c) for c in restricted) else NON_COMMERCIAL
    elif unaudited:
        name = UNKNOWN
    else:
        name = REDISTRIBUTABLE if corpus else OWN_DATA
    return ModelLicence(name, collections, restricted, unaudited)


def _copyleft(collection: str) -> bool:
    return source_licence(collection).licence.startswith("GPL")


def model_licence(config: dict) -> ModelLicence:
    """The licence of the model a ``config.json`` describes."""
    return licence_of(trained_collections(config))


def _verdict_text(verdict: str) -> str:
    return "unclear, treated as no" if verdict == "unclear" else verdict


def licence_section(collections) -> list[str]:
    """A model card's "Licence" section (Markdown lines): the licence, and each collection's terms."""
    licence = licence_of(collections)
    lines = ["## Licence", "", f"**{licence.line}.** Whether weights trained on a collection may ship in a "
             f"desktop app as a default follows from its terms, audited in `{DOCS}`.", ""]
    if not licence.collections:
        return lines
    lines += ["| collection | licence | terms | may ship as a default |", "|---|---|---|---|"]
    for c in licence.collections:
        source = source_licence(c)
        if source is None:
            lines.append(f"| {c} | not audited | - | unclear, treated as no |")
        else:
            lines.append(f"| {c} | {source.licence} | {source.terms} | {_verdict_text(source.verdict)} |")
    return lines + [""]
