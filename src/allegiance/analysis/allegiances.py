"""Who stands with whom: each actor's stance toward the contenders for power, over time.

The contenders are the actors most often recognised, pledged to, defected from or accused of a coup
(or the ones the user names). Every event whose type shows allegiance (``allegiance`` in
``data/events/types.yaml``: recognising, pledging loyalty, defecting) toward a contender gives its
source's stance, +1 (stands with) or -1 (stands against), reversed when the event is negated, with its
date, status and sources. An actor's stance at a date is its latest evidence up to that date, so the
sequence of changes is the defection and recognition timeline.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from allegiance.actors.focus import main_country
from allegiance.actors.kb import KnowledgeBase
from allegiance.analysis.affiliation import affiliation
from allegiance.ontology import ontology
from allegiance.store import Store


@dataclass
class Evidence:
    doc_id: str
    outlet: str | None
    sentence: str
    date: str | None
    status: str


@dataclass
class Stance:
    actor: str
    actor_id: str
    sector: str | None
    group: str
    contender: str
    contender_id: str
    stance: int  # +1 stands with, -1 stands against
    since: str | None
    status: str
    num_sources: int
    evidence: list[Evidence] = field(default_factory=list)


def contenders(store: Store, principals: list[str] | None = None, top: int = 2) -> list[tuple[str, str]]:
    """(id, name) of the contenders: given, or the persons most often targeted by allegiance events."""
    if principals:
        names = store.target_names()
        return [(p, names.get(p, p)) for p in principals]
    onto = ontology()
    rows = store.contender_counts(onto.allegiance_types(), onto.type_names(coup=True), top)
    return [(i, n) for i, n, _ in rows]


def allegiances(store: Store, kb: KnowledgeBase, at: dt.date | None = None,
                principals: list[str] | None = None) -> list[Stance]:
    heads = contenders(store, principals)
    ids = {c for c, _ in heads}
    names = dict(heads)
    # the contest is for power in the contenders' country: actors from elsewhere are foreign
    focus = main_country(kb.actors[c].country for c in ids if c in kb.actors and kb.actors[c].country)
    onto = ontology()
    types = onto.types
    rows = store.allegiance_events(onto.allegiance_types())
    evidence: dict[tuple, list] = defaultdict(list)
    info = {}
    for etype, status, sid, sname, skind, scountry, ssectors, tid, date, root, outlet, doc, sentence, pub in rows:
        sign = types[etype].allegiance
        if tid not in ids or sid == tid or sid in ids and sign > 0:
            continue  # a contender's stance counts only when it turns against another
        if status == "negated":
            sign = -sign
        when = date or pub
        if at is not None and when and when[:10] > at.isoformat():
            continue
        evidence[(sid, tid)].append((when or "", sign, status, root, outlet, Evidence(doc, outlet, sentence, when, status)))
        info[sid] = (sname, skind, scountry, ssectors)
    out = []
    for (sid, tid), items in evidence.items():
        items.sort(key=lambda x: x[0])
        latest = items[-1][1]
        agreeing = [x for x in items if x[1] == latest]
        since = next((x[0] for x in agreeing if x[0]), None)
        statuses = Counter(x[2] for x in agreeing)
        status = "occurred" if statuses["occurred"] or statuses["negated"] else statuses.most_common(1)[0][0]
        sources = {x[4] or x[3] for x in agreeing}
        name, kind, country, sectors = info[sid]
        where = affiliation(kb, sid, kind, country, sectors, focus)
        out.append(Stance(name, sid, where.sector, where.group, names.get(tid, tid), tid, latest, since or None,
                          status, len(sources), [x[5] for x in agreeing]))
    order = {g: i for i, g in enumerate(onto.groups)}
    return sorted(out, key=lambda s: (order[s.group], s.contender, -s.stance, -s.num_sources, s.actor))


def indicators(store: Store) -> list[dict]:
    """Weekly counts by country: events by type and status, defections (types of allegiance `against`) by sector."""
    defections = [t.name for t in ontology().types.values() if t.allegiance < 0]
    rows = store.weekly_event_counts(defections)
    return [{"country": c, "week": w, "type": t, "status": s, "defector_sector": sec, "count": n}
            for c, w, t, s, sec, n in rows]
