"""How sure the text is of an event, and on whose word: its status and attribution.

An event is ``occurred`` unless the words governing it deny it (``negated``), put it in the future,
a wish or a condition (``planned``), or it is reported as someone else's statement (``claimed``,
``attributed_to`` whoever says it). Cue words come from ``data/events/cues.yaml``.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from allegiance.actors.references import ActorRef
from allegiance.extraction.events.actors import ActorReader, Reading
from allegiance.extraction.events.lexicon import Cues
from allegiance.extraction.events.records import Candidate
from allegiance.extraction.events.triggers import match_at
from allegiance.parsing.syntax import (
    SUBJECTS,
    according_to,
    clause_head,
    dominated_by,
    subject,
)


class StatusReader:
    def __init__(self, cues: Cues, actors: ActorReader):
        self.cues = cues
        self.actors = actors

    def attribution(self, c: Candidate) -> tuple[str, ActorRef | None]:
        """The event's status, and who claims it when it is a claim. A reported event is the reporter's
        claim, unless the reporter is the one acting (an accusation is made by saying it), or the event
        is a noun the report takes for granted ("believe US sanctions caused the crisis")."""
        trig, spec, head, speaker, reporter = c.trig, c.spec, c.head, c.speaker, c.reporter
        status = "occurred" if trig.content else self.status(head, c.sent, c.span)
        if trig.invert and status in ("occurred", "negated"):
            status = "negated" if status == "occurred" else "occurred"
        presupposed = len(c.span) == 1 and head.pos_ in ("NOUN", "PROPN") and head.dep_ in (
            "nsubj", "nsubjpass", "pobj", "poss", "compound")
        according = self.according_to(c.sent)
        if status not in ("occurred", "planned") or presupposed or (
                speaker is None and reporter is None and not according):
            return status, None
        own = speaker is not None and c.by_syntax and any(self.actors.same_side(speaker, s) for s in c.sources)
        own = own or (reporter is not None and _says_of_itself(head, reporter))
        # one's own act is no claim; nor is a speech act whose speaker the text does not attribute
        speech_by_source = (spec.speech_act and speaker is None and not according) or own
        speech_by_source = speech_by_source or trig.predicate or trig.content or (
            speaker is not None and "JRN" in speaker.sectors)  # news media report, they do not claim
        if speech_by_source or (spec.speech_act and reporter is not None and head.i == reporter.head.i):
            return status, None
        return "claimed", speaker or self.according_to_actor(c.sent, c.reading)

    def governors(self, head: Token) -> list[Token]:
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

    def status(self, head: Token, sent: Span, span: Span) -> str:
        cues = self.cues
        for phrase in cues.negation_verbs:  # "stopped short of recognition"
            words = tuple(phrase.split())
            start = span.start - len(words)
            if len(words) > 1 and start >= sent.start and match_at(sent.doc, start, words, span.start) == span.start:
                return "negated"
        chain = self.governors(head)
        if head.pos_ in ("NOUN", "PROPN") and head.dep_ in SUBJECTS:
            chain.append(head.head)  # "tariffs will escalate", "sanctions could be imposed"
        for tok in chain:
            for child in tok.children:
                if (child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no")) and not any(
                        w in ("no", "longer") for w in (t.lower_ for t in span)):
                    return "negated"
            if tok.i != head.i and _phrase_at(tok, cues.negation_verbs):
                return "negated"
        for tok in chain:
            for child in tok.children:
                if child.dep_ in ("aux", "auxpass") and child.lower_.replace("’", "'") in cues.modals:
                    return "planned"
                if child.dep_ == "mark" and child.lower_ in cues.conditionals:
                    return "planned"
            if tok.i != head.i and _phrase_at(tok, cues.plan_verbs):
                return "planned"
        for child in head.children:
            if child.dep_ == "mark" and child.lower_ in cues.conditionals:
                return "planned"
        if self.on_condition(head):  # a consequence is not yet done: "faced sanctions if it went ahead"
            return "planned"
        return "occurred"

    def on_condition(self, head: Token) -> bool:
        """Whether the act is made to hang on a condition: a clause opened by "if"/"unless" under it or
        under the verbs that govern it ("would impose sanctions unless it halted ..."), or whoever it is
        done to is anyone who does something ("would cut ties with any country that recognized ...")."""
        chain = self.governors(head)
        return any(child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in self.cues.conditions
                                                 for m in child.children)
                   for tok in chain for child in tok.children) or any(
            d.lower_ in ("anyone", "anybody") or d.lower_ == "any" and d.head.dep_ in ("dobj", "pobj")
            for d in head.subtree)  # "would cut ties with any country that ..."

    def reporter(self, head: Token, sent: Span) -> Token | None:
        """The subject of a reporting verb the event is embedded under ("Pompeo said that ...")."""
        verbs = self.cues.report_verbs
        tok = head
        for _ in range(6):
            if tok.dep_ in ("ccomp", "xcomp", "advcl", "conj", "parataxis", "dobj", "pobj", "prep", "relcl", "acl",
                            "nsubj", "attr", "acomp", "npadvmod", "amod", "compound", "appos", "pcomp"):
                parent = tok.head
                if parent.i == tok.i:
                    break
                # "said (that) ...", "accused X of trying to ..."
                if parent.lemma_.lower() in verbs and parent.pos_ in ("VERB", "AUX") and parent.i != head.i \
                        and (tok.dep_ in ("ccomp", "parataxis", "xcomp", "advcl", "dobj", "conj")
                             or tok.dep_ == "prep" and tok.lower_ == "of"):
                    subj = subject(parent)
                    if subj is None and parent.dep_ == "conj":  # "He accused ... and said ..."
                        subj = subject(parent.head)
                    return subj
                tok = parent
            else:
                break
        # a reporting verb whose complement is the whole clause, written after it ("..., Pompeo said.")
        root = sent.root
        if root.i != head.i and root.lemma_.lower() in verbs and any(
                c.dep_ in ("ccomp", "parataxis") for c in root.children) and dominated_by(head, root):
            return subject(root)
        return None

    def according_to(self, sent: Span) -> bool:
        """Whether a phrase ("according to", "reportedly") attributes the whole sentence."""
        t = sent.text.lower()
        return any(p in t for p in self.cues.report_phrases)

    def according_to_actor(self, sent: Span, r: Reading) -> ActorRef | None:
        for obj in according_to(sent):
            ref = self.actors.actor_of(obj, r)
            if ref:
                return ref
        return None


def _phrase_at(tok: Token, phrases: frozenset[str]) -> bool:
    """Whether one of the (possibly multiword) phrases starts at this token: "stopped short of"."""
    lemma = tok.lemma_.lower()
    for phrase in phrases:
        words = phrase.split()
        if words[0] == lemma and (len(words) == 1 or match_at(tok.doc, tok.i, tuple(words), tok.sent.end)):
            return True
    return False


def _says_of_itself(head: Token, reporter: Token) -> bool:
    """ "X said they would recognise ...": the clause under the reporting verb has a pronoun for its
    subject, so the speaker speaks of their own act."""
    verb = clause_head(head, ("ccomp", "ROOT"))
    subj = subject(verb)
    return verb.head.i == reporter.head.i and subj is not None and subj.lower_ in (
        "i", "we", "he", "she", "they", "it")
