"""Extract: parse stored articles with spaCy and run the extraction components over them.

Parsing is the expensive part and runs in ``processes`` worker processes
(spaCy's ``nlp.pipe``); the extraction components run in this process on the
returned Docs, because their results are Python records, not spaCy data.
Results are written per batch in one transaction with a row in
``extractions``, so an interrupted run resumes where it stopped, and articles
already extracted with the same text and ``VERSION`` are skipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.language import Language

from .kb import KnowledgeBase
from .nlp import load_pipeline
from .resolve import ActorResolver, Mention, register_extensions
from .store import Store

#: Bump when extraction output changes, so stored results are redone.
VERSION = "actors-1"
BATCH = 32


@dataclass
class ExtractSummary:
    counts: Counter = field(default_factory=Counter)
    interrupted: bool = False


class Extractor:
    """The parser and the extraction components, built once per command."""

    def __init__(self, kb: KnowledgeBase, nlp: Language | None = None):
        register_extensions()
        self.nlp = nlp or load_pipeline()
        self.kb = kb
        self.actors = ActorResolver(self.nlp, kb)

    def docs(self, articles: Iterable[tuple], processes: int = 1):
        """Parsed Docs with their article context set, in input order."""
        items = ((text, (doc_id, published, outlet)) for doc_id, text, published, outlet in articles)
        for doc, (doc_id, published, outlet) in self.nlp.pipe(items, as_tuples=True, batch_size=16, n_process=processes):
            doc._.doc_id, doc._.published, doc._.outlet = doc_id, published, outlet
            yield self.actors(doc)


def mention_rows(doc_id: str, mentions: list[Mention]) -> list[list]:
    return [
        [doc_id, i, m.start, m.end, m.text, m.ref.id, m.ref.name, m.ref.kind, m.ref.country, m.ref.sectors,
         m.ref.provisional, m.method]
        for i, m in enumerate(mentions)
    ]


def extract(
    store: Store,
    extractor: Extractor,
    *,
    force: bool = False,
    processes: int = 1,
    on_article: Callable[[str], None] | None = None,
) -> ExtractSummary:
    summary = ExtractSummary()
    todo = store.articles_to_extract(VERSION, force=force)
    summary.counts["skipped (non-English)"] = store.count_non_english()
    done: list[tuple[str, str, list[Mention]]] = []
    try:
        hashes = {doc_id: h for doc_id, _, _, _, h in todo}
        rows = ((doc_id, text, published, outlet) for doc_id, text, published, outlet, _ in todo)
        for doc in extractor.docs(rows, processes=processes):
            done.append((doc._.doc_id, hashes[doc._.doc_id], doc._.actor_mentions))
            summary.counts["extracted"] += 1
            summary.counts["mentions"] += len(doc._.actor_mentions)
            if on_article:
                on_article(doc._.doc_id)
            if len(done) >= BATCH:
                _flush(store, done)
        _flush(store, done)
    except KeyboardInterrupt:
        summary.interrupted = True
        summary.counts["extracted"] -= len(done)
    return summary


def _flush(store: Store, done: list) -> None:
    if done:
        store.write_extractions(
            [(doc_id, content_hash) for doc_id, content_hash, _ in done],
            [row for doc_id, _, mentions in done for row in mention_rows(doc_id, mentions)],
            VERSION,
        )
        done.clear()
