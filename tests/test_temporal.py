"""Relative dates resolved against the publication date, with their precision."""

import datetime as dt

from allegiance.parsing.temporal import Resolved, resolve

PUB = dt.date(2019, 1, 27)  # a Sunday


def test_weekdays_and_relative_days():
    assert resolve("Tuesday", PUB) == Resolved("2019-01-22", "day")
    assert resolve("Sunday", PUB) == Resolved("2019-01-27", "day")
    assert resolve("yesterday", PUB) == Resolved("2019-01-26", "day")
    assert resolve("last week", PUB) == Resolved("2019-01", "month")
    assert resolve("earlier this month", PUB) == Resolved("2019-01", "month")
    assert resolve("last month", PUB) == Resolved("2018-12", "month")
    assert resolve("last year", PUB) == Resolved("2018", "year")


def test_calendar_dates():
    assert resolve("Jan. 26", PUB) == Resolved("2019-01-26", "day")
    assert resolve("Dec. 20", PUB) == Resolved("2018-12-20", "day")  # December before a January article
    assert resolve("January 26, 2019", None) == Resolved("2019-01-26", "day")
    assert resolve("13 April, 2007", None) == Resolved("2007-04-13", "day")
    assert resolve("May 2018", PUB) == Resolved("2018-05", "month")
    assert resolve("since 2014", PUB) == Resolved("2014", "year")
    assert resolve("August", PUB) == Resolved("2018-08", "month")


def test_no_date():
    assert resolve("the 1990s", PUB) is None
    assert resolve("Tuesday", None) is None
    assert resolve("several days", PUB) is None


def test_reference_date_for_an_undated_article():
    import datetime as dt

    from allegiance.parsing.temporal import reference_date

    assert reference_date("2019-01-27", ["May 3, 2020"]) == dt.date(2019, 1, 27)  # a publication date wins
    assert reference_date(None, ["Tuesday", "January 23, 2019", "in 2017", "July 2018"]) == dt.date(2019, 1, 23)
    assert reference_date(None, ["in 2013"]) == dt.date(2013, 7, 1)
    assert reference_date(None, ["Tuesday", "last week"]) is None  # nothing absolute: no guess
    assert reference_date(None, ["in 2999"]) is None  # never after today
