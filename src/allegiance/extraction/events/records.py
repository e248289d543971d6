"""The event record the events stage hands on, and how records of one sentence are made and thinned."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from allegiance.actors.references import ActorRef
from allegiance.extraction.context import ArticleContext
from allegiance.extraction.events.actors import Reading
from allegiance.extraction.events.lexicon import Trigger, TypeSpec
from allegiance.parsing.temporal import Resolved


@dataclass
class Event:
    doc_id: str
    event_id: str
    type: str
    plover: dict
    source: ActorRef | None
    target: ActorRef | None
    status: str
    attributed_to: ActorRef | None
    date: str | None
    date_precision: str | None
    location: str | None
    location_country: str | None
    sentence: str
    start: int
    end: int
    outlet: str | None
    confidence: float
    trigger: str
    trigger_start: int = 0
    extra: dict = field(default_factory=dict)
    #: planned on an explicit condition ("if"/"unless"): a threat, whatever a model says of its status
    conditional: bool = False
    #: the PLOVER event of the act itself, before its status recodes it (``coding.plover_by_status``)
    plover_act: str | None = None


def record(ctx: ArticleContext, sent: Span, span: Span, etype: str, spec: TypeSpec, plover: str | None,
           mode: str | None, s: ActorRef | None, t: ActorRef | None, status: str, attributed: ActorRef | None,
           when: Resolved | None, where: tuple[str | None, str | None], conf: float, conditional: bool = False,
           plover_act: str | None = None) -> Event:
    """One event, with an id that stays the same as long as its sentence, trigger, type and actors do."""
    eid = hashlib.blake2b(
        f"{ctx.doc_id}|{sent.start_char}|{span.start_char}|{etype}|{s and s.id}|{t and t.id}".encode(), digest_size=8
    ).hexdigest()
    text = sent.text.rstrip()
    return Event(
        doc_id=ctx.doc_id, event_id=eid, type=etype,
        plover={"event": plover or spec.plover, "mode": mode or spec.mode, "context": spec.context},
        source=s, target=t, status=status, attributed_to=attributed,
        date=when.date if when else None, date_precision=when.precision if when else None,
        location=where[0], location_country=where[1],
        sentence=text, start=sent.start_char, end=sent.start_char + len(text), outlet=ctx.outlet,
        confidence=round(min(1.0, conf), 2), trigger=span.text, trigger_start=span.start_char,
        conditional=conditional, plover_act=plover_act or spec.plover,
    )


def most_informative(events: Iterable[Event]) -> list[Event]:
    """Drop an event that another of the same type (and PLOVER event) in the same sentence says more
    fully: "Venezuela -> ?" beside "Venezuela -> Lopez", "? -> Maduro" beside "Guaidó -> Maduro", "? -> ?"
    beside any. Praise of a deal (AGREE coded SUPPORT) is not said more fully by the deal itself."""
    events = list(events)

    def kind(e: Event) -> tuple:
        return e.start, e.type, e.plover.get("event")

    known = {(*kind(e), "s", e.source.id) for e in events if e.source and e.target}
    known |= {(*kind(e), "t", e.target.id) for e in events if e.source and e.target}
    named = {kind(e) for e in events if e.source or e.target}
    return [e for e in events if not (
        (e.source is None and e.target is not None and (*kind(e), "t", e.target.id) in known)
        or (e.target is None and e.source is not None and (*kind(e), "s", e.source.id) in known)
        or (e.source is None and e.target is None and kind(e) in named))]


@dataclass
class Candidate:
    """One trigger on its way to events: what the stages have read of it so far. Made per trigger and
    passed from stage to stage, so nothing about one trigger outlives it."""

    sent: Span
    span: Span
    trig: Trigger
    spec: TypeSpec
    head: Token
    #: the word whose place in the clause is the event's (see `Arguments.carrier`)
    base: Token
    #: where in the article it is read, with who "I" and "we" are there
    reading: Reading
    #: who says the event happened: the subject of a reporting verb above it, else the quotation's speaker
    speaker: ActorRef | None
    #: the subject of the reporting verb the event is embedded under
    reporter: Token | None
    #: "any country that recognized ...": the relative pronoun acting, when there is one
    relative: Token | None
    sources: list[ActorRef]
    #: whether the syntax named the sources, rather than a default or a guess
    by_syntax: bool
    targets: list[ActorRef]
    #: the accused owners of a hostile noun ("American meddling")
    owners: list[ActorRef]
    #: a protest is reported in the same sentence
    at_protest: bool
    status: str = "occurred"
    attributed: ActorRef | None = None
    where: str | None = None
    where_country: str | None = None
    #: the arguments were guessed from the nearest actor
    nearest: bool = False
    #: what it is said of is a thing, not an actor: nobody is guessed as its target
    approval: bool = False

    @property
    def ctx(self) -> ArticleContext:
        return self.reading.ctx
