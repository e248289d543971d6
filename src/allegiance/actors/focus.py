"""Where and when an article speaks from: its main country and its reference day.

A generic group ("the opposition", "protesters") belongs to the country the
text is about unless it says otherwise, and a title ("the foreign minister")
names whoever held it on the day the article speaks from. Every stage that
needs either asks here, so they all agree on what an article is about.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping

from spacy.tokens import Doc, Span

from allegiance.actors.coreference import ArticleState, sentences_back
from allegiance.actors.references import Mention
from allegiance.parsing.temporal import reference_date


def main_country(countries: Iterable[str] | Mapping[str, float]) -> str | None:
    """The country most counted (a country per actor, or counts by country); the first seen on a tie.
    The focus of an article, of a corpus and of a contest are all this count over different actors."""
    top = Counter(countries).most_common(1)
    return top[0][0] if top else None


def focus_country(mentions: list[Mention], doc: Doc) -> str | None:
    """The article's main country: the one its actors most often belong to, with the country its
    headline and lead name, and the places things happen in ("in Venezuela"), counting more: an
    American outlet's story about Venezuela names more Americans than Venezuelans."""
    return weighted_focus(doc, ((m.token_start, m.ref.country, m.ref.kind) for m in mentions
                                if m.ref.country and not m.ref.provisional))


def weighted_focus(doc: Doc, found: Iterable[tuple[int, str, str]]) -> str | None:
    """The most weighted country of (token, country, kind) triples: see `focus_country`."""
    lead_end = next((s.end for i, s in enumerate(doc.sents) if i == 1), len(doc))
    counts: Counter = Counter()
    for start, country, kind in found:
        in_place = kind == "state" and start > 0 and doc[start - 1].lower_ in ("in", "inside")
        counts[country] += 1 + 2 * (start < lead_end) + in_place
    return main_country(counts)


def recent_country(span: Span, state: ArticleState) -> str | None:
    """The country last named as a place ("in Venezuela") or an owner ("Venezuela's president") in this
    sentence or the one before: where a generic group ("the opposition", "protesters") belongs when the
    text names no nationality for it. A country named as an actor ("the US urged the opposition")
    is not where the group is."""
    doc = span.doc
    start = sentences_back(doc, span.start, 1)

    def placed(m: Mention) -> bool:
        root = doc[m.token_start:m.token_end].root
        return root.dep_ == "poss" or (root.dep_ == "pobj" and root.head.lower_ in ("in", "inside", "across", "throughout"))

    named = [m for m in state.mentions if m.ref.kind == "state" and start <= m.token_start < span.start and placed(m)]
    return max(named, key=lambda m: m.token_start).ref.country if named else None


def article_day(doc: Doc) -> dt.date | None:
    """The day the article speaks from (see `temporal.reference_date`), from its publication date or
    the dates it names."""
    return reference_date(doc._.published, (e.text for e in doc.ents if e.label_ == "DATE"))
