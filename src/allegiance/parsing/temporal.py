"""Resolve the time expressions of a sentence against the article's publication date.

News writes dates relative to the day it is published ("Tuesday", "last
week", "Jan. 26", "earlier this month"). Each resolved date carries its
precision: day, month or year. Without a publication date only absolute
expressions ("January 26, 2019", "in 2014") can be resolved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

#: The one month table of the project: reading (datelines, metadata) and parsing use it.
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
#: Each month's first three letters, and the longer abbreviations the press also writes.
_MONTH_ABBR = {m[:3]: i for m, i in _MONTHS.items()} | {"sept": 9}
#: A regular-expression alternation (no group) of every month name and abbreviation, longest first
#: within a month, so "September" is never read as "Sep" followed by "tember".
MONTH_PATTERN = "|".join(
    form for i in _MONTHS.values()
    for form in sorted({f for f, n in [*_MONTHS.items(), *_MONTH_ABBR.items()] if n == i}, key=len, reverse=True))
_WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH_RE = rf"({MONTH_PATTERN})\.?"


@dataclass(frozen=True)
class Resolved:
    date: str  # YYYY-MM-DD, YYYY-MM or YYYY
    precision: str  # day, month, year


def month_number(word: str) -> int | None:
    """1-12 for a month's name or abbreviation (any case, a final dot allowed), else None."""
    w = word.lower().rstrip(".")
    return _MONTHS.get(w) or _MONTH_ABBR.get(w[:4] if w.startswith("sept") else w[:3])


def _day(d: dt.date) -> Resolved:
    return Resolved(d.isoformat(), "day")


def _ym(y: int, m: int) -> Resolved:
    return Resolved(f"{y:04d}-{m:02d}", "month")


def _nearest_year(month: int, day: int | None, pub: dt.date | None) -> int | None:
    """A month (and day) without a year: the latest such date not long after publication."""
    if pub is None:
        return None
    year = pub.year
    candidate = dt.date(year, month, min(day or 1, 28))
    if candidate > pub + dt.timedelta(days=31):  # "Dec. 20" in a January article is last year
        year -= 1
    return year


def resolve(text: str, published: dt.date | None) -> Resolved | None:
    """The date a time expression refers to, or None if it names no date."""
    t = text.lower().strip()
    if not t:
        return None
    m = re.search(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", t)
    if m:
        return _safe_day(int(m.group(3)), month_number(m.group(1)), int(m.group(2)))
    m = re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE},?\s+(\d{{4}})\b", t)
    if m:
        return _safe_day(int(m.group(3)), month_number(m.group(2)), int(m.group(1)))
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", t)
    if m:
        return _safe_day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.search(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d{{4}})", t) or re.search(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE}\b", t)
    if m:
        groups = m.groups()
        month_word, day = (groups[0], int(groups[1])) if not groups[0].isdigit() else (groups[1], int(groups[0]))
        month = month_number(month_word)
        year = _nearest_year(month, day, published) if month else None
        return _safe_day(year, month, day) if year else None
    m = re.search(rf"\b{_MONTH_RE}\s+(?:of\s+)?(\d{{4}})\b", t)
    if m:
        return _ym(int(m.group(2)), month_number(m.group(1)))
    m = re.search(r"\b(?:in|since|of|during|until|by|from)?\s*((?:19|20)\d{2})\b", t)
    if m and not re.search(r"\d{4}s\b", t):
        return Resolved(m.group(1), "year")
    if published is None:
        return None
    for name, wd in _WEEKDAYS.items():
        if re.search(rf"\b{name}\b", t):
            back = (published.weekday() - wd) % 7
            if "last" in t and back == 0:
                back = 7
            return _day(published - dt.timedelta(days=back))
    if re.search(r"\b(today|tonight|this morning|this afternoon|this evening)\b", t):
        return _day(published)
    if re.search(r"\byesterday\b", t):
        return _day(published - dt.timedelta(days=1))
    if re.search(r"\b(this|earlier this|later this|last|past)\s+week\b|\bdays ago\b|\brecent days\b", t):
        return _ym(published.year, published.month)
    if re.search(r"\b(this|earlier this|later this)\s+month\b", t):
        return _ym(published.year, published.month)
    if re.search(r"\blast month\b", t):
        prev = published.replace(day=1) - dt.timedelta(days=1)
        return _ym(prev.year, prev.month)
    if re.search(r"\b(this|earlier this|later this)\s+year\b", t):
        return Resolved(str(published.year), "year")
    if re.search(r"\blast year\b", t):
        return Resolved(str(published.year - 1), "year")
    m = re.search(rf"\b{_MONTH_RE}\b", t)
    if m and t not in ("may",):
        month = month_number(m.group(1))
        year = _nearest_year(month, None, published)
        return _ym(year, month) if year else None
    return None


def _safe_day(year: int | None, month: int | None, day: int) -> Resolved | None:
    if not year or not month:
        return None
    try:
        return _day(dt.date(year, month, day))
    except ValueError:
        return None


def as_date(value) -> dt.date | None:
    """A date from a date, or from an ISO string (extra characters after the day ignored)."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def reference_date(published, expressions) -> dt.date | None:
    """The day an article speaks from, for knowing who held an office: its publication date, else the
    latest date it names with a year ("January 23, 2019", "in July 2017", "in 2013": the 15th of a
    month, the 1st of July of a year), never after today. Only for such lookups: relative dates
    ("Tuesday") are still resolved against the publication date alone, so none is made up."""
    day = as_date(published)
    if day is not None:
        return day
    latest = None
    for text in expressions:
        r = resolve(text, None)
        if r is None:
            continue
        parts = [int(p) for p in r.date.split("-")]
        candidate = dt.date(parts[0], parts[1], parts[2]) if len(parts) == 3 else (
            dt.date(parts[0], parts[1], 15) if len(parts) == 2 else dt.date(parts[0], 7, 1))
        if candidate <= dt.date.today() and (latest is None or candidate > latest):
            latest = candidate
    return latest
