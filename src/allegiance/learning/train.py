"""Fit the typing and status models on labelled articles (``candidates.py``).

Typing: one example per sentence and crisis type, labelled by whether the gold holds that type in the
sentence (matched as the scorer matches). Status: one example per rule event whose (sentence, type) the
gold holds, labelled with the gold status, as the scorer compares statuses. Arguments: one example
per option of a role of a slot whose (sentence, type) the gold holds, labelled by whether a gold event
there has that actor in that role (``arguments``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction.events.lexicon import crisis_types
from allegiance.learning.arguments import ROLES, Ranker
from allegiance.learning.arguments import YES as ARG_YES
from allegiance.learning.candidates import Article, attach_gold, gather
from allegiance.learning.features import typing_features
from allegiance.learning.model import SEED, LinearModel
from allegiance.learning.refine import (
    CARD_FILE,
    MODELS,
    SOURCE_FILE,
    STATUS_FILE,
    TARGET_FILE,
    TYPING_FILE,
    YES,
    Refiner,
)
from allegiance.learning.speakers_train import ship as ship_speakers


@dataclass(frozen=True)
class Settings:
    typing: bool = False
    status: bool = True
    typing_c: float = 1.0
    status_c: float = 1.0
    emit_at: float = 0.5
    arguments: bool = True
    arguments_c: float = 1.0
    #: how likely a second actor of a role must be to be kept beside the best one
    also_at: float = 0.3
    #: what the status model leaves as the rules read it (``refine.HOLDS``): conditional threats; holding
    #: attributed claims too lowered cross-validated status accuracy (0.794 against 0.828)
    held: tuple[str, ...] = ("conditional",)
    #: the typing model only adds events where the rules found none (it never beat them at revising)
    adds_only: bool = True


def typing_examples(articles: Iterable[Article]) -> tuple[list[dict], list[str]]:
    types = sorted(crisis_types())
    xs, ys = [], []
    for art in articles:
        if not art.gold or art.plover:
            continue
        by_sentence: dict[tuple[int, int], list[tuple]] = {}
        for c in art.candidates:
            by_sentence.setdefault((c.event.start, c.event.end), []).append((c.event, c.features))
        for sent in art.sentences:
            cands = by_sentence.get((sent.start, sent.end), [])
            for etype in types:
                xs.append(typing_features(etype, sent.words, cands))
                ys.append(YES if etype in sent.gold_types else "no")
    return xs, ys


def status_examples(articles: Iterable[Article]) -> tuple[list[dict], list[str]]:
    xs, ys = [], []
    for art in articles:
        for c in art.candidates:
            if c.gold_status is not None:
                xs.append(c.features)
                ys.append(c.gold_status)
    return xs, ys


def argument_examples(articles: Iterable[Article], role: str) -> tuple[list[dict], list[str]]:
    xs, ys = [], []
    for art in articles:
        for slot in art.slots:
            for o in slot.options.get(role, ()):
                if o.gold is not None:
                    xs.append(o.features)
                    ys.append(ARG_YES if o.gold else "no")
    return xs, ys


def fit(articles: list[Article], settings: Settings = Settings()) -> Refiner:
    typing = status = ranker = None
    if settings.typing:
        typing = LinearModel.fit(*typing_examples(articles), c=settings.typing_c)
    if settings.status:
        xs, ys = status_examples(articles)
        if len(set(ys)) > 1:
            status = LinearModel.fit(xs, ys, c=settings.status_c)
    if settings.arguments:
        source, target = (LinearModel.fit(*argument_examples(articles, role), c=settings.arguments_c)
                          for role in ROLES)
        ranker = Ranker(source, target, settings.also_at)
    return Refiner(typing, status, settings.emit_at, ranker, settings.held, settings.adds_only)


def card(articles: dict[str, Article], gold_dirs: list[Path], settings: Settings, cv: dict | None) -> dict:
    """What a shipped model was made from and how it scores: enough to rebuild it and to judge it."""
    import sklearn

    data = []
    for g in gold_dirs:
        events = Path(g) / "events.jsonl"
        data.append({"gold": str(g), "articles": sum(1 for a in articles.values() if a.gold_dir == Path(g)),
                     "events": sum(1 for line in events.read_text(encoding="utf-8").splitlines() if line.strip()),
                     "sha256": hashlib.sha256(events.read_bytes()).hexdigest()})
    return {
        "data": data,
        "models": {
            "typing": {"file": TYPING_FILE, "unit": "(sentence, crisis type)",
                       "features": "the sentence's content lemmas (per type); the rule events proposed in it: "
                                   "for those of the type, the best one's candidate features; the others' "
                                   "types and triggers"} if settings.typing else None,
            "status": {"file": STATUS_FILE, "unit": "rule event matched to a gold (sentence, type)",
                       "features": "rule type, status and confidence; trigger text, lemma, part of speech, "
                                   "dependency label and head; negation, modal, plan, condition and reporting "
                                   "cues among its dependents, governors and before it; its governors' lemmas; "
                                   "source and target found, their kinds and sectors; inside a quotation"}
            if settings.status else None,
            "arguments": {"files": [SOURCE_FILE, TARGET_FILE],
                          "unit": "an actor that could be a rule event's source (or target): the actors the "
                                  "sentence names, pronouns through their antecedents, the previous sentence's "
                                  "subject, the rules' choice, nobody",
                          "features": "dependency path from the trigger (up and down, with prepositions), "
                                      "voice, side, distance, actor kind and sectors, inside a quotation, "
                                      "whether the rules chose it for this role or the other, per event type"}
            if settings.arguments else None,
        },
        "learner": f"scikit-learn LogisticRegression (lbfgs, L2), random_state={SEED}",
        "settings": asdict(settings),
        "sklearn_version": sklearn.__version__,
        "cross_validation": cv,
    }


def write(refiner: Refiner, info: dict, directory: Path = MODELS) -> None:
    """The model files and their card; a model left out by the settings is removed, not left stale."""
    directory.mkdir(parents=True, exist_ok=True)
    ranker = refiner.ranker.models if refiner.ranker is not None else {}
    for model, name in ((refiner.typing, TYPING_FILE), (refiner.status, STATUS_FILE),
                        (ranker.get("source"), SOURCE_FILE), (ranker.get("target"), TARGET_FILE)):
        path = directory / name
        if model is None:
            path.unlink(missing_ok=True)
        else:
            model.save(path)
    (directory / CARD_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def train(corpus: list[Path], gold_dirs: list[Path], kb: KnowledgeBase, folded: Path | None, k: int = 5,
          settings: Settings = Settings(), directory: Path = MODELS) -> dict:
    """Fit the models on all the given gold and write them with their card (and, when ``folded`` gold is
    among it, the cross-validated figures on it)."""
    from allegiance.evaluation.cv import cross_validate, gold_ids, summary

    articles = gather(corpus, kb)
    attach_gold(articles, gold_dirs, kb)
    cv = None
    if folded is not None and k >= 2 and gold_ids(articles, folded):
        cv = summary(cross_validate(articles, gold_ids(articles, folded), k, kb, settings))
        cv = {"folded": str(folded), "k": k, "rules": {n: cv["rules"][n] for n in ("spread", "pooled")},
              "learned": {n: cv["learned"][n] for n in ("spread", "pooled")}}
    refiner = fit([a for a in articles.values() if a.gold], settings)
    info = card(articles, gold_dirs, settings, cv)
    info["models"]["speakers"], info["speakers_cross_validation"] = ship_speakers(
        articles, gold_dirs, kb, folded, k, directory)
    write(refiner, info, directory)
    return info
