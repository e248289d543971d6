"""Whom the text means when the clause does not name an event's actors, and where and when it is.

News leaves much unsaid that a reader fills in: an arrest is made by the authorities, a protest by
protesters of the country it is in, a coup is against the ruler, a spokesperson speaks for a state.
`types.yaml` says which default each type takes (``default_source``, ``default_target``, ...); the
rules here apply them, and otherwise take the nearest actor within the clause.
"""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Span, Token

from allegiance.actors.coreference import sentences_back
from allegiance.actors.kb import KnowledgeBase, fold
from allegiance.actors.references import ActorRef, group_ref, plural_phrase, ref_for
from allegiance.extraction.context import ArticleContext
from allegiance.extraction.events.actors import ActorReader
from allegiance.extraction.events.arguments import ALLEGIANCE_TYPES
from allegiance.extraction.events.lexicon import Lexicon
from allegiance.extraction.events.records import Candidate
from allegiance.parsing.syntax import SUBJECTS, passive, subject
from allegiance.parsing.temporal import Resolved
from allegiance.parsing.temporal import resolve as resolve_date


class Defaults:
    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon, actors: ActorReader, person_nouns: frozenset[str]):
        self.kb = kb
        self.lex = lexicon
        self.cues = lexicon.cues
        self.actors = actors
        self.person_nouns = person_nouns

    # -- who acts -----------------------------------------------------------------------

    def sources(self, c: Candidate) -> None:
        """The sources as the text means them: the members listed for an unnamed set, the state a
        spokesperson speaks for, the type's default group, the forces a state acts through; and the
        target a description names ("his allies are ...")."""
        ctx, spec, head, r = c.ctx, c.spec, c.head, c.reading
        if all(s.provisional and s.kind != "person" for s in c.sources):  # "three of ten states ...: Cuba, ..."
            c.sources = self.listed_after_colon(c.sent, head, ctx) or c.sources
        c.sources = [self.principal(s, ctx) for s in c.sources]
        c.where, c.where_country = self.location(c.sent, ctx)
        if spec.default_source and (not c.sources or spec.default_source != "state" and all(
                self.nationality(s) for s in c.sources)):
            c.sources = self.default_source(spec.default_source, c.sources, c.targets, c.where_country, ctx)
            c.by_syntax = True
        if spec.state_acts_through in self.kb:  # "violent responses by the authorities": their security forces
            through = self.kb[spec.state_acts_through]
            c.sources = [group_ref(self.kb, through, s.country, s.mention) if s.kind == "state" else s
                         for s in c.sources]
        if not c.targets and head.dep_ == "nsubj" and head.head.lemma_ == "be":
            owner = next((x for x in head.children if x.dep_ == "poss"), None)  # "his allies are ..."
            owned = self.actors.actor_of(owner, r) if owner is not None else None
            c.targets = [owned] if owned else []
        if c.trig.type in ALLEGIANCE_TYPES and not c.targets:  # "recognized the new leader", "his allies"
            c.targets = self.described_target(head, c.sent, ctx)

    def principal(self, ref: ActorRef | None, ctx: ArticleContext) -> ActorRef | None:
        """A spokesperson acts for the government they speak for; a country's officials for its state."""
        if ref is not None and ref.kind == "group" and ref.country and ref.id.split(":")[-1] in self.cues.state_groups:
            state = self.kb.state(ref.country)
            if state is not None:
                return ref_for(state, ref.mention)
        if ref is None or ref.kind != "person" or ref.id not in self.kb:
            return ref
        day = ctx.published or ctx.reference or dt.date.today()
        for role in self.kb[ref.id].roles:
            if role.title in self.cues.spokesperson_titles and role.holds_on(day) and role.country:
                state = self.kb.state(role.country)
                if state is not None:
                    return ref_for(state, ref.mention)
        return ref

    def nationality(self, ref: ActorRef) -> bool:
        """Whether a state's mention names its people ("Venezuelans") rather than the state."""
        state = self.kb[ref.id] if ref.kind == "state" and ref.id in self.kb else None
        return state is not None and fold(ref.mention).rstrip("s") in {fold(d) for d in state.demonyms}

    def default_source(self, group_id: str, sources: list[ActorRef], targets: list[ActorRef], country: str | None,
                       ctx: ArticleContext) -> list[ActorRef]:
        """The type's default group ("protesters"), of the nationality named or of the event's country;
        or, for `state`, the government of those it is done to (an arrest is made by the authorities)."""
        if group_id == "state":
            place = next((t.country for t in targets if t.country), None) or country or ctx.focus
            state = self.kb.state(place) if place else None
            if state is None or any(t.id == state.id for t in targets):
                return sources
            return [ref_for(state, "")]
        if group_id not in self.kb:
            return sources
        group = self.kb[group_id]
        countries = [s.country for s in sources if s.country] or [country or ctx.focus]
        return [group_ref(self.kb, group, x, "") for x in dict.fromkeys(countries)]

    def listed_after_colon(self, sent: Span, head: Token, ctx: ArticleContext) -> list[ActorRef]:
        """The actors the sentence lists after a colon that follows the trigger ("Only three states
        still back the president: Cuba, Iran, ..."), when the subject names none."""
        colon = next((t for t in sent if t.text == ":" and t.i > head.i), None)
        if colon is None:
            return []
        listed: list[ActorRef] = []
        for m in ctx.covering:
            if colon.i < m.token_start < sent.end and m.ref.kind in ("state", "organisation") and m.ref not in listed:
                listed.append(m.ref)
        return listed if len(listed) >= 2 else []

    def described_target(self, head: Token, sent: Span, ctx: ArticleContext) -> list[ActorRef]:
        """Whom an allegiance is toward when the text describes rather than names them: a definite
        description with a word for a person's standing ("the young leader") or a possessive pronoun
        ("his allies"), taken as the person last named as a subject in the two sentences before."""
        at, doc = ctx.by_token, ctx.doc
        words = [x for x in head.children if x.dep_ in ("dobj", "poss")] + [
            o for x in head.children if x.dep_ == "prep" for o in x.children if o.dep_ == "pobj"]
        described = [w for w in words if w.i not in at and (
            w.lower_ in ("his", "her") or w.lemma_.lower() in self.person_nouns
            and any(x.lower_ == "the" for x in w.children))]
        if not described:
            return []
        sents = ctx.sentences
        idx = next(i for i, s in enumerate(sents) if s.start <= head.i < s.end)
        window = sents[max(0, idx - 2)].start
        people = [m for m in ctx.covering if m.ref.kind == "person" and window <= m.token_start < sent.start]
        subjects = [m for m in people if doc[m.token_start:m.token_end].root.dep_ in SUBJECTS]
        if not subjects and any(w.lower_ in ("his", "her") for w in described):
            subjects = people  # "his" with no person as subject nearby: the person last named
        return [max(subjects, key=lambda m: m.token_start).ref] if subjects else []

    # -- who is acted on ----------------------------------------------------------------

    def targets(self, c: Candidate) -> None:
        """Fill in whom the event is done to, and who does it, when the clause does not say: the type's
        default (the ruler, the government, the article's country), else the nearest actor."""
        ctx, spec, trig, head = c.ctx, c.spec, c.trig, c.head
        sent, published, focus = c.sent, ctx.published, ctx.focus
        if not c.targets and spec.default_target == "incumbent":
            c.targets = self.actors.incumbent([s.country for s in c.sources], ctx, published)
        if not c.targets and spec.default_target == "ruler":
            c.targets = self.actors.incumbent([c.where_country], ctx, published)
        if not c.targets and not c.approval and spec.default_target in (None, "focus") and (
                c.sources or trig.weight >= 0.75):
            exclude = {s.id for s in c.sources} | ({c.speaker.id} if c.speaker else set())
            c.targets = self.nearest(sent, head, ctx, exclude=exclude, after=True)
            if not c.targets and spec.speech_act and c.sources:  # "on Iran, I rule nothing out ..."
                # ... but not one named inside the subject: "members of the regional bloc declined to ..."
                exclude |= _in_subject(head, ctx)
                c.targets = self.nearest(sent, head, ctx, exclude=exclude, after=False)
            c.nearest = bool(c.targets)
        # a passive's subject is done to
        if not c.sources and not trig.predicate and not passive(c.base) and c.relative is None:
            subj = subject(c.base, ("nsubj",))
            # an unresolved "he" is a person, an unresolved "it" or "they" is not
            word = subj.lower_ if subj is not None else ""
            kinds = {"person"} if word in ("he", "she") else {"state", "organisation", "group"} if word in (
                "it", "they") else None
            c.sources = self.nearest(sent, head, ctx, exclude={t.id for t in c.targets}, after=False, kinds=kinds,
                                     singular=word == "it")
            c.nearest = c.nearest or bool(c.sources)
        if not c.targets and spec.default_target == "focus" and c.sources:
            # the foreign country the text was just speaking of ("his stance on Venezuela ... 'all options
            # are open,' Trump said"), else the article's country
            own = {s.country for s in c.sources}
            since = sentences_back(ctx.doc, sent.start, 2)
            recent = [m.ref for m in ctx.covering if m.ref.kind == "state" and m.ref.country not in own
                      and since <= m.token_start < head.i]
            country = recent[-1].country if recent else focus
            state = self.kb.state(country) if country else None
            if state is not None and country not in own:
                c.targets = [ref_for(state, "")]
        if spec.at_protest in self.kb and all(t.id.split(":")[-1] in ("people", "civilians") for t in c.targets) \
                and c.at_protest:
            # "police fired tear gas to disperse them", "several people were shot during the protests"
            victims = self.kb[spec.at_protest]
            c.targets = [group_ref(self.kb, victims, t.country, t.mention) for t in c.targets] or [
                group_ref(self.kb, victims, c.where_country or focus, "")]
        if trig.to_people and "people" in self.kb:
            c.targets = [group_ref(self.kb, self.kb["people"], t.country, t.mention) if t.kind == "state" else t
                         for t in c.targets]
        if trig.type in ALLEGIANCE_TYPES:
            c.targets = [self.actors.leader_of(t) for t in c.targets]
        if spec.default_target == "ruler":  # a coup against "his government" is against the ruler
            c.targets = [next(iter(self.actors.incumbent([t.country], ctx, published)), t) if t.kind == "state" else t
                         for t in c.targets]
        if not c.targets and spec.default_target == "government":
            country = c.where_country or focus
            state = self.kb.state(country) if country else None
            if state is not None and all(s.id != state.id for s in c.sources):
                c.targets = [ref_for(state, "")]

    def nearest(self, sent: Span, head: Token, ctx: ArticleContext, exclude: set[str], after: bool,
                kinds: set[str] | None = None, singular: bool = False) -> list[ActorRef]:
        """When the parse gives no argument, the closest actor on the expected side of the trigger, within
        its clause: objects follow their verb, subjects precede it. Places named with "in", "at"... are
        settings, not actors. `kinds` keeps only actors of those kinds (a "he" the parse could not resolve
        is a person, an "it" is not)."""
        best = None
        for m in ctx.covering:
            if not (sent.start <= m.token_start < sent.end) or m.ref.id in exclude:
                continue
            if kinds is not None and m.ref.kind not in kinds:
                continue
            if singular and plural_phrase(sent.doc[m.token_start:m.token_end].root):
                continue  # "it" is no "seven officials"
            if (m.token_start > head.i) != after or m.token_start == head.i:
                continue
            tok = sent.doc[m.token_start]
            if tok.head.lower_ in ("in", "at", "near", "outside", "inside", "from", "across") and m.ref.kind == "state":
                continue
            if tok.head.lower_ in ("on", "via", "through") and m.ref.kind == "organisation":
                continue  # the medium, not an actor: "announced on Twitter", "told via state television"
            distance = abs(m.token_start - head.i)
            if distance <= 20 and (best is None or distance < best[0]):
                best = (distance, m.ref)
        return [best[1]] if best else []

    # -- when and where -------------------------------------------------------------------

    def date(self, sent: Span, head: Token, ctx: ArticleContext) -> Resolved | None:
        """The date nearest the trigger in its sentence that resolves to a day, month or year."""
        dates = [e for e in ctx.ents_in(sent) if e.label_ in ("DATE", "TIME")]
        dates.sort(key=lambda e: abs(e.root.i - head.i))
        for ent in dates:
            found = resolve_date(ent.text, ctx.published)
            if found:
                return found
        return None

    def location(self, sent: Span, ctx: ArticleContext) -> tuple[str | None, str | None]:
        """The first place the sentence puts something "in", "at" or "near", and its country."""
        for ent in ctx.ents_in(sent):
            if ent.label_ in ("GPE", "LOC", "FAC") and ent.root.head.lower_ in ("in", "at", "near", "outside", "inside"):
                country = None
                ref = ctx.by_token.get(ent.root.i)
                if ref is not None and ref.ref.kind == "state":
                    country = ref.ref.country
                else:
                    country = self.kb.demonym(ent.text)
                return ent.text, country
        return None, None


def _in_subject(head: Token, ctx: ArticleContext) -> set[str]:
    """The actors named anywhere in the subject of the clause the trigger is in (or of the clauses
    above it through xcomp, conj, advcl): those acting and those they are described by."""
    at = ctx.by_token
    verb = head
    for _ in range(4):
        subj = subject(verb)
        if subj is not None:
            return {at[t.i].ref.id for t in subj.subtree if t.i in at}
        if verb.dep_ not in ("xcomp", "conj", "advcl") or verb.head.i == verb.i:
            break
        verb = verb.head
    return set()
