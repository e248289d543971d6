"""Words that refer back to an actor named before: surnames, ranks, appositions, pronouns.

The resolver fills an :class:`ArticleState` as it names actors, and asks it
who a later "Silva", "the colonel" or "Silva, a key official" is. Pronouns
are resolved on demand (:func:`antecedent`) by the events and quotes stages,
because only they know which pronouns matter. Every rule here answers only
when the text makes the referent clear: a wrong actor is worse than none.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from allegiance.actors.kb import fold
from allegiance.actors.references import ActorRef, Mention, plural_phrase

#: Ranks that a later "the colonel" can refer back to.
RANKS = {"col": "colonel", "colonel": "colonel", "gen": "general", "general": "general", "lt": "lieutenant",
         "lieutenant": "lieutenant", "maj": "major", "major": "major", "capt": "captain", "captain": "captain",
         "adm": "admiral", "admiral": "admiral", "sgt": "sergeant", "sergeant": "sergeant"}
PRONOUNS = {"he", "him", "his", "she", "her", "hers", "they", "them", "their", "it", "its"}


class ArticleState:
    """What the resolver has learnt about one article so far; made afresh for every article."""

    def __init__(self) -> None:
        self.mentions: list[Mention] = []
        self.ids: set[str] = set()
        self.surnames: dict[str, ActorRef] = {}
        self.ranks: dict[str, ActorRef] = {}
        self.focus: str | None = None
        self.person_starts: set[int] = set()
        self.person_tokens: dict[int, Mention] = {}  # token index -> the person mention it is part of

    def add(self, mention: Mention, span: Span) -> None:
        self.mentions.append(mention)
        ref = mention.ref
        self.ids.add(ref.id)
        if ref.kind == "person":
            self.person_starts.add(mention.token_start)
            for i in range(mention.token_start, mention.token_end):
                self.person_tokens.setdefault(i, mention)
            for part in fold(ref.name).split()[1:] + fold(mention.text).split()[-1:]:
                if len(part) > 2:
                    self.surnames[part] = ref
            for tok in span.doc[max(0, span.start - 3) : span.start]:
                rank = RANKS.get(tok.lower_.rstrip("."))
                if rank:
                    self.ranks[rank] = ref

    def country_in(self, span: Span) -> str | None:
        """The country of a person or a state named inside a span ("Donald Trump's administration",
        "a White House official")."""
        for i in range(span.start, span.end):
            m = self.person_tokens.get(i)
            if m is not None and m.token_start == i and m.token_end <= span.end and m.ref.country:
                return m.ref.country
        for m in self.mentions:
            if m.ref.kind == "state" and span.start <= m.token_start and m.token_end <= span.end and \
                    span.root.i >= m.token_end and m.ref.country:
                return m.ref.country
        return None

    def by_surname(self, name: str) -> ActorRef | None:
        parts = fold(name).split()
        return self.surnames.get(parts[-1]) if parts and len(parts) <= 2 else None

    def apposed_to(self, chunk: Span) -> Mention | None:
        """The person an indefinite or definite apposition describes ("Silva, a key military official")."""
        root = chunk.root
        person = self.person_tokens.get(root.head.i) if root.dep_ == "appos" else None
        return person if person is not None and chunk[0].lower_ in ("a", "an", "the") else None


def rank_named(chunk: Span) -> str | None:
    """The rank a bare "the colonel" names, which only a person named with that rank can be."""
    rank = RANKS.get(chunk.root.lower_)
    return rank if rank and chunk[0].lower_ == "the" and len(chunk) == 2 else None


def names_follow(chunk: Span, state: ArticleState) -> bool:
    """A title right before a name ("Venezuelan opposition leader Juan Guaidó") is that person's, whoever
    else held the title."""
    doc = chunk.doc
    nxt = chunk.end
    while nxt < len(doc) and doc[nxt].is_punct and doc[nxt].text not in (",", "."):
        nxt += 1
    return nxt in state.person_starts or chunk.root.head.i in state.person_tokens


def sentences_back(doc: Doc, token: int, back: int) -> int:
    """The first token of the sentence `back` sentences before the one holding `token` (or of the text)."""
    start = doc[token].sent.start
    for _ in range(back):
        if start == 0:
            break
        start = doc[start - 1].sent.start
    return start


def antecedent(doc: Doc, token: Token, window: int = 2) -> Mention | None:
    """The person a pronoun refers to, when the text makes it clear.

    Clear means: exactly one distinct person (for he/she) or one distinct
    organisation, state or group (for it/they) is mentioned between the start
    of the sentence ``window`` sentences back and the pronoun. With two or more
    candidates, None: a wrong speaker is worse than no speaker.
    """
    if token.lower_ not in PRONOUNS:
        return None
    sents = list(doc.sents)
    idx = next(i for i, s in enumerate(sents) if s.start <= token.i < s.end)
    start = sents[max(0, idx - window)].start_char
    plural = token.lower_ in ("they", "them", "their", "it", "its")  # stand for organisations and states
    if token.lower_ in ("they", "them", "their"):
        # a plural noun under the same verb, or a verb coordinated with it, is what "they" takes up
        # ("held talks with members of the military and urged them to ...")
        verb = token.head
        verbs = {verb.i, verb.head.i} if verb.dep_ == "conj" else {verb.i}
        sent = sents[idx]
        group = [m for m in doc._.actor_mentions or [] if sent.start_char <= m.start and m.end <= token.idx
                 and plural_phrase(doc[m.token_start:m.token_end].root)
                 and any(a.i in verbs for a in doc[m.token_start:m.token_end].root.ancestors)]
        if group:
            return max(group, key=lambda m: m.start)
    singular = token.lower_ in ("it", "its")  # "it" is no plural group ("officials")
    found: dict[str, Mention] = {}
    for m in doc._.actor_mentions or []:
        if start <= m.start and m.end <= token.idx:
            if plural and m.ref.kind != "person":
                if singular and plural_phrase(doc[m.token_start:m.token_end].root):
                    continue
                found[m.ref.id] = m
            elif not plural and m.ref.kind == "person":
                found[m.ref.id] = m
    if len(found) == 1:
        return next(iter(found.values()))
    if token.lower_ in ("he", "she", "his", "him") and token.dep_ in ("nsubj", "nsubjpass", "poss", "dobj", "pobj"):
        # a subject, possessive or object pronoun continues the subject of the sentence's earlier clause
        # ("Guaidó, a protege of López, declared himself president, and he has been recognised by ..."),
        # an object never the one who acts on it ("Maduro told him", "he holds him responsible")
        sent = sents[idx]
        actor = _own_actor(doc, token) if token.lower_ == "him" else None
        subjects = [m for m in doc._.actor_mentions or [] if m.ref.kind == "person" and sent.start_char <= m.start
                    and m.end <= token.idx and doc[m.token_start:m.token_end].root.dep_ in ("nsubj", "nsubjpass")
                    and doc[m.token_start:m.token_end].root.head.i != token.head.i
                    and (actor is None or m.ref.id != actor)]
        if subjects:
            return max(subjects, key=lambda m: m.start)
        if actor is not None:  # "he no longer recognized Maduro and holds him responsible": the other one
            others = [m for m in doc._.actor_mentions or [] if m.ref.kind == "person" and sent.start_char <= m.start
                      and m.end <= token.idx and m.ref.id != actor]
            if len({m.ref.id for m in others}) == 1:
                return others[-1]
    return None


def _own_actor(doc: Doc, token: Token) -> str | None:
    """Who acts on an object pronoun: the subject of its verb, or of the verb that holds its small clause
    ("he holds him responsible"), resolved when it is a pronoun itself."""
    verb = token.head
    subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.i != token.i), None)
    if subj is None and verb.dep_ in ("ccomp", "xcomp", "oprd"):
        subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return None
    if subj.lower_ in PRONOUNS:
        m = antecedent(doc, subj)
        return m.ref.id if m else None
    return next((m.ref.id for m in doc._.actor_mentions or [] if m.token_start <= subj.i < m.token_end), None)
