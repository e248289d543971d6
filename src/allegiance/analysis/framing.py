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
from allegiance.analysis.affiliation import affiliation
from allegiance.ontology import ontology
from allegiance.store import Store


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


def labels_by_outlet(store: Store, actor_id: str | None = None) -> list[FramingRow]:
    outlets = store.independent_outlets()
    rows = store.author_labels(actor_id)
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
    """Incumbent, opposition, foreign, other or unknown: the speaker's side, by the knowledge base alone."""
    return affiliation(kb, actor_id, country=country, focus=focus).camp


def quote_shares(store: Store, kb: KnowledgeBase) -> list[FramingRow]:
    outlets = store.independent_outlets()
    focus = main_country(store.mention_countries())  # the corpus's main country
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for doc, _, _, _, sid, _, country in store.direct_quotes():
        if doc in outlets:
            counts[outlets[doc]][camp(kb, sid, country, focus)] += 1
    out = []
    for (outlet, lean), c in sorted(counts.items(), key=lambda kv: str(kv[0][0])):
        total = sum(c.values())
        out += [FramingRow("quote_share", outlet, lean, None, None, k, n, round(n / total, 3))
                for k, n in c.most_common()]
    return out


#: A run of word characters and hyphens: a loaded term is one, or several separated by single spaces,
#: never part of a longer run (``self-proclaimed`` is not ``proclaimed``).
_TOKEN = re.compile(r"([\w-]+)")


def _lexicon() -> tuple[list[str], dict[str, list[tuple[int, tuple[str, ...]]]]]:
    """The categories, and for each first word of a term the (category, words) of the terms starting with
    it, longest first: at a given place the longest term of a category wins."""
    import yaml

    from allegiance.extraction.wordlists import LOADED as LEXICON

    spec = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))["categories"]
    starts: dict[str, list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
    for i, c in enumerate(spec.values()):
        for term in sorted({str(t).lower() for t in c["terms"]}, key=lambda t: -len(t)):
            words = tuple(term.split(" "))
            starts[words[0]].append((i, words))
    return list(spec), dict(starts)


def _loaded_counts(plain: str, starts: dict, categories: int) -> tuple[int, list[int]]:
    """(words, terms found per category) in lower-cased author text, in one pass over its word runs: each
    category counts its terms without overlaps, left to right, as a regular expression would, but without
    trying every term at every character (which made this the slowest part of a server's start)."""
    parts = _TOKEN.split(plain)  # text between runs, run, text between runs, run, ...
    hits, free = [0] * categories, [0] * categories
    for i in range(1, len(parts), 2):
        for cat, words in starts.get(parts[i], ()):
            if free[cat] > i:
                continue
            n = len(words)
            if n > 1 and (i + 2 * (n - 1) >= len(parts) or any(
                    parts[i + 2 * k - 1] != " " or parts[i + 2 * k] != words[k] for k in range(1, n))):
                continue
            hits[cat] += 1
            free[cat] = i + 2 * n - 1
    return len(plain.split()), hits


#: Per article, what it last counted: (doc_id) -> ((text, quotation spans) fingerprint, counts). A server
#: recomputing the framing for each snapshot of a growing store only reads the articles that changed.
_COUNTED: dict[str, tuple[int, tuple[int, list[int]]]] = {}


def loaded_rates(store: Store) -> list[FramingRow]:
    """Loaded terms per 1,000 words of author text, by category and outlet."""
    global _COUNTED
    categories, starts = _lexicon()
    outlets = store.independent_outlets()
    quotes: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for doc, _, s, e, _, _, _ in store.direct_quotes():
        quotes[doc].append((s, e))
    words: Counter = Counter()
    hits: dict[tuple, Counter] = defaultdict(Counter)
    counted = {}
    for doc, text in store.independent_texts():
        fingerprint = hash((text, tuple(quotes[doc])))
        known = _COUNTED.get(doc)
        if known is not None and known[0] == fingerprint:
            n, found = known[1]
        else:
            author = text
            for s, e in quotes[doc]:
                author = author[:s] + " " * (e - s) + author[e:]  # quoted words are the speaker's
            n, found = _loaded_counts(author.lower(), starts, len(categories))
        counted[doc] = (fingerprint, (n, found))
        key = outlets.get(doc)
        words[key] += n
        for cat, k in zip(categories, found):
            hits[key][cat] += k
    _COUNTED = counted
    out = []
    for key in sorted(words, key=lambda k: str(k[0])):
        for cat in categories:
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
    """Every coup event and every accusation of a coup: who is said to stage it, and who says so.
    Which types are coups, and which words make an accusation one, is in ``data/events/types.yaml``."""
    onto = ontology()
    coups = onto.type_names(coup=True)
    accusations = {t: re.compile("|".join(re.escape(w) for w in words)) for t, words in onto.coup_accusations().items()}
    out = []
    seen = set()
    for etype, status, src, sid, tgt, tid, att, aid, outlet, doc, sent, s, e in store.coup_candidates(
            [*coups, *accusations]):
        if etype in accusations:
            if not accusations[etype].search(sent.lower()):
                continue
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
