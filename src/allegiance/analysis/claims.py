"""Claims across articles: who asserts what, who denies it, and which claims the outlets dispute.

Every quotation and every piece of reported speech is a claim by its speaker. A claim *denies* when
its reporting verb or its words say so (``data/lexicons/denial.yaml``: "denied", "false news"), and
*asserts* otherwise. Claims about the same proposition are grouped:

- within an article, a denial is tied to the claims of the speaker it answers, when the text names
  them next to it ("Arreaza replied to Pompeo ...", "the words of Pompeo");
- across articles, claims whose words are similar (TF-IDF cosine over content words, as sparse
  matrices compared a block of rows at a time, so memory stays flat however many claims there are)
  join the same group.

A group is *contested* when one party asserts what another denies. This is a corpus-level stage:
``allegiance extract`` updates the claims table after each run (``update``).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from scipy import sparse

from allegiance.actors.kb import fold
from allegiance.store import Store

LEXICONS = Path(__file__).parents[1] / "data" / "lexicons"
#: Cosine similarity of two claims' content words above which they are about the same thing.
SIMILARITY = 0.5
#: ... and the least number of content words they must share.
SHARED_TERMS = 3
_WORD = re.compile(r"[a-z][a-z'-]+")
_STOP = set("""a an the and or but if of to in on at by for with from as is are was were be been being it its this that
these those he she they them his her their we our you your i me my not no so than then there here what which who whom
whose when where why how all any some more most other such only own same very can could will would shall should may
might must do does did done have has had having about against between into through during before after above below
up down out over under again further once also just said says say told tell according mr ms mrs one two""".split())


@dataclass
class Claim:
    claim_id: str
    doc_id: str
    speaker: str | None
    speaker_id: str | None
    text: str
    stance: str
    start: int
    end: int
    context: str  # the article's text just before the claim, where a reply names whom it answers


@lru_cache(maxsize=1)
def _spec() -> dict:
    return yaml.safe_load((LEXICONS / "denial.yaml").read_text(encoding="utf-8"))


def denial_cues() -> tuple[frozenset[str], tuple[str, ...]]:
    spec = _spec()
    return frozenset(spec["verbs"]), tuple(str(p).lower() for p in spec["phrases"])


def answers(context: str, name_word: str) -> bool:
    """Whether a denial's context says it answers the speaker named by ``name_word``."""
    spec = _spec()
    verbs = "|".join(re.escape(v[:-1] if v[-1] in "ye" else v) for v in spec["reply_verbs"])  # replied, denies
    nouns = "|".join(re.escape(n) for n in spec["said_nouns"])
    w = re.escape(name_word)
    return bool(
        re.search(rf"\b(?:{verbs})\w*\b(?:\W+\w+){{0,3}}\W+{w}\b", context)
        or re.search(rf"\b(?:{nouns})\s+(?:of|by)\s+(?:\w+\s+){{0,3}}{w}\b", context)
        or re.search(rf"\b{w}(?:'s|’s)\s+(?:\w+\s+)?(?:{nouns})\b", context)
    )


@lru_cache(maxsize=1)
def _denial_phrase() -> re.Pattern:
    """Every denial phrase as one pattern, compiled once: one search per quotation instead of one per phrase
    (the corpus stage runs on the driver, beside the extraction workers)."""
    _, phrases = denial_cues()
    if not phrases:
        return re.compile(r"(?!)")
    return re.compile(rf"(?<![\w-])(?:{'|'.join(re.escape(p) for p in phrases)})(?![\w-])")


def stance(text: str, cue: str | None) -> str:
    verbs, _ = denial_cues()
    if cue and cue in verbs:
        return "deny"
    return "deny" if _denial_phrase().search(" " + fold(text) + " ") else "assert"


def _terms(text: str) -> list[str]:
    return [w for w in _WORD.findall(fold(text)) if w not in _STOP and len(w) > 2]


def _tfidf(docs: list[list[str]]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Unit-length TF-IDF rows, and the same rows as 0/1 term indicators."""
    vocab: dict[str, int] = {}
    for d in docs:
        for w in d:
            vocab.setdefault(w, len(vocab))
    df = Counter(w for d in docs for w in set(d))
    n = len(docs)
    rows, cols, vals = [], [], []
    for i, d in enumerate(docs):
        for w, c in Counter(d).items():
            rows.append(i)
            cols.append(vocab[w])
            vals.append((1 + math.log(c)) * math.log((1 + n) / (1 + df[w])))
    m = sparse.csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)), shape=(n, len(vocab)))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    m = sparse.diags(1 / norms).astype(np.float32) @ m
    present = m.copy()
    present.data[:] = 1
    return m.tocsr(), present.tocsr()


def similar_pairs(terms: list[list[str]], block: int = 2000) -> Iterator[tuple[int, int]]:
    """Pairs (i < j) of claims similar enough to be about the same thing."""
    vectors, present = _tfidf(terms)
    for lo in range(0, len(terms), block):
        sims = (vectors[lo : lo + block] @ vectors.T).tocoo()
        keep = (sims.data >= SIMILARITY) & (sims.col > sims.row + lo)
        rows, cols = sims.row[keep], sims.col[keep]
        if not len(rows):
            continue
        shared = np.asarray((present[lo : lo + block] @ present.T)[rows, cols]).ravel()
        for i, j in zip(rows[shared >= SHARED_TERMS], cols[shared >= SHARED_TERMS]):
            yield lo + int(i), int(j)


class _Groups:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def replies(claims: list[Claim]) -> dict[str, list[str]]:
    """claim id -> the ids of the earlier claims in its article that it answers: a denial answers the
    assertion of a speaker its context names. This depends on the article alone, so it is kept with
    the claims and worked out again only when the article is."""
    answered: dict[str, list[str]] = {c.claim_id: [] for c in claims}
    by_doc: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_doc[c.doc_id].append(c)
    for members in by_doc.values():
        for c in members:
            if c.stance != "deny":
                continue
            context = fold(c.context[-300:] + " " + c.text)
            for other in [o for o in members if o.start < c.start]:
                if other.stance == "assert" and other.speaker_id and other.speaker_id != c.speaker_id and any(
                        answers(context, w) for w in _name_words(other.speaker)):
                    answered[c.claim_id].append(other.claim_id)
    return answered


def group(claims: list[Claim], answered: dict[str, list[str]] | None = None) -> list[tuple[int, bool]]:
    """(group index, contested) for each claim; the group index is that of its first claim in the list.
    ``answered``: the replies within articles (``replies``), worked out here when not given."""
    n = len(claims)
    groups = _Groups(n)
    index = {c.claim_id: i for i, c in enumerate(claims)}
    for cid, targets in (replies(claims) if answered is None else answered).items():
        for target in targets:
            groups.join(index[cid], index[target])
    # across articles: similar words
    if n > 1:
        for i, j in similar_pairs([_terms(c.text) for c in claims]):
            groups.join(i, j)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        members[groups.find(i)].append(i)
    contested: dict[int, bool] = {}
    for root, idxs in members.items():
        asserts = {claims[i].speaker_id for i in idxs if claims[i].stance == "assert" and claims[i].speaker_id}
        denies = {claims[i].speaker_id for i in idxs if claims[i].stance == "deny" and claims[i].speaker_id}
        contested[root] = bool(asserts and denies and (asserts | denies) - (asserts & denies))
    return [(groups.find(i), contested[groups.find(i)]) for i in range(n)]


def _name_words(name: str | None) -> list[str]:
    """The words of a speaker's name that a reply would use ("Pompeo" for "Mike Pompeo")."""
    return [w for w in fold(name or "").split() if len(w) > 3][-1:]


def update(store: Store, docs: list[str]) -> None:
    """Bring the claims up to date after these articles were (re-)extracted.

    Stance and replies depend on one article alone: they are worked out for these articles only, and
    kept. The grouping across articles is redone over every claim, from the stored texts: the word
    weights claims are compared by (IDF) depend on the whole corpus, so any new article can join or
    split groups elsewhere. Only the claims of these articles and those whose group changed are written.
    """
    new = [Claim(qid, doc, sp, sid, text, stance(text, cue), s, e, before or "")
           for qid, doc, sp, sid, text, cue, s, e, before in store.claim_sources(docs)]
    answered = replies(new)
    previous: dict[str, tuple[str, bool]] = {}
    kept = []
    for cid, doc, sp, sid, text, st, s, e, ans, gid, contested in store.stored_claims(excluding=docs):
        kept.append(Claim(cid, doc, sp, sid, text, st, s, e, ""))
        answered[cid] = list(ans or [])
        previous[cid] = (gid, contested)
    claims = sorted(new + kept, key=lambda c: (c.doc_id, c.start, c.claim_id))
    rows = []
    for c, (g, contested) in zip(claims, group(claims, answered)):
        gid = f"g{claims[g].claim_id}"
        if previous.get(c.claim_id) != (gid, contested):
            rows.append({"claim_id": c.claim_id, "doc_id": c.doc_id, "speaker": c.speaker, "speaker_id": c.speaker_id,
                         "text": c.text, "stance": c.stance, "group_id": gid, "contested": contested,
                         "start": c.start, "end": c.end, "answers": answered[c.claim_id]})
    store.write_claims(docs, rows)
