"""Metadata inference: explicit signals only; null is better than wrong."""

from __future__ import annotations

import datetime as dt

from allegiance.parsing.nlp import looks_like_person
from allegiance.reading.clean import clean
from allegiance.reading.metadata import infer, parse_date


def test_seed_titles_authors_and_dates(seeds, seed_gold):
    for path in sorted(seeds.glob("*.txt")):
        meta = infer(clean(path.read_text(encoding="utf-8")), is_person=looks_like_person)
        gold = seed_gold[path.stem]
        assert meta.title == gold["title"], path.name
        assert meta.author == gold["author"], path.name
        assert meta.published in (None, dt.date.fromisoformat(gold["published"])), path.name
        assert meta.outlet in (None, gold["outlet"]), path.name


def test_outlet_signatures(seeds):
    by_name = {p.stem: infer(clean(p.read_text(encoding="utf-8"))).outlet for p in seeds.glob("*.txt")}
    assert by_name["000_0e5645d6e850228e"] == "Breitbart News"  # "told Breitbart News" in an exclusive
    assert by_name["004_dd666ddaa317e735"] == "The Epoch Times"  # "Reuters and Epoch Times staff contributed"
    assert by_name["002_b3e21ba628e36f15"] == "The Independent"  # "follow other Independent readers"


def test_wire_contributor_alone_is_not_the_publisher():
    raw = "Senate Votes On Aid Bill\n\nThe Senate voted on the aid bill on Thursday after a long debate over the terms.\n\nThe Associated Press contributed to this report.\n"
    assert infer(clean(raw)).outlet is None


def test_told_outlet_outside_an_exclusive_is_not_a_signature():
    raw = "Minister Speaks Out\n\nThe minister told Fox News on Sunday that the talks had failed and that sanctions would follow soon.\n"
    assert infer(clean(raw)).outlet is None


def test_desk_names_are_not_authors():
    raw = "Budget Fight Looms\n\nAlbany Bureau\n\nLawmakers returned to the capital on Monday to begin a long fight over the budget.\n"
    assert infer(clean(raw), is_person=looks_like_person).author is None


def test_parse_date_forms():
    assert parse_date("2019-05-02") == dt.date(2019, 5, 2)
    assert parse_date("2019-05-02T10:00:00Z") == dt.date(2019, 5, 2)
    assert parse_date("Friday 08 February 2019 18:38 GMT") == dt.date(2019, 2, 8)
    assert parse_date("Jan. 27, 2019") == dt.date(2019, 1, 27)
    assert parse_date("not a date") is None and parse_date(None) is None
    assert parse_date("February 30, 2019") is None
