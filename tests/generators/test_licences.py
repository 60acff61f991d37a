"""The licence audit: each collection's recorded counts and verdict match what its installed files say,
the terms are read from each format's rights lines, and a model's licence follows from what trained it
(registry, config and card)."""

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from hostile_models import MODELS

from musicstudio.generators.codecs import EventCodec
from musicstudio.generators.corpus_sources import DEFAULT_COLLECTIONS, LICENCES, REDISTRIBUTABLE_COLLECTIONS
from musicstudio.generators.licence_audit import audit_mma, audit_music21, encoder_name
from musicstudio.generators.licence_docs import corpus_section
from musicstudio.generators.licence_terms import (
    CC_BY_SA,
    CLAIMED,
    GPL,
    NONE_STATED,
    PUBLIC_DOMAIN,
    RIGHTS_RESERVED,
    classify,
    verdict_for,
)
from musicstudio.generators.licences import NON_COMMERCIAL, OWN_DATA, REDISTRIBUTABLE, UNKNOWN, model_licence
from musicstudio.generators.registry import model_info
from musicstudio.generators.source_licences import SOURCES, TRAINING, source_licence
from musicstudio.generators.training.data import DataConfig
from musicstudio.generators.training.outputs import ModelFolder, write_card

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def audits():
    return audit_music21()      # every file of music21's corpus, about 3 s


def test_every_collection_is_audited_and_its_verdict_follows_from_its_files(audits):
    assert set(audits) <= set(SOURCES), f"collections nobody audited: {set(audits) - set(SOURCES)}"
    assert set(SOURCES) - set(audits) == {"mma"}      # the one source that is not part of music21
    for name, audit in audits.items():
        source = SOURCES[name]
        assert (audit.files, audit.pieces, dict(audit.terms)) == \
               (source.files, source.pieces, dict(source.file_terms)), name
        assert source.verdict == verdict_for(audit.terms), name
        assert source.redistributable == (verdict_for(audit.terms) == "yes"), name


def test_essen_and_palestrina_may_not_ship_and_the_folk_tune_books_may(audits):
    essen, palestrina = audits["essenFolksong"], audits["palestrina"]
    assert "non-commercial distribution and use of these files in music21" in " ".join(essen.licence_file.split())
    assert essen.pieces == 8514 and dict(essen.terms) == {"non-commercial": 31}
    assert palestrina.rights["YEM: Rights to all derivative electronic formats reserved."] == 1318
    assert not LICENCES["essenFolksong"].redistributable and not LICENCES["palestrina"].redistributable
    assert not LICENCES["bach"].redistributable        # a named copyright claim, no terms: unclear
    assert audits["bach"].rights["PDF © 2004 Margaret Greentree"] == 335
    assert audits["bach"].not_read[RIGHTS_RESERVED] == 3   # the CCARH .krn copies the corpus leaves out
    assert sorted(REDISTRIBUTABLE_COLLECTIONS) == ["oneills1850", "ryansMammoth"]
    # what the corpus build reads, and mma's grooves, which the drums model trains on
    assert {s.collection for s in SOURCES.values() if s.use == TRAINING} == set(DEFAULT_COLLECTIONS) | {"mma"}
    assert SOURCES["airdsAirs"].use == SOURCES["miscFolk"].use == "evaluation only"


@pytest.mark.parametrize("lines, term", [
    (["YEC: Copyright 2000, John Miller", "YEM: Rights to all derivative electronic formats reserved."],
     RIGHTS_RESERVED),
    (["Copyright 1884 by LILIUOKALANI (Now, Public Domain; Encoding by MSAC, CC0)"], PUBLIC_DOMAIN),
    (["Engraving Copyright 2017 Michael Scott Cuthbert, most uses allowed for free (CC-SA-BY)."], CC_BY_SA),
    (["PDF © 2004 Margaret Greentree"], CLAIMED),
    (["Copyright ©", "©"], NONE_STATED),        # a notation program's blank template claims nothing
    (["   under the terms of the GNU General Public License as published by"], GPL),
    ([], NONE_STATED),
])
def test_a_files_terms_are_the_most_restrictive_its_rights_lines_state(lines, term):
    assert classify(lines) == term


def test_a_collection_is_as_restricted_as_its_worst_file():
    assert verdict_for({NONE_STATED: 96, CLAIMED: 1}) == "unclear"
    assert verdict_for({PUBLIC_DOMAIN: 1, RIGHTS_RESERVED: 1}) == "no"
    assert verdict_for({NONE_STATED: 39}) == "yes"
    assert verdict_for({}) == "unclear"


def test_transcriber_credits_become_names():
    assert encoder_name('"Transcribed by Norbert Paap, norbertp@bdu.uva.nl"') == "Norbert Paap"
    assert encoder_name("1999 by John Chambers <jc@trillian.mit.edu>") == "John Chambers"
    assert encoder_name("Jack Campin * www.campin.me.uk * 2004") == "Jack Campin"
    assert encoder_name("abc 1.6") == ""
    assert encoder_name("I guess the Ps and Fs in the 2nd part are 'piano' and 'forte' ?") == ""


def test_an_mma_groove_library_takes_the_packages_licence(tmp_path):
    grooves = tmp_path / "mma" / "lib" / "stdlib"
    grooves.mkdir(parents=True)
    (grooves / "rock.mma").write_text("// rock\nAuthor Bob van der Poel\nTime 4\n")
    (grooves / "waltz.mma").write_text("// waltz\nAuthor Someone Else\nTime 3\n")
    copyright_file = tmp_path / "copyright"
    copyright_file.write_text("Files: *\nCopyright: 2003-2021 Bob van der Poel\nLicense: GPL-2+\n")
    audit = audit_mma(tmp_path / "mma", copyright_file)
    assert (audit.files, dict(audit.terms)) == (2, {GPL: 2})
    assert audit.encoders == {"Bob van der Poel": 1, "Someone Else": 1}
    assert verdict_for(audit.terms) == SOURCES["mma"].verdict == "unclear"


def test_a_models_licence_follows_from_its_collections():
    free = model_licence({"data": {"collections": ["ryansMammoth", "oneills1850"]}})
    assert (free.name, free.collections, free.restricted) == (REDISTRIBUTABLE, ("oneills1850", "ryansMammoth"), ())
    assert free.line == "redistributable: trained on oneills1850, ryansMammoth"
    essen = model_licence({"data": {"collections": ["essenFolksong", "oneills1850"]}})
    assert (essen.name, essen.restricted) == (NON_COMMERCIAL, ("essenFolksong",))
    assert essen.line == "non-commercial: trained on essenFolksong (non-commercial); also on oneills1850"
    every = model_licence({"data": {"collections": None}})   # null: the corpus build's default collections
    assert every.collections == tuple(sorted(DEFAULT_COLLECTIONS))
    assert every.restricted == ("bach", "essenFolksong", "palestrina")
    listed = model_licence({"trained_on": ["ryansMammoth"], "data": {"collections": None}})
    assert listed.name == REDISTRIBUTABLE and listed.collections == ("ryansMammoth",)
    tuned = model_licence({"data": {"collections": ["oneills1850"], "fine_tune": "/home/me/midi"}})
    assert tuned.name == REDISTRIBUTABLE and tuned.collections == ("oneills1850", "midi")
    assert "your MIDI files (their own terms apply)" in tuned.line
    assert model_licence({"data": {"collections": ["midi"]}}).name == OWN_DATA
    assert model_licence({"data": {"collections": ["someone-elses"]}}).name == UNKNOWN
    assert model_licence({}).line == "unknown: its config does not say what it was trained on"


def test_the_registry_lists_each_models_licence(tmp_path):
    for name, collections in (("free", ["oneills1850", "ryansMammoth"]), ("essen", ["essenFolksong"])):
        folder = tmp_path / name
        shutil.copytree(MODELS / "lstm-notes", folder)
        config = json.loads((folder / "config.json").read_text())
        (folder / "config.json").write_text(json.dumps({**config, "name": name, "trained_on": collections,
                                                        "data": {**config["data"], "collections": collections}}))
    free, essen = model_info(tmp_path / "free"), model_info(tmp_path / "essen")
    assert free.licence.name == REDISTRIBUTABLE and free.collections == ("oneills1850", "ryansMammoth")
    assert essen.licence.name == NON_COMMERCIAL and essen.licence.restricted == ("essenFolksong",)
    assert model_info(MODELS / "lstm-nc").licence.name == NON_COMMERCIAL   # the earlier lstm, trained on Essen
    shipped = model_info(MODELS / "lstm")      # the default lstm: O'Neill's and Ryan's only (issue 17)
    assert shipped.licence.name == REDISTRIBUTABLE and shipped.licence.collections == ("oneills1850", "ryansMammoth")


def test_training_records_its_collections_and_the_card_its_licence(tmp_path, tiny_corpus):
    run = SimpleNamespace(out=tmp_path, name="tiny", data=DataConfig(), corpus=tiny_corpus)
    ModelFolder(run, "lstm", EventCodec()).write_config({"hidden": 8})
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["trained_on"] == ["essenFolksong"] and config["data"]["collections"] is None
    assert model_licence(config).restricted == ("essenFolksong",)
    card = write_card(tmp_path, name="tiny", backend="lstm", summary="A tiny model.", command="musicstudio train",
                      data=run.data, hashes={}, corpus=tiny_corpus, epochs=1, seconds=1.0, device="cpu",
                      metrics={}, parameters=None, config=config).read_text()
    section = card.split("## Licence\n", 1)[1].split("\n## ", 1)[0]
    assert "**non-commercial: trained on essenFolksong (non-commercial).**" in section
    assert "| essenFolksong | non-commercial | license.txt: Ewa Dahlig-Turek" in section
    assert section.rstrip().endswith("| no |")


def test_every_shipped_card_has_the_licence_section_the_writer_writes():
    from musicstudio.generators.licences import licence_section, trained_collections

    for card in sorted(MODELS.glob("*/card.md")):
        config = json.loads((card.parent / "config.json").read_text())
        expected = "\n".join(licence_section(trained_collections(config))[:-1])
        assert f"\n\n{expected}\n\n## Metrics\n" in card.read_text("utf-8"), card.parent.name


def test_the_docs_show_every_verdict():
    licences, corpus = (DOCS / "licences.md").read_text("utf-8"), (DOCS / "corpus.md").read_text("utf-8")
    for source in SOURCES.values():
        row = next(line for line in licences.splitlines() if line.startswith(f"| {source.collection} |"))
        assert row.endswith(" |") and ("**yes**" in row) == source.redistributable, row
    assert corpus.endswith("\n".join(corpus_section(["bach", "essenFolksong", "oneills1850", "palestrina",
                                                     "ryansMammoth"])))
    assert source_licence("midi").licence == "the files' own"


def test_a_model_trained_on_gpl_data_only_is_copyleft_and_mixed_with_non_commercial_data_non_commercial():
    from musicstudio.generators.licences import COPYLEFT

    gpl = model_licence({"trained_on": ["mma"]})
    assert (gpl.name, gpl.restricted) == (COPYLEFT, ("mma",))
    assert gpl.line == "copyleft: trained on mma (GPL-2+); its weights may be shared only under the same licence"
    assert model_licence({"trained_on": ["mma", "oneills1850"]}).name == COPYLEFT
    assert model_licence({"trained_on": ["mma", "essenFolksong"]}).name == NON_COMMERCIAL
    assert model_info(MODELS / "drums").licence.name == COPYLEFT
