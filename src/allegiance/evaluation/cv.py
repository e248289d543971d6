"""Cross-validated scores (``allegiance eval --cv K``): the development measure of the learned parts.

Folds are made of whole articles, so no sentence of a held-out article is ever trained on. The seed
and dev gold are always on the training side: the rules were written against them, so scoring on them
flatters any figure; the folds are over the other crisis gold (``train/``) and, separately, over the
records of the PLOVER gold. Every article is parsed and run through the rules once; each fold then
fits the models on the training side's candidates and scores the held-out articles with the same
scorer as ``allegiance eval``. The rules alone are scored on the same folds beside the models.
"""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation import speech_cv
from allegiance.evaluation.evaluate import Report, score_events, score_plover
from allegiance.learning.candidates import Article, attach_gold, gather
from allegiance.learning.refine import Refiner
from allegiance.learning.train import Settings, fit


def make_folds(articles: list[Article], k: int) -> list[list[str]]:
    """K groups of whole articles, balanced on every event type: the articles holding the rarest types
    are placed first, each into the fold that has least of its types so far, so that every type is
    scored in (nearly) every fold. The order is fixed by the doc ids' hashes, not the input order."""
    k = max(2, min(k, len(articles)))
    types = {a.doc_id: Counter(g.get("type") or g.get("plover") for g in a.gold) for a in articles}
    total = Counter()
    for c in types.values():
        total.update(c)

    def rarity(a: Article) -> tuple:
        rarest = min((total[t] for t in types[a.doc_id]), default=0)
        return rarest, hashlib.blake2b(a.doc_id.encode(), digest_size=8).hexdigest()

    folds: list[list[str]] = [[] for _ in range(k)]
    load = [Counter() for _ in range(k)]
    size = [0] * k
    for a in sorted(articles, key=rarity):
        c = types[a.doc_id]
        best = min(range(k), key=lambda i: (sum(load[i][t] * n / total[t] for t, n in c.items()), size[i], i))
        folds[best].append(a.doc_id)
        load[best].update(c)
        size[best] += sum(c.values())
    return folds


def event_row(e) -> tuple:
    """An event as the scorer reads it (the columns ``evaluate`` selects from the store)."""
    s, t = e.source, e.target
    return (e.doc_id, e.type, e.plover["event"], s and s.id, s and s.name, t and t.id, t and t.name,
            e.status, e.start, e.end)


def predictions(articles: list[Article], refiner: Refiner | None) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for a in articles:
        events = [c.event for c in a.candidates] if refiner is None else refiner.apply(
            a.doc_id, a.outlet, a.sentences, [(c.event, c.features) for c in a.candidates], a.slots,
            a.unmatched)
        out[a.doc_id] = [event_row(e) for e in events]
    return out


def score(articles: list[Article], preds: dict[str, list[tuple]], kb: KnowledgeBase) -> Report:
    report = Report()
    plover = [g for a in articles if a.plover for g in a.gold]
    crisis = [g for a in articles if not a.plover for g in a.gold]
    if plover:
        score_plover(plover, preds, report)
    if crisis:
        score_events(crisis, preds, {a.doc_id: a.text for a in articles}, kb, report)
    return report


@dataclass
class CVResult:
    folds: list[list[str]]
    #: the articles each fold's models were trained on
    trained_on: list[list[str]] = field(default_factory=list)
    rules: list[Report] = field(default_factory=list)
    learned: list[Report] = field(default_factory=list)
    pooled_rules: Report | None = None
    pooled_learned: Report | None = None
    #: the learned models without the argument ranker, to show what it adds
    unranked: list[Report] = field(default_factory=list)
    pooled_unranked: Report | None = None


def cross_validate(articles: dict[str, Article], heldout: list[str], k: int, kb: KnowledgeBase,
                   settings: Settings = Settings()) -> CVResult:
    """Fold the ``heldout`` articles; every other labelled article is always on the training side."""
    labelled = [a for a in articles.values() if a.gold]
    folds = make_folds([articles[d] for d in heldout], k)
    result = CVResult(folds)
    all_rules: dict[str, list[tuple]] = {}
    all_learned: dict[str, list[tuple]] = {}
    all_unranked: dict[str, list[tuple]] = {}
    for fold in folds:
        held = set(fold)
        test = [articles[d] for d in fold]
        train = [a for a in labelled if a.doc_id not in held]
        result.trained_on.append(sorted(a.doc_id for a in train))
        refiner = fit(train, settings)
        rules, learned = predictions(test, None), predictions(test, refiner)
        all_rules.update(rules)
        all_learned.update(learned)
        result.rules.append(score(test, rules, kb))
        result.learned.append(score(test, learned, kb))
        if refiner.ranker is not None:
            unranked = predictions(test, Refiner(refiner.typing, refiner.status, refiner.emit_at,
                                                   held=refiner.held, adds_only=refiner.adds_only))
            all_unranked.update(unranked)
            result.unranked.append(score(test, unranked, kb))
    every = [articles[d] for fold in folds for d in fold]
    result.pooled_rules = score(every, all_rules, kb)
    result.pooled_learned = score(every, all_learned, kb)
    if result.unranked:
        result.pooled_unranked = score(every, all_unranked, kb)
    return result


def measures(report: Report) -> dict[str, float]:
    if report.plover_total:
        return {"plover_share": report.plover_share}
    return {"type_f1": report.events_type.f1, "type_p": report.events_type.precision,
            "type_r": report.events_type.recall, "full_f1": report.events_full.f1,
            "status_acc": report.status_accuracy}


def spread(reports: list[Report]) -> dict[str, dict[str, float]]:
    """Mean, standard deviation, minimum and maximum of each measure over the folds."""
    values = [measures(r) for r in reports]
    out = {}
    for name in values[0]:
        xs = [v[name] for v in values]
        out[name] = {"mean": round(statistics.fmean(xs), 3), "std": round(statistics.pstdev(xs), 3),
                     "min": round(min(xs), 3), "max": round(max(xs), 3)}
    return out


def summary(result: CVResult) -> dict:
    """The figures as JSON-ready data: per fold, the spread over folds, and pooled over all held-out
    articles (the per-type table is pooled: a rare type has too few events per fold to score alone)."""
    def side(reports: list[Report], pooled: Report) -> dict:
        return {"folds": [{k: round(v, 3) for k, v in measures(r).items()} for r in reports],
                "spread": spread(reports), "pooled": {k: round(v, 3) for k, v in measures(pooled).items()},
                "per_type": {t: p.as_dict() for t, p in sorted(pooled.per_type.items())}}

    out = {"k": len(result.folds), "articles": sum(len(f) for f in result.folds),
           "rules": side(result.rules, result.pooled_rules),
           "learned": side(result.learned, result.pooled_learned)}
    if result.unranked:
        out["learned_without_arguments"] = side(result.unranked, result.pooled_unranked)
    return out


def gold_ids(articles: dict[str, Article], gold_dir: Path) -> list[str]:
    return sorted(d for d, a in articles.items() if a.gold_dir == Path(gold_dir))


def run(corpus: list[Path], gold_dirs: list[Path], folded: Path, k: int, kb: KnowledgeBase,
        plover: Path | None = None, settings: Settings = Settings(), parses: Path | None = None) -> dict:
    """Parse every article once (or take the parses kept in ``parses``), then cross-validate on the
    ``folded`` gold (every other gold folder on the training side) and, when given, on the PLOVER
    gold's records; quotations, speakers and labels are scored on the same held-out articles."""
    articles = gather([*corpus, *([plover / "articles.jsonl"] if plover else [])], kb, parses=parses)
    attach_gold(articles, [*gold_dirs, *([plover] if plover else [])], kb)
    crisis = cross_validate(articles, gold_ids(articles, folded), k, kb, settings)
    out = {"crisis": summary(crisis), "speech": speech_cv.run(articles, crisis.folds, gold_dirs, kb)}
    if plover:
        out["plover"] = summary(cross_validate(articles, gold_ids(articles, plover), k, kb, settings))
    return out
