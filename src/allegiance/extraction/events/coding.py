"""An event's final type and its PLOVER code, once its actors and status are known.

A trigger names a type, but who acts on whom can make it another (`types.yaml`): force used on
civilians is repression, a coup by the ruler a self-coup, a discussed overthrow a plot. PLOVER codes
some acts by what the saying does rather than by the act: a promised aid is an agreement, a refused
one a rejection, a sanction announced "unless ..." a threat.
"""

from __future__ import annotations

from spacy.tokens import Token

from allegiance.actors.references import ActorRef
from allegiance.extraction.context import ArticleContext
from allegiance.extraction.events.actors import ActorReader
from allegiance.extraction.events.lexicon import Lexicon, Trigger, TypeSpec
from allegiance.parsing.syntax import objects


class Coder:
    def __init__(self, lexicon: Lexicon, actors: ActorReader):
        self.lex = lexicon
        self.cues = lexicon.cues
        self.actors = actors

    def refined_type(self, trig: Trigger, head: Token, s: ActorRef | None, t: ActorRef | None,
                     where_country: str | None, ctx: ArticleContext) -> str:
        """The trigger's type, or the one `types.yaml` says it becomes given who acts on whom."""
        spec = self.lex.types[trig.type]
        if spec.against_civilians and t is not None and "CVL" in t.sectors and not (s and "CVL" in s.sectors):
            return spec.against_civilians
        if spec.by_civilians and s is not None and {"CVL", "OPP"} & set(s.sectors) and not (
                {"MIL", "REB", "SPY"} & set(s.sectors)):
            return spec.by_civilians
        if spec.by_ruler and s is not None and s.country == (t.country if t is not None else (
                where_country or ctx.focus)) and any(
                x.id == s.id for x in self.actors.incumbent([s.country], ctx, ctx.published)):
            return spec.by_ruler  # the ruler's own country's coup: not Trump's "coups" in Venezuela
        if spec.when_plotted and self.plotted(head):
            return spec.when_plotted
        if spec.when_stopped and head.dep_ == "dobj" and head.head.lemma_.lower() in self.cues.stopping_verbs:
            return spec.when_stopped
        if spec.when_yielding and any(o.lemma_.lower() in self.cues.demand_nouns for o in objects(head, ("to",))):
            return spec.when_yielding
        if spec.by_own_forces and s is not None and t is not None and s.kind != "state" and \
                {"MIL", "COP", "GOV"} & set(s.sectors) and any(
                x.id == t.id for x in self.actors.incumbent([s.country], ctx, ctx.published)):
            return spec.by_own_forces
        if s is not None:
            for kind, other in trig.if_source:
                if s.kind == kind or kind in s.sectors:
                    return other
        return trig.type

    def plotted(self, head: Token) -> bool:
        """Planning or discussion words govern the event: "discussed an overthrow", "plans to oust"."""
        tok = head
        for _ in range(4):
            if tok.head.i == tok.i:
                return False
            tok = tok.head
            if tok.lemma_.lower() in self.cues.plotting_words:
                return True
        return False


def plover_by_status(spec: TypeSpec, status: str, conditional: bool) -> str | None:
    """The PLOVER event an act only intended, refused or held over someone is coded as, if its type
    says (``plover_when_planned``, ``..._conditional``, ``..._negated``); the rules and the learned
    status model both code through it."""
    if status == "negated":
        return spec.plover_when_negated
    if status != "planned":
        return None
    if spec.plover_when_conditional and conditional:
        return spec.plover_when_conditional
    return spec.plover_when_planned
