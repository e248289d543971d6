"""Who stands with whom: each actor's stance toward the contenders for power, over time.

The contenders are the actors most often recognised, pledged to, defected from or accused of a coup
(or the ones the user names). Every RECOGNIZE and PLEDGE_LOYALTY toward a contender is a +1 (stands
with), every DEFECT from one and every negated recognition or pledge a -1 (stands against), with its
date, status and sources. An actor's stance at a date is its latest evidence up to that date, so the
sequence of changes is the defection and recognition timeline.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from allegiance.actors.focus import main_country
from allegiance.actors.kb import KnowledgeBase
from allegiance.store import Store

SUPPORT = ("RECOGNIZE", "PLEDGE_LOYALTY")
AGAINST = ("DEFECT",)
#: Display order of the groups in `allegiance allegiances`.
GROUPS = ("military and security", "government", "opposition", "foreign states", "international bodies", "others")
_SECURITY = {"MIL", "COP", "SPY"}


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
        names = dict(store.con.execute(
            "SELECT DISTINCT target_id, target_name FROM events WHERE target_id IS NOT NULL").fetchall())
        return [(p, names.get(p, p)) for p in principals]
    rows = store.con.execute(
        """
        SELECT id, any_value(name), count(*) AS n FROM (
            SELECT target_id AS id, target_name AS name FROM events
            WHERE type IN ('RECOGNIZE', 'PLEDGE_LOYALTY', 'DEFECT') AND target_kind = 'person'
            UNION ALL
            SELECT source_id, source_name FROM events
            WHERE type IN ('COUP_ATTEMPT', 'COUP_PLOT', 'SELF_COUP') AND source_kind = 'person'
        ) WHERE id IS NOT NULL AND NOT starts_with(id, 'unknown:')
        GROUP BY id ORDER BY n DESC, id LIMIT ?
        """,
        [top],
    ).fetchall()
    return [(i, n) for i, n, _ in rows]


def _group(kb: KnowledgeBase, actor_id: str, kind: str | None, country: str | None, sectors: list[str] | None,
           focus: str | None) -> tuple[str, str | None]:
    actor = kb.actors.get(actor_id)
    sectors = list(actor.sectors) if actor else list(sectors or [])
    country = (actor.country if actor else None) or country
    kind = (actor.kind if actor else None) or kind
    sector = sectors[0] if sectors else None
    if "IGO" in sectors or (kind == "organisation" and country is None):
        return "international bodies", sector
    if focus and country and country != focus:
        return "foreign states", sector
    if set(sectors) & _SECURITY:
        return "military and security", sector
    if {"OPP", "REB"} & set(sectors):
        return "opposition", sector
    if {"GOV", "JUD", "LEG"} & set(sectors):
        return "government", sector
    return "others", sector


def allegiances(store: Store, kb: KnowledgeBase, at: dt.date | None = None,
                principals: list[str] | None = None) -> list[Stance]:
    heads = contenders(store, principals)
    ids = {c for c, _ in heads}
    names = dict(heads)
    # the contest is for power in the contenders' country: actors from elsewhere are foreign
    focus = main_country(kb.actors[c].country for c in ids if c in kb.actors and kb.actors[c].country)
    rows = store.con.execute(
        """
        SELECT e.type, e.status, e.source_id, e.source_name, e.source_kind, e.source_country, e.source_sectors,
               e.target_id, e.date, coalesce(a.duplicate_of, a.doc_id), a.outlet, e.doc_id, e.sentence,
               strftime(a.published, '%Y-%m-%d')
        FROM events e JOIN articles a USING (doc_id)
        WHERE e.type IN ('RECOGNIZE', 'PLEDGE_LOYALTY', 'DEFECT') AND e.source_id IS NOT NULL
          AND e.status IN ('occurred', 'claimed', 'negated')
        """
    ).fetchall()
    evidence: dict[tuple, list] = defaultdict(list)
    info = {}
    for etype, status, sid, sname, skind, scountry, ssectors, tid, date, root, outlet, doc, sentence, pub in rows:
        if tid not in ids or sid == tid or sid in ids and etype != "DEFECT":
            continue
        sign = 1 if etype in SUPPORT else -1
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
        group, sector = _group(kb, sid, kind, country, sectors, focus)
        out.append(Stance(name, sid, sector, group, names.get(tid, tid), tid, latest, since or None, status,
                          len(sources), [x[5] for x in agreeing]))
    order = {g: i for i, g in enumerate(GROUPS)}
    return sorted(out, key=lambda s: (order[s.group], s.contender, -s.stance, -s.num_sources, s.actor))


def indicators(store: Store) -> list[dict]:
    """Weekly counts by country: events by type and status, defections by sector, protest and repression."""
    rows = store.con.execute(
        """
        WITH dated AS (
            SELECT e.type, e.status, coalesce(e.location_country, e.target_country, e.source_country) AS country,
                   e.source_sectors,
                   CASE WHEN length(e.date) = 10 THEN CAST(e.date AS DATE) ELSE a.published END AS day
            FROM events e JOIN articles a USING (doc_id)
            WHERE a.duplicate_of IS NULL
        )
        SELECT country, strftime(date_trunc('week', day), '%Y-%m-%d') AS week, type, status,
               CASE WHEN type = 'DEFECT' THEN coalesce(source_sectors[1], 'unknown') END AS sector, count(*) AS n
        FROM dated WHERE day IS NOT NULL
        GROUP BY ALL ORDER BY week, country, type, status
        """
    ).fetchall()
    return [{"country": c, "week": w, "type": t, "status": s, "defector_sector": sec, "count": n}
            for c, w, t, s, sec, n in rows]
