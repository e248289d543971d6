"""Event extraction: who did what to whom, when, where, and how sure the text is.

The method is transparent on purpose (``docs/extraction.md``): a trigger
lexicon (``data/events/triggers.yaml``) finds candidate events, the
dependency parse finds their source and target among the actor mentions the
resolver already found, and cue words (``data/events/cues.yaml``) and the
sentence's reporting structure decide the status. Every event keeps its
evidence sentence and the character offsets of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from allegiance.actors.coreference import antecedent, sentences_back
from allegiance.actors.focus import focus_country
from allegiance.actors.kb import KnowledgeBase, fold
from allegiance.actors.references import (
    ActorRef,
    Mention,
    group_ref,
    mentions_by_token,
    plural_phrase,
    ref_for,
    slug,
)
from allegiance.actors.resolve import register_extensions
from allegiance.extraction.event_lexicon import (
    Lexicon,
    Trigger,
    default_lexicon,
    hostile_terms,
)
from allegiance.extraction.labels import person_nouns
from allegiance.extraction.quotes import quote_at
from allegiance.parsing.temporal import as_date, reference_date
from allegiance.parsing.temporal import resolve as resolve_date

STATUSES = ("occurred", "claimed", "planned", "negated")
_FIRST_PERSON = {"i", "we", "me", "us", "my", "our"}
#: Types whose target is the contender an actor stands with or against.
_ALLEGIANCE_TYPES = ("DEFECT", "PLEDGE_LOYALTY", "RECOGNIZE")
#: Dependents that are part of an argument's name or description, searched for its actor.
_NAME_DEPS = ("compound", "flat", "appos", "amod", "nmod", "poss", "npadvmod", "nummod", "det")


@dataclass
class Event:
    doc_id: str
    event_id: str
    type: str
    plover: dict
    source: ActorRef | None
    target: ActorRef | None
    status: str
    attributed_to: ActorRef | None
    date: str | None
    date_precision: str | None
    location: str | None
    location_country: str | None
    sentence: str
    start: int
    end: int
    outlet: str | None
    confidence: float
    trigger: str
    trigger_start: int = 0
    extra: dict = field(default_factory=dict)


def _norm(tok: Token) -> tuple[str, str]:
    return tok.lower_.replace("’", "'"), tok.lemma_.lower().replace("’", "'")


class EventExtractor:
    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon | None = None):
        register_extensions()
        self.kb = kb
        self.lex = lexicon or default_lexicon()
        cues = self.lex.cues
        self.neg_particles = set(cues["negation"]["particles"])
        self.neg_verbs = set(cues["negation"]["verbs"])
        self.modals = set(cues["planned"]["modals"])
        self.plan_verbs = set(cues["planned"]["verbs"])
        self.plan_nouns = set(cues["planned"]["nouns"])
        self.conditionals = set(cues["planned"]["conditionals"])
        self.conditions = set(cues["planned"]["conditions"])
        self.report_verbs = set(cues["reported"]["verbs"])
        self.report_phrases = [p.lower() for p in cues["reported"]["phrases"]]
        self.speech_verbs = self.report_verbs | set(cues["reported"]["speech_verbs"])
        self.not_agent_verbs = set(cues["arguments"]["not_agent_verbs"])
        self.spokesperson_titles = set(cues["arguments"]["spokesperson_titles"])
        self.state_groups = set(cues["arguments"]["state_groups"])
        self.characterizing = set(cues["arguments"]["characterizing_verbs"])
        self.light_nouns = set(cues["arguments"]["light_nouns"])
        self.plotting_words = set(cues["arguments"]["plotting_words"])
        self.accusing_verbs = set(cues["arguments"]["accusing_verbs"])
        self.answering_verbs = set(cues["arguments"]["answering_verbs"])
        self.receiving_verbs = set(cues["arguments"]["receiving_verbs"])
        self.collective_nouns = set(cues["arguments"]["collective_nouns"])
        self.stopping_verbs = set(cues["arguments"]["stopping_verbs"])
        self.demand_nouns = set(cues["arguments"]["demand_nouns"])
        self.carrier_nouns = set(cues["arguments"]["carrier_nouns"])
        self.undergoing_verbs = set(cues["arguments"]["undergoing_verbs"])
        self.topic_preps = set(cues["arguments"]["topic_preps"])
        self.setting_preps = set(cues["arguments"]["setting_preps"]) | self.topic_preps
        self._speaker: ActorRef | None = None  # who is speaking in the quotation being read
        self._reference: dt.date | None = None  # the day the article being read speaks from
        self._mentions: list[Mention] = []  # the article's actor mentions, each once
        self._doc_focus: str | None = None  # the article's main country
        self.hostile = hostile_terms()

    # -- the pass over one article ---------------------------------------------

    def __call__(self, doc: Doc) -> list[Event]:
        at = mentions_by_token(doc)
        self._mentions = list({id(m): m for m in at.values()}.values())  # each once, overlapped ones left out
        self._doc_focus = focus_country(self._mentions, doc)  # read by many rules per event: computed once
        # quotations come from the quotes stage, which runs first and knows their speakers
        quotes = [(q.start, q.end) for q in doc._.quotes or [] if q.kind == "direct"]
        published = as_date(doc._.published)
        # who held an office on the day the article speaks from, even when it carries no date
        self._reference = reference_date(published, (e.text for e in doc.ents if e.label_ == "DATE"))
        events: dict[tuple, Event] = {}
        for sent in doc.sents:
            matches = self._matches(sent)
            at_protest = any(trig.type == "PROTEST" for _, trig in matches)  # read by the REPRESS rule
            demands = {_head(span).i for span, trig in matches if trig.type == "DEMAND"}
            warnings = {_head(span).i for span, trig in matches if trig.type == "THREATEN"}
            # what a demand asks for has not happened: "called on the council to support Guaidó"; what a
            # warning says could happen is the threat itself: "warned that sanctions could be imposed"
            matches = [(span, trig) for span, trig in matches
                       if trig.type == "DEMAND" or not _requested(_head(span), demands)]
            matches = [(span, trig) for span, trig in matches if trig.type == "THREATEN" or not (
                _requested(_clause_of(_head(span)), warnings) and self._status(_head(span), sent, span) == "planned")]
            found = [ev for span, trig in matches
                     for ev in self._events(doc, sent, span, trig, at, quotes, published, at_protest)]
            warned = any(_head(span).i in warnings and _head(span).lemma_.lower() in self.speech_verbs
                         for span, _ in matches)  # what a warning says is the threat, not an accusation
            if not warned and not any(ev.type == "ACCUSE" for ev in found):
                found += self._accusations(doc, sent, at, quotes, published)
            for ev in found:
                key = (ev.start, ev.type, ev.source.id if ev.source else None, ev.target.id if ev.target else None)
                if key not in events or events[key].confidence < ev.confidence:
                    events[key] = ev
        return sorted(_most_informative(events.values()), key=lambda e: (e.start, e.trigger_start, e.type))

    def _matches(self, sent: Span) -> list[tuple[Span, Trigger]]:
        found: list[tuple[Span, Trigger]] = []
        doc = sent.doc
        for tok in sent:
            lower, lemma = _norm(tok)
            for key in dict.fromkeys((lower, lemma)):  # in a fixed order: string sets vary per process
                for trig in self.lex.by_first.get(key, ()):
                    end = _match_at(doc, tok.i, trig.words, sent.end)
                    if end is None or (trig.pos and tok.pos_ != trig.pos and not (trig.pos == "VERB" and tok.pos_ == "AUX")):
                        continue
                    found.append((doc[tok.i : end], trig))
        # set phrases that name no act: their words trigger nothing, unless a longer phrase holds them
        # ("was met with violence")
        ignored: set[int] = set()
        for tok in sent:
            for key in set(_norm(tok)):
                for words in self.lex.ignore.get(key, ()):
                    end = _match_at(doc, tok.i, words, sent.end)
                    if end is not None:
                        ignored.update(range(tok.i, end))
        found = [(span, trig) for span, trig in found if not ignored.issuperset(range(span.start, span.end))
                 and not any(t.ent_type_ in ("DATE", "TIME") for t in span)]  # "March 1" is no march
        # words inside a longer matched phrase belong to it: "declaration of support" is a recognition,
        # not also a pledge of loyalty; the same phrase may still name several types
        kept = [(span, trig) for span, trig in found
                if not any(o.start <= span.start and span.end <= o.end and len(o) > len(span) for o, _ in found)]
        best: dict[tuple[int, str], tuple[Span, Trigger]] = {}
        for span, trig in kept:
            k = (span.start, trig.type)
            if k not in best or len(span) > len(best[k][0]):
                best[k] = (span, trig)
        return sorted(best.values(), key=lambda x: x[0].start)

    # -- one trigger -> events ------------------------------------------------------

    def _events(self, doc, sent, span, trig, at, quotes, published, at_protest: bool = False) -> Iterable[Event]:
        head = _head(span)
        if trig.agent and not _acting(head):
            return []
        if trig.intransitive and any(c.dep_ == "dobj" for c in head.children):
            return []
        if trig.actor_object and any(c.dep_ == "dobj" and not self._with_conjuncts(c, at, doc) for c in head.children):
            return []
        if len(span) == 1 and head.dep_ == "compound" and head.head.pos_ == "NOUN" and \
                head.head.lemma_.lower() not in self.carrier_nouns:
            return []  # a modifier names a kind of thing, not an act: "protest forces", "aid workers"

        quote = next(((a, b) for a, b in quotes if a <= head.idx < b), None)
        reporter_tok = self._reporter(head, sent)
        self._speaker = _quote_speaker(doc, quote)
        speaker = self._actor_of(reporter_tok, at, doc) if reporter_tok is not None else None
        speaker = speaker or self._speaker
        base = self._carrier(head)
        sources, source_by_syntax = self._sources(base, span, at, doc, self.lex.types[trig.type].received)
        targets = self._targets(base, span, trig, at, doc)
        found = self._phrase_arguments(trig, head, base, sources, source_by_syntax, targets, speaker, at, doc)
        if found is None:
            return []
        sources, source_by_syntax, targets, owners = found
        spec = self.lex.types[trig.type]
        # "any country that recognized ...": the unnamed one acts, not the speaker nor whoever is nearest
        relative = next((c for c in base.children if c.dep_ == "nsubj" and c.lower_ in ("that", "which", "who")
                         and base.dep_ == "relcl"), None)
        if not sources and spec.speech_act and speaker is not None and relative is None:
            sources, source_by_syntax = [speaker], True
        if not sources and not targets and trig.weight < 0.75 and not self._strong_alone(head, trig):
            return []  # a weak trigger with nobody acting is more often a figure of speech than an event
        status = "occurred" if trig.content else self._status(head, sent, span)
        if trig.invert and status in ("occurred", "negated"):
            status = "negated" if status == "occurred" else "occurred"
        attributed = None
        # a reported event is the reporter's claim, unless the reporter is the one acting (an accusation
        # is made by saying it), or the event is a noun the report takes for granted ("believe US sanctions
        # caused the crisis")
        presupposed = len(span) == 1 and head.pos_ in ("NOUN", "PROPN") and head.dep_ in (
            "nsubj", "nsubjpass", "pobj", "poss", "compound")
        according = self._according_to(sent)
        if status in ("occurred", "planned") and not presupposed and (
                speaker is not None or reporter_tok is not None or according):
            own = speaker is not None and source_by_syntax and any(self._same_side(speaker, s) for s in sources)
            own = own or (reporter_tok is not None and _says_of_itself(head, reporter_tok))
            # one's own act is no claim; nor is a speech act whose speaker the text does not attribute
            speech_by_source = (spec.speech_act and speaker is None and not according) or own
            speech_by_source = speech_by_source or trig.predicate or trig.content or (
                speaker is not None and "JRN" in speaker.sectors)  # news media report, they do not claim
            if not speech_by_source and not (spec.speech_act and reporter_tok is not None and head.i == reporter_tok.head.i):
                status = "claimed"
                attributed = speaker or self._according_to_actor(sent, at, doc)
        if all(s.provisional and s.kind != "person" for s in sources):  # "six of 18 nations ...: Bolivia, ..."
            sources = self._listed_after_colon(sent, head, at) or sources
        sources = [self._principal(s, published) for s in sources]
        where, where_country = self._location(sent, at)
        if spec.default_source and (not sources or spec.default_source != "state" and all(
                self._nationality(s) for s in sources)):
            sources, source_by_syntax = self._default_source(spec.default_source, sources, targets, where_country, at), True
        if spec.state_acts_through in self.kb:  # "violent responses by the authorities": their security forces
            through = self.kb[spec.state_acts_through]
            sources = [group_ref(self.kb, through, s.country, s.mention) if s.kind == "state" else s for s in sources]
        if not targets and head.dep_ == "nsubj" and head.head.lemma_ == "be":
            owner = next((c for c in head.children if c.dep_ == "poss"), None)  # "his allies are ..."
            targets = [self._actor_of(owner, at, doc)] if owner is not None and self._actor_of(owner, at, doc) else []
        if trig.type in _ALLEGIANCE_TYPES and not targets:  # "recognized the young leader", "his allies"
            targets = self._described_target(head, sent, at, doc)
        if trig.needs in ("source", "both") and not sources:
            return []
        if trig.needs == "pair" and not targets and len(sources) < 2 and head.dep_ != "dobj" and not _plural_subject(head):
            return []  # ... unless a verb makes the noun an act ("held a meeting") or the subject is plural
        # "X poses a threat", "a coup is when ...": a description, unless the noun is the subject the
        # sentence goes on to name ("the most senior defector has been Gen Yánez")
        # ... or the description is the accusation: "the action is American meddling"
        if not (trig.predicate or trig.content or owners) and self._characterized(head) and not (
                head.dep_ == "nsubj" and source_by_syntax):
            return []
        if head.pos_ == "NOUN" and head.dep_ == "pobj" and head.head.lower_ in ("at", "to", "near", "from") \
                and head.head.head.pos_ in ("VERB", "NOUN") and trig.type == "PROTEST":
            return []  # "at the Caracas protest", "travelling to the rally": a setting for something else
        approval = False  # what it is said of is a thing, not an actor: nobody is guessed as its target
        if trig.target_kinds:
            kept = [t for t in targets if t.kind in trig.target_kinds]
            if not kept and trig.otherwise:
                trig = replace(trig, type=trig.otherwise, target_kinds=(), needs=None, if_source=())
                spec, approval = self.lex.types[trig.type], True
            elif not kept:
                return []
            else:
                targets = kept
        if trig.needs in ("target", "both") and not targets:
            return []
        nearest = False
        if not targets and spec.default_target == "incumbent":
            targets = self._incumbent([s.country for s in sources], at, published)
        if not targets and spec.default_target == "ruler":
            targets = self._incumbent([where_country], at, published)
        if not targets and not approval and spec.default_target in (None, "focus") and (sources or trig.weight >= 0.75):
            exclude = {s.id for s in sources} | ({speaker.id} if speaker else set())
            targets = self._nearest(sent, head, at, exclude=exclude, after=True)
            if not targets and spec.speech_act and sources:  # "for Venezuela, I'm not ruling out ..."
                # ... but not one named inside the subject: "neighbors in the Lima Group declined to ..."
                exclude |= self._in_subject(head, at)
                targets = self._nearest(sent, head, at, exclude=exclude, after=False)
            nearest = bool(targets)
        if not sources and not trig.predicate and not _passive(base) and relative is None:  # a passive's subject is done to
            subject = next((c for c in base.children if c.dep_ == "nsubj"), None)
            # an unresolved "he" is a person, an unresolved "it" or "they" is not
            word = subject.lower_ if subject is not None else ""
            kinds = {"person"} if word in ("he", "she") else {"state", "organisation", "group"} if word in (
                "it", "they") else None
            sources = self._nearest(sent, head, at, exclude={t.id for t in targets}, after=False, kinds=kinds,
                                    singular=word == "it")
            nearest = nearest or bool(sources)
        if not targets and spec.default_target == "focus" and sources:
            # the foreign country the text was just speaking of ("his stance on Venezuela ... 'all options
            # are open,' Trump said"), else the article's country
            own = {s.country for s in sources}
            since = sentences_back(doc, sent.start, 2)
            recent = [m.ref for m in self._mentions if m.ref.kind == "state" and m.ref.country not in own
                      and since <= m.token_start < head.i]
            focus = recent[-1].country if recent else self._focus()
            state = self.kb.state(focus) if focus else None
            if state is not None and focus not in own:
                targets = [ref_for(state, "")]
        if spec.at_protest in self.kb and all(t.id.split(":")[-1] in ("people", "civilians") for t in targets) \
                and at_protest:
            # "police fired tear gas to disperse them", "14 people were shot dead during protests"
            victims = self.kb[spec.at_protest]
            targets = [group_ref(self.kb, victims, t.country, t.mention) for t in targets] or [
                group_ref(self.kb, victims, where_country or self._focus(), "")]
        if trig.to_people and "people" in self.kb:
            targets = [group_ref(self.kb, self.kb["people"], t.country, t.mention) if t.kind == "state" else t
                       for t in targets]
        if trig.type in _ALLEGIANCE_TYPES:
            targets = [self._leader_of(t) for t in targets]
        if spec.default_target == "ruler":  # a coup against "his government" is against the ruler
            targets = [next(iter(self._incumbent([t.country], at, published)), t) if t.kind == "state" else t
                       for t in targets]
        when = self._date(sent, head, published)
        if not targets and spec.default_target == "government":
            country = where_country or self._focus()
            state = self.kb.state(country) if country else None
            if state is not None and all(s.id != state.id for s in sources):
                targets = [ref_for(state, "")]
        out = []
        # nobody acts on themselves, nor on those acting with them ("six nations continue to support
        # Maduro: Bolivia, Cuba ...", where the parse hangs the list on the target)
        acting = {s.id for s in sources if s is not None}
        targets = [t for t in targets if t.id not in acting]
        if len(acting) > 1 and _reciprocal(base):  # "accused each other": each of them the others
            targets = list(sources)
        conditional = status == "planned" and self._on_condition(head)  # once per trigger, not per record
        for s in sources or [None]:
            for t in [t for t in targets if s is None or t.id != s.id] or [None]:
                etype = trig.type if approval else self._refined_type(trig, head, s, t, where_country, at, published)
                conf = trig.weight * (1.0 if source_by_syntax or s is None else 0.85) * (1.0 if t is not None else 0.9)
                conf *= 0.8 if nearest else 1.0
                plover = self._plover_by_status(etype, status, conditional) or (
                    trig.plover if etype == trig.type else None)
                out.append(self._record(doc, sent, span, etype, plover,
                                        trig.mode, s, t, status, attributed, when, (where, where_country), conf))
        return out

    def _plover_by_status(self, etype: str, status: str, conditional: bool) -> str | None:
        """PLOVER codes what is only intended, refused or held over someone by what the saying does: a
        promised aid is an agreement, a refused one a rejection, a sanction announced "unless ..." a threat."""
        spec = self.lex.types[etype]
        if status == "negated":
            return spec.plover_when_negated
        if status != "planned":
            return None
        if spec.plover_when_conditional and conditional:
            return spec.plover_when_conditional
        return spec.plover_when_planned

    def _on_condition(self, head: Token) -> bool:
        """Whether the act is made to hang on a condition: a clause opened by "if"/"unless" under it or
        under the verbs that govern it ("would impose sanctions unless it halted ..."), or whoever it is
        done to is anyone who does something ("would cut ties with any country that recognized ...")."""
        chain = self._governors(head)
        return any(child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in self.conditions for m in child.children)
                   for tok in chain for child in tok.children) or any(
            d.lower_ in ("anyone", "anybody") or d.lower_ == "any" and d.head.dep_ in ("dobj", "pobj")
            for d in head.subtree)  # "would cut ties with any country that ..."

    def _carrier(self, head: Token) -> Token:
        """The word whose place in the clause is the event's: the noun an adjective trigger qualifies
        ("conducted joint patrols") or a compound trigger names ("an aid package"), the light noun or
        the amount before "of"/"in" ("extended offers of asylum to Snowden", "sent 50 tons of
        supplies", "granted $300 million in assistance")."""
        if head.dep_ == "amod" and head.pos_ == "ADJ" and head.head.pos_ == "NOUN":
            return head.head
        if head.dep_ == "compound" and head.head.lemma_.lower() in self.carrier_nouns:
            return head.head  # "announced an aid package for Ukraine"
        if head.dep_ == "pobj" and head.head.lower_ in ("of", "in"):
            holder = head.head.head
            amount = holder.ent_type_ in ("MONEY", "QUANTITY", "CARDINAL") or any(
                c.dep_ == "nummod" for c in holder.children)
            if holder.pos_ in ("NOUN", "NUM") and (amount or head.head.lower_ == "of" and holder.lemma_.lower() in self.light_nouns):
                return holder
        return head

    def _phrase_arguments(self, trig: Trigger, head: Token, base: Token, sources: list[ActorRef],
                          source_by_syntax: bool, targets: list[ActorRef], speaker: ActorRef | None, at, doc):
        """The arguments some phrases and types place differently from the clause's syntax (who receives
        aid, whose meddling, whose loyalty, who is held responsible), as (sources, found by syntax,
        targets, the accused owners of a hostile noun); None when the phrase is no event here."""
        received = self.lex.types[trig.type].received
        if received and not targets:  # "offered Snowden asylum": the person it is given to
            targets = [at[c.i].ref for c in base.children if c.dep_ in ("poss", "compound") and c.i in at
                       and at[c.i].ref.kind == "person"]
        gov = base.head if base.dep_ in ("dobj", "pobj") else None
        gov = gov.head if gov is not None and gov.dep_ == "prep" else gov
        if received and gov is not None and set(_norm(gov)) & self.receiving_verbs:
            # "Snowden sought asylum", "Colombia would receive aid from the U.S.": who seeks or gets it
            # receives it; only a "from" phrase names who gives it
            subj = next((c for c in gov.children if c.dep_ == "nsubj"), None)
            takers = self._with_conjuncts(subj, at, doc) if subj is not None else []
            givers = self._given_by(base, at, doc)
            targets = takers or targets or ([] if givers else sources)
            sources, source_by_syntax = givers, bool(givers)
        if trig.predicate:
            described = self._described_as(head, at, doc)  # "he described Maduro's leadership as illegitimate"
            holder = (described[0] if described else None) or self._holder(head, at, doc) or speaker
            if holder is None:
                return None  # the author's own description is a label, not an event
            named = self._actor_of(head.head, at, doc) if head.dep_ == "compound" else None
            # a description before a name is of that name: "Venezuelan dictator Nicolás Maduro"
            targets = described[1] if described else [named] if named else sources
            sources, source_by_syntax = [holder], True
        if trig.content:
            if speaker is None:
                return None
            sources, source_by_syntax = [speaker], True
        owners: list[ActorRef] = []
        if trig.accused_owner and head.dep_ == "dobj" and head.head.lemma_.lower() in self.not_agent_verbs:
            return None  # "protested Cuban interference", "condemned US meddling": the verb's own event says it
        if trig.accused_owner:
            for c in head.children:  # "US interference", "Russia's aggression", "American meddling"
                if c.dep_ in ("poss", "compound", "amod", "nmod"):
                    country = None if c.i in at else self.kb.demonym(c.text)
                    state = self.kb.state(country) if country else None
                    owners += [at[c.i].ref] if c.i in at else [ref_for(state, c.text)] if state else []
            if owners:
                targets = owners
                sources = [r for r in sources if all(r.id != o.id for o in owners)]
                if not sources:
                    holder = self._holder(head, at, doc) or speaker
                    sources, source_by_syntax = ([holder], True) if holder else ([], False)
        if trig.of_source and head.pos_ == "NOUN":
            of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            whose = [r for o in (of.children if of is not None else ()) if o.dep_ == "pobj"
                     for r in self._with_conjuncts(o, at, doc)]
            if whose:
                holder_tok = head
                while holder_tok.dep_ == "conj" and holder_tok.head.i != holder_tok.i:
                    holder_tok = holder_tok.head
                subj = next((c for c in holder_tok.head.children if c.dep_ == "nsubj"), None) \
                    if holder_tok.dep_ == "dobj" else None
                held_by = self._with_conjuncts(subj, at, doc) if subj is not None else []
                sources, source_by_syntax = whose, True
                targets = held_by or [t for t in targets if all(t.id != w.id for w in whose)]
        if trig.held:
            holder, whom = self._held(head, at, doc)
            targets = whom or targets
            if holder or speaker:
                sources, source_by_syntax = [holder or speaker], True
        return sources, source_by_syntax, targets, owners

    def _refined_type(self, trig: Trigger, head: Token, s: ActorRef | None, t: ActorRef | None,
                      where_country: str | None, at, published) -> str:
        """The trigger's type, or the one `types.yaml` says it becomes given who acts on whom."""
        spec = self.lex.types[trig.type]
        if spec.against_civilians and t is not None and "CVL" in t.sectors and not (s and "CVL" in s.sectors):
            return spec.against_civilians
        if spec.by_civilians and s is not None and {"CVL", "OPP"} & set(s.sectors) and not (
                {"MIL", "REB", "SPY"} & set(s.sectors)):
            return spec.by_civilians
        if spec.by_ruler and s is not None and s.country == (t.country if t is not None else (
                where_country or self._focus())) and any(
                r.id == s.id for r in self._incumbent([s.country], at, published)):
            return spec.by_ruler  # the ruler's own country's coup: not Trump's "coups" in Venezuela
        if spec.when_plotted and self._plotted(head):
            return spec.when_plotted
        if spec.when_stopped and head.dep_ == "dobj" and head.head.lemma_.lower() in self.stopping_verbs:
            return spec.when_stopped
        if spec.when_yielding and any(o.lemma_.lower() in self.demand_nouns for o in _objects(head, ("to",))):
            return spec.when_yielding
        if spec.by_own_forces and s is not None and t is not None and s.kind != "state" and \
                {"MIL", "COP", "GOV"} & set(s.sectors) and any(
                r.id == t.id for r in self._incumbent([s.country], at, published)):
            return spec.by_own_forces
        if s is not None:
            for kind, other in trig.if_source:
                if s.kind == kind or kind in s.sectors:
                    return other
        return trig.type

    def _record(self, doc, sent, span, etype, plover, mode, s, t, status, attributed, when, where, conf) -> Event:
        espec = self.lex.types[etype]
        eid = hashlib.blake2b(
            f"{doc._.doc_id}|{sent.start_char}|{span.start_char}|{etype}|{s and s.id}|{t and t.id}".encode(), digest_size=8
        ).hexdigest()
        text = sent.text.rstrip()
        return Event(
            doc_id=doc._.doc_id, event_id=eid, type=etype,
            plover={"event": plover or espec.plover, "mode": mode or espec.mode, "context": espec.context},
            source=s, target=t, status=status, attributed_to=attributed,
            date=when.date if when else None, date_precision=when.precision if when else None,
            location=where[0], location_country=where[1],
            sentence=text, start=sent.start_char, end=sent.start_char + len(text), outlet=doc._.outlet,
            confidence=round(min(1.0, conf), 2), trigger=span.text, trigger_start=span.start_char,
        )

    # -- accusations made without an accusing verb ----------------------------------

    def _accusations(self, doc: Doc, sent: Span, at, quotes, published) -> list[Event]:
        """A speaker who uses hostile words about an actor accuses that actor ("“There is an extremist elite
        that rules the United States,” he said"). Needs a speaker, a hostile term in what is said, and an
        actor other than the speaker in it."""
        speaker, content, addressee = self._speech(doc, sent, quotes, at)
        if speaker is None or not content:
            return []
        term = self._hostile_term(content)
        if term is None:
            return []
        # not the speaker's own side; and civilians named next to a hostile word are its victims, not the
        # accused ("the brutal repression of Venezuelan people")
        candidates = [at[t.i] for t in content if t.i in at]
        candidates = [m for m in candidates if not self._same_side(speaker, m.ref) and "CVL" not in m.ref.sectors]
        if candidates:
            # the subjects of the clause the hostile word is in ("China and Russia are propping up a failed
            # regime"), else the actor named nearest to it
            clause = term.root
            while clause.dep_ not in ("ROOT", "ccomp", "parataxis") and clause.head.i != clause.i:
                clause = clause.head
            subj = next((c for c in clause.children if c.dep_ == "nsubj"), None)
            subjects = self._with_conjuncts(subj, at, doc) if subj is not None else []
            ids = {m.ref.id for m in candidates}
            targets = [r for r in subjects if r.id in ids] or [
                min(candidates, key=lambda m: abs(m.token_start - term.start)).ref]
        elif addressee is not None and addressee.id != speaker.id:
            targets = [addressee]  # "Arreaza replied to Pompeo that his statements were lies"
        else:
            return []
        when = self._date(sent, term.root, published)
        return [self._record(doc, sent, term, "ACCUSE", None, None, speaker, target, "occurred", None, when,
                             self._location(sent, at), 0.55) for target in targets]

    def _speech(self, doc, sent, quotes, at) -> tuple[ActorRef | None, list[Token], ActorRef | None]:
        """Who speaks in a sentence, the words they say, and whom they say them to."""
        inside = [t for t in sent if any(a <= t.idx < b for a, b in quotes)]
        quote = next(((a, b) for a, b in quotes if inside and a <= inside[0].idx < b), None)
        for tok in sent:
            if tok.lemma_.lower() in self.speech_verbs and tok.pos_ in ("VERB", "AUX") and tok not in inside:
                subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if subj is None:
                    continue
                self._speaker = None
                # "he told state television": the quotes stage may know who "he" is when the parse does not
                speaker = self._actor_of(subj, at, doc) or (_quote_speaker(doc, quote) if quote else None)
                said = [c for c in tok.children if c.dep_ in ("ccomp", "parataxis", "dobj", "xcomp")]
                content = [t for c in said for t in c.subtree] + inside
                heard = [c for c in tok.children if c.dep_ in ("dative", "dobj") and c.i in at] + [
                    o for c in tok.children if c.dep_ == "prep" and c.lower_ == "to" for o in c.children
                    if o.dep_ == "pobj" and o.i in at]
                return speaker, content, (at[heard[0].i].ref if heard else None)
        if inside:
            return _quote_speaker(doc, quote), inside, None
        return None, [], None

    def _hostile_term(self, tokens: list[Token]) -> Span | None:
        for i, tok in enumerate(tokens):
            for words in self.hostile.get(_norm(tok)[1], ()) + self.hostile.get(_norm(tok)[0], ()):
                end = _match_at(tok.doc, tok.i, words, tok.sent.end)
                if end is not None:
                    return tok.doc[tok.i : end]
        return None

    def _described_target(self, head: Token, sent: Span, at, doc) -> list[ActorRef]:
        """Whom an allegiance is toward when the text describes rather than names them: a definite
        description with a word for a person's standing ("the young leader") or a possessive pronoun
        ("his allies"), taken as the person last named as a subject in the two sentences before."""
        words = [c for c in head.children if c.dep_ in ("dobj", "poss")] + [
            o for c in head.children if c.dep_ == "prep" for o in c.children if o.dep_ == "pobj"]
        described = [w for w in words if w.i not in at and (
            w.lower_ in ("his", "her") or w.lemma_.lower() in person_nouns()
            and any(c.lower_ == "the" for c in w.children))]
        if not described:
            return []
        sents = list(doc.sents)
        idx = next(i for i, s in enumerate(sents) if s.start <= head.i < s.end)
        window = sents[max(0, idx - 2)].start
        people = [m for m in self._mentions
                  if m.ref.kind == "person" and window <= m.token_start < sent.start]
        subjects = [m for m in people if doc[m.token_start:m.token_end].root.dep_ in ("nsubj", "nsubjpass")]
        if not subjects and any(w.lower_ in ("his", "her") for w in described):
            subjects = people  # "his" with no person as subject nearby: the person last named
        return [max(subjects, key=lambda m: m.token_start).ref] if subjects else []

    def _listed_after_colon(self, sent: Span, head: Token, at) -> list[ActorRef]:
        """ "Only six nations continue to support Maduro: Bolivia, Cuba, Nicaragua ..." - the actors the
        sentence lists after a colon that follows the trigger, when the subject names none."""
        colon = next((t for t in sent if t.text == ":" and t.i > head.i), None)
        if colon is None:
            return []
        listed: list[ActorRef] = []
        for m in self._mentions:
            if colon.i < m.token_start < sent.end and m.ref.kind in ("state", "organisation") and m.ref not in listed:
                listed.append(m.ref)
        return listed if len(listed) >= 2 else []

    def _incumbent(self, countries: list[str | None], at, published) -> list[ActorRef]:
        """The head of state of the first country given, or of the article's country: whom a defector
        leaves, or a coup is against, when the text does not say."""
        country = next((c for c in countries if c), None) or self._focus()
        day = published or self._reference or dt.date.today()  # undated: whoever the knowledge base says rules now
        if country is None:
            return []
        for title in ("president", "head of state", "king", "prime minister"):
            holders = self.kb.holders(title, country, day)
            if len(holders) == 1:
                a = holders[0]
                return [ref_for(a, "")]
        return []

    def _nearest(self, sent: Span, head: Token, at, exclude: set[str], after: bool,
                 kinds: set[str] | None = None, singular: bool = False) -> list[ActorRef]:
        """When the parse gives no argument, the closest actor on the expected side of the trigger, within
        its clause: objects follow their verb, subjects precede it. Places named with "in", "at"... are
        settings, not actors. `kinds` keeps only actors of those kinds (a "he" the parse could not resolve
        is a person, an "it" is not)."""
        best = None
        for m in self._mentions:
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

    @staticmethod
    def _in_subject(head: Token, at) -> set[str]:
        """The actors named anywhere in the subject of the clause the trigger is in (or of the clauses
        above it through xcomp, conj, advcl): those acting and those they are described by."""
        verb = head
        for _ in range(4):
            subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None:
                return {at[t.i].ref.id for t in subj.subtree if t.i in at}
            if verb.dep_ not in ("xcomp", "conj", "advcl") or verb.head.i == verb.i:
                break
            verb = verb.head
        return set()

    def _described_as(self, head: Token, at, doc) -> tuple[ActorRef, list[ActorRef]] | None:
        """ "X described / called / considers Y('s rule) as Z": who says it, and of whom."""
        verb = head.head.head if head.head.lower_ == "as" else head.head if head.dep_ in ("oprd", "xcomp") else None
        if verb is None or verb.lemma_.lower() not in self.characterizing | {"describe"}:
            return None
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if subj is None or obj is None:
            return None
        who = self._actor_of(subj, at, doc)
        owner = next((c for c in obj.children if c.dep_ == "poss"), None)
        whom = self._with_conjuncts(obj, at, doc) or ([self._actor_of(owner, at, doc)] if owner is not None else [])
        whom = [w for w in whom if w is not None]
        return (who, whom) if who is not None and whom else None

    def _held(self, head: Token, at, doc) -> tuple[ActorRef | None, list[ActorRef]]:
        """Who is held responsible, and who holds them so: "he holds him responsible" (the small clause's
        subject, the verb's subject), "Maduro is the one responsible" (the subject of "be"; the holder is
        whoever says it)."""
        subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
        clause = head
        if subj is None and head.dep_ in ("amod", "acomp") and head.head.dep_ == "attr":
            clause = head.head.head
        elif subj is None and head.dep_ == "acomp":
            clause = head.head
        if subj is None:
            subj = next((c for c in clause.children if c.dep_ == "nsubj"), None)
        whom = self._with_conjuncts(subj, at, doc) if subj is not None else []
        holder = None
        if subj is not None and subj.head.i == head.i and head.dep_ in ("ccomp", "oprd", "xcomp"):
            by = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
            holder = self._actor_of(by, at, doc) if by is not None else None
        return holder, whom

    def _holder(self, head: Token, at, doc) -> ActorRef | None:
        """Who holds a view stated as a clause under their verb ("The United Kingdom believes Guaidó is
        the right person", "the UK agreed that Maduro was not the legitimate leader")."""
        clause = head
        while clause.dep_ in ("attr", "acomp", "oprd", "compound", "amod", "pobj", "prep") and clause.head.i != clause.i:
            clause = clause.head
        if clause.dep_ != "ccomp":
            return None
        subj = next((c for c in clause.head.children if c.dep_ == "nsubj"), None)
        if subj is not None and subj.lower_ in ("who", "which", "that") and clause.head.dep_ == "relcl":
            subj = clause.head.head  # "Maduro, who says Guaidó is a puppet"
        return self._actor_of(subj, at, doc) if subj is not None else None

    def _principal(self, ref: ActorRef | None, published) -> ActorRef | None:
        """A spokesperson acts for the government they speak for; a country's officials for its state."""
        if ref is not None and ref.kind == "group" and ref.country and ref.id.split(":")[-1] in self.state_groups:
            state = self.kb.state(ref.country)
            if state is not None:
                return ref_for(state, ref.mention)
        if ref is None or ref.kind != "person" or ref.id not in self.kb:
            return ref
        day = published or self._reference or dt.date.today()
        for role in self.kb[ref.id].roles:
            if role.title in self.spokesperson_titles and role.holds_on(day) and role.country:
                state = self.kb.state(role.country)
                if state is not None:
                    return ref_for(state, ref.mention)
        return ref

    def _plotted(self, head: Token) -> bool:
        """Planning or discussion words govern the event: "discussed an overthrow", "plans to oust"."""
        tok = head
        for _ in range(4):
            if tok.head.i == tok.i:
                return False
            tok = tok.head
            if tok.lemma_.lower() in self.plotting_words:
                return True
        return False

    def _characterized(self, head: Token) -> bool:
        """An event noun used to describe, not report: "poses a threat", "a coup is when ..."."""
        if head.pos_ != "NOUN":
            return False
        gov = head.head.lemma_.lower()
        if any(c.dep_ == "expl" for c in head.head.children):
            return False  # "there is a coup under way" says it exists
        return (head.dep_ in ("nsubj", "attr") and gov == "be") or (
            head.dep_ in ("dobj", "attr", "oprd") and gov in self.characterizing)

    def _same_side(self, speaker: ActorRef, source: ActorRef) -> bool:
        """The speaker is the actor, or speaks for it: a government body or official for its state."""
        if speaker.id == source.id:
            return True
        return source.kind == "state" and source.country is not None and speaker.country == source.country \
            and "GOV" in speaker.sectors

    def _nationality(self, ref: ActorRef) -> bool:
        """Whether a state's mention names its people ("Venezuelans") rather than the state."""
        state = self.kb[ref.id] if ref.kind == "state" and ref.id in self.kb else None
        return state is not None and fold(ref.mention).rstrip("s") in {fold(d) for d in state.demonyms}

    def _default_source(self, group_id: str, sources: list[ActorRef], targets: list[ActorRef], country: str | None,
                        at) -> list[ActorRef]:
        """The type's default group ("protesters"), of the nationality named or of the event's country;
        or, for `state`, the government of those it is done to (an arrest is made by the authorities)."""
        if group_id == "state":
            place = next((t.country for t in targets if t.country), None) or country or self._focus()
            state = self.kb.state(place) if place else None
            if state is None or any(t.id == state.id for t in targets):
                return sources
            return [ref_for(state, "")]
        if group_id not in self.kb:
            return sources
        group = self.kb[group_id]
        countries = [s.country for s in sources if s.country] or [country or self._focus()]
        return [group_ref(self.kb, group, c, "") for c in dict.fromkeys(countries)]

    def _strong_alone(self, head: Token, trig: Trigger) -> bool:
        """A verb trigger with a subject is an event even when its actors are not named ones
        ("a minefield explosion killed two youths")."""
        return head.pos_ == "VERB" and any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children)

    # -- arguments --------------------------------------------------------------------

    def _leader_of(self, ref: ActorRef) -> ActorRef:
        """Allegiance is to a person: "defected from Maduro's government" is from Maduro."""
        if ref.kind != "state":
            return ref
        for word in re.findall(r"[A-ZÀ-Ý][\w’'-]+", ref.mention):
            people = [a for a in self.kb.lookup(re.sub(r"['’]s$", "", word)) if a.kind == "person"]
            if len(people) == 1:
                p = people[0]
                return ref_for(p, ref.mention)
        return ref

    def _actor_of(self, tok: Token, at, doc) -> ActorRef | None:
        """The actor a syntactic argument stands for: the mention on its head word, else on the words
        that make up its name ("Col. Jose Luis Silva", "Venezuela's military attache"), else on what it
        is "of" or "among" ("members of the Venezuelan military")."""
        if tok.i in at:
            return at[tok.i].ref
        if tok.lower_ in _FIRST_PERSON and self._speaker is not None:
            return self._speaker  # "we call on ..." inside a quotation: the speaker
        if tok.lower_ in ("he", "she", "him", "her", "his", "it", "its", "they", "them", "their"):
            m = antecedent(doc, tok)
            if m is None and tok.lower_ in ("he", "she") and tok.dep_ == "nsubj" and \
                    tok.head.lemma_.lower() in self.speech_verbs:
                # "..., he said during a visit": whom the quotes stage found speaking in the sentence
                sent = tok.sent
                q = next((q for q in doc._.quotes or [] if q.kind == "direct" and q.speaker is not None
                          and q.start < sent.end_char and sent.start_char < q.end), None)
                return q.speaker if q else None
            return m.ref if m else None
        owner = next((c for c in tok.children if c.dep_ == "poss"), None)
        if owner is not None and tok.lemma_.lower() in ("country", "nation"):  # "his country", "our nation"
            ref = self._actor_of(owner, at, doc)
            state = self.kb.state(ref.country) if ref is not None and ref.country else None
            return ref_for(state, tok.text) if state is not None else None
        queue = [c for c in tok.children if c.dep_ in _NAME_DEPS]
        while queue:
            child = queue.pop(0)
            if child.i in at:
                return at[child.i].ref
            queue.extend(c for c in child.children if c.dep_ in _NAME_DEPS)
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in ("of", "in", "among", "from"):
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        ref = self._actor_of(obj, at, doc)
                        if ref and "MIL" in ref.sectors and tok.lemma_.lower() in _PART_WORDS and "soldiers" in self.kb:
                            # "members of the military", "some of the army": soldiers, not the institution
                            return group_ref(self.kb, self.kb["soldiers"], ref.country, tok.text)
                        if ref:
                            return ref
        return self._unnamed_set(tok)

    def _unnamed_set(self, tok: Token) -> ActorRef | None:
        """A set of actors the text does not name ("many nations", "Latin American leaders"), as a
        provisional group called by its words, so that who acts is at least said."""
        if tok.tag_ not in ("NNS", "NNPS") or tok.lemma_.lower() not in self.collective_nouns:
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

    def _protesters_of(self, tok: Token, at) -> list[ActorRef]:
        """A protest named as what is acted on stands for those protesting ("repression of protests")."""
        if "protesters" not in self.kb or not any(
                t.type == "PROTEST" and len(t.words) == 1 for t in self.lex.by_first.get(tok.lemma_.lower(), ())):
            return []
        return [group_ref(self.kb, self.kb["protesters"], self._focus(), tok.text)]

    def _leaders_of(self, tok: Token, at, doc) -> list[ActorRef]:
        """ "The leaders of Venezuela and Nicaragua", "Panama's president": each country's head of
        state on the day the article speaks from."""
        if tok.i in at or tok.lemma_.lower() not in ("leader", "president", "head"):
            return []
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        obj = obj if obj is not None else next((c for c in tok.children if c.dep_ == "poss"), None)
        if obj is None:
            return []
        refs = []
        for country in [obj, *_conjuncts(obj)]:
            ref = at[country.i].ref if country.i in at else None
            if ref is not None and ref.kind == "state":
                refs += [r for r in self._incumbent([ref.country], at, None) if r not in refs]
        return refs

    def _speakers(self, verb: Token, at, doc) -> list[ActorRef]:
        """Every actor a verb's subjects name; a collective ("EU members") gives way to the members the
        sentence lists ("EU members Britain, Germany ... said")."""
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        named = [c for c in subjects if c.lemma_.lower() not in _COLLECTIVES]
        refs: list[ActorRef] = []
        for subj in named if named and len(named) < len(subjects) else subjects:
            refs += [r for r in self._with_conjuncts(subj, at, doc) if all(r.id != x.id for x in refs)]
        return refs

    def _with_conjuncts(self, tok: Token, at, doc) -> list[ActorRef]:
        """The actors of an argument and of the arguments coordinated with it ("China, Russia and Cuba");
        for a generic noun, the named members it lists ("countries including Russia and China")."""
        refs: list[ActorRef] = []
        leaders = self._leaders_of(tok, at, doc)
        if leaders:
            return leaders
        # the parser often makes a list of named actors appositions: "The United States, Canada, and ..."
        listed = [a for a in tok.children if a.dep_ == "appos" and tok.i in at]
        for t in [tok, *_conjuncts(tok), *[x for a in listed for x in (a, *_conjuncts(a))]]:
            members = [] if t.i in at else _listed_members(t)
            for ref in ([self._actor_of(m, at, doc) for m in members] if members else [self._actor_of(t, at, doc)]):
                if ref and all(r.id != ref.id for r in refs):
                    refs.append(ref)
        return refs

    def _focus(self) -> str | None:
        """The article's main country (see `resolve.focus_country`), as computed for the article being read."""
        return self._doc_focus

    def _accused(self, head: Token, at, doc) -> list[ActorRef]:
        """Who is said to have done an event that is what someone is accused "of" ("accused Washington of
        staging a coup", "Ledezma, whom the government accuses of plotting a coup")."""
        tok = head
        for _ in range(5):
            if tok.dep_ in ("pcomp", "pobj") and tok.head.lower_ == "of":
                verb = tok.head.head
                if verb.lemma_.lower() not in self.accusing_verbs:
                    return []
                obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
                if obj is not None and obj.lower_ in ("whom", "who", "which", "that") and verb.dep_ == "relcl":
                    obj = verb.head
                named = self._with_conjuncts(obj, at, doc) if obj is not None else []
                return named or _from_to_range(verb, at, self._with_conjuncts, doc)
            if tok.dep_ not in ("xcomp", "dobj", "pcomp", "pobj", "prep", "ccomp") or tok.head.i == tok.i:
                return []
            tok = tok.head
        return []

    def _given_by(self, head: Token, at, doc) -> list[ActorRef]:
        """The giver a "from" phrase names on what is given ("humanitarian aid from the U.S.")."""
        if head.pos_ != "NOUN":
            return []
        return [r for c in head.children if c.dep_ == "prep" and c.lower_ == "from"
                for o in c.children if o.dep_ == "pobj" for r in self._with_conjuncts(o, at, doc)]

    def _sources(self, head: Token, span: Span, at, doc, received: bool = False) -> tuple[list[ActorRef], bool]:
        """Who acts. `received`: the event gives something, so a person named as its modifier is who gets
        it ("offered Snowden asylum"), and "from X" names the giver ("aid from the U.S.")."""
        accused = self._accused(head, at, doc)
        if accused:
            return accused, True
        given = self._given_by(head, at, doc) if received else []
        if given:
            return given, True
        cop = head.head if head.dep_ == "nsubj" and head.head.lemma_ == "be" else None
        if cop is not None and head.pos_ == "NOUN":
            # "the most senior defector has been Gen Yánez", "his allies are Turkey, Russia and China":
            # the predicate names who the agent noun is
            attr = next((c for c in cop.children if c.dep_ == "attr"), None)
            refs = self._with_conjuncts(attr, at, doc) if attr is not None else []
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
        if head.pos_ in ("NOUN", "PROPN") and head.i == clause.i:
            for child in head.children:
                if child.dep_ in ("poss", "compound", "amod") and child.i in at and not recipient(child):
                    return [at[child.i].ref], True
            for child in head.children:  # "opposition protests", "student protests": a civil group as modifier
                groups = [a for a in self.kb.lookup(child.lemma_) if a.kind == "group" and not {
                    "MIL", "COP", "GOV"} & set(a.sectors)] if child.dep_ in ("compound", "amod") else []
                if len(groups) == 1:
                    return [group_ref(self.kb, groups[0], self._focus(), child.text)], True
            for child in head.children:  # "Russian aid", "American sanctions": the state of that nationality
                country = self.kb.demonym(child.text) if child.dep_ in ("amod", "compound") else None
                state = self.kb.state(country) if country else None
                if state is not None:
                    return [ref_for(state, child.text)], True
            for child in head.children:
                if child.dep_ == "prep" and child.lower_ == "by":
                    for obj in child.children:
                        refs = self._with_conjuncts(obj, at, doc)
                        if refs:
                            return refs, True
            # a light verb carries the event noun: "imposed sanctions", "held talks", "called for protests"
            if head.dep_ in ("dobj", "attr", "pobj", "nsubjpass", "conj"):
                gov = head.head if head.dep_ != "pobj" else head.head.head
                if head.dep_ == "pobj" and head.head.lower_ in ("on", "under", "into") and gov.dep_ == "dobj":
                    gov = gov.head  # "placed its units on combat readiness", "put him under arrest"
                # ... but not an event that only sets the time: "suspended aid after the coup"
                setting = head.dep_ == "pobj" and head.head.lower_ in self.setting_preps
                if gov.pos_ in ("VERB", "AUX") and gov.lemma_.lower() not in self.not_agent_verbs and not setting:
                    clause = gov
                else:
                    return [], False
            else:
                return [], False
        verb = clause
        for _ in range(4):
            subj = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
            if subj is not None:
                refs = self._with_conjuncts(subj, at, doc)
                if subj.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                    refs = self._with_conjuncts(verb.head, at, doc)
                elif subj.lower_ in ("they", "we") and verb.dep_ == "ccomp":
                    refs = self._speakers(verb.head, at, doc) or refs  # "X, Y and Z said they would ..."
                return refs, bool(refs)
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            if agent is None and any(c.dep_ == "nsubjpass" for c in verb.children):
                agent = _by_phrase(verb)  # the parser often hangs "by X" on a noun of the clause
            if agent is not None:
                objs = [o for o in agent.children if o.dep_ == "pobj"]
                if objs:
                    refs = self._with_conjuncts(objs[0], at, doc)
                    return refs, bool(refs)
            if verb.dep_ == "ccomp" and verb.head.lemma_.lower() in self.speech_verbs:
                break  # who reports an event is not who does it
            if verb.dep_ in ("xcomp", "conj", "advcl", "ccomp") and verb.head.pos_ in ("VERB", "AUX", "ADJ"):
                verb = verb.head
                continue
            if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX") and \
                    verb.head.lower_ not in self.topic_preps and not _passive(verb) and verb.tag_ != "VBN":
                # the subject of a gerund after a preposition is the main verb's ("joined Nicaragua in
                # offering him asylum", "by imposing sanctions"), or its object's when it gives the reason
                # ("blasted the administration for trying to block ...")
                main = verb.head.head
                obj = next((c for c in main.children if c.dep_ == "dobj"), None)
                if verb.head.lower_ == "for" and obj is not None:
                    refs = self._with_conjuncts(obj, at, doc)
                    return refs, bool(refs)
                verb = main
                continue
            if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
                if _passive(verb):
                    break  # "Lopez, detained since 2014": the noun is who it was done to
                refs = self._with_conjuncts(verb.head, at, doc)
                if refs or verb.head.dep_ not in ("dobj", "pobj", "attr") or verb.head.head.pos_ != "VERB":
                    return refs, bool(refs)
                verb = verb.head.head  # "sent a letter asking ...": whoever sent it asks
                continue
            break
        return [], False

    def _targets(self, head: Token, span: Span, trig: Trigger, at, doc) -> list[ActorRef]:
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
                        refs += self._with_conjuncts(obj, at, doc)
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in preps and not (span.start <= prep.i < span.end):
                    refs += [r for obj in prep.children if obj.dep_ == "pobj" for r in self._with_conjuncts(obj, at, doc)]
        if head.dep_ in ("acl", "relcl") and head.head.pos_ in ("NOUN", "PROPN") and (_passive(head) or any(
                c.dep_ == "dobj" and c.lower_ in ("who", "whom", "which", "that") for c in head.children)):
            refs += self._with_conjuncts(head.head, at, doc)  # "Lopez, detained ...", "Guaidó, whom many recognise"
        for base in tokens:
            for child in base.children:
                if child.i in range(span.start, span.end):
                    continue
                if child.dep_ in ("dobj", "dative", "oprd") or (child.dep_ == "nsubjpass" and base.pos_ == "VERB"):
                    # a dative may be the preposition itself: "granted aid to Kyiv"
                    found = self._with_conjuncts(child, at, doc) or [
                        r for obj in child.children if child.pos_ == "ADP" and obj.dep_ == "pobj"
                        for r in self._with_conjuncts(obj, at, doc)]
                    owner = next((c for c in child.children if c.dep_ == "poss"), None)
                    if not found and owner is not None and trig.type in _ALLEGIANCE_TYPES:
                        found = [r for r in [self._actor_of(owner, at, doc)] if r]  # "backed his call"
                    refs += found
                elif child.dep_ == "prep" and child.lower_ in preps | {"of"} and not (child.lower_ == "of" and base.pos_ == "VERB"):
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            refs += self._with_conjuncts(obj, at, doc) or self._protesters_of(obj, at)
        if not refs and any(c.dep_ == "dobj" for c in head.children):
            refs = _from_to_range(head, at, self._with_conjuncts, doc)  # "accused a variety of actors, from X to Y"
        if not refs and head.dep_ == "pobj" and head.head.lower_ == "under":  # "put the journalist under arrest"
            holder = head.head.head
            obj = holder if holder.dep_ == "dobj" else next((c for c in holder.children if c.dep_ == "dobj"), None)
            refs = self._with_conjuncts(obj, at, doc) if obj is not None else []
        if not refs and head.pos_ == "NOUN":  # "the inauguration met with condemnation", "X faced sanctions"
            gov = head.head.head if head.dep_ == "pobj" and head.head.lower_ == "with" else (
                head.head if head.dep_ == "dobj" else None)
            if gov is not None and gov.lemma_.lower() in self.undergoing_verbs and not self.lex.types[trig.type].received:
                subj = next((c for c in gov.children if c.dep_ == "nsubj"), None)
                refs = self._with_conjuncts(subj, at, doc) if subj is not None else []
        if trig.type == "PROTEST":  # whom the protesters call on is whom they protest against
            refs = self._demanded_of(head, at, doc) or refs
        if trig.type == "DEMAND" and head.dep_ == "dobj" and head.head.lemma_.lower() in self.answering_verbs:
            # "Venezuelans heeded Guaidó's call": the call was made to them (a nation named: its people)
            subj = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
            nation = self.kb.demonym(subj.text) if subj is not None and subj.i not in at else None
            if nation and "people" in self.kb:
                refs = [group_ref(self.kb, self.kb["people"], nation, subj.text)]
            elif subj is not None:
                refs = self._with_conjuncts(subj, at, doc) or refs
        seen: dict[str, ActorRef] = {}
        for r in refs:
            seen.setdefault(r.id, r)
        return list(seen.values())

    def _demanded_of(self, head: Token, at, doc) -> list[ActorRef]:
        """Whom a protest makes its demand of: "took to the streets calling on Maduro to step down"."""
        preps = set(self.lex.types["DEMAND"].target_preps)
        for verb in head.children:
            if verb.dep_ not in ("advcl", "acl", "xcomp") or not any(
                    t.type == "DEMAND" for t in self.lex.by_first.get(verb.lemma_.lower(), ())):
                continue
            for c in verb.children:
                if c.dep_ == "dobj":
                    return self._with_conjuncts(c, at, doc)
                if c.dep_ == "prep" and c.lower_ in preps:
                    return [r for o in c.children if o.dep_ == "pobj" for r in self._with_conjuncts(o, at, doc)]
        return []

    # -- status -----------------------------------------------------------------------

    def _governors(self, head: Token) -> list[Token]:
        """The head and the verbs above it within its own clause chain (xcomp, dobj of a light verb)."""
        chain = [head]
        tok = head
        for _ in range(3):
            if tok.dep_ in ("xcomp", "dobj", "pobj", "prep", "acomp", "attr", "aux") and tok.head.i != tok.i:
                tok = tok.head
                chain.append(tok)
            else:
                break
        return chain

    def _status(self, head: Token, sent: Span, span: Span) -> str:
        for phrase in self.neg_verbs:  # "stopped short of recognition"
            words = tuple(phrase.split())
            start = span.start - len(words)
            if len(words) > 1 and start >= sent.start and _match_at(sent.doc, start, words, span.start) == span.start:
                return "negated"
        chain = self._governors(head)
        if head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("nsubj", "nsubjpass"):
            chain.append(head.head)  # "tariffs will escalate", "sanctions could be imposed"
        for tok in chain:
            for child in tok.children:
                if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no"):
                    if not any(w in ("no", "longer") for w in (t.lower_ for t in span)):
                        return "negated"
            if tok.i != head.i and self._phrase_at(tok, self.neg_verbs):
                return "negated"
        for tok in chain:
            for child in tok.children:
                if child.dep_ in ("aux", "auxpass") and child.lower_.replace("’", "'") in self.modals:
                    return "planned"
                if child.dep_ == "mark" and child.lower_ in self.conditionals:
                    return "planned"
            if tok.i != head.i and self._phrase_at(tok, self.plan_verbs):
                return "planned"
        clause = head
        for child in clause.children:
            if child.dep_ == "mark" and child.lower_ in self.conditionals:
                return "planned"
        if self._on_condition(head):  # a consequence is not yet done: "faced sanctions if it went ahead"
            return "planned"
        return "occurred"

    @staticmethod
    def _phrase_at(tok: Token, phrases: set[str]) -> bool:
        """Whether one of the (possibly multiword) phrases starts at this token: "stopped short of"."""
        lemma = tok.lemma_.lower()
        for phrase in phrases:
            words = phrase.split()
            if words[0] == lemma and (len(words) == 1 or _match_at(tok.doc, tok.i, tuple(words), tok.sent.end)):
                return True
        return False

    def _reporter(self, head: Token, sent: Span) -> Token | None:
        """The subject of a reporting verb the event is embedded under ("Pompeo said that ...")."""
        tok = head
        for _ in range(6):
            if tok.dep_ in ("ccomp", "xcomp", "advcl", "conj", "parataxis", "dobj", "pobj", "prep", "relcl", "acl",
                            "nsubj", "attr", "acomp", "npadvmod", "amod", "compound", "appos", "pcomp"):
                parent = tok.head
                if parent.i == tok.i:
                    break
                # "said (that) ...", "accused X of trying to ..."
                if parent.lemma_.lower() in self.report_verbs and parent.pos_ in ("VERB", "AUX") and parent.i != head.i \
                        and (tok.dep_ in ("ccomp", "parataxis", "xcomp", "advcl", "dobj", "conj")
                             or tok.dep_ == "prep" and tok.lower_ == "of"):
                    subj = next((c for c in parent.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                    if subj is None and parent.dep_ == "conj":  # "He accused ... and said ..."
                        subj = next((c for c in parent.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                    return subj
                tok = parent
            else:
                break
        # a reporting verb whose complement is the whole clause, written after it ("..., Pompeo said.")
        root = sent.root
        if root.i != head.i and root.lemma_.lower() in self.report_verbs and head.i != root.i:
            if any(c.dep_ in ("ccomp", "parataxis") for c in root.children) and _dominated_by(head, root):
                return next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return None

    def _according_to(self, sent: Span) -> bool:
        t = sent.text.lower()
        return any(p in t for p in self.report_phrases)

    def _according_to_actor(self, sent: Span, at, doc) -> ActorRef | None:
        for tok in sent:
            if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                for obj in doc[tok.i + 1].children:
                    ref = self._actor_of(obj, at, doc)
                    if ref:
                        return ref
        return None

    # -- when and where -------------------------------------------------------------------

    def _date(self, sent: Span, head: Token, published):
        dates = [e for e in sent.ents if e.label_ in ("DATE", "TIME")]
        dates.sort(key=lambda e: abs(e.root.i - head.i))
        for ent in dates:
            r = resolve_date(ent.text, published)
            if r:
                return r
        return None

    def _location(self, sent: Span, at) -> tuple[str | None, str | None]:
        for ent in sent.ents:
            if ent.label_ in ("GPE", "LOC", "FAC") and ent.root.head.lower_ in ("in", "at", "near", "outside", "inside"):
                country = None
                ref = at.get(ent.root.i)
                if ref is not None and ref.ref.kind == "state":
                    country = ref.ref.country
                else:
                    country = self.kb.demonym(ent.text)
                return ent.text, country
        return None, None


def _objects(verb: Token, preps: tuple[str, ...] | None = None) -> list[Token]:
    """The verb's direct objects and the objects of its prepositions (of these only, when given)."""
    return [c for c in verb.children if c.dep_ in ("dobj", "dative")] + [
        o for p in verb.children if p.dep_ == "prep" and (preps is None or p.lower_ in preps)
        for o in p.children if o.dep_ == "pobj"]


def _reciprocal(verb: Token) -> bool:
    """Whether the verb's object, or the object of its preposition, is "each other" or "one another"."""
    return any((o.lower_ == "other" and any(d.lower_ == "each" for d in o.children))
               or (o.lower_ == "another" and any(d.lower_ == "one" for d in o.children))
               or (o.lower_ in ("each", "one") and any(n.lower_ in ("other", "another") for n in o.rights))
               for o in _objects(verb))


def _match_at(doc: Doc, i: int, words: tuple[str, ...], limit: int) -> int | None:
    j = i
    for w in words:
        if j >= limit:
            return None
        lower, lemma = _norm(doc[j])
        if w != lower and w != lemma:
            return None
        j += 1
    return j


def _head(span: Span) -> Token:
    """The word the phrase hangs from: its syntactic root, preferring verbs and nouns."""
    root = span.root
    if root.pos_ in ("ADP", "PART", "DET") and len(span) > 1:
        for tok in span:
            if tok.pos_ in ("VERB", "NOUN", "ADJ", "PROPN"):
                return tok
    return root


def _from_to_range(verb: Token, at, actors_of, doc) -> list[ActorRef]:
    """The actors a "from X to Y (to Z)" range lists beside a verb's unnamed object ("accused a variety of
    actors, from military opponents to Donald Trump to Joe Biden"), however the parser hung its parts."""
    start = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "from"), None)
    if start is None:
        return []
    ends = [start, *(c for c in start.subtree if c.dep_ == "prep" and c.lower_ == "to"),
            *(c for c in verb.children if c.dep_ == "prep" and c.lower_ == "to" and c.i > start.i)]
    refs: list[ActorRef] = []
    for prep in ends:
        for obj in prep.children:
            if obj.dep_ == "pobj":
                refs += [r for r in actors_of(obj, at, doc) if r not in refs]
    return refs


def _listed_members(tok: Token) -> list[Token]:
    """The named members of a set ("countries including Russia and China"), also when the set is
    what a quantity is "of" ("a number of nations, including Canada and the UK")."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in ("including", "like", "such"):
            objs = [o for o in child.subtree if o.dep_ == "pobj" and o.head.i in (child.i, *(x.i for x in child.children))]
            if objs:
                return [objs[0], *_conjuncts(objs[0])]
    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    whole = next((o for o in of.children if o.dep_ == "pobj"), None) if of is not None else None
    return _listed_members(whole) if whole is not None else []


#: words for some of a body's people: "members of the military" are soldiers, not the armed forces
_PART_WORDS = {"member", "some", "many", "most", "part", "several", "few", "rest", "dozen", "hundred", "thousand"}

#: collective nouns whose members are states
_STATE_NOUNS = {"nation", "country", "government", "state", "power"}

#: nouns for a set of actors whose members a sentence may list beside them
_COLLECTIVES = {"member", "country", "nation", "government", "state", "ally", "partner"}


def _says_of_itself(head: Token, reporter: Token) -> bool:
    """ "X said they would recognise ...": the clause under the reporting verb has a pronoun for its
    subject, so the speaker speaks of their own act."""
    verb = head
    while verb.dep_ not in ("ccomp", "ROOT") and verb.head.i != verb.i:
        verb = verb.head
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return verb.head.i == reporter.head.i and subj is not None and subj.lower_ in (
        "i", "we", "he", "she", "they", "it")


def _plural_subject(verb: Token) -> bool:
    """ "Representatives from both countries are set to meet": the verb's subject is several actors."""
    while verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
        verb = verb.head
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subj is not None and verb.pos_ in ("VERB", "AUX") and (subj.tag_ == "NNS" or any(
        c.lower_ in ("both", "two") for c in subj.subtree))


def _passive(verb: Token) -> bool:
    """A passive clause: "was detained", or a bare participle after its noun ("Lopez, detained ...")."""
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN")


def _acting(tok: Token) -> bool:
    """Whether a noun names who acts in its clause: its subject (not of a verb of saying: "demonstrators
    said ..."), a headline's head, or listed with one."""
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        tok = tok.head
    if tok.dep_ == "nsubj" and tok.head.lemma_.lower() in ("say", "tell", "add", "claim"):
        return False
    return tok.dep_ in ("nsubj", "nsubjpass", "ROOT")


def _most_informative(events: Iterable[Event]) -> list[Event]:
    """Drop an event that another of the same type (and PLOVER event) in the same sentence says more
    fully: "Venezuela -> ?" beside "Venezuela -> Lopez", "? -> Maduro" beside "Guaidó -> Maduro", "? -> ?"
    beside any. Praise of a deal (AGREE coded SUPPORT) is not said more fully by the deal itself."""
    events = list(events)

    def kind(e: Event) -> tuple:
        return e.start, e.type, e.plover.get("event")

    known = {(*kind(e), "s", e.source.id) for e in events if e.source and e.target}
    known |= {(*kind(e), "t", e.target.id) for e in events if e.source and e.target}
    named = {kind(e) for e in events if e.source or e.target}
    return [e for e in events if not (
        (e.source is None and e.target is not None and (*kind(e), "t", e.target.id) in known)
        or (e.target is None and e.source is not None and (*kind(e), "s", e.source.id) in known)
        or (e.source is None and e.target is None and kind(e) in named))]


def _clause_of(tok: Token) -> Token:
    """The verb a subject noun belongs to ("sanctions could be imposed"), else the word itself."""
    return tok.head if tok.dep_ in ("nsubj", "nsubjpass") else tok


def _requested(tok: Token, demands: set[int]) -> bool:
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


def _by_phrase(verb: Token) -> Token | None:
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


def _conjuncts(tok: Token) -> list[Token]:
    out = []
    for child in tok.children:
        if child.dep_ == "conj":
            out.append(child)
            out.extend(_conjuncts(child))
    return out


def _dominated_by(tok: Token, top: Token) -> bool:
    while tok.head.i != tok.i:
        if tok.head.i == top.i:
            return True
        tok = tok.head
    return False


def _quote_speaker(doc: Doc, quote: tuple[int, int] | None) -> ActorRef | None:
    q = quote_at(doc, quote[0]) if quote else None
    return q.speaker if q else None
