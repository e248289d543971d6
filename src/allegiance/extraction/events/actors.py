"""Which actor a word of an event's clause stands for.

The resolver has already marked the mentions of named actors; an argument of an event is often not
one of them but points to one: a pronoun, a description ("members of the Chilean army"), a
list ("China, Russia and Cuba"), an office ("the leaders of Chile and Peru"), or a set the
text does not name ("many nations"). The rules here follow such words to the actors they mean.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from allegiance.actors.coreference import antecedent
from allegiance.actors.kb import KnowledgeBase
from allegiance.actors.references import ActorRef, Mention, group_ref, ref_for, slug
from allegiance.extraction.context import ArticleContext
from allegiance.extraction.events.lexicon import Lexicon
from allegiance.parsing.syntax import conjuncts, through

_FIRST_PERSON = {"i", "we", "me", "us", "my", "our"}
#: Dependents that are part of an argument's name or description, searched for its actor.
_NAME_DEPS = ("compound", "flat", "appos", "amod", "nmod", "poss", "npadvmod", "nummod", "det")
#: words for some of a body's people: "members of the military" are soldiers, not the armed forces
_PART_WORDS = {"member", "some", "many", "most", "part", "several", "few", "rest", "dozen", "hundred", "thousand"}
#: collective nouns whose members are states
_STATE_NOUNS = {"nation", "country", "government", "state", "power"}
#: nouns for a set of actors whose members a sentence may list beside them
_COLLECTIVES = {"member", "country", "nation", "government", "state", "ally", "partner"}


@dataclass(frozen=True)
class Reading:
    """An article read at one place in it. A first-person word ("we call on ...") means whoever speaks
    in the quotation being read there, so that speaker travels with the place, not with the reader."""

    ctx: ArticleContext
    speaker: ActorRef | None = None

    @property
    def at(self) -> dict[int, Mention]:
        return self.ctx.by_token

    @property
    def doc(self) -> Doc:
        return self.ctx.doc


class ActorReader:
    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon):
        self.kb = kb
        self.lex = lexicon
        self.cues = lexicon.cues

    def actor_of(self, tok: Token, r: Reading) -> ActorRef | None:
        """The actor a syntactic argument stands for: the mention on its head word, else on the words
        that make up its name ("Gen. Ana María Ruiz", "Chile's military attache"), else on what it
        is "of" or "among" ("members of the Chilean army")."""
        at = r.at
        if tok.i in at:
            return at[tok.i].ref
        if tok.lower_ in _FIRST_PERSON and r.speaker is not None:
            return r.speaker  # "we call on ..." inside a quotation: the speaker
        if tok.lower_ in ("he", "she", "him", "her", "his", "it", "its", "they", "them", "their"):
            m = antecedent(r.doc, tok)
            if m is None and tok.lower_ in ("he", "she") and tok.dep_ == "nsubj" and \
                    tok.head.lemma_.lower() in self.cues.speech_verbs:
                # "..., he said on Tuesday": whom the quotes stage found speaking in the sentence
                sent = tok.sent
                q = next((q for q in r.ctx.direct_quotes() if q.speaker is not None
                          and q.start < sent.end_char and sent.start_char < q.end), None)
                return q.speaker if q else None
            return m.ref if m else None
        owner = next((c for c in tok.children if c.dep_ == "poss"), None)
        if owner is not None and tok.lemma_.lower() in ("country", "nation"):  # "his country", "our nation"
            ref = self.actor_of(owner, r)
            state = self.kb.state(ref.country) if ref is not None and ref.country else None
            return ref_for(state, tok.text) if state is not None else None
        named = next((c for c in through(tok, _NAME_DEPS) if c.i in at), None)
        if named is not None:
            return at[named.i].ref
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in ("of", "in", "among", "from"):
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        ref = self.actor_of(obj, r)
                        if ref and "MIL" in ref.sectors and tok.lemma_.lower() in _PART_WORDS and "soldiers" in self.kb:
                            # "members of the military", "some of the army": soldiers, not the institution
                            return group_ref(self.kb, self.kb["soldiers"], ref.country, tok.text)
                        if ref:
                            return ref
        return self.unnamed_set(tok)

    def unnamed_set(self, tok: Token) -> ActorRef | None:
        """A set of actors the text does not name ("many nations", "Latin American leaders"), as a
        provisional group called by its words, so that who acts is at least said."""
        if tok.tag_ not in ("NNS", "NNPS") or tok.lemma_.lower() not in self.cues.collective_nouns:
            return None
        words = [c for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod", "det", "nummod", "predet")
                 and c.lower_ not in ("the", "a", "an", "these", "those", "its", "their")]
        if not words:
            return None  # a bare "countries" says nothing of who
        start = min(t.i for w in words for t in w.subtree)  # "Latin American": the modifier's own modifiers too
        text = tok.doc[start : tok.i + 1].text
        # a set of nations acts as states do (their support is recognition); of leaders, as a group
        kind = "state" if tok.lemma_.lower() in _STATE_NOUNS else "group"
        return ActorRef(f"unknown:{kind}:{slug(text)}", text, text, kind, None, [], provisional=True)

    def with_conjuncts(self, tok: Token, r: Reading) -> list[ActorRef]:
        """The actors of an argument and of the arguments coordinated with it ("China, Russia and Cuba");
        for a generic noun, the named members it lists ("countries including Russia and China")."""
        at = r.at
        refs: list[ActorRef] = []
        leaders = self.leaders_of(tok, r)
        if leaders:
            return leaders
        # the parser often makes a list of named actors appositions: "Chile, Peru, and ..."
        listed = [a for a in tok.children if a.dep_ == "appos" and tok.i in at]
        for t in [tok, *conjuncts(tok), *[x for a in listed for x in (a, *conjuncts(a))]]:
            members = [] if t.i in at else _listed_members(t)
            for ref in ([self.actor_of(m, r) for m in members] if members else [self.actor_of(t, r)]):
                if ref and all(x.id != ref.id for x in refs):
                    refs.append(ref)
        return refs

    def leaders_of(self, tok: Token, r: Reading) -> list[ActorRef]:
        """ "The leaders of Chile and Peru", "Panama's president": each country's head of
        state on the day the article speaks from."""
        at = r.at
        if tok.i in at or tok.lemma_.lower() not in ("leader", "president", "head"):
            return []
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        obj = obj if obj is not None else next((c for c in tok.children if c.dep_ == "poss"), None)
        if obj is None:
            return []
        refs = []
        for country in [obj, *conjuncts(obj)]:
            ref = at[country.i].ref if country.i in at else None
            if ref is not None and ref.kind == "state":
                refs += [x for x in self.incumbent([ref.country], r.ctx, None) if x not in refs]
        return refs

    def speakers(self, verb: Token, r: Reading) -> list[ActorRef]:
        """Every actor a verb's subjects name; a collective ("EU members") gives way to the members the
        sentence lists ("EU members Spain, Italy ... said")."""
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        named = [c for c in subjects if c.lemma_.lower() not in _COLLECTIVES]
        refs: list[ActorRef] = []
        for subj in named if named and len(named) < len(subjects) else subjects:
            refs += [x for x in self.with_conjuncts(subj, r) if all(x.id != y.id for y in refs)]
        return refs

    def protesters_of(self, tok: Token, ctx: ArticleContext) -> list[ActorRef]:
        """A protest named as what is acted on stands for those protesting ("repression of protests")."""
        if "protesters" not in self.kb or not any(
                t.type == "PROTEST" and len(t.words) == 1 for t in self.lex.by_first.get(tok.lemma_.lower(), ())):
            return []
        return [group_ref(self.kb, self.kb["protesters"], ctx.focus, tok.text)]

    def leader_of(self, ref: ActorRef) -> ActorRef:
        """Allegiance is to a person: "defected from Maduro's government" is from Maduro."""
        if ref.kind != "state":
            return ref
        for word in re.findall(r"[A-ZÀ-Ý][\w’'-]+", ref.mention):
            people = [a for a in self.kb.lookup(re.sub(r"['’]s$", "", word)) if a.kind == "person"]
            if len(people) == 1:
                p = people[0]
                return ref_for(p, ref.mention)
        return ref

    def incumbent(self, countries: list[str | None], ctx: ArticleContext, published: dt.date | None) -> list[ActorRef]:
        """The head of state of the first country given, or of the article's country: whom a defector
        leaves, or a coup is against, when the text does not say."""
        country = next((c for c in countries if c), None) or ctx.focus
        day = published or ctx.reference or dt.date.today()  # undated: whoever the knowledge base says rules now
        if country is None:
            return []
        for title in ("president", "head of state", "king", "prime minister"):
            holders = self.kb.holders(title, country, day)
            if len(holders) == 1:
                a = holders[0]
                return [ref_for(a, "")]
        return []

    def same_side(self, speaker: ActorRef, source: ActorRef) -> bool:
        """The speaker is the actor, or speaks for it: a government body or official for its state."""
        if speaker.id == source.id:
            return True
        return source.kind == "state" and source.country is not None and speaker.country == source.country \
            and "GOV" in speaker.sectors


def _listed_members(tok: Token) -> list[Token]:
    """The named members of a set ("countries including Russia and China"), also when the set is
    what a quantity is "of" ("a number of nations, including Canada and the UK")."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in ("including", "like", "such"):
            objs = [o for o in child.subtree if o.dep_ == "pobj" and o.head.i in (child.i, *(x.i for x in child.children))]
            if objs:
                return [objs[0], *conjuncts(objs[0])]
    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    whole = next((o for o in of.children if o.dep_ == "pobj"), None) if of is not None else None
    return _listed_members(whole) if whole is not None else []
