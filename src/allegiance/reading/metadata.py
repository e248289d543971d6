"""Infer title, date, author and outlet from a plain-text article.

The rule here is "never guess": a field is filled only from an explicit
signal (a dateline in the header, a byline, a "Follow X on Twitter" line, an
outlet's own signature such as "told Breitbart News"). Null is better than
wrong, because every later stage trusts these values.
"""

from __future__ import annotations

import datetime as dt
import re

from allegiance.parsing.temporal import month_number
from allegiance.reading.clean import Cleaned, is_name_line
from allegiance.reading.outlets import Outlets, default_outlets
from allegiance.records import Metadata

_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]{3,9})\.?,? (\d{4})\b")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
#: Words that make a name-shaped byline line an organisation, not a writer.
_NOT_PERSON = re.compile(
    r"\b(?:bureau|desk|staff|news|journal|times|post|press|herald|tribune|daily|weekly|editorial|board|"
    r"reporters?|correspondents?|team|service|network|media|agency|magazine|consciousness|report)\b",
    re.I,
)
_TOLD = re.compile(r"\b(?:told|speaking to) (?P<outlet>(?:the )?[A-Z][\w.!-]*(?: [A-Z][\w.!-]*){0,3})")
_EXCLUSIVE = re.compile(r"\bexclusive\b", re.I)
_SPLIT_OUTLETS = re.compile(r"\s*(?:,|\band\b|&)\s*")
#: Publication years believed. Outside them a "date" is a typo or a placeholder ("0001-01-01",
#: "9999-12-31"), and relative dates resolved against it would run off the calendar.
YEARS = range(1800, 2200)


def parse_date(value: object) -> dt.date | None:
    """Parse a date written as ISO, "27 January 2019" or "January 27, 2019"; None if it is not one
    or falls outside the believable publication years."""
    day = _parse_date(value)
    return day if day is not None and day.year in YEARS else None


def _parse_date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        pass
    for pattern, order in ((_ISO, "ymd"), (_MDY, "mdy"), (_DMY, "dmy")):
        m = pattern.search(s)
        if not m:
            continue
        parts = dict(zip(order, m.groups()))
        month = parts["m"]
        month_num = int(month) if month.isdigit() else month_number(month)
        if not month_num:
            continue
        try:
            return dt.date(int(parts["y"]), month_num, int(parts["d"]))
        except ValueError:
            continue
    return None


def infer(cleaned: Cleaned, outlets: Outlets | None = None, is_person=None) -> Metadata:
    """Metadata that the text itself states.

    ``is_person`` is an optional check (e.g. a named-entity tagger) applied to
    name-shaped byline lines, which are otherwise easy to confuse with desk names.
    """
    outlets = outlets or default_outlets()
    meta = Metadata()
    meta.title = cleaned.title
    header = cleaned.removed[: cleaned.header_lines]
    for r in header:
        if r.role == "dateline" and meta.published is None:
            meta.published = parse_date(r.line)
    meta.author = _author(cleaned, is_person)
    meta.outlet = _outlet(cleaned, outlets)
    return meta


def _author(cleaned: Cleaned, is_person) -> str | None:
    for r in cleaned.removed[: cleaned.header_lines]:
        if r.role != "byline":
            continue
        name = r.groups.get("author") or (r.line if is_name_line(r.line) else None)
        if name and not _NOT_PERSON.search(name) and (is_person is None or is_person(name)):
            return name.strip()
    for r in cleaned.removed:
        name = r.groups.get("author") if r.role == "social" else None
        if name and not _NOT_PERSON.search(name) and (is_person is None or is_person(name)):
            return name.strip()
    return None


def _outlet(cleaned: Cleaned, outlets: Outlets) -> str | None:
    """The publisher, from the strongest explicit signature the text has.

    A wire service named alone as contributor is not the publisher (Fox News
    runs "The Associated Press contributed to this report"), and "told X" is
    only a self-reference in an exclusive, where outlets name themselves.
    """
    for r in reversed(cleaned.removed):
        if r.role == "outlet" and r.groups.get("outlet"):
            for part in reversed(_SPLIT_OUTLETS.split(r.groups["outlet"])):
                found = outlets.find_prefix(re.split(r"['’]s?\b", part)[0])
                if found and not found.wire:
                    return found.name
    masthead = next((r.line for r in cleaned.removed[: cleaned.header_lines] if r.role == "masthead"), None)
    if masthead:
        return outlets.find(masthead).name
    lead = cleaned.text[:600]
    if _EXCLUSIVE.search(lead):
        for m in _TOLD.finditer(lead):
            found = outlets.find_prefix(m.group("outlet"))
            if found and not found.wire:
                return found.name
    return None
