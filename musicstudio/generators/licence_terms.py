"""The terms a source file states about its use, read from the lines that carry them, and what those terms
mean for weights trained on the file: may they ship in a desktop app as a default?

A file's terms are the most restrictive ones its rights lines state (:data:`TERMS`, most restrictive
first); a collection's verdict (:func:`verdict_for`) is the worst of its files' verdicts:

- "no": the terms forbid it (non-commercial use only, or rights reserved);
- "unclear": share-alike or copyleft terms (the weights might have to carry them), or a copyright claimed
  with no terms at all; treated as no;
- "yes": public domain, CC0, CC BY (attribution), or no terms and no claim stated beyond the credit of
  who encoded it (music21's corpus licence: restrictions are "embedded in individual compositions or
  directories"; where none is embedded, none is known).
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

NON_COMMERCIAL = "non-commercial"
RIGHTS_RESERVED = "rights reserved"
GPL = "GPL"
CC_BY_SA = "CC BY-SA"
CC_BY = "CC BY"
PUBLIC_DOMAIN = "public domain or CC0"
CLAIMED = "copyright claimed, no terms"
NONE_STATED = "no terms stated"

# (term, pattern) from the most restrictive to the least; a file carries the first that matches
TERMS: tuple[tuple[str, re.Pattern], ...] = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in (
    (NON_COMMERCIAL, r"non-?commercial"),
    (RIGHTS_RESERVED, r"rights\b[^.]{0,60}\breserved"),
    (GPL, r"GNU General Public License|\bGPL\b"),
    (CC_BY_SA, r"\bCC[- ]?BY[- ]?SA\b|\bCC[- ]?SA[- ]?BY\b|Attribution[- ]Share"),
    (CC_BY, r"\bCC[- ]?BY\b|Creative Commons Attribution"),
    (PUBLIC_DOMAIN, r"public domain|\bCC0\b"),
    (CLAIMED, r"copyright|©|\(c\)"),
))

VERDICTS = {NON_COMMERCIAL: "no", RIGHTS_RESERVED: "no", GPL: "unclear", CC_BY_SA: "unclear", CLAIMED: "unclear",
            CC_BY: "yes", PUBLIC_DOMAIN: "yes", NONE_STATED: "yes"}
ORDER = ("no", "unclear", "yes")
_BLANK_NOTICE = re.compile(r"^(copyright|©|\(c\)|\s)*$", re.IGNORECASE)


def classify(lines: Iterable[str]) -> str:
    """The terms that a file's rights lines state (one of :data:`VERDICTS`' keys). A notice with no holder
    ("Copyright ©", left blank by a notation program's template) claims nothing."""
    lines = [line for line in lines if line.strip() and not _BLANK_NOTICE.match(line)]
    for name, pattern in TERMS:
        if any(pattern.search(line) for line in lines):
            return name
    return NONE_STATED


def verdict_for(terms: Mapping[str, int]) -> str:
    """"yes", "no" or "unclear" for a collection whose files carry ``terms`` (term -> how many files):
    the worst verdict of any term that at least one file carries; "unclear" for no files at all."""
    verdicts = [VERDICTS[t] for t, files in terms.items() if files]
    return min(verdicts, key=ORDER.index) if verdicts else "unclear"
