"""The rule events of a set of articles with their features, and the labels the gold gives them.

Parsing and the rule extraction are the slow part of training and cross-validation, and neither depends
on a model: they run once per article here, and every model after that is fitted on these records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation.evaluate import GoldSentences, ingested, is_plover, read_gold
from allegiance.extraction.events.lexicon import Lexicon
from allegiance.extraction.pipeline import VERSION, Extractor
from allegiance.learning.features import Sentence, candidate_features, sentences_of
from allegiance.learning.speakers_train import SpeechRecord, record


@dataclass
class Candidate:
    event: object  # an extraction Event: only its fields are read
    features: dict[str, float]
    #: the gold types of the candidate's sentence (empty when the gold holds no event there)
    gold_types: frozenset[str] = frozenset()
    #: the gold status of the same (sentence, type), when the gold holds one
    gold_status: str | None = None


@dataclass
class Article:
    doc_id: str
    text: str
    candidates: list[Candidate]
    sentences: list[Sentence]
    outlet: str | None = None
    #: the gold folder the article is annotated in, and its gold records
    gold_dir: Path | None = None
    gold: list[dict] = field(default_factory=list)
    #: the gold is PLOVER's one-type-per-sentence coding, not crisis events
    plover: bool = False
    #: the rules' quotations, speaker candidates and labels (``speakers_train``)
    speech: SpeechRecord | None = None


def gather(corpus: Iterable[Path], kb: KnowledgeBase, lexicon: Lexicon | None = None) -> dict[str, Article]:
    """Every article of the corpus parsed once, with its rule events (no learned model applied)."""
    extractor = Extractor(kb, lexicon=lexicon, learned=False, speakers=False)
    articles: dict[str, Article] = {}
    with ingested(list(corpus)) as store:
        todo = [(d, text, published, outlet) for d, text, published, outlet, _ in store.articles_to_extract(VERSION)]
    for doc in extractor.docs(todo):
        x = extractor.extract(doc)
        articles[doc._.doc_id] = Article(doc._.doc_id, doc.text,
                                         [Candidate(e, candidate_features(e, doc, x.quotes)) for e in x.events],
                                         sentences_of(doc), doc._.outlet,
                                         speech=record(x.context, x.labels, kb))
    return articles


def attach_gold(articles: dict[str, Article], gold_dirs: Iterable[Path]) -> None:
    """Label each candidate with the gold of its sentence, matched exactly as the scorer matches."""
    for gold_dir in gold_dirs:
        gold = read_gold(gold_dir)
        plover = is_plover(gold)
        by_doc: dict[str, list[dict]] = {}
        for g in gold:
            by_doc.setdefault(g["doc_id"], []).append(g)
        for doc_id, doc_gold in by_doc.items():
            art = articles.get(doc_id)
            if art is None:
                continue
            art.gold_dir, art.gold, art.plover = Path(gold_dir), doc_gold, plover
            if plover:
                continue
            sentences = GoldSentences(doc_gold, art.text)
            gold_events = sentences.gold_events(doc_gold)
            for sent in art.sentences:
                key = sentences.key_of((sent.start, sent.end))
                sent.gold_types = frozenset(t for k, t in gold_events if k == key)
            for c in art.candidates:
                key = sentences.key_of((c.event.start, c.event.end))
                c.gold_types = frozenset(t for k, t in gold_events if k == key)
                golds = gold_events.get((key, c.event.type))
                c.gold_status = golds[0]["status"] if golds else None
