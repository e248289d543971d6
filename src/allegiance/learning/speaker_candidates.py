"""Who might have said a quotation: the candidate speakers around it, each with what the text says of it.

The rules pick one speaker by a fixed order of preferences (the reporting verb's subject, then the
paragraph, then the previous quotation); they go wrong when that order does not fit the sentence: "the
statement said" after a named person, "Reuters quoted X as saying", "she said" two people later. Here
every actor that could be the speaker is laid out with features, and a ranking model (``speakers.py``)
picks among them. The candidates are: the resolved actors named outside quotation marks in the
quotation's sentence and the sentences on either side, the rules' own choice, the previous quotation's
speaker, the state of any candidate that speaks for one (a spokesperson, "the foreign ministry", "a
senior U.S. official"), and nobody.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from spacy.tokens import Token

from allegiance.actors.kb import KnowledgeBase
from allegiance.actors.references import ActorRef, Mention, ref_for
from allegiance.extraction.context import ArticleContext
from allegiance.extraction.quotes import Quote

SPEECH = Path(__file__).parents[1] / "data" / "lexicons" / "speech.yaml"
#: How many sentences back a subject can be the speaker of a "he said".
FAR = 2
_GENDERED = {"he": "m", "his": "m", "him": "m", "she": "f", "her": "f", "hers": "f"}
_PRONOUN_AFTER = re.compile(r"\b(he|his|him|she|her|hers)\b", re.IGNORECASE)
_PRONOUNS = {"he", "she", "it", "they", "i", "we", "you"}


@dataclass(frozen=True)
class SpeechWords:
    speech_verbs: frozenset[str]
    statement_nouns: frozenset[str]
    relaying_verbs: frozenset[str]
    spokesperson_titles: frozenset[str]


@lru_cache(maxsize=1)
def speech_words() -> SpeechWords:
    from allegiance.extraction.events.lexicon import default_lexicon

    spec = yaml.safe_load(SPEECH.read_text(encoding="utf-8"))
    cues = default_lexicon().cues
    return SpeechWords(cues.speech_verbs, frozenset(spec["statement_nouns"]), frozenset(spec["relaying_verbs"]),
                       cues.spokesperson_titles)


@dataclass
class SpeakerCandidate:
    ref: ActorRef | None  # None: nobody is named as the speaker
    features: dict[str, float] = field(default_factory=dict)
    #: the words that name it, for the quotation's ``speaker_mention``
    mention: str | None = None

    def add(self, features: dict[str, float]) -> None:
        for k, v in features.items():
            self.features[k] = max(v, self.features.get(k, v))


def _bucket(n: float) -> int:
    return min(6, int(math.log2(1 + max(0.0, n))))


def _sentence_index(ctx: ArticleContext, char: int) -> int:
    for i, s in enumerate(ctx.sentences):
        if s.start_char <= char < s.end_char:
            return i
    return len(ctx.sentences) - 1


def _root(ctx: ArticleContext, m: Mention) -> Token:
    return ctx.doc[m.token_start:m.token_end].root


def _syntax(tok: Token, words: SpeechWords) -> dict[str, float]:
    """How the mention hangs from the words that report speech: subject of "said", object of "told" or
    "quoted", owner of "statement", object of "according to", "a statement from"."""
    f: dict[str, float] = {f"dep={tok.dep_}": 1.0}
    head = tok.head
    lemma = head.lemma_.lower()
    if lemma in words.speech_verbs:
        if lemma not in words.relaying_verbs:  # "BBC quoted Kim": the subject of a relaying verb need not speak
            f[f"speech_dep={tok.dep_}"] = 1.0
        f[f"speech_verb={lemma}|{tok.dep_}"] = 1.0
    if lemma in words.relaying_verbs:
        f[f"relay_dep={tok.dep_}"] = 1.0
    if lemma in words.statement_nouns:
        f[f"statement_dep={tok.dep_}"] = 1.0
    if tok.dep_ == "pobj":
        f[f"prep={head.lower_}"] = 1.0
        above = head.head.lemma_.lower()
        if above in words.statement_nouns:
            f["statement_prep"] = 1.0
        if above in words.speech_verbs:
            f[f"speech_prep={head.lower_}"] = 1.0
        if head.lower_ == "to" and head.head.lower_ == "according":
            f["according_to"] = 1.0
    if tok.dep_ in ("compound", "amod", "appos", "poss") and head.lemma_.lower() in words.spokesperson_titles:
        f["spokesperson_of"] = 1.0
    if head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_.lower() in words.speech_verbs:
        f[f"in_speech_subject={tok.dep_}"] = 1.0  # "a spokesman for the ministry said", "the ministry's statement said"
        if head.lemma_.lower() in words.statement_nouns:
            f["statement_owner"] = 1.0
        if head.lemma_.lower() in words.spokesperson_titles:
            f["spokesperson_owner"] = 1.0
    return f


def _context_features(ctx: ArticleContext, q: Quote, prev: Quote | None, words: SpeechWords) -> dict[str, float]:
    """What the quotation's surroundings say, whoever the candidate: shared by every candidate, and
    crossed with its kind so the model can learn "after 'the statement said', a body speaks"."""
    text = ctx.text
    f: dict[str, float] = {}
    para_a = text.rfind("\n", 0, q.start) + 1
    para_b = text.find("\n", q.end)
    para_b = len(text) if para_b < 0 else para_b
    if not text[para_a:q.start].strip(" “\"«‘"):
        f["opens_paragraph"] = 1.0
    if not text[q.end:para_b].strip(" ”\"»’.,"):
        f["closes_paragraph"] = 1.0
    quoted = ctx.quoted_tokens
    outside = [t for t in ctx.doc.char_span(para_a, para_b, alignment_mode="expand") or [] if t.i not in quoted]
    lemmas = {t.lemma_.lower() for t in outside}
    if lemmas & words.speech_verbs:
        f["paragraph_speech_verb"] = 1.0
    if lemmas & words.statement_nouns:
        f["paragraph_statement"] = 1.0
    if lemmas & _PRONOUNS:
        f["paragraph_pronoun"] = 1.0
    said_by = (q.speaker_mention or "").split()
    if said_by and said_by[-1].lower() in _PRONOUNS:
        f[f"rule_pronoun={said_by[-1].lower()}"] = 1.0
    elif said_by and said_by[-1].islower():  # a description: "the official", "the statement", "a spokesman"
        f[f"rule_described={said_by[-1].lower()}"] = 1.0
        f["rule_described"] = 1.0
    if q.speaker is None:
        f["rule_none"] = 1.0
    if prev is not None and text.count("\n", prev.end, q.start) <= 2 and prev.speaker is not None:
        f["prev_close"] = 1.0
    if q.cue:
        f[f"cue={q.cue}"] = 1.0
    return f


def genders(ctx: ArticleContext) -> dict[str, str]:
    """The pronoun the article uses for each person, where it tells: the first "he"/"his" or
    "she"/"her" within the words after each mention, counted over the person's mentions. Crude, but it
    is what separates the two people a "she said" could follow."""
    votes: dict[str, dict[str, int]] = {}
    text = ctx.text
    for m in ctx.covering:
        if m.ref.kind != "person":
            continue
        hit = _PRONOUN_AFTER.search(text, m.end, min(len(text), m.end + 160))
        if hit:
            v = votes.setdefault(m.ref.id, {})
            g = _GENDERED[hit.group(1).lower()]
            v[g] = v.get(g, 0) + 1
    return {a: max(v, key=v.get) for a, v in votes.items() if len(set(v.values())) > 1 or len(v) == 1}


def candidates(ctx: ArticleContext, q: Quote, prev: Quote | None, kb: KnowledgeBase,
               words: SpeechWords | None = None, genders: dict[str, str] | None = None) -> list[SpeakerCandidate]:
    """The candidate speakers of one direct quotation (``ctx`` has the article's quotations;
    ``genders`` from :func:`genders`)."""
    words = words or speech_words()
    genders = genders or {}
    quotes = ctx.direct_quotes()
    first, last = _sentence_index(ctx, q.start), _sentence_index(ctx, max(q.start, q.end - 1))
    lo = ctx.sentences[max(0, first - 1)].start_char
    hi = ctx.sentences[min(len(ctx.sentences) - 1, last + 1)].end_char
    shared = _context_features(ctx, q, prev, words)
    said_by = (q.speaker_mention or "").split()
    found: dict[str | None, SpeakerCandidate] = {}

    def put(ref: ActorRef | None, feats: dict[str, float], mention: str | None) -> SpeakerCandidate:
        key = ref.id if ref is not None else None
        cand = found.get(key)
        if cand is None:
            cand = found[key] = SpeakerCandidate(ref, {"bias": 1.0}, mention)
        cand.add(feats)
        return cand

    far = ctx.sentences[max(0, first - FAR)].start_char
    near = [m for m in ctx.covering if far <= m.start < hi and not any(o.start <= m.start < o.end for o in quotes)]
    # further back than the sentence before, only those the text makes the subject of something: the
    # person a later "he said" goes back to
    near = [m for m in near if m.start >= lo or _root(ctx, m).dep_ in ("nsubj", "nsubjpass")]
    before = sorted((m for m in near if m.end <= q.start), key=lambda m: -m.start)
    after = sorted((m for m in near if m.start >= q.end), key=lambda m: m.start)
    for side, pool in (("before", before), ("after", after)):
        for rank, m in enumerate(pool):
            idx = _sentence_index(ctx, m.start)
            where = "same" if first <= idx <= last else ("next" if idx > last else "prev" if idx == first - 1 else "far")
            distance = q.start - m.end if side == "before" else m.start - q.end
            tok = _root(ctx, m)
            f = {f"where={where}|{side}": 1.0, f"rank={side}{min(rank, 4)}": 1.0,
                 f"dist={side}{_bucket(distance / 10)}": 1.0, "named": 1.0,
                 f"kind={m.ref.kind}": 1.0, f"method={m.method}": 1.0, f"where_kind={where}|{m.ref.kind}": 1.0}
            if _other_paragraph(ctx.text, m, q):
                f["other_paragraph"] = 1.0
            if m.ref.provisional:
                f["provisional"] = 1.0
            for s in m.ref.sectors or ():
                f[f"sector={s}"] = 1.0
            for k, v in _syntax(tok, words).items():
                f[k] = v
                f[f"{where}|{k}"] = v
            put(m.ref, f, m.text)
    if q.speaker is not None:
        named = bool(said_by) and said_by[-1][:1].isupper() and said_by[-1].lower() not in _PRONOUNS
        put(q.speaker, {"rule": 1.0, f"rule_kind={q.speaker.kind}": 1.0, f"rule_named={named}": 1.0},
            q.speaker_mention)
    if prev is not None and prev.speaker is not None:
        put(prev.speaker, {"prev_speaker": 1.0, **({"prev_speaker_close": 1.0} if "prev_close" in shared else {})},
            prev.speaker_mention)
    # the state a candidate speaks for: "the foreign ministry said", "a senior U.S. official said"
    for cand in list(found.values()):
        ref = cand.ref
        if ref is None or ref.kind == "state" or not ref.country:
            continue
        actor = kb.state(ref.country)
        if actor is None:
            continue
        derived = {f"state_of={ref.kind}": 1.0}
        derived.update({f"state_of|{k}": v for k, v in cand.features.items() if k.startswith(("rule", "where=", "speech_dep", "prev_speaker"))})
        put(ref_for(actor, cand.mention or actor.name), derived, cand.mention)
    focus = kb.state(ctx.focus) if ctx.focus else None
    if focus is not None:  # "the foreign ministry said", unresolved, in an article about one country
        put(ref_for(focus, focus.name), {"focus_state": 1.0}, None)
    put(None, {"nobody": 1.0}, None)
    out = list(found.values())
    pronoun = next((w.lower() for w in said_by[-1:] if w.lower() in _GENDERED), None)
    for cand in out:
        if pronoun and cand.ref is not None and cand.ref.kind == "person":
            g = genders.get(cand.ref.id)
            if g:
                cand.features["gender_agrees" if g == _GENDERED[pronoun] else "gender_clashes"] = 1.0
        kind = cand.ref.kind if cand.ref is not None else "nobody"
        for k, v in shared.items():
            cand.features[f"ctx={k}|{kind}"] = v
        if cand.ref is not None and q.speaker is not None and cand.ref.id != q.speaker.id:
            cand.features[f"vs_rule={q.speaker.kind}"] = 1.0
    return out


def _other_paragraph(text: str, m: Mention, q: Quote) -> bool:
    a, b = (m.end, q.start) if m.end <= q.start else (q.end, m.start)
    return "\n" in text[a:b]
