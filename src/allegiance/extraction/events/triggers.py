"""Candidate events: the trigger phrases of the lexicon found in a sentence.

Phrases are matched on each word's form or lemma, as the tokenizer splits them
(`lexicon.phrase_words`). Where phrases overlap, the longer one wins, so "declaration of support" is
a recognition and not also a pledge of loyalty; set phrases that name no act (the lexicon's IGNORE)
trigger nothing.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from allegiance.extraction.events.lexicon import Lexicon, Trigger


def norm(tok: Token) -> tuple[str, str]:
    """A word's form and lemma as the lexicon writes them: lower case, straight apostrophe."""
    return tok.lower_.replace("’", "'"), tok.lemma_.lower().replace("’", "'")


def match_at(doc: Doc, i: int, words: tuple[str, ...], limit: int) -> int | None:
    """Where a phrase matched from token `i` ends (its form or lemma word by word), before `limit`."""
    j = i
    for w in words:
        if j >= limit:
            return None
        lower, lemma = norm(doc[j])
        if w != lower and w != lemma:
            return None
        j += 1
    return j


def head_of(span: Span) -> Token:
    """The word the phrase hangs from: its syntactic root, preferring verbs and nouns."""
    root = span.root
    if root.pos_ in ("ADP", "PART", "DET") and len(span) > 1:
        for tok in span:
            if tok.pos_ in ("VERB", "NOUN", "ADJ", "PROPN"):
                return tok
    return root


def requested(tok: Token, demands: set[int]) -> bool:
    """Whether a word is the content of a demand ("urged the military to back Guaidó"), also when the
    parser hung it on the verb that carries the demand ("renewed his calls for the overthrow of ...")."""
    for _ in range(3):
        if tok.dep_ not in ("xcomp", "ccomp", "advcl", "pobj", "prep", "dobj") or tok.head.i == tok.i:
            return False
        came_from, tok = tok, tok.head
        if tok.i in demands or (came_from.dep_ == "prep" and any(
                c.dep_ == "dobj" and c.i in demands for c in tok.children)):
            return True
    return False


class TriggerMatcher:
    def __init__(self, lexicon: Lexicon):
        self.lex = lexicon

    def matches(self, sent: Span) -> list[tuple[Span, Trigger]]:
        """The trigger phrases in the sentence, in text order, at most one per start word and type."""
        found: list[tuple[Span, Trigger]] = []
        doc = sent.doc
        for tok in sent:
            lower, lemma = norm(tok)
            for key in dict.fromkeys((lower, lemma)):  # in a fixed order: string sets vary per process
                for trig in self.lex.by_first.get(key, ()):
                    end = match_at(doc, tok.i, trig.words, sent.end)
                    if end is None or (trig.pos and tok.pos_ != trig.pos and not (trig.pos == "VERB" and tok.pos_ == "AUX")):
                        continue
                    found.append((doc[tok.i : end], trig))
        # set phrases that name no act: their words trigger nothing, unless a longer phrase holds them
        # ("was met with violence")
        ignored: set[int] = set()
        for tok in sent:
            for key in set(norm(tok)):
                for words in self.lex.ignore.get(key, ()):
                    end = match_at(doc, tok.i, words, sent.end)
                    if end is not None:
                        ignored.update(range(tok.i, end))
        found = [(span, trig) for span, trig in found if not ignored.issuperset(range(span.start, span.end))
                 and not any(t.ent_type_ in ("DATE", "TIME") for t in span)]  # "March 1" is no march
        # words inside a longer matched phrase belong to it; the same phrase may still name several types
        kept = [(span, trig) for span, trig in found
                if not any(o.start <= span.start and span.end <= o.end and len(o) > len(span) for o, _ in found)]
        best: dict[tuple[int, str], tuple[Span, Trigger]] = {}
        for span, trig in kept:
            k = (span.start, trig.type)
            if k not in best or len(span) > len(best[k][0]):
                best[k] = (span, trig)
        return sorted(best.values(), key=lambda x: x[0].start)
