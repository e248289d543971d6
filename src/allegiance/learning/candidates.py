"""The rule events of a set of articles with their features, and the labels the gold gives them.

Parsing and the rule extraction are the slow part of training and cross-validation, and neither depends
on a model: they run once per article here, and every model after that is fitted on these records.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation.evaluate import (
    GoldSentences,
    ingested,
    is_plover,
    read_gold,
    same_actor,
)
from allegiance.extraction.events.lexicon import Lexicon
from allegiance.extraction.pipeline import VERSION, Extractor
from allegiance.learning.arguments import ROLES, Slot, sentence_slots, slots_of
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
    #: the rule events by trigger, with the options for their source and target (``arguments``)
    slots: list[Slot] = field(default_factory=list)
    #: the slots of the sentences without a rule event, by first character (``arguments.sentence_slots``)
    unmatched: dict[int, Slot] = field(default_factory=dict)
    #: the rules' quotations, speaker candidates and labels (``speakers_train``)
    speech: SpeechRecord | None = None


def gather(corpus: Iterable[Path], kb: KnowledgeBase, lexicon: Lexicon | None = None,
           parses: Path | None = None) -> dict[str, Article]:
    """Every article of the corpus parsed once, with its rule events (no learned model applied).
    ``parses``: a folder where the spaCy parses are kept between runs (cross-validation during
    development parses the same texts again and again; the parse is most of its time)."""
    extractor = Extractor(kb, lexicon=lexicon, learned=False, speakers=False)
    articles: dict[str, Article] = {}
    with ingested(list(corpus)) as store:
        todo = [(d, text, published, outlet) for d, text, published, outlet, _ in store.articles_to_extract(VERSION)]
    for doc in (extractor.docs(todo) if parses is None else _cached_docs(extractor, todo, parses)):
        x = extractor.extract(doc)
        slots = slots_of(x.context, x.events, kb)
        articles[doc._.doc_id] = Article(doc._.doc_id, doc.text,
                                         [Candidate(e, candidate_features(e, doc, x.quotes)) for e in x.events],
                                         sentences_of(doc), doc._.outlet, slots=slots,
                                         unmatched=sentence_slots(x.context, x.events, kb),
                                         speech=record(x.context, x.labels, kb))
    return articles


def _cached_docs(extractor: Extractor, todo: list[tuple], folder: Path):
    """The parsed Docs of ``todo`` from ``folder`` when the same texts were parsed by the same model
    before, else parsed and kept there; actors are resolved afresh (they follow the knowledge base)."""
    from spacy.tokens import DocBin

    nlp = extractor.nlp
    key = hashlib.sha256(json.dumps([nlp.meta.get("name"), nlp.meta.get("version"), nlp.pipe_names,
                                     [(d, t) for d, t, _, _ in todo]]).encode()).hexdigest()[:20]
    path = Path(folder) / f"{key}.spacy"
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe((t for _, t, _, _ in todo), batch_size=16))
        Path(folder).mkdir(parents=True, exist_ok=True)
        DocBin(docs=docs).to_disk(path)
    for doc, (doc_id, _, published, outlet) in zip(docs, todo):
        doc._.doc_id, doc._.published, doc._.outlet = doc_id, published, outlet
        yield extractor.actors(doc)


def attach_gold(articles: dict[str, Article], gold_dirs: Iterable[Path], kb: KnowledgeBase) -> None:
    """Label each candidate, and each argument option, with the gold of its sentence, matched exactly
    as the scorer matches."""
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
            for slot in art.slots:
                golds = gold_events.get((sentences.key_of((slot.start, slot.events[0].end)), slot.etype))
                for role in ROLES:
                    for o in slot.options[role]:
                        o.gold = None if not golds else any(
                            same_actor(g.get(role), o.ref and o.ref.id, o.ref and o.ref.name, kb) for g in golds)
