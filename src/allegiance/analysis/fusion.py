"""Fuse event mentions across articles into real-world events.

Mentions describe the same event when they have the same type, compatible actors (the same ids, or
one side unnamed in one of them) and dates within a window (the event's own date, else the article's
publication date). A fused event counts its mentions and its independent sources: distinct outlets,
where a near-duplicate article counts as its original, so a syndicated copy never adds a source.

Its status combines its mentions: ``occurred`` when some report states it as having happened,
``contested`` when it is both asserted and denied, else the most common of claimed, planned, negated.
Mentions of different types are never one event, so fusion runs type by type: this is a corpus-level
stage, and ``allegiance extract`` redoes, after each run, the types of the events it added or removed
(``update``). Within a type it starts over: where a mention joins depends on every mention before it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from allegiance.store import Store

#: Mentions this many days apart or less can be the same event.
WINDOW_DAYS = 7


@dataclass
class Member:
    doc_id: str
    event_id: str
    outlet: str | None
    root: str  # the article, or the original it duplicates
    published: dt.date | None
    when: dt.date | None
    date: str | None
    status: str
    sentence: str
    start: int
    end: int
    source_id: str | None
    source_name: str | None
    target_id: str | None
    target_name: str | None


@dataclass
class FusedEvent:
    fused_id: str
    type: str
    source_id: str | None
    source: str | None
    target_id: str | None
    target: str | None
    date: str | None
    status: str
    num_mentions: int
    num_sources: int
    first_reported: dt.date | None
    outlets: list[str]
    members: list[Member] = field(default_factory=list)


def _day(value: str | None) -> dt.date | None:
    """A point in time for comparing dates of mixed precision: a month is its middle, a year its middle."""
    if not value:
        return None
    parts = value.split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 7, int(parts[2]) if len(parts) > 2 else 15)
    except ValueError:
        return None


def load_members(store: Store, types: list[str]) -> dict[str, list[Member]]:
    """The mentions of these types, by type, in the order of publication."""
    by_type: dict[str, list[Member]] = defaultdict(list)
    for doc, eid, etype, outlet, root, pub, date, status, sent, s, e, sid, sname, tid, tname in store.fusion_members(types):
        when = _day(date) or pub
        by_type[etype].append(Member(doc, eid, outlet, root, pub, when, date, status, sent, s, e, sid, sname, tid, tname))
    return by_type


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def fuse(store: Store, types: list[str] | None = None) -> list[FusedEvent]:
    """The fused events of these event types (of every stored type when not given)."""
    fused: list[FusedEvent] = []
    for etype, members in load_members(store, store.event_types() if types is None else types).items():
        clusters: list[list[Member]] = []
        # named mentions first, so a mention with an unnamed side joins an event with both named
        for m in sorted(members, key=lambda m: (m.source_id is None) + (m.target_id is None)):
            home = None
            for cluster in clusters:
                head = cluster[0]
                if not (_compatible(m.source_id, head.source_id) and _compatible(m.target_id, head.target_id)):
                    continue
                if m.source_id is None and m.target_id is None:
                    continue  # nothing to tie it to another report
                if m.when and head.when and abs((m.when - head.when).days) > WINDOW_DAYS:
                    continue
                if (m.when is None or head.when is None) and m.root != head.root:
                    continue  # two reports with no time to compare are not known to be one event
                home = cluster
                break
            if home is None:
                clusters.append([m])
            else:
                home.append(m)
        fused += [_summarise(etype, c) for c in clusters]
    return fused


def _summarise(etype: str, members: list[Member]) -> FusedEvent:
    head = next((m for m in members if m.source_id and m.target_id), members[0])
    source_id = next((m.source_id for m in members if m.source_id), None)
    target_id = next((m.target_id for m in members if m.target_id), None)
    source = next((m.source_name for m in members if m.source_id == source_id and source_id), None)
    target = next((m.target_name for m in members if m.target_id == target_id and target_id), None)
    roots: dict[str, str] = {}
    for m in members:
        roots.setdefault(m.root, m.outlet or m.root)  # a copy counts as its original's source
    sources = set(roots.values())  # distinct outlets; an article without a known outlet counts alone
    outlets = sorted({m.outlet for m in members if m.outlet})
    statuses = Counter(m.status for m in members)
    asserted = statuses["occurred"] + statuses["claimed"]
    if asserted and statuses["negated"]:
        status = "contested"
    elif statuses["occurred"]:
        status = "occurred"
    else:
        status = statuses.most_common(1)[0][0]
    dated = sorted((m.date for m in members if m.date), key=lambda d: (-len(d), d))
    published = [m.published for m in members if m.published]
    key = f"{etype}|{source_id}|{target_id}|{min(m.doc_id + m.event_id for m in members)}"
    return FusedEvent(
        fused_id=hashlib.blake2b(key.encode(), digest_size=8).hexdigest(), type=etype, source_id=source_id,
        source=source, target_id=target_id, target=target, date=dated[0] if dated else head.date, status=status,
        num_mentions=len(members), num_sources=len(sources), first_reported=min(published) if published else None,
        outlets=outlets, members=members,
    )


def update(store: Store, docs: list[str]) -> None:
    """Redo the fused events of every type these (re-)extracted articles have events of, or had."""
    types = store.event_types_touched(docs)
    if not types:
        return
    events = fuse(store, types)
    store.write_fused(
        types,
        [{"fused_id": f.fused_id, "type": f.type, "source_id": f.source_id, "source": f.source,
          "target_id": f.target_id, "target": f.target, "date": f.date, "status": f.status,
          "num_mentions": f.num_mentions, "num_sources": f.num_sources, "first_reported": f.first_reported,
          "outlets": f.outlets} for f in events],
        [{"fused_id": f.fused_id, "doc_id": m.doc_id, "event_id": m.event_id} for f in events for m in f.members],
    )
