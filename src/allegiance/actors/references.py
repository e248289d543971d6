"""How the later stages name an actor and find one in the text.

Every stage that reads actors (events, quotes, labels, the store) shares
these records and helpers, so they live apart from the resolver that makes
them: importing them does not need spaCy's matchers or the resolution rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from allegiance.actors.kb import Actor, KnowledgeBase, fold

#: Titles written before a name; they are not part of the name, but they tell what the person is.
HONORIFICS = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord",
    "president", "vice", "prime", "minister", "sen", "senator", "rep", "representative", "gov", "governor",
    "gen", "general", "col", "colonel", "lt", "lieutenant", "maj", "major", "capt", "captain", "adm", "admiral",
    "sgt", "sergeant", "cmdr", "commander", "brig", "marshal", "field", "king", "queen", "prince", "pope",
    "secretary", "ambassador", "judge", "justice", "mayor", "chancellor", "congressman", "congresswoman",
    "deputy", "lawmaker", "opposition", "leader", "interim", "self-proclaimed", "acting", "former", "late",
    "u.s.", "us", "state", "foreign", "defence", "defense", "chief",
}


@dataclass
class ActorRef:
    """An actor as every export names it: id and canonical name, plus the raw words of the text."""

    id: str
    name: str
    mention: str
    kind: str
    country: str | None = None
    sectors: list[str] = field(default_factory=list)
    provisional: bool = False


@dataclass
class Mention:
    start: int  # character offsets into the article text
    end: int
    text: str
    ref: ActorRef
    method: str
    token_start: int = 0
    token_end: int = 0


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "unnamed"


def ref_for(actor: Actor, mention: str, country: str | None = None) -> ActorRef:
    return ActorRef(actor.id, actor.name, mention, actor.kind, country or actor.country, list(actor.sectors))


def group_ref(kb: KnowledgeBase, group: Actor, country: str | None, text: str) -> ActorRef:
    """A generic group in a country: the national body the knowledge base names for it, if any. A group
    that is international by nature ("the international community") belongs to no country."""
    if "IGO" in group.sectors:
        country = None
    national = kb.national.get((group.id, country)) if country else None
    if national:
        return ref_for(kb[national], text)
    name = group.name
    state_actor = kb.state(country) if country else None
    if state_actor is not None and state_actor.demonyms:
        name = f"{state_actor.demonyms[0]} {group.name}"
    gid = f"{country}:{group.id}" if country else group.id
    return ActorRef(gid, name, text, "group", country, list(group.sectors))


def copy_ref(ref: ActorRef, mention: str) -> ActorRef:
    """The same actor under other words of the text (a surname, "the colonel", "he")."""
    return ActorRef(ref.id, ref.name, mention, ref.kind, ref.country, list(ref.sectors), ref.provisional)


def mention_of(span: Span, ref: ActorRef, method: str) -> Mention:
    return Mention(span.start_char, span.end_char, span.text, ref, method, span.start, span.end)


def mentions_by_token(doc: Doc) -> dict[int, Mention]:
    """Each token's actor mention (the first one that covers it), for the stages that read arguments."""
    at: dict[int, Mention] = {}
    for m in doc._.actor_mentions or []:
        for i in range(m.token_start, m.token_end):
            at.setdefault(i, m)
    return at


def plural_phrase(root: Token) -> bool:
    """A plural noun phrase, or one a plural noun is "of" ("members of the military")."""
    if root.tag_ in ("NNS", "NNPS"):
        return True
    return root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.tag_ in ("NNS", "NNPS")
