"""Cross-validated quotation, speaker and label scores, beside the event scores of ``cv.py``.

The folds are the event cross-validation's own (whole articles of the ``train/`` gold; the seed and dev
gold always on the training side), so every figure of ``allegiance eval --cv`` is measured on the same
held-out articles. For each fold the speaker ranking is fitted on the training side's quotations and
applied to the held-out ones; the rules' speakers are scored on the same quotations beside it. Labels
have no learned part, but they read the speakers (a label inside a quotation is its speaker's voice, not
the author's): the learned side runs the labels stage again on the revised speakers, as extraction does.
"""

from __future__ import annotations

import statistics

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation.evaluate import Report, _score_labels, _score_quotes
from allegiance.extraction.labels import LabelExtractor
from allegiance.extraction.wordlists import default_wordlists
from allegiance.learning.speakers import SpeakerRanker
from allegiance.learning.speakers_train import SpeechRecord, attach_speech_gold, fit

MEASURES = ("quote_f1", "quote_p", "quote_r", "speaker_acc", "label_f1", "label_p", "label_r")


def _rows(doc_id: str, rec: SpeechRecord, ranker: SpeakerRanker | None,
          stage: LabelExtractor) -> tuple[list[tuple], list[tuple]]:
    """The quotation and author-label rows the scorer reads, as ``evaluate`` selects them from the store."""
    quotes, found = rec.quotes, rec.labels
    if ranker is not None:
        quotes = ranker.revise(rec.quotes, rec.candidates)
        found = stage(rec.context.with_quotes(quotes))
    q = [(doc_id, x.text, x.speaker and x.speaker.id, x.speaker and x.speaker.name) for x in quotes if x.kind == "direct"]
    labels = [(doc_id, lab.actor.id, lab.actor.name, lab.label) for lab in found if lab.voice is None]
    return q, labels


def score(records: dict[str, SpeechRecord], rankers: dict[str, SpeakerRanker | None], kb: KnowledgeBase) -> Report:
    """Every article scored with its own ranker (None: the rules' speakers)."""
    report = Report()
    stage = LabelExtractor(kb, default_wordlists())
    quotes, labels, gold_q, gold_l = [], [], [], []
    for doc_id, rec in records.items():
        q, lab = _rows(doc_id, rec, rankers.get(doc_id), stage)
        quotes += q
        labels += lab
        gold_q += rec.gold_quotes
        gold_l += rec.gold_labels
    _score_quotes(gold_q, quotes, kb, report)
    _score_labels(gold_l, labels, kb, report)
    return report


def measures(report: Report) -> dict[str, float]:
    q, lab = report.quotes, report.labels
    return {"quote_f1": q.f1, "quote_p": q.precision, "quote_r": q.recall,
            "speaker_acc": report.speaker_correct / report.speaker_total if report.speaker_total else 0.0,
            "label_f1": lab.f1, "label_p": lab.precision, "label_r": lab.recall}


def _spread(reports: list[Report]) -> dict[str, dict[str, float]]:
    values = [measures(r) for r in reports]
    return {n: {"mean": round(statistics.fmean(v[n] for v in values), 3),
                "std": round(statistics.pstdev([v[n] for v in values]), 3),
                "min": round(min(v[n] for v in values), 3), "max": round(max(v[n] for v in values), 3)}
            for n in MEASURES}


def cross_validate(records: dict[str, SpeechRecord], folds: list[list[str]], kb: KnowledgeBase) -> dict:
    """Rules and learned speakers on each fold, their spread over the folds, and pooled figures."""
    annotated = {d: r for d, r in records.items() if r.gold_quotes or r.gold_labels}
    rules: list[Report] = []
    learned: list[Report] = []
    rankers: dict[str, SpeakerRanker | None] = {}
    for fold in folds:
        held = {d: annotated[d] for d in fold if d in annotated}
        ranker = fit([r for d, r in annotated.items() if d not in held], kb)
        rankers.update({d: ranker for d in held})
        rules.append(score(held, {}, kb))
        learned.append(score(held, rankers, kb))
    every = {d: annotated[d] for fold in folds for d in fold if d in annotated}

    def side(reports: list[Report], pooled: Report) -> dict:
        return {"folds": [{k: round(v, 3) for k, v in measures(r).items()} for r in reports],
                "spread": _spread(reports), "pooled": {k: round(v, 3) for k, v in measures(pooled).items()},
                "quotes": pooled.quotes.gold, "speakers": pooled.speaker_total, "labels": pooled.labels.gold}

    return {"k": len(folds), "articles": len(every),
            "rules": side(rules, score(every, {}, kb)), "learned": side(learned, score(every, rankers, kb))}


def run(articles: dict, folds: list[list[str]], gold_dirs, kb: KnowledgeBase) -> dict:
    """The speech figures over the event cross-validation's folds (``articles`` from ``candidates.gather``)."""
    records = {d: a.speech for d, a in articles.items() if a.speech is not None}
    attach_speech_gold(records, gold_dirs, kb)
    return cross_validate(records, folds, kb)



def folded_articles(corpus: list, gold_dirs: list, folded, k: int, kb: KnowledgeBase, parses=None) -> tuple[dict, list]:
    """The articles parsed and run through the rules once, with the folds of ``allegiance eval --cv K``
    over the ``folded`` gold. ``parses``: a folder where the parses are kept between runs."""
    from allegiance.evaluation.cv import gold_ids, make_folds
    from allegiance.learning.candidates import attach_gold, gather

    articles = gather(corpus, kb, parses=parses)
    attach_gold(articles, gold_dirs, kb)
    return articles, make_folds([articles[d] for d in gold_ids(articles, folded)], k)


def run_alone(corpus: list, gold_dirs: list, folded, k: int, kb: KnowledgeBase, parses=None) -> dict:
    """The speech figures of ``allegiance eval --cv K`` without the event models (same parse, folds and
    scores): what the speaker and label quality tests measure."""
    articles, folds = folded_articles(corpus, gold_dirs, folded, k, kb, parses)
    return run(articles, folds, gold_dirs, kb)
