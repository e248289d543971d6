"""Readings of the dependency parse that the quotes, events and labels stages share.

Each is written once here so that the stages agree on what, say, a passive clause or a verb's
subject is: when one stage's copy of such a rule was fixed and another's was not, the same sentence
was read two ways.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Span, Token

SUBJECTS = ("nsubj", "nsubjpass")


def subject(verb: Token, deps: tuple[str, ...] = SUBJECTS) -> Token | None:
    """The verb's first subject among `deps` (active and passive ones unless told)."""
    return next((c for c in verb.children if c.dep_ in deps), None)


def speech_verb(tok: Token, verbs: Iterable[str] | frozenset[str]) -> bool:
    """A verb (or auxiliary the tagger took for one) of saying: "said", "told", "warned"."""
    return tok.lemma_.lower() in verbs and tok.pos_ in ("VERB", "AUX")


def objects(verb: Token, preps: tuple[str, ...] | None = None) -> list[Token]:
    """The verb's direct objects and the objects of its prepositions (of these only, when given)."""
    return [c for c in verb.children if c.dep_ in ("dobj", "dative")] + [
        o for p in verb.children if p.dep_ == "prep" and (preps is None or p.lower_ in preps)
        for o in p.children if o.dep_ == "pobj"]


def prep_objects(tok: Token, preps: Iterable[str]) -> list[Token]:
    """The objects of the word's prepositions that are one of `preps` ("aid from X": X)."""
    return [o for c in tok.children if c.dep_ == "prep" and c.lower_ in preps for o in c.children if o.dep_ == "pobj"]


def passive(verb: Token) -> bool:
    """A passive clause: "was detained", or a bare participle after its noun ("Lopez, detained ...")."""
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN")


def conjuncts(tok: Token, nested: bool = True) -> list[Token]:
    """The words coordinated with this one ("China, Russia and Cuba"). The parser chains a list either
    way; `nested` follows the chain, otherwise only the word's own conjuncts are taken."""
    out = []
    for child in tok.children:
        if child.dep_ == "conj":
            out.append(child)
            if nested:
                out.extend(conjuncts(child))
    return out


def dominated_by(tok: Token, top: Token) -> bool:
    """Whether `top` is above the word in the tree."""
    while tok.head.i != tok.i:
        if tok.head.i == top.i:
            return True
        tok = tok.head
    return False


def clause_of(tok: Token) -> Token:
    """The verb a subject noun belongs to ("sanctions could be imposed"), else the word itself."""
    return tok.head if tok.dep_ in SUBJECTS else tok


def clause_head(tok: Token, heads: tuple[str, ...]) -> Token:
    """The word a clause hangs from: up the tree until a word attached as one of `heads`, or the root."""
    while tok.dep_ not in heads and tok.head.i != tok.i:
        tok = tok.head
    return tok


def according_to(sent: Span) -> Iterator[Token]:
    """The words an "according to" in the sentence attributes it to, in order."""
    doc = sent.doc
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            yield from doc[tok.i + 1].children


def through(tok: Token, deps: tuple[str, ...]) -> list[Token]:
    """The words below this one reached only through `deps`, nearest first: the words that make up a
    name or description ("Gen. Ana María Ruiz", "Chile's military attache")."""
    found: list[Token] = []
    queue = [c for c in tok.children if c.dep_ in deps]
    while queue:
        child = queue.pop(0)
        found.append(child)
        queue.extend(c for c in child.children if c.dep_ in deps)
    return found


def reciprocal(verb: Token) -> bool:
    """Whether the verb's object, or the object of its preposition, is "each other" or "one another"."""
    return any((o.lower_ == "other" and any(d.lower_ == "each" for d in o.children))
               or (o.lower_ == "another" and any(d.lower_ == "one" for d in o.children))
               or (o.lower_ in ("each", "one") and any(n.lower_ in ("other", "another") for n in o.rights))
               for o in objects(verb))


def by_phrase(verb: Token) -> Token | None:
    """A "by" phrase inside the verb's own clause (not inside a subordinate clause)."""
    stack = list(verb.children)
    while stack:
        tok = stack.pop(0)
        if tok.dep_ in ("advcl", "ccomp", "relcl", "acl", "conj", "parataxis"):
            continue
        if tok.lower_ == "by" and tok.dep_ in ("prep", "agent"):
            return tok
        stack.extend(tok.children)
    return None
