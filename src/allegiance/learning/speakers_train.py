"""Training data and fitting for the learned speaker attribution (``speakers.py``).

Every article is parsed and run through the rules once (``learning.candidates.gather``); its
quotations, labels and the candidate speakers of each direct quotation are kept in a
:class:`SpeechRecord`, and every model of the cross-validation folds and the shipped one is fitted on
these records. A quotation teaches the model only when the gold holds it and one of its candidates is
the gold speaker (matched as the scorer matches).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation.evaluate import quote_match, read_gold, same_actor
from allegiance.extraction.context import ArticleContext
from allegiance.extraction.labels import Label
from allegiance.extraction.quotes import Quote
from allegiance.learning.model import LinearModel
from allegiance.learning.speaker_candidates import SpeakerCandidate
from allegiance.learning.speakers import YES, SpeakerRanker, speaker_candidates

#: Regularisation of the ranking model (measured in cross-validation).
C = 0.5


@dataclass
class SpeechRecord:
    """One article's quotations and labels as the rules found them, with the candidate speakers of
    each direct quotation, and (when the article is annotated) the gold speaker of each."""

    quotes: list[Quote]
    labels: list[Label]
    candidates: list[list[SpeakerCandidate]]
    #: per direct quotation: whether the gold holds it, and its gold speaker (None: nobody)
    gold_speakers: list[tuple[bool, str | None]] = field(default_factory=list)
    gold_quotes: list[dict] = field(default_factory=list)
    gold_labels: list[dict] = field(default_factory=list)

    @property
    def direct(self) -> list[Quote]:
        return [q for q in self.quotes if q.kind == "direct"]


def record(ctx: ArticleContext, labels: list[Label], kb: KnowledgeBase) -> SpeechRecord:
    return SpeechRecord(list(ctx.quotes or ()), labels, speaker_candidates(ctx, kb))


def attach_speech_gold(records: dict[str, SpeechRecord], gold_dirs, kb: KnowledgeBase) -> None:
    """Give each article its gold quotations and labels, and each direct quotation the speaker of the
    gold quotation it matches (matched as the scorer matches)."""
    for rec in records.values():
        rec.gold_quotes, rec.gold_labels = [], []
    for gold_dir in gold_dirs:
        for name, attr in (("quotes.jsonl", "gold_quotes"), ("labels.jsonl", "gold_labels")):
            for g in read_gold(gold_dir, name):
                rec = records.get(g["doc_id"])
                if rec is not None:
                    getattr(rec, attr).append(g)
    for rec in records.values():
        used: set[int] = set()
        rec.gold_speakers = []
        for q in rec.direct:
            hit = next((i for i, g in enumerate(rec.gold_quotes) if i not in used and quote_match(g["quote"], q.text)), None)
            if hit is None:
                rec.gold_speakers.append((False, None))
            else:
                used.add(hit)
                rec.gold_speakers.append((True, rec.gold_quotes[hit].get("speaker")))


def _is(gold: str | None, cand: SpeakerCandidate, kb: KnowledgeBase) -> bool:
    ref = cand.ref
    return same_actor(gold, ref.id if ref else None, ref.name if ref else None, kb)


def examples(records, kb: KnowledgeBase) -> tuple[list[dict], list[str]]:
    """One example per candidate of every gold-matched quotation that has a right candidate."""
    xs, ys = [], []
    for rec in records:
        for cands, (held, gold) in zip(rec.candidates, rec.gold_speakers):
            if not held:
                continue
            right = [_is(gold, c, kb) for c in cands]
            if not any(right):
                continue
            for c, ok in zip(cands, right):
                xs.append(c.features)
                ys.append(YES if ok else "no")
    return xs, ys


def fit(records, kb: KnowledgeBase, c: float = C) -> SpeakerRanker | None:
    xs, ys = examples(records, kb)
    if len(set(ys)) < 2:
        return None
    return SpeakerRanker(LinearModel.fit(xs, ys, c=c))


