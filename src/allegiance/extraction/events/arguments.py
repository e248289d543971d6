"""Who acts and who is acted on: an event's sources and targets, read off the dependency parse.

Only what the clause says is read here; when it names nobody, `defaults` decides whom the text
means. A source found by syntax counts for more than a guessed one (see the confidence in
`extractor`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from allegiance.actors.kb import KnowledgeBase
from allegiance.actors.references import ActorRef, group_ref, ref_for
from allegiance.extraction.events.actors import ActorReader, Reading
from allegiance.extraction.events.lexicon import Lexicon, Trigger
from allegiance.extraction.events.triggers import norm
from allegiance.parsing.syntax import by_phrase, passive, prep_objects, subject

#: Types whose target is the contender an actor stands with or against.
ALLEGIANCE_TYPES = ("DEFECT", "PLEDGE_LOYALTY", "RECOGNIZE")


class Arguments:
    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon, actors: ActorReader):
        self.kb = kb
        self.lex = lexicon
        self.cues = lexicon.cues
        self.actors = actors

    def carrier(self, head: Token) -> Token:
        """The word whose place in the clause is the event's: the noun an adjective trigger qualifies
        ("conducted joint patrols") or a compound trigger names ("an aid package"), the light noun or
        the amount before "of"/"in" ("made offers of asylum to the dissident", "sent 50 tons of
        supplies", "granted $300 million in assistance")."""
        if head.dep_ == "amod" and head.pos_ == "ADJ" and head.head.pos_ == "NOUN":
            return head.head
        if head.dep_ == "compound" and head.head.lemma_.lower() in self.cues.carrier_nouns:
            return head.head  # "announced an aid package for Ukraine"
        if head.dep_ == "pobj" and head.head.lower_ in ("of", "in"):
            holder = head.head.head
            amount = holder.ent_type_ in ("MONEY", "QUANTITY", "CARDINAL") or any(
                c.dep_ == "nummod" for c in holder.children)
            if holder.pos_ in ("NOUN", "NUM") and (
                    amount or head.head.lower_ == "of" and holder.lemma_.lower() in self.cues.light_nouns):
                return holder
        return head

    # -- who acts ---------------------------------------------------------------------

    def sources(self, head: Token, r: Reading, received: bool = False) -> tuple[list[ActorRef], bool]:
        """Who acts. `received`: the event gives something, so a person named as its modifier is who gets
        it ("offered the dissident asylum"), and "from X" names the giver ("aid from Japan")."""
        at, conj = r.at, self.actors.with_conjuncts
        accused = self.accused(head, r)
        if accused:
            return accused, True
        given = self.given_by(head, r) if received else []
        if given:
            return given, True
        cop = head.head if head.dep_ == "nsubj" and head.head.lemma_ == "be" else None
        if cop is not None and head.pos_ == "NOUN":
            # "the highest-ranking defector is General Ruiz", "his allies are Cuba and Iran":
            # the predicate names who the agent noun is
            attr = next((c for c in cop.children if c.dep_ == "attr"), None)
            refs = conj(attr, r) if attr is not None else []
            if refs:
                return refs, True
        if head.i in at and at[head.i].ref.kind in ("group", "person"):
            return [at[head.i].ref], True  # an agent noun names its actor: "protesters", "defectors"

        def recipient(child: Token) -> bool:
            return received and at[child.i].ref.kind == "person"

        for child in head.children:  # "Guaidó's calls", whatever the tagger made of "calls"
            if child.dep_ == "poss" and child.i in at and not recipient(child):
                return [at[child.i].ref], True
        clause = head
        if head.pos_ in ("NOUN", "PROPN"):
            found = self._noun_sources(head, r, recipient)
            if found is not None:
                return found
            # a light verb carries the event noun: "imposed sanctions", "held talks", "called for protests"
            if head.dep_ not in ("dobj", "attr", "pobj", "nsubjpass", "conj"):
                return [], False
            gov = head.head if head.dep_ != "pobj" else head.head.head
            if head.dep_ == "pobj" and head.head.lower_ in ("on", "under", "into") and gov.dep_ == "dobj":
                gov = gov.head  # "placed its units on combat readiness", "put him under arrest"
            # ... but not an event that only sets the time: "suspended aid after the coup"
            setting = head.dep_ == "pobj" and head.head.lower_ in self.cues.setting_preps
            if gov.pos_ not in ("VERB", "AUX") or gov.lemma_.lower() in self.cues.not_agent_verbs or setting:
                return [], False
            clause = gov
        return self._clause_subjects(clause, r)

    def _noun_sources(self, head: Token, r: Reading, recipient) -> tuple[list[ActorRef], bool] | None:
        """Who an event noun's own modifiers name as acting ("US sanctions", "opposition protests",
        "repression by the police"); None when they name nobody."""
        at = r.at
        for child in head.children:
            if child.dep_ in ("poss", "compound", "amod") and child.i in at and not recipient(child):
                return [at[child.i].ref], True
        for child in head.children:  # "opposition protests", "student protests": a civil group as modifier
            groups = [a for a in self.kb.lookup(child.lemma_) if a.kind == "group" and not {
                "MIL", "COP", "GOV"} & set(a.sectors)] if child.dep_ in ("compound", "amod") else []
            if len(groups) == 1:
                return [group_ref(self.kb, groups[0], r.ctx.focus, child.text)], True
        for child in head.children:  # "Russian aid", "American sanctions": the state of that nationality
            country = self.kb.demonym(child.text) if child.dep_ in ("amod", "compound") else None
            state = self.kb.state(country) if country else None
            if state is not None:
                return [ref_for(state, child.text)], True
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "by":
                for obj in child.children:
                    refs = self.actors.with_conjuncts(obj, r)
                    if refs:
                        return refs, True
        return None

    def _clause_subjects(self, verb: Token, r: Reading) -> tuple[list[ActorRef], bool]:
        """The subject (or passive agent) of the event's clause, or of the clause it depends on."""
        conj = self.actors.with_conjuncts
        for _ in range(4):
            subj = subject(verb, ("nsubj", "csubj"))
            if subj is not None:
                refs = conj(subj, r)
                if subj.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                    refs = conj(verb.head, r)
                elif subj.lower_ in ("they", "we") and verb.dep_ == "ccomp":
                    refs = self.actors.speakers(verb.head, r) or refs  # "X, Y and Z said they would ..."
                return refs, bool(refs)
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            if agent is None and any(c.dep_ == "nsubjpass" for c in verb.children):
                agent = by_phrase(verb)  # the parser often hangs "by X" on a noun of the clause
            if agent is not None:
                objs = [o for o in agent.children if o.dep_ == "pobj"]
                if objs:
                    refs = conj(objs[0], r)
                    return refs, bool(refs)
            if verb.dep_ == "ccomp" and verb.head.lemma_.lower() in self.cues.speech_verbs:
                break  # who reports an event is not who does it
            if verb.dep_ in ("xcomp", "conj", "advcl", "ccomp") and verb.head.pos_ in ("VERB", "AUX", "ADJ"):
                verb = verb.head
                continue
            if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX") and \
                    verb.head.lower_ not in self.cues.topic_preps and not passive(verb) and verb.tag_ != "VBN":
                # the subject of a gerund after a preposition is the main verb's ("joined Nicaragua in
                # offering him asylum", "by imposing sanctions"), or its object's when it gives the reason
                # ("blasted the administration for trying to block ...")
                main = verb.head.head
                obj = next((c for c in main.children if c.dep_ == "dobj"), None)
                if verb.head.lower_ == "for" and obj is not None:
                    refs = conj(obj, r)
                    return refs, bool(refs)
                verb = main
                continue
            if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
                if passive(verb):
                    break  # "Lopez, detained since 2014": the noun is who it was done to
                refs = conj(verb.head, r)
                if refs or verb.head.dep_ not in ("dobj", "pobj", "attr") or verb.head.head.pos_ != "VERB":
                    return refs, bool(refs)
                verb = verb.head.head  # "sent a letter asking ...": whoever sent it asks
                continue
            break
        return [], False

    def accused(self, head: Token, r: Reading) -> list[ActorRef]:
        """Who is said to have done an event that is what someone is accused "of" ("accused Washington of
        staging a coup", "a general whom the junta accuses of treason")."""
        tok = head
        for _ in range(5):
            if tok.dep_ in ("pcomp", "pobj") and tok.head.lower_ == "of":
                verb = tok.head.head
                if verb.lemma_.lower() not in self.cues.accusing_verbs:
                    return []
                obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
                if obj is not None and obj.lower_ in ("whom", "who", "which", "that") and verb.dep_ == "relcl":
                    obj = verb.head
                named = self.actors.with_conjuncts(obj, r) if obj is not None else []
                return named or self.from_to_range(verb, r)
            if tok.dep_ not in ("xcomp", "dobj", "pcomp", "pobj", "prep", "ccomp") or tok.head.i == tok.i:
                return []
            tok = tok.head
        return []

    def given_by(self, head: Token, r: Reading) -> list[ActorRef]:
        """The giver a "from" phrase names on what is given ("food aid from Japan")."""
        if head.pos_ != "NOUN":
            return []
        return [x for o in prep_objects(head, ("from",)) for x in self.actors.with_conjuncts(o, r)]

    def from_to_range(self, verb: Token, r: Reading) -> list[ActorRef]:
        """The actors a "from X to Y (to Z)" range lists beside a verb's unnamed object ("blamed many,
        from the army to the banks to foreign powers"), however the parser hung its parts."""
        start = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "from"), None)
        if start is None:
            return []
        ends = [start, *(c for c in start.subtree if c.dep_ == "prep" and c.lower_ == "to"),
                *(c for c in verb.children if c.dep_ == "prep" and c.lower_ == "to" and c.i > start.i)]
        refs: list[ActorRef] = []
        for prep in ends:
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    refs += [x for x in self.actors.with_conjuncts(obj, r) if x not in refs]
        return refs

    # -- who is acted on --------------------------------------------------------------

    def targets(self, head: Token, span: Span, trig: Trigger, r: Reading) -> list[ActorRef]:
        at, conj = r.at, self.actors.with_conjuncts
        preps = set(self.lex.types[trig.type].target_preps)
        refs: list[ActorRef] = []
        tokens = [head]
        if head.pos_ in ("NOUN", "ADJ") and head.head.pos_ in ("VERB", "AUX") and head.dep_ in ("dobj", "acomp", "attr"):
            tokens.append(head.head)  # "expressed support for X", "remained loyal to X"
        # the phrase's own preposition ("call on X", "defect from X", "break with X"), or one of the type's
        # hanging on a word of the phrase ("remained loyal to X")
        for tok in span:
            if tok.dep_ == "prep" or tok.pos_ == "ADP":
                for obj in tok.children:
                    if obj.dep_ == "pobj":
                        refs += conj(obj, r)
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in preps and not (span.start <= prep.i < span.end):
                    refs += [x for obj in prep.children if obj.dep_ == "pobj" for x in conj(obj, r)]
        if head.dep_ in ("acl", "relcl") and head.head.pos_ in ("NOUN", "PROPN") and (passive(head) or any(
                c.dep_ == "dobj" and c.lower_ in ("who", "whom", "which", "that") for c in head.children)):
            refs += conj(head.head, r)  # "Lopez, detained ...", "Guaidó, whom many recognise"
        for base in tokens:
            for child in base.children:
                if child.i in range(span.start, span.end):
                    continue
                if child.dep_ in ("dobj", "dative", "oprd") or (child.dep_ == "nsubjpass" and base.pos_ == "VERB"):
                    # a dative may be the preposition itself: "granted aid to Kyiv"
                    found = conj(child, r) or [
                        x for obj in child.children if child.pos_ == "ADP" and obj.dep_ == "pobj"
                        for x in conj(obj, r)]
                    owner = next((c for c in child.children if c.dep_ == "poss"), None)
                    if not found and owner is not None and trig.type in ALLEGIANCE_TYPES:
                        found = [x for x in [self.actors.actor_of(owner, r)] if x]  # "backed his call"
                    refs += found
                elif child.dep_ == "prep" and child.lower_ in preps | {"of"} and not (child.lower_ == "of" and base.pos_ == "VERB"):
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            refs += conj(obj, r) or self.actors.protesters_of(obj, r.ctx)
        if not refs and any(c.dep_ == "dobj" for c in head.children):
            refs = self.from_to_range(head, r)  # "accused a variety of actors, from X to Y"
        if not refs and head.dep_ == "pobj" and head.head.lower_ == "under":  # "put the journalist under arrest"
            holder = head.head.head
            obj = holder if holder.dep_ == "dobj" else next((c for c in holder.children if c.dep_ == "dobj"), None)
            refs = conj(obj, r) if obj is not None else []
        if not refs and head.pos_ == "NOUN":  # "the inauguration met with condemnation", "X faced sanctions"
            gov = head.head.head if head.dep_ == "pobj" and head.head.lower_ == "with" else (
                head.head if head.dep_ == "dobj" else None)
            if gov is not None and gov.lemma_.lower() in self.cues.undergoing_verbs and not self.lex.types[trig.type].received:
                subj = subject(gov, ("nsubj",))
                refs = conj(subj, r) if subj is not None else []
        if trig.type == "PROTEST":  # whom the protesters call on is whom they protest against
            refs = self.demanded_of(head, r) or refs
        if trig.type == "DEMAND" and head.dep_ == "dobj" and head.head.lemma_.lower() in self.cues.answering_verbs:
            # "Chileans heeded the union's call": the call was made to them (a nation named: its people)
            subj = subject(head.head, ("nsubj",))
            nation = self.kb.demonym(subj.text) if subj is not None and subj.i not in at else None
            if nation and "people" in self.kb:
                refs = [group_ref(self.kb, self.kb["people"], nation, subj.text)]
            elif subj is not None:
                refs = conj(subj, r) or refs
        seen: dict[str, ActorRef] = {}
        for x in refs:
            seen.setdefault(x.id, x)
        return list(seen.values())

    def demanded_of(self, head: Token, r: Reading) -> list[ActorRef]:
        """Whom a protest makes its demand of: "marched, calling on the president to resign"."""
        preps = set(self.lex.types["DEMAND"].target_preps)
        for verb in head.children:
            if verb.dep_ not in ("advcl", "acl", "xcomp") or not any(
                    t.type == "DEMAND" for t in self.lex.by_first.get(verb.lemma_.lower(), ())):
                continue
            for c in verb.children:
                if c.dep_ == "dobj":
                    return self.actors.with_conjuncts(c, r)
                if c.dep_ == "prep" and c.lower_ in preps:
                    return [x for o in c.children if o.dep_ == "pobj" for x in self.actors.with_conjuncts(o, r)]
        return []

    # -- arguments some phrases place differently ---------------------------------------

    def of_phrase(self, trig: Trigger, head: Token, base: Token, found: Found, speaker: ActorRef | None,
                  r: Reading) -> Found | None:
        """The arguments some phrases and types place differently from the clause's syntax (who receives
        aid, whose meddling, whose loyalty, who is held responsible); None when the phrase is no event
        here. `speaker`: whoever says the event happened."""
        at, conj = r.at, self.actors.with_conjuncts
        sources, source_by_syntax, targets = found.sources, found.by_syntax, found.targets
        received = self.lex.types[trig.type].received
        if received and not targets:  # "offered the dissident asylum": the person it is given to
            targets = [at[c.i].ref for c in base.children if c.dep_ in ("poss", "compound") and c.i in at
                       and at[c.i].ref.kind == "person"]
        gov = base.head if base.dep_ in ("dobj", "pobj") else None
        gov = gov.head if gov is not None and gov.dep_ == "prep" else gov
        if received and gov is not None and set(norm(gov)) & self.cues.receiving_verbs:
            # "the dissident sought asylum", "Peru would receive aid from Japan": who seeks or gets it
            # receives it; only a "from" phrase names who gives it
            subj = subject(gov, ("nsubj",))
            takers = conj(subj, r) if subj is not None else []
            givers = self.given_by(base, r)
            targets = takers or targets or ([] if givers else sources)
            sources, source_by_syntax = givers, bool(givers)
        if trig.predicate:
            described = self.described_as(head, r)  # "he described Maduro's leadership as illegitimate"
            holder = (described[0] if described else None) or self.holder(head, r) or speaker
            if holder is None:
                return None  # the author's own description is a label, not an event
            named = self.actors.actor_of(head.head, r) if head.dep_ == "compound" else None
            # a description before a name is of that name: "Chilean strongman Ana Ruiz"
            targets = described[1] if described else [named] if named else sources
            sources, source_by_syntax = [holder], True
        if trig.content:
            if speaker is None:
                return None
            sources, source_by_syntax = [speaker], True
        owners: list[ActorRef] = []
        if trig.accused_owner and head.dep_ == "dobj" and head.head.lemma_.lower() in self.cues.not_agent_verbs:
            return None  # "protested Cuban interference", "condemned US meddling": the verb's own event says it
        if trig.accused_owner:
            for c in head.children:  # "US interference", "Russia's aggression", "American meddling"
                if c.dep_ in ("poss", "compound", "amod", "nmod"):
                    country = None if c.i in at else self.kb.demonym(c.text)
                    state = self.kb.state(country) if country else None
                    owners += [at[c.i].ref] if c.i in at else [ref_for(state, c.text)] if state else []
            if owners:
                targets = owners
                sources = [x for x in sources if all(x.id != o.id for o in owners)]
                if not sources:
                    holder = self.holder(head, r) or speaker
                    sources, source_by_syntax = ([holder], True) if holder else ([], False)
        if trig.of_source and head.pos_ == "NOUN":
            of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            whose = [x for o in (of.children if of is not None else ()) if o.dep_ == "pobj" for x in conj(o, r)]
            if whose:
                holder_tok = head
                while holder_tok.dep_ == "conj" and holder_tok.head.i != holder_tok.i:
                    holder_tok = holder_tok.head
                subj = subject(holder_tok.head, ("nsubj",)) if holder_tok.dep_ == "dobj" else None
                held_by = conj(subj, r) if subj is not None else []
                sources, source_by_syntax = whose, True
                targets = held_by or [t for t in targets if all(t.id != w.id for w in whose)]
        if trig.held:
            holder, whom = self.held(head, r)
            targets = whom or targets
            if holder or speaker:
                sources, source_by_syntax = [holder or speaker], True
        return Found(sources, source_by_syntax, targets, owners)

    def described_as(self, head: Token, r: Reading) -> tuple[ActorRef, list[ActorRef]] | None:
        """ "X described / called / considers Y('s rule) as Z": who says it, and of whom."""
        verb = head.head.head if head.head.lower_ == "as" else head.head if head.dep_ in ("oprd", "xcomp") else None
        if verb is None or verb.lemma_.lower() not in self.cues.characterizing | {"describe"}:
            return None
        subj = subject(verb, ("nsubj",))
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if subj is None or obj is None:
            return None
        who = self.actors.actor_of(subj, r)
        owner = next((c for c in obj.children if c.dep_ == "poss"), None)
        whom = self.actors.with_conjuncts(obj, r) or ([self.actors.actor_of(owner, r)] if owner is not None else [])
        whom = [w for w in whom if w is not None]
        return (who, whom) if who is not None and whom else None

    def held(self, head: Token, r: Reading) -> tuple[ActorRef | None, list[ActorRef]]:
        """Who is held responsible, and who holds them so: "he holds him responsible" (the small clause's
        subject, the verb's subject), "the general is the one responsible" (the subject of "be"; the holder is
        whoever says it)."""
        subj = subject(head, ("nsubj",))
        clause = head
        if subj is None and head.dep_ in ("amod", "acomp") and head.head.dep_ == "attr":
            clause = head.head.head
        elif subj is None and head.dep_ == "acomp":
            clause = head.head
        if subj is None:
            subj = subject(clause, ("nsubj",))
        whom = self.actors.with_conjuncts(subj, r) if subj is not None else []
        holder = None
        if subj is not None and subj.head.i == head.i and head.dep_ in ("ccomp", "oprd", "xcomp"):
            by = subject(head.head, ("nsubj",))
            holder = self.actors.actor_of(by, r) if by is not None else None
        return holder, whom

    def holder(self, head: Token, r: Reading) -> ActorRef | None:
        """Who holds a view stated as a clause under their verb ("The United Kingdom believes Guaidó is
        the right person", "Spain agreed that the president had lost legitimacy")."""
        clause = head
        while clause.dep_ in ("attr", "acomp", "oprd", "compound", "amod", "pobj", "prep") and clause.head.i != clause.i:
            clause = clause.head
        if clause.dep_ != "ccomp":
            return None
        subj = subject(clause.head, ("nsubj",))
        if subj is not None and subj.lower_ in ("who", "which", "that") and clause.head.dep_ == "relcl":
            subj = clause.head.head  # "Maduro, who says Guaidó is a puppet"
        return self.actors.actor_of(subj, r) if subj is not None else None


@dataclass
class Found:
    """The arguments read for one trigger: who acts (and whether the syntax said so, rather than a
    guess), who is acted on, and the accused owners of a hostile noun ("American meddling")."""

    sources: list[ActorRef]
    by_syntax: bool
    targets: list[ActorRef]
    owners: list[ActorRef] = field(default_factory=list)
