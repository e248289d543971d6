"""The events stage: each trigger of each sentence through the steps that make it events, in order.

Candidates (`triggers`) -> arguments as the clause gives them (`arguments`) -> status and attribution
(`status`) -> the sources the text means (`defaults`) -> checks that the phrase is an event here ->
the targets the text means (`defaults`) -> type and PLOVER code per source and target (`coding`).
Sentences where a speaker uses hostile words without an accusing trigger add `accusations`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from spacy.tokens import Span, Token

from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction.context import ArticleContext
from allegiance.extraction.events.accusations import Accusations
from allegiance.extraction.events.actors import ActorReader, Reading
from allegiance.extraction.events.arguments import Arguments, Found
from allegiance.extraction.events.coding import Coder, plover_by_status
from allegiance.extraction.events.defaults import Defaults
from allegiance.extraction.events.lexicon import Lexicon, Trigger
from allegiance.extraction.events.records import (
    Candidate,
    Event,
    most_informative,
    record,
)
from allegiance.extraction.events.status import StatusReader
from allegiance.extraction.events.triggers import TriggerMatcher, head_of, requested
from allegiance.extraction.wordlists import WordLists
from allegiance.parsing.syntax import clause_of, reciprocal, subject


class EventExtractor:
    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon, words: WordLists):
        self.kb = kb
        self.lex = lexicon
        self.cues = lexicon.cues
        self.triggers = TriggerMatcher(lexicon)
        self.actors = ActorReader(kb, lexicon)
        self.arguments = Arguments(kb, lexicon, self.actors)
        self.status = StatusReader(lexicon.cues, self.actors)
        self.defaults = Defaults(kb, lexicon, self.actors, words.person_nouns)
        self.coder = Coder(lexicon, self.actors)
        self.accusations = Accusations(lexicon, self.actors, self.defaults, words.hostile)

    def __call__(self, ctx: ArticleContext) -> list[Event]:
        events: dict[tuple, Event] = {}
        for sent in ctx.sentences:
            found = self.sentence(sent, ctx)
            for ev in found:
                key = (ev.start, ev.type, ev.source.id if ev.source else None, ev.target.id if ev.target else None)
                if key not in events or events[key].confidence < ev.confidence:
                    events[key] = ev
        return sorted(most_informative(events.values()), key=lambda e: (e.start, e.trigger_start, e.type))

    def sentence(self, sent: Span, ctx: ArticleContext) -> list[Event]:
        matches = self.triggers.matches(sent)
        at_protest = any(trig.type == "PROTEST" for _, trig in matches)  # read by the REPRESS rule
        demands = {head_of(span).i for span, trig in matches if trig.type == "DEMAND"}
        warnings = {head_of(span).i for span, trig in matches if trig.type == "THREATEN"}
        # what a demand asks for has not happened: "called on the council to support Guaidó"; what a
        # warning says could happen is the threat itself: "warned that sanctions could be imposed"
        matches = [(span, trig) for span, trig in matches
                   if trig.type == "DEMAND" or not requested(head_of(span), demands)]
        matches = [(span, trig) for span, trig in matches if trig.type == "THREATEN" or not (
            requested(clause_of(head_of(span)), warnings) and self.status.status(head_of(span), sent, span) == "planned")]
        found = [ev for span, trig in matches for ev in self.trigger(sent, span, trig, ctx, at_protest)]
        warned = any(head_of(span).i in warnings and head_of(span).lemma_.lower() in self.cues.speech_verbs
                     for span, _ in matches)  # what a warning says is the threat, not an accusation
        if not warned and not any(ev.type == "ACCUSE" for ev in found):
            found += self.accusations(sent, ctx)
        return found

    def trigger(self, sent: Span, span: Span, trig: Trigger, ctx: ArticleContext, at_protest: bool) -> Iterable[Event]:
        c = self.candidate(sent, span, trig, ctx, at_protest)
        if c is None:
            return []
        c.status, c.attributed = self.status.attribution(c)
        self.defaults.sources(c)
        if not self.admissible(c):
            return []
        self.defaults.targets(c)
        return self.records(c)

    def candidate(self, sent: Span, span: Span, trig: Trigger, ctx: ArticleContext,
                  at_protest: bool) -> Candidate | None:
        """The trigger with the arguments its clause gives; None when the words are no event here."""
        head = head_of(span)
        # "we" in a quotation is its speaker
        r = Reading(ctx, ctx.speaker_at(head.idx))
        if trig.agent and not _acting(head):
            return None
        if trig.intransitive and any(x.dep_ == "dobj" for x in head.children):
            return None
        if trig.actor_object and any(x.dep_ == "dobj" and not self.actors.with_conjuncts(x, r) for x in head.children):
            return None
        if len(span) == 1 and head.dep_ == "compound" and head.head.pos_ == "NOUN" and \
                head.head.lemma_.lower() not in self.cues.carrier_nouns:
            return None  # a modifier names a kind of thing, not an act: "protest forces", "aid workers"
        reporter = self.status.reporter(head, sent)
        speaker = self.actors.actor_of(reporter, r) if reporter is not None else None
        speaker = speaker or r.speaker
        base = self.arguments.carrier(head)
        spec = self.lex.types[trig.type]
        sources, by_syntax = self.arguments.sources(base, r, spec.received)
        targets = self.arguments.targets(base, span, trig, r)
        found = self.arguments.of_phrase(trig, head, base, Found(sources, by_syntax, targets), speaker, r)
        if found is None:
            return None
        # "any country that recognized ...": the unnamed one acts, not the speaker nor whoever is nearest
        relative = next((x for x in base.children if x.dep_ == "nsubj" and x.lower_ in ("that", "which", "who")
                         and base.dep_ == "relcl"), None)
        c = Candidate(sent, span, trig, spec, head, base, r, speaker, reporter, relative, found.sources,
                      found.by_syntax, found.targets, found.owners, at_protest)
        if not c.sources and spec.speech_act and speaker is not None and relative is None:
            c.sources, c.by_syntax = [speaker], True
        if not c.sources and not c.targets and trig.weight < 0.75 and not _strong_alone(head):
            return None  # a weak trigger with nobody acting is more often a figure of speech than an event
        return c

    def admissible(self, c: Candidate) -> bool:
        """Whether the trigger, with the arguments found, is an event; may turn the trigger into its
        `otherwise` type (praise of a plan, not a leader, approves it)."""
        trig, head = c.trig, c.head
        if trig.needs in ("source", "both") and not c.sources:
            return False
        if trig.needs == "pair" and not c.targets and len(c.sources) < 2 and head.dep_ != "dobj" and not _plural_subject(head):
            return False  # ... unless a verb makes the noun an act ("held a meeting") or the subject is plural
        # "X poses a threat", "a coup is when ...": a description, unless the noun is the subject the
        # sentence goes on to name, or the description is the accusation ("the action is American meddling")
        if not (trig.predicate or trig.content or c.owners) and self.characterized(head) and not (
                head.dep_ == "nsubj" and c.by_syntax):
            return False
        if head.pos_ == "NOUN" and head.dep_ == "pobj" and head.head.lower_ in ("at", "to", "near", "from") \
                and head.head.head.pos_ in ("VERB", "NOUN") and trig.type == "PROTEST":
            return False  # "at the Caracas protest", "travelling to the rally": a setting for something else
        if trig.target_kinds:
            kept = [t for t in c.targets if t.kind in trig.target_kinds]
            if not kept and trig.otherwise:
                c.trig = replace(trig, type=trig.otherwise, target_kinds=(), needs=None, if_source=())
                c.spec, c.approval = self.lex.types[c.trig.type], True
            elif not kept:
                return False
            else:
                c.targets = kept
        return not (c.trig.needs in ("target", "both") and not c.targets)

    def characterized(self, head: Token) -> bool:
        """An event noun used to describe, not report: "poses a threat", "a coup is when ..."."""
        if head.pos_ != "NOUN":
            return False
        gov = head.head.lemma_.lower()
        if any(x.dep_ == "expl" for x in head.head.children):
            return False  # "there is a coup going on" says it exists
        return (head.dep_ in ("nsubj", "attr") and gov == "be") or (
            head.dep_ in ("dobj", "attr", "oprd") and gov in self.cues.characterizing)

    def records(self, c: Candidate) -> list[Event]:
        """One event per source and target, each with its own type, PLOVER code and confidence."""
        ctx, trig = c.ctx, c.trig
        when = self.defaults.date(c.sent, c.head, ctx)
        # nobody acts on themselves, nor on those acting with them (a list the parse hangs on the target)
        acting = {s.id for s in c.sources if s is not None}
        targets = [t for t in c.targets if t.id not in acting]
        if len(acting) > 1 and reciprocal(c.base):  # "accused each other": each of them the others
            targets = list(c.sources)
        conditional = c.status == "planned" and self.status.on_condition(c.head)  # once per trigger
        out = []
        for s in c.sources or [None]:
            for t in [t for t in targets if s is None or t.id != s.id] or [None]:
                etype = trig.type if c.approval else self.coder.refined_type(trig, c.head, s, t, c.where_country, ctx)
                conf = trig.weight * (1.0 if c.by_syntax or s is None else 0.85) * (1.0 if t is not None else 0.9)
                conf *= 0.8 if c.nearest else 1.0
                act = trig.plover if etype == trig.type else None
                plover = plover_by_status(self.lex.types[etype], c.status, conditional) or act
                out.append(record(ctx, c.sent, c.span, etype, self.lex.types[etype], plover, trig.mode, s, t,
                                  c.status, c.attributed, when, (c.where, c.where_country), conf, conditional, act))
        return out


def _acting(tok: Token) -> bool:
    """Whether a noun names who acts in its clause: its subject (not of a verb of saying: "demonstrators
    said ..."), a headline's head, or listed with one."""
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        tok = tok.head
    if tok.dep_ == "nsubj" and tok.head.lemma_.lower() in ("say", "tell", "add", "claim"):
        return False
    return tok.dep_ in ("nsubj", "nsubjpass", "ROOT")


def _strong_alone(head: Token) -> bool:
    """A verb trigger with a subject is an event even when its actors are not named ones
    ("a minefield explosion killed two youths")."""
    return head.pos_ == "VERB" and any(x.dep_ in ("nsubj", "nsubjpass") for x in head.children)


def _plural_subject(verb: Token) -> bool:
    """ "Delegates of both governments will meet": the verb's subject is several actors."""
    while verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
        verb = verb.head
    subj = subject(verb, ("nsubj",))
    return subj is not None and verb.pos_ in ("VERB", "AUX") and (subj.tag_ == "NNS" or any(
        x.lower_ in ("both", "two") for x in subj.subtree))
