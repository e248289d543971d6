"""What the extraction stages know about the one article they are reading.

Built once per article, after the parse and the actor resolver, and handed to every stage (quotes,
events, labels) instead of each stage recomputing it from the Doc or keeping it on itself between
calls: an extractor lives for a whole run, so anything it kept from one article would leak into the
next. The quotations are the one thing a stage adds: the quotes stage finds them, and
:meth:`ArticleContext.with_quotes` hands the stages after it a context that has them, so the order
the stages must run in is written in the code that runs them.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from spacy.attrs import IDX
from spacy.tokens import Doc, Span

from allegiance.actors.focus import focus_country
from allegiance.actors.references import ActorRef, Mention, mentions_by_token
from allegiance.extraction.quotes import Quote
from allegiance.parsing.nlp import text_of
from allegiance.parsing.temporal import as_date, reference_date


@dataclass(frozen=True)
class ArticleContext:
    doc: Doc
    doc_id: str
    outlet: str | None
    #: the article's date, when it has one
    published: dt.date | None
    #: the day the article speaks from, even when it carries no date: who held an office then
    reference: dt.date | None
    #: every actor mention the resolver found, in text order
    mentions: list[Mention]
    #: each token's mention (the first one that covers it)
    by_token: dict[int, Mention]
    #: the mentions of `by_token`, each once: a mention overlapped by an earlier one is left out
    covering: list[Mention]
    sentences: list[Span]
    #: the article's main country (see `actors.focus.focus_country`)
    focus: str | None
    #: the quotations, once the quotes stage has found them
    quotes: tuple[Quote, ...] | None = None
    #: the Doc's named entities, in text order, and where each starts (for `ents_in`)
    entities: tuple[Span, ...] = field(default=(), repr=False)
    entity_starts: tuple[int, ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, doc: Doc) -> ArticleContext:
        """The context of a parsed Doc whose actor mentions are resolved."""
        at = mentions_by_token(doc)
        covering = list({id(m): m for m in at.values()}.values())
        published = as_date(doc._.published)
        entities = tuple(doc.ents)
        return cls(
            doc=doc, doc_id=doc._.doc_id, outlet=doc._.outlet, published=published,
            reference=reference_date(published, (e.text for e in entities if e.label_ == "DATE")),
            mentions=list(doc._.actor_mentions or []), by_token=at, covering=covering,
            sentences=list(doc.sents), focus=focus_country(covering, doc),
            entities=entities, entity_starts=tuple(e.start for e in entities))

    @property
    def text(self) -> str:
        return text_of(self.doc)

    def ents_in(self, span: Span) -> list[Span]:
        """The entities that lie wholly inside `span` (a sentence), as spaCy's ``span.ents`` gives them.
        ``span.ents`` rebuilds every entity of the Doc on each call, so reading it once per sentence made
        extraction time grow with the square of the article's length; this finds them by bisection."""
        out = []
        for i in range(bisect_left(self.entity_starts, span.start), len(self.entities)):
            if self.entities[i].end > span.end:
                break
            out.append(self.entities[i])
        return out

    def with_quotes(self, quotes: list[Quote]) -> ArticleContext:
        return replace(self, quotes=tuple(quotes))

    def direct_quotes(self) -> list[Quote]:
        """The quotations in marks or dashes; the stages after the quotes stage read who speaks in them."""
        return list(self._direct)

    @cached_property
    def _direct(self) -> tuple[Quote, ...]:
        # asked for per token and per mention by the later stages: filtered once per context
        if self.quotes is None:
            raise ValueError("the quotes stage must run before the stages that read quotations")
        return tuple(q for q in self.quotes if q.kind == "direct")

    @cached_property
    def quoted_tokens(self) -> frozenset[int]:
        """The indices of the tokens that start inside a direct quotation: found once per article by
        bisection, where a test of every token against every quotation grew with their product."""
        starts = self.doc.to_array(IDX)
        return frozenset(i for q in self._direct
                         for i in range(*np.searchsorted(starts, [q.start, q.end], side="left").tolist()))

    def quote_at(self, char: int) -> Quote | None:
        """The direct quotation a character offset falls in, if any."""
        return next((q for q in self._direct if q.start <= char < q.end), None)

    def speaker_at(self, char: int) -> ActorRef | None:
        q = self.quote_at(char)
        return q.speaker if q else None
