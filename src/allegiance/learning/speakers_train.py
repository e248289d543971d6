"""Training data and fitting for the learned speaker attribution (``speakers.py``).

Every article is parsed and run through the rules once (``learning.candidates.gather``); its
quotations, labels and the candidate speakers of each direct quotation are kept in a
:class:`SpeechRecord`, and every model of the cross-validation folds and the shipped one is fitted on
these records. A quotation teaches the model only when the gold holds it and one of its candidates is
the gold speaker (matched as the scorer matches).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation.evaluate import quote_match, read_gold, same_actor
from allegiance.extraction.context import ArticleContext
from allegiance.extraction.labels import Label
from allegiance.extraction.quotes import Quote
from allegiance.learning.model import LinearModel
from allegiance.learning.speaker_candidates import SpeakerCandidate
from allegiance.learning.speakers import SPEAKERS_FILE, YES, SpeakerRanker, speaker_candidates

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
    #: the article's context, to run the labels stage again on revised speakers (a label inside a
    #: quotation is its speaker's; with nobody as speaker it is the author's)
    context: ArticleContext | None = None

    @property
    def direct(self) -> list[Quote]:
        return [q for q in self.quotes if q.kind == "direct"]


def record(ctx: ArticleContext, labels: list[Label], kb: KnowledgeBase) -> SpeechRecord:
    return SpeechRecord(list(ctx.quotes or ()), labels, speaker_candidates(ctx, kb), context=ctx)


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


def groups(records, kb: KnowledgeBase) -> list[tuple[list[dict], list[bool]]]:
    """Per gold-matched quotation that has a right candidate: its candidates' features and which are right."""
    out = []
    for rec in records:
        for cands, (held, gold) in zip(rec.candidates, rec.gold_speakers):
            if not held:
                continue
            right = [_is(gold, c, kb) for c in cands]
            if any(right):
                out.append(([c.features for c in cands], right))
    return out


def fit_ranking(data: list[tuple[list[dict], list[bool]]], c: float = C) -> LinearModel:
    """A conditional logit: the candidates of one quotation compete in a softmax, and the fit raises
    the share of the right ones (L2-regularised, L-BFGS). Only the comparison within a quotation is
    learned, which is all the ranking uses. Stored as a two-class :class:`LinearModel` whose "yes"
    score orders the candidates the same way."""
    import scipy.sparse as sp
    from scipy.optimize import minimize

    vocab: dict[str, int] = {}
    rows, cols, vals, right, starts = [], [], [], [], []
    n = 0
    for feats, ok in data:
        starts.append(n)
        for f, is_right in zip(feats, ok):
            for k, v in f.items():
                rows.append(n)
                cols.append(vocab.setdefault(k, len(vocab)))
                vals.append(v)
            right.append(is_right)
            n += 1
    x = sp.csr_matrix((vals, (rows, cols)), shape=(n, len(vocab)))
    pos = np.array(right)
    starts_a = np.array(starts)
    group = np.repeat(np.arange(len(starts)), np.diff(np.append(starts_a, n)))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        top = np.maximum.reduceat(s, starts_a)[group]
        e = np.exp(s - top)
        z_all = np.add.reduceat(e, starts_a)
        z_pos = np.add.reduceat(np.where(pos, e, 0.0), starts_a)
        value = float(np.sum(np.log(z_all) - np.log(z_pos))) + float(w @ w) / (2 * c)
        grad_s = e / z_all[group] - np.where(pos, e, 0.0) / z_pos[group]
        return value, x.T @ grad_s + w / c

    w = minimize(loss, np.zeros(len(vocab)), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    coef = np.vstack([np.zeros_like(w), w]).astype(np.float32)
    return LinearModel(vocab, ["no", YES], coef, np.zeros(2, dtype=np.float32))


def fit(records, kb: KnowledgeBase, c: float = C) -> SpeakerRanker | None:
    data = groups(records, kb)
    if not data:
        return None
    return SpeakerRanker(fit_ranking(data, c))


def ship(articles: dict, gold_dirs, kb: KnowledgeBase, folded, k: int, directory: Path) -> tuple[dict, dict | None]:
    """Fit the speaker ranking on every annotated quotation and write it beside the event models; its
    model card entry, and its cross-validated figures on the ``folded`` gold (the event folds)."""
    from allegiance.evaluation import speech_cv
    from allegiance.evaluation.cv import gold_ids, make_folds

    records = {d: a.speech for d, a in articles.items() if a.speech is not None}
    attach_speech_gold(records, gold_dirs, kb)
    cv = None
    if folded is not None and k >= 2 and gold_ids(articles, folded):
        folds = make_folds([articles[d] for d in gold_ids(articles, folded)], k)
        full = speech_cv.cross_validate(records, folds, kb)
        cv = {"folded": str(folded), "k": k, **{side: {n: full[side][n] for n in ("spread", "pooled")}
                                                 for side in ("rules", "learned")}}
    data = groups(records.values(), kb)
    path = Path(directory) / SPEAKERS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if data:
        fit_ranking(data, C).save(path)
    else:
        path.unlink(missing_ok=True)
    entry = {"file": SPEAKERS_FILE, "unit": "candidate speaker of a direct quotation the gold holds",
             "quotations": len(data),
             "learner": f"conditional logit over each quotation's candidates (scipy L-BFGS, L2, C={C})",
             "features": "where the candidate is named (same, previous, next or an earlier sentence; before or "
                         "after; distance; rank), its kind, resolution method and sectors; its syntactic tie to "
                         "reporting verbs, relaying verbs and statement nouns (data/lexicons/speech.yaml); "
                         "whether the rules chose it and how they named it; previous quotation's speaker; state "
                         "spoken for; the article's main country; pronoun agreement; the paragraph's layout"}
    return entry, cv
