"""Features of one candidate event, read from its own context in the parsed article.

The rules' events are the candidates; whether one is right depends on the words and syntax around its
trigger, not on the sentence alone (a sentence-level bag of words gained little in cross-validation), so
every feature is taken relative to the trigger: its word and lemma, its place in the parse, the cue words
that govern it, the arguments the rules found for it, and whether it stands inside a quotation. Features
are sparse name -> value maps, so a model learns the vocabulary of whatever gold it is trained on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from allegiance.extraction.events.lexicon import default_lexicon

#: Parts of speech whose lemmas make the sentence's bag of words (function words carry no event).
_CONTENT_POS = {"NOUN", "VERB", "ADJ", "PROPN"}


@lru_cache(maxsize=1)
def _cues() -> dict[str, frozenset[str]]:
    """The status cue words of the lexicon (data/events/cues.yaml), loaded once."""
    c = default_lexicon().cues
    return {
        "negation": c.negation_particles | c.negation_verbs,
        "modal": c.modals,
        "plan": c.plan_verbs | c.plan_nouns,
        "condition": c.conditionals,
        "report": c.speech_verbs,
    }


def trigger_token(doc: Doc, start: int, text: str) -> Token | None:
    """The syntactic head of the trigger phrase at this character offset."""
    span = doc.char_span(start, start + len(text), alignment_mode="expand")
    if span is None or not len(span):
        return None
    return span.root


def _in_quotation(quotes, offset: int) -> bool:
    return any(q.kind == "direct" and q.start <= offset < q.end for q in quotes)


def _governors(tok: Token, limit: int = 4) -> list[Token]:
    out = []
    while tok.head is not tok and len(out) < limit:
        tok = tok.head
        out.append(tok)
    return out


def status_features(tok: Token, sent: Span) -> dict[str, float]:
    """Cue words around the trigger that decide whether an act happened, is claimed, planned or denied:
    those among its dependents, those governing it, and those anywhere before it in the sentence."""
    cues = _cues()
    f: dict[str, float] = {}
    near = [c for c in tok.children]
    governing = _governors(tok)
    for g in governing:
        near.extend(c for c in g.children if c.dep_ in ("neg", "aux", "auxpass", "mark", "advmod"))
    for name, words in cues.items():
        if any(t.lemma_.lower() in words or t.lower_ in words for t in near):
            f[f"cue_near={name}"] = 1.0
        if any(g.lemma_.lower() in words for g in governing):
            f[f"cue_gov={name}"] = 1.0
        if any(t.lemma_.lower() in words or t.lower_ in words for t in sent if t.i < tok.i):
            f[f"cue_before={name}"] = 1.0
    for g in governing[:2]:
        f[f"gov_lemma={g.lemma_.lower()}"] = 1.0
    f[f"tag={tok.tag_}"] = 1.0
    for c in tok.children:
        if c.dep_ in ("aux", "auxpass", "neg"):
            f[f"aux={c.lower_}"] = 1.0
    if any(t.lower_ in ("according",) for t in sent):
        f["according"] = 1.0
    return f


def sentence_words(sent: Span) -> frozenset[str]:
    """The sentence's bag of words: the lemmas of its content words."""
    return frozenset(t.lemma_.lower() for t in sent if t.pos_ in _CONTENT_POS and not t.is_stop)


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    words: frozenset[str]
    #: the gold types of the sentence (empty when the gold holds no event there)
    gold_types: frozenset[str] = frozenset()


def sentences_of(doc) -> list[Sentence]:
    """The article's sentences, with the offsets the events give theirs."""
    out = []
    for sent in doc.sents:
        text = sent.text.rstrip()
        if text:
            out.append(Sentence(sent.start_char, sent.start_char + len(text), text, sentence_words(sent)))
    return out


def typing_features(etype: str, words: frozenset[str], candidates: list[tuple]) -> dict[str, float]:
    """Whether a sentence reports an event of this type: its words, and the rule events proposed in it,
    those of this type read in full (the best one by confidence), the others by type and trigger."""
    f: dict[str, float] = {f"T={etype}": 1.0}
    for w in words:
        f[f"{etype}|w={w}"] = 1.0
    same = [(e, cf) for e, cf in candidates if e.type == etype]
    if same:
        f["has_rule"] = 1.0
        f[f"{etype}|has_rule"] = 1.0
        f["rules_of_type"] = float(len(same))
        _, best = max(same, key=lambda pair: pair[0].confidence)
        for k, v in best.items():
            f[f"c:{k}"] = v
    for e, _ in candidates:
        if e.type != etype:
            f[f"{etype}|other={e.type}"] = 1.0
            f[f"{etype}|other_trig={e.trigger.lower()}"] = 1.0
    return f


def candidate_features(event, doc: Doc, quotes=()) -> dict[str, float]:
    """Everything the typing and status models read about one rule event (see the module's docstring);
    ``quotes`` are the article's quotations (``ArticleContext.quotes``)."""
    f: dict[str, float] = {"bias": 1.0, f"rule={event.type}": 1.0, f"rule_status={event.status}": 1.0,
                           "confidence": float(event.confidence)}
    tok = trigger_token(doc, event.trigger_start, event.trigger)
    trigger = event.trigger.lower()
    f[f"trig={trigger}"] = 1.0
    f[f"rule_trig={event.type}|{trigger}"] = 1.0
    if tok is not None:
        lemma = tok.lemma_.lower()
        f[f"lemma={lemma}"] = 1.0
        f[f"pos={tok.pos_}"] = 1.0
        f[f"dep={tok.dep_}"] = 1.0
        f[f"rule_dep={event.type}|{tok.dep_}"] = 1.0
        f[f"head={tok.head.lemma_.lower()}"] = 1.0
        f.update(status_features(tok, tok.sent))
        for w in sentence_words(tok.sent) - {tok.lemma_.lower()}:
            f[f"w={w}"] = 1.0  # measured: the status model is right more often with the sentence's words
    for role, ref in (("src", event.source), ("tgt", event.target)):
        if ref is None:
            f[f"{role}=none"] = 1.0
            continue
        f[f"{role}_kind={ref.kind}"] = 1.0
        f[f"rule_{role}_kind={event.type}|{ref.kind}"] = 1.0
        for sector in ref.sectors or ():
            f[f"{role}_sector={sector}"] = 1.0
        if ref.provisional:
            f[f"{role}_provisional"] = 1.0
    if event.source is not None and event.target is not None and event.source.id == event.target.id:
        f["src_is_tgt"] = 1.0
    if _in_quotation(quotes, event.trigger_start):
        f["in_quotation"] = 1.0
    if event.attributed_to is not None:
        f["attributed"] = 1.0
    return f
