"""Accusations made without an accusing verb.

A speaker who uses hostile words about an actor accuses that actor ("“Washington is run by
warmongers,” he said"). It takes a speaker, a hostile term (``loaded.yaml``) in
what is said, and an actor other than the speaker in it, or one the words are said to.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from allegiance.actors.references import ActorRef
from allegiance.extraction.context import ArticleContext
from allegiance.extraction.events.actors import ActorReader, Reading
from allegiance.extraction.events.defaults import Defaults
from allegiance.extraction.events.lexicon import Lexicon
from allegiance.extraction.events.records import Event, record
from allegiance.extraction.events.triggers import match_at, norm
from allegiance.parsing.syntax import clause_head, speech_verb, subject


class Accusations:
    def __init__(self, lexicon: Lexicon, actors: ActorReader, defaults: Defaults,
                 hostile: dict[str, tuple[tuple[str, ...], ...]]):
        self.lex = lexicon
        self.cues = lexicon.cues
        self.actors = actors
        self.defaults = defaults
        self.hostile = hostile

    def __call__(self, sent: Span, ctx: ArticleContext) -> list[Event]:
        speaker, content, addressee, r = self.speech(sent, ctx)
        if speaker is None or not content:
            return []
        term = self.hostile_term(content)
        if term is None:
            return []
        # not the speaker's own side; and civilians named next to a hostile word are its victims, not the
        # accused ("the brutal repression of students")
        at = ctx.by_token
        candidates = [at[t.i] for t in content if t.i in at]
        candidates = [m for m in candidates if not self.actors.same_side(speaker, m.ref) and "CVL" not in m.ref.sectors]
        if candidates:
            # the subjects of the clause the hostile word is in ("Cuba and Iran are propping up
            # the dictatorship"), else the actor named nearest to it
            clause = clause_head(term.root, ("ROOT", "ccomp", "parataxis"))
            subj = subject(clause, ("nsubj",))
            subjects = self.actors.with_conjuncts(subj, r) if subj is not None else []
            ids = {m.ref.id for m in candidates}
            targets = [x for x in subjects if x.id in ids] or [
                min(candidates, key=lambda m: abs(m.token_start - term.start)).ref]
        elif addressee is not None and addressee.id != speaker.id:
            targets = [addressee]  # "Arreaza replied to Pompeo that his statements were lies"
        else:
            return []
        when = self.defaults.date(sent, term.root, ctx)
        spec = self.lex.types["ACCUSE"]
        where = self.defaults.location(sent, ctx)
        return [record(ctx, sent, term, "ACCUSE", spec, None, None, speaker, target, "occurred", None, when, where, 0.55)
                for target in targets]

    def speech(self, sent: Span, ctx: ArticleContext) -> tuple[ActorRef | None, list[Token], ActorRef | None, Reading]:
        """Who speaks in a sentence, the words they say, whom they say them to, and the sentence as read
        in that speech (who "we" are in it)."""
        at = ctx.by_token
        in_quotes = ctx.quoted_tokens
        inside = [t for t in sent if t.i in in_quotes]
        quoted = ctx.speaker_at(inside[0].idx) if inside else None
        for tok in sent:
            if speech_verb(tok, self.cues.speech_verbs) and tok.i not in in_quotes:
                subj = subject(tok)
                if subj is None:
                    continue
                # a first-person subject of a verb of saying outside the marks is nobody the quotation says
                r = Reading(ctx)
                # "he told reporters": the quotes stage may know who "he" is when the parse does not
                speaker = self.actors.actor_of(subj, r) or quoted
                said = [c for c in tok.children if c.dep_ in ("ccomp", "parataxis", "dobj", "xcomp")]
                content = [t for c in said for t in c.subtree] + inside
                heard = [c for c in tok.children if c.dep_ in ("dative", "dobj") and c.i in at] + [
                    o for c in tok.children if c.dep_ == "prep" and c.lower_ == "to" for o in c.children
                    if o.dep_ == "pobj" and o.i in at]
                return speaker, content, (at[heard[0].i].ref if heard else None), r
        return quoted, inside, None, Reading(ctx, quoted)

    def hostile_term(self, tokens: list[Token]) -> Span | None:
        for tok in tokens:
            lower, lemma = norm(tok)
            for words in self.hostile.get(lemma, ()) + self.hostile.get(lower, ()):
                end = match_at(tok.doc, tok.i, words, tok.sent.end)
                if end is not None:
                    return tok.doc[tok.i : end]
        return None
