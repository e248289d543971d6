"""How each outlet frames the crisis: labels per actor, whose voices it quotes, how loaded its words are,
and who it reports calling what a coup.

This is an analysis stage over the stored records; it writes nothing. Every figure is per outlet, and
per political lean when the input gave one (``lean`` in JSONL articles). Author voice only: words
inside quotations belong to their speakers.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from allegiance.actors.focus import main_country
from allegiance.actors.kb import KnowledgeBase, fold
from allegiance.store import Store

#: Sectors that make an actor part of the government camp of its country, or of the opposition.
INCUMBENT_SECTORS = {"GOV", "MIL", "COP", "SPY", "JUD"}
OPPOSITION_SECTORS = {"OPP", "REB"}
COUP_TYPES = ("COUP_ATTEMPT", "COUP_PLOT", "SELF_COUP")


@dataclass
class FramingRow:
    """One figure of the comparison, in long form (the `framing` export)."""

    section: str  # label | quote_share | loaded_rate
    outlet: str | None
    lean: str | None
    actor: str | None
    actor_id: str | None
    key: str  # the label, the camp, or the loaded-language category
    count: int
    value: float  # count, share of quotations, or rate per 1,000 words


def _outlets(store: Store) -> dict[str, tuple[str | None, str | None]]:
    rows = store.con.execute(
        "SELECT doc_id, outlet, extra->>'lean' FROM articles WHERE duplicate_of IS NULL").fetchall()
    return {doc: (outlet, lean) for doc, outlet, lean in rows}


def labels_by_outlet(store: Store, actor_id: str | None = None) -> list[FramingRow]:
    outlets = _outlets(store)
    rows = store.con.execute(
        "SELECT doc_id, actor_id, actor_name, label FROM labels WHERE voice IS NULL"
        + (" AND actor_id = ?" if actor_id else ""), [actor_id] if actor_id else []).fetchall()
    counts: Counter = Counter()
    names = {}
    for doc, aid, name, label in rows:
        if doc not in outlets:
            continue  # a near-duplicate copy is not another outlet's framing
        outlet, lean = outlets[doc]
        counts[(outlet, lean, aid, fold(label))] += 1
        names[(aid, fold(label))] = (name, label)
    return [FramingRow("label", o, lean, names[(a, lab)][0], a, names[(a, lab)][1], n, float(n))
            for (o, lean, a, lab), n in sorted(counts.items(), key=lambda kv: (str(kv[0][0]), -kv[1]))]


def camp(kb: KnowledgeBase, actor_id: str | None, country: str | None, focus: str | None) -> str:
    """Incumbent, opposition or foreign, from the knowledge base's sectors and country."""
    if not actor_id or actor_id.startswith("unknown:"):
        return "unknown"
    actor = kb.actors.get(actor_id)
    if actor is None and ":" in actor_id:  # a group in a country: "VEN:opposition"
        country, actor = actor_id.split(":", 1)[0], kb.actors.get(actor_id.split(":", 1)[1])
    sectors = set(actor.sectors) if actor else set()
    country = (actor.country if actor else None) or country
    if focus and country and country != focus:
        return "foreign"
    if sectors & OPPOSITION_SECTORS:
        return "opposition"
    if sectors & INCUMBENT_SECTORS:
        return "incumbent"
    return "other"


def _focus(store: Store) -> str | None:
    """The corpus's main country: the one its actor mentions most often belong to."""
    return main_country(dict(store.con.execute(
        "SELECT country, count(*) FROM mentions WHERE country IS NOT NULL AND NOT provisional "
        "GROUP BY country ORDER BY count(*) DESC").fetchall()))


def quote_shares(store: Store, kb: KnowledgeBase) -> list[FramingRow]:
    outlets = _outlets(store)
    focus = _focus(store)
    rows = store.con.execute(
        "SELECT doc_id, speaker_id, speaker_country FROM quotes WHERE kind = 'direct'").fetchall()
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for doc, sid, country in rows:
        if doc in outlets:
            counts[outlets[doc]][camp(kb, sid, country, focus)] += 1
    out = []
    for (outlet, lean), c in sorted(counts.items(), key=lambda kv: str(kv[0][0])):
        total = sum(c.values())
        out += [FramingRow("quote_share", outlet, lean, None, None, k, n, round(n / total, 3))
                for k, n in c.most_common()]
    return out


def loaded_rates(store: Store) -> list[FramingRow]:
    """Loaded terms per 1,000 words of author text, by category and outlet."""
    import yaml

    from allegiance.extraction.wordlists import LOADED as LEXICON

    spec = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))["categories"]
    patterns = {cat: re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(str(t).lower()) for t in sorted(
        c["terms"], key=lambda t: -len(str(t)))) + r")(?![\w-])") for cat, c in spec.items()}
    outlets = _outlets(store)
    quotes: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for doc, s, e in store.con.execute("SELECT doc_id, start, \"end\" FROM quotes WHERE kind = 'direct'").fetchall():
        quotes[doc].append((s, e))
    words: Counter = Counter()
    hits: dict[tuple, Counter] = defaultdict(Counter)
    for doc, text in store.con.execute("SELECT doc_id, text FROM articles WHERE duplicate_of IS NULL").fetchall():
        author = list(text)
        for s, e in quotes[doc]:
            author[s:e] = " " * (e - s)  # quoted words are the speaker's
        plain = "".join(author).lower()
        key = outlets.get(doc)
        words[key] += len(plain.split())
        for cat, pattern in patterns.items():
            hits[key][cat] += len(pattern.findall(plain))
    out = []
    for key in sorted(words, key=lambda k: str(k[0])):
        for cat in spec:
            n = hits[key][cat]
            out.append(FramingRow("loaded_rate", key[0], key[1], None, None, cat, n,
                                  round(1000 * n / words[key], 2) if words[key] else 0.0))
    return out


@dataclass
class CoupClaim:
    """Someone reported as staging (or plotting) a coup, who says so, where."""

    accused: str | None
    accused_id: str | None
    accuser: str | None
    accuser_id: str | None
    kind: str  # the event type, or ACCUSE for an accusation of a coup
    status: str
    outlet: str | None
    doc_id: str
    sentence: str
    start: int
    end: int


def coup_attribution(store: Store) -> list[CoupClaim]:
    """Every coup event and every accusation of a coup: who is said to stage it, and who says so."""
    rows = store.con.execute(
        """
        SELECT e.type, e.status, e.source_name, e.source_id, e.target_name, e.target_id,
               e.attributed_to_name, e.attributed_to_id, a.outlet, e.doc_id, e.sentence, e.start, e."end"
        FROM events e JOIN articles a USING (doc_id)
        WHERE a.duplicate_of IS NULL
          AND (e.type IN ('COUP_ATTEMPT', 'COUP_PLOT', 'SELF_COUP')
               OR (e.type = 'ACCUSE' AND regexp_matches(lower(e.sentence), 'coup|putsch')))
        ORDER BY e.doc_id, e.start
        """
    ).fetchall()
    out = []
    seen = set()
    for etype, status, src, sid, tgt, tid, att, aid, outlet, doc, sent, s, e in rows:
        if etype == "ACCUSE":
            claim = CoupClaim(tgt, tid, src, sid, etype, status, outlet, doc, sent, s, e)
        else:
            claim = CoupClaim(src, sid, att, aid, etype, status, outlet, doc, sent, s, e)
        key = (doc, s, claim.accused_id, claim.accuser_id)
        if key not in seen and (claim.accused_id or claim.accuser_id):
            seen.add(key)
            out.append(claim)
    return out


def framing_rows(store: Store, kb: KnowledgeBase) -> list[FramingRow]:
    return labels_by_outlet(store) + quote_shares(store, kb) + loaded_rates(store)
