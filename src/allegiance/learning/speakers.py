"""Learned speaker attribution: rank the candidate speakers of each quotation and keep the best.

The model is a linear classifier over one candidate at a time ("is this the speaker?"), fitted on the
quotations the gold holds (``allegiance train``) and applied with numpy only; the candidate it scores
highest becomes the speaker, nobody included. It revises the rules' speakers before the stages that
read them (events' ``attributed_to``, labels' voice, claims, framing) run.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction.context import ArticleContext
from allegiance.extraction.quotes import Quote
from allegiance.learning.model import LinearModel
from allegiance.learning.speaker_candidates import SpeakerCandidate, candidates, genders

MODELS = Path(__file__).parents[1] / "models"
SPEAKERS_FILE = "speakers.npz"
YES = "yes"


def speaker_candidates(ctx: ArticleContext, kb: KnowledgeBase) -> list[list[SpeakerCandidate]]:
    """The candidates of every direct quotation of the article, in text order."""
    out, prev, told = [], None, genders(ctx)
    for q in ctx.direct_quotes():
        out.append(candidates(ctx, q, prev, kb, genders=told))
        prev = q
    return out


class SpeakerRanker:
    def __init__(self, model: LinearModel):
        self.model = model

    def best(self, cands: list[SpeakerCandidate]) -> SpeakerCandidate:
        k = self.model.classes.index(YES)
        return max(cands, key=lambda c: self.model.scores(c.features)[k])

    def revise(self, quotes: list[Quote], cands: list[list[SpeakerCandidate]]) -> list[Quote]:
        """The quotations with the speakers the model ranks first (``cands`` per direct quotation)."""
        direct = iter(cands)
        out = []
        for q in quotes:
            if q.kind != "direct":
                out.append(q)
                continue
            c = self.best(next(direct))
            if c.ref is None:
                out.append(replace(q, speaker=None))
            elif q.speaker is not None and c.ref.id == q.speaker.id:
                out.append(q)
            else:
                out.append(replace(q, speaker=c.ref, speaker_mention=c.mention))
        return out

    def __call__(self, ctx: ArticleContext, kb: KnowledgeBase) -> list[Quote]:
        return self.revise(list(ctx.quotes or ()), speaker_candidates(ctx, kb))


@lru_cache(maxsize=1)
def shipped_ranker() -> SpeakerRanker | None:
    path = MODELS / SPEAKERS_FILE
    return SpeakerRanker(LinearModel.load(path)) if path.exists() else None
