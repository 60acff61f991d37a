"""Each training source's licence, as audited (docs/licences.md): its terms in a sentence, who encoded it,
what its files state (the counts :mod:`.licence_audit` finds, kept here so that a test proves them against
the installed files), and the verdict: may weights trained on it ship in a desktop app as a default?

The verdict follows from the counted terms (:func:`~.licence_terms.verdict_for`); ``redistributable`` is
true only for "yes" ("unclear" is treated as no).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from musicstudio.generators.licence_terms import (
    CC_BY,
    CC_BY_SA,
    CLAIMED,
    GPL,
    NON_COMMERCIAL,
    NONE_STATED,
    PUBLIC_DOMAIN,
    RIGHTS_RESERVED,
)

TRAINING, EVALUATION, UNUSED = "training", "evaluation only", "not used"
USER_MIDI = "midi"      # the user's own MIDI folder (corpus builds with --midi-dir, fine-tunes)
NO_RESTRICTION = "no licence stated; public-domain music"


@dataclass(frozen=True)
class SourceLicence:
    collection: str
    licence: str                  # a short name: "non-commercial", "CC BY-SA 3.0", ...
    terms: str                    # the terms in a sentence, quoting the files
    encoded_by: str
    verdict: str                  # "yes", "no" or "unclear" (treated as no)
    use: str = UNUSED             # what this project does with it: TRAINING, EVALUATION or UNUSED
    files: int = 0                # audited: files the corpus reads (every music file for the others)
    pieces: int = 0               # audited: tunes or pieces in them
    file_terms: Mapping[str, int] = field(default_factory=dict)   # audited: term -> files carrying it

    @property
    def redistributable(self) -> bool:
        """Whether weights trained on it may ship as a default: only a "yes" verdict."""
        return self.verdict == "yes"


def _source(collection, licence, terms, encoded_by, verdict, use, files, pieces, file_terms) -> SourceLicence:
    return SourceLicence(collection, licence, terms, encoded_by, verdict, use, files, pieces,
                         MappingProxyType(dict(file_terms)))


_MSAC = "Michael Scott Asato Cuthbert"
_NONE = "no file states a licence or a copyright claim"

SOURCES: Mapping[str, SourceLicence] = MappingProxyType({s.collection: s for s in (
    _source("essenFolksong", "non-commercial",
            "license.txt: Ewa Dahlig-Turek \"has given permission for non-commercial distribution and use of these "
            "files in music21\"; \"The legal status of the Essen folksong database is unclear\".",
            "Helmut Schaffrath's EsAC project; ABC by Seymour Schlien", "no", TRAINING, 31, 8514,
            {NON_COMMERCIAL: 31}),
    _source("palestrina", "rights reserved",
            "every file: \"!!!YEC: Copyright 2000, John Miller\", \"!!!YEM: Rights to all derivative electronic "
            "formats reserved.\", \"This file must be accompanied by the licensing agreement.\"",
            "John Miller (Humdrum kern)", "no", TRAINING, 1318, 1318, {RIGHTS_RESERVED: 1318}),
    _source("bach", "copyright claimed, no licence",
            "the chorales the corpus reads (bwv*.mxl) credit \"PDF © 2004 Margaret Greentree\" (3: \"used by "
            "permission\") and state no licence; the folder's 3 .krn files (not read) say \"Rights to all "
            "derivative electronic formats reserved\" (CCARH).",
            "Margaret Greentree's editions (jsbchorales.net), via MuseScore and Finale", "unclear", TRAINING,
            407, 407, {CLAIMED: 361, NONE_STATED: 46}),
    _source("oneills1850", NO_RESTRICTION,
            "tunes published by Francis O'Neill in 1903; the ABC files credit their transcribers (Z: lines) and "
            + _NONE + ".", "John Chambers, Dan G. Petersen, Trish O'Neil, John B. Walsh, Bob Safranek and others",
            "yes", TRAINING, 39, 2009, {NONE_STATED: 39}),
    _source("ryansMammoth", NO_RESTRICTION,
            "Ryan's Mammoth Collection (1883); the ABC files credit their transcribers (Z: lines) and " + _NONE + ".",
            "Ray Davies, John Chambers, Bob Puckette, John B. Walsh and others", "yes", TRAINING, 1059, 1059,
            {NONE_STATED: 1059}),
    _source("airdsAirs", NO_RESTRICTION, "James Aird's Selection (1782-1803); " + _NONE + ".", "Jack Campin",
            "yes", EVALUATION, 6, 1180, {NONE_STATED: 6}),
    _source("miscFolk", NO_RESTRICTION, "colonial and Civil War American fife tunes; " + _NONE + ".", "Jack Campin",
            "yes", EVALUATION, 2, 185, {NONE_STATED: 2}),
    _source("nottingham-dataset", NO_RESTRICTION, "two tunes of the Nottingham Music Database; " + _NONE + ".",
            "Eric Foxley's database", "yes", UNUSED, 1, 2, {NONE_STATED: 1}),
    _source("josquin", "GPL-2+",
            "\"Copyright (C) 1999 Laura E. Conrad ... you can redistribute it and/or modify it under the terms of "
            "the GNU General Public License\" (version 2 or later).", "Laura E. Conrad", "unclear", UNUSED, 8, 29,
            {GPL: 8}),
    _source("leadSheet", "rights reserved (one of two)",
            "Irving Berlin's Alexander's Ragtime Band: \"All Rights Reserved\"; Stephen Foster: \"Public Domain\" "
            "(both from wikifonia.org).", "wikifonia.org users", "no", UNUSED, 2, 2,
            {PUBLIC_DOMAIN: 1, RIGHTS_RESERVED: 1}),
    _source("monteverdi", "copyright claimed (one file)",
            "96 files state no licence and claim no copyright; one madrigal's credits read \"© UT ORPHEUS 2003\".",
            "RomanText analyses by Steve Taylor, Noam D. Elkies and others; MusicXML from Finale", "unclear",
            UNUSED, 97, 97, {CLAIMED: 1, NONE_STATED: 96}),
    _source("trecento", NO_RESTRICTION, _NONE + ".", "Kelsey Cowger, Evan Lynch and others",
            "yes", UNUSED, 103, 103, {NONE_STATED: 103}),
    _source("beach", "CC BY-SA", "\"Engraving Copyright 2017 Michael Scott Cuthbert, most uses allowed for free "
            "(CC-SA-BY)\".", _MSAC, "unclear", UNUSED, 1, 1, {CC_BY_SA: 1}),
    _source("ciconia", "CC BY-SA 3.0", "\"2010 Michael Scott Cuthbert -- freely distributed under a CC-BY-SA 3.0 "
            "license\".", _MSAC, "unclear", UNUSED, 1, 1, {CC_BY_SA: 1}),
    _source("luca", "CC BY-SA 3.0", "\"2010 Michael Scott Cuthbert -- freely distributed under a CC-BY-SA 3.0 "
            "license\".", _MSAC, "unclear", UNUSED, 1, 1, {CC_BY_SA: 1}),
    _source("schumann_clara", "CC BY-SA 4.0 (four of five)", "\"Typeset by Cypressdome for IMSLP and released "
            "under the CC BY-SA 4.0 license.\"", "Cypressdome (IMSLP)", "unclear", UNUSED, 5, 5,
            {CC_BY_SA: 4, NONE_STATED: 1}),
    _source("webern", "CC BY-SA", "\"P.D. (Canada, EU), US from 2023; The edition CC-BY-SA Michael Scott "
            "Cuthbert\".", _MSAC, "unclear", UNUSED, 1, 1, {CC_BY_SA: 1}),
    _source("corelli", "CC BY", "\"© 2014, Creative Commons License (CC-BY)\".", _MSAC, "yes", UNUSED, 1, 1,
            {CC_BY: 1}),
    _source("johnson_j_r", "CC0", "\"Public Domain (Encoding by MSAC: CC0)\".", _MSAC, "yes", UNUSED, 1, 1,
            {PUBLIC_DOMAIN: 1}),
    _source("liliuokalani", "CC0", "\"Copyright 1884 by LILIUOKALANI (Now, Public Domain; Encoding by MSAC, CC0)\".",
            _MSAC, "yes", UNUSED, 1, 1, {PUBLIC_DOMAIN: 1}),
    _source("lusitano", "CC0", "\"Copyright 2022 Michael Scott Asato Cuthbert: released as CC0/Public Domain\".",
            _MSAC, "yes", UNUSED, 1, 1, {PUBLIC_DOMAIN: 1}),
    _source("weber", "public domain", "\"Copyright © 1998 by Oliver Seely\", \"Released to Public Domain in "
            "1998\".", "Oliver Seely", "yes", UNUSED, 1, 1, {PUBLIC_DOMAIN: 1}),
    *(_source(name, NO_RESTRICTION, _NONE + ".", who, "yes", UNUSED, files, files, {NONE_STATED: files})
      for name, who, files in (
          ("beethoven", "Craig Stuart Sapp (kern); MusicXML from Finale", 26),
          ("chopin", "Craig Stuart Sapp", 1), ("cpebach", "not stated", 1),
          ("demos", "music21's authors, torsten, Daniel Russo-Batterham", 13), ("handel", "not stated (MuseScore)", 1),
          ("haydn", "not stated (Finale)", 9), ("joplin", "a musescore.com user", 1),
          ("mozart", "not stated (Finale)", 16), ("schoenberg", "not stated (Finale)", 2),
          ("schubert", "Luke Poeppel", 1), ("schumann_robert", "not stated (Finale)", 7),
          ("theoryExercises", "music21's authors", 2), ("verdi", "not stated", 1))),
    _source("mma", "GPL-2+",
            "Debian's copyright file for mma: \"Files: * Copyright: 2003–2021 Bob van der Poel; License: GPL-2+\"; "
            "the groove files state no terms of their own. Read: the standard library (118 files) and the libraries "
            "Add drums also trains on (119): casio's 85 say they were converted from a Casio WK-3000's rhythms, "
            "yamaha's 14 are machine conversions of Yamaha style (.sty) files, kara's 9 are by Rony Steelandt and "
            "Kara Music Production, pflib's 9 by Peter Falk, alexis's 2 by Alexis Archambault; what terms Casio, "
            "Yamaha or Kara set on the patterns converted is not stated.",
            "Bob van der Poel; Casio and Yamaha styles converted; Peter Falk; Rony Steelandt", "unclear", TRAINING,
            237, 237, {GPL: 237}),
)})

USER_FILES = SourceLicence(USER_MIDI, "the files' own", "your own MIDI files: their terms are yours to know.",
                           "you", "unclear", TRAINING)


def source_licence(collection: str) -> SourceLicence | None:
    """The audited licence of a collection; the user's MIDI folder's own terms; None for one not audited."""
    return USER_FILES if collection == USER_MIDI else SOURCES.get(collection)


def redistributable_collections(collections) -> tuple[str, ...]:
    """Those of ``collections`` that a default shipped model may train on."""
    return tuple(c for c in collections if (s := source_licence(c)) is not None and s.redistributable)
