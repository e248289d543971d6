"""Type and sector properties come from the data files, and a key the loader does not know is an error."""

from __future__ import annotations

import pytest

from allegiance.extraction.events.lexicon import Lexicon
from allegiance.ontology import (
    SECTORS_FILE,
    TYPES_FILE,
    OntologyError,
    load_sectors,
    load_types,
    ontology,
)


def test_the_flags_the_analysis_needs():
    onto = ontology()
    assert set(onto.type_names(coup=True)) == {"COUP_ATTEMPT", "COUP_PLOT", "SELF_COUP"}
    assert {t: onto.types[t].allegiance for t in onto.allegiance_types()} == {
        "RECOGNIZE": 1, "PLEDGE_LOYALTY": 1, "DEFECT": -1}
    assert onto.sectors["MIL"].group == "military and security" and onto.sectors["OPP"].camp == "opposition"


def test_extraction_still_reads_the_types_file():
    assert "DEFECT" in Lexicon.load().types


@pytest.mark.parametrize("source, loader, bad", [
    (TYPES_FILE, load_types, "  colour: '#000'\n  colur: '#000'\n"),
    (SECTORS_FILE, load_sectors, "  camps: [x]\n"),
])
def test_an_unknown_key_names_the_file_and_the_key(tmp_path, source, loader, bad):
    text = source.read_text(encoding="utf-8")
    path = tmp_path / source.name
    if loader is load_types:
        path.write_text(text + "EXTRA:\n  plover: X\n" + bad, encoding="utf-8")
        key = "colur"
    else:
        path.write_text(text.replace("precedence:\n", "precedence:\n" + bad), encoding="utf-8")
        key = "camps"
    with pytest.raises(OntologyError, match=rf"{path.name}.*{key}"):
        loader(path)
