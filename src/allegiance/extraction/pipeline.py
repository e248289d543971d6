"""Extract: parse stored articles with spaCy and run the extraction components over them.

With several ``processes``, each worker process parses a chunk of articles
*and* runs every extraction component on it, sending back only the rows to
store, as one Arrow table per result table (building them is spread over the
workers; the parent only inserts them). Shipping parsed Docs back to one
process (what ``nlp.pipe(n_process=)`` does) costs more than the extraction
itself and leaves that process as the bottleneck. Workers are forked from this
process, so they share the pipeline and knowledge base it already loaded
instead of loading their own. Chunks shrink towards the end of a run
(``chunk_sizes``), so no worker idles while another finishes a long last chunk.
Results are written per batch in one transaction with a row in
``extractions``, so an interrupted run resumes where it stopped, and articles
already extracted with the same text and ``VERSION`` are skipped.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
from spacy.language import Language

from allegiance.actors.kb import KnowledgeBase
from allegiance.actors.references import ActorRef, Mention
from allegiance.actors.resolve import ActorResolver, register_extensions
from allegiance.analysis import corpus
from allegiance.extraction.context import ArticleContext
from allegiance.extraction.events import Event, EventExtractor
from allegiance.extraction.events.lexicon import Lexicon, default_lexicon
from allegiance.extraction.labels import Label, LabelExtractor
from allegiance.extraction.quotes import Quote, QuoteExtractor
from allegiance.extraction.wordlists import default_wordlists
from allegiance.learning.refine import shipped_refiner
from allegiance.learning.speakers import shipped_ranker
from allegiance.parsing.nlp import load_pipeline
from allegiance.store import INTERRUPTS, Store
from allegiance.store.schema import RESULTS, check_rows

#: Bump when extraction output changes, so stored results are redone.
VERSION = "learned-2"
BATCH = 32
#: Articles a worker parses and extracts per task at most: one spaCy batch (16 parsed faster than 4 or
#: 64 per batch, in CPU time), small enough to keep a worker's memory flat.
CHUNK = 16


@dataclass
class ExtractSummary:
    counts: Counter = field(default_factory=Counter)
    interrupted: bool = False


@dataclass
class Extraction:
    """What every stage found in one article."""

    context: ArticleContext
    quotes: list[Quote]
    events: list[Event]
    labels: list[Label]

    @property
    def doc(self):
        return self.context.doc


class Extractor:
    """The parser and the extraction components, built once per command. The data files they read
    are loaded here once and handed to each: the cue words to both the quotes and events stages, the
    word lists to both the events and labels stages."""

    def __init__(self, kb: KnowledgeBase, nlp: Language | None = None, lexicon: Lexicon | None = None,
                 learned: bool = True, speakers: bool = True):
        register_extensions()
        self.nlp = nlp or load_pipeline()
        self.kb = kb
        self.actors = ActorResolver(self.nlp, kb)
        lexicon = lexicon or default_lexicon()
        words = default_wordlists()
        self.quotes = QuoteExtractor(lexicon.cues)
        self.events = EventExtractor(kb, lexicon, words)
        self.labels = LabelExtractor(kb, words)
        # the shipped models revise the rules' events unless `learned` is off (`--rules-only` on ingest and
        # extract): cross-validated, they do at least as well as the rules on every figure (docs/learning.md)
        self.refine = shipped_refiner() if learned else None
        # the shipped speaker ranking revises the rules' speakers (off only to measure the rules alone)
        self.speakers = shipped_ranker() if speakers else None

    def run(self, text: str, doc_id: str = "text", published: str | None = None, outlet: str | None = None) -> Extraction:
        """Every stage on one text."""
        return self.extract(next(self.docs([(doc_id, text, published, outlet)])))

    def extract(self, doc) -> Extraction:
        """Every stage on one parsed Doc, in the order they depend on each other: events and labels
        read the quotations (who speaks where) that the quotes stage finds."""
        ctx = ArticleContext.of(doc)
        quotes = self.quotes(ctx)
        ctx = ctx.with_quotes(quotes)
        if self.speakers:
            ctx = ctx.with_quotes(self.speakers(ctx, self.kb))
            quotes = list(ctx.quotes)
        events = self.events(ctx)
        if self.refine:
            events = self.refine(ctx, events, self.kb)
        return Extraction(ctx, quotes, events, self.labels(ctx))

    def docs(self, articles: Iterable[tuple]):
        """Parsed Docs with their article context set, in input order."""
        items = ((text, (doc_id, published, outlet)) for doc_id, text, published, outlet in articles)
        for doc, (doc_id, published, outlet) in self.nlp.pipe(items, as_tuples=True, batch_size=16):
            doc._.doc_id, doc._.published, doc._.outlet = doc_id, published, outlet
            yield self.actors(doc)

    def tables(self, articles: Iterable[tuple]) -> Iterator[tuple[str, dict[str, list[dict]]]]:
        """Each article's extraction results as rows per table, in input order."""
        for doc in self.docs(articles):
            x = self.extract(doc)
            yield x.context.doc_id, {
                "mentions": mention_rows(x.context.doc_id, x.context.mentions), "events": event_rows(x.events),
                "quotes": quote_rows(x.quotes), "labels": label_rows(x.labels)}

    def chunk(self, articles: list[tuple]) -> tuple[list[str], dict[str, pa.Table]]:
        """A chunk's doc ids and its rows, one Arrow table per result table: what a worker of either engine
        sends back. Columnar, so it pickles and crosses processes cheaply, and no Doc leaves the worker."""
        ids: list[str] = []
        rows: dict[str, list[dict]] = {table: [] for table in RESULTS}
        for doc_id, tables in self.tables(articles):
            ids.append(doc_id)
            for table, table_rows in tables.items():
                check_rows(table, table_rows)  # pyarrow would fill a missing column with nulls
                rows[table].extend(table_rows)
        return ids, {table: pa.Table.from_pylist(rows[table], schema=layout) for table, layout in RESULTS.items()}


_worker: Extractor | None = None


def _start_worker(extractor: Extractor) -> None:
    global _worker
    _worker = extractor
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _work(chunk: list[tuple]) -> tuple[list[str], dict[str, pa.Table]]:
    return _worker.chunk(chunk)


def chunk_sizes(n: int, workers: int) -> Iterator[int]:
    """Sizes of the chunks ``n`` articles are cut into for ``workers``: ``CHUNK`` while there is plenty left,
    then a quarter of the remainder per worker's share, down to single articles, so the workers finish
    within about one article of each other instead of one idling while another parses a whole last chunk."""
    while n > 0:
        size = max(1, min(CHUNK, n // (2 * workers)))
        yield size
        n -= size


def _chunks(extractor: Extractor, articles: list[tuple], processes: int) -> Iterator[tuple[list[str], dict]]:
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for i in range(0, len(articles), CHUNK):
            yield extractor.chunk(articles[i : i + CHUNK])
        return
    chunks, i = [], 0
    for size in chunk_sizes(len(articles), processes):
        chunks.append(articles[i : i + size])
        i += size
    gc.collect()
    gc.freeze()  # the workers' garbage collector then leaves the shared pipeline's pages shared
    pool = multiprocessing.get_context("fork").Pool(processes, _start_worker, (extractor,), maxtasksperchild=10)
    gc.unfreeze()
    try:
        yield from pool.imap(_work, chunks)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def default_processes() -> int:
    """Every core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def mention_rows(doc_id: str, mentions: list[Mention]) -> list[dict]:
    return [
        {"doc_id": doc_id, "mention_id": i, "start": m.start, "end": m.end, "text": m.text, "actor_id": m.ref.id,
         "actor_name": m.ref.name, "kind": m.ref.kind, "country": m.ref.country, "sectors": m.ref.sectors,
         "provisional": m.ref.provisional, "method": m.method}
        for i, m in enumerate(mentions)
    ]


def _actor_cols(prefix: str, ref: ActorRef | None) -> dict:
    if ref is None:
        return {f"{prefix}_{k}": None for k in ("id", "name", "mention", "kind", "country", "sectors")}
    return {f"{prefix}_id": ref.id, f"{prefix}_name": ref.name, f"{prefix}_mention": ref.mention,
            f"{prefix}_kind": ref.kind, f"{prefix}_country": ref.country, f"{prefix}_sectors": ref.sectors}


def quote_rows(quotes: list[Quote]) -> list[dict]:
    return [
        {"doc_id": q.doc_id, "quote_id": q.quote_id, "kind": q.kind, "quote": q.text, "start": q.start,
         "end": q.end, "cue": q.cue, "speaker_mention": q.speaker_mention,
         **{k.replace("source", "speaker"): v for k, v in _actor_cols("source", q.speaker).items()
            if k in ("source_id", "source_name", "source_kind", "source_country")}}
        for q in quotes
    ]


def label_rows(labels: list[Label]) -> list[dict]:
    return [
        {"doc_id": lab.doc_id, "label_id": lab.label_id, "actor_id": lab.actor.id, "actor_name": lab.actor.name,
         "label": lab.label, "construction": lab.construction, "voice": lab.voice, "start": lab.start,
         "end": lab.end}
        for lab in labels
    ]


def event_rows(events: list[Event]) -> list[dict]:
    rows = []
    for e in events:
        row = {"doc_id": e.doc_id, "event_id": e.event_id, "type": e.type, "plover_event": e.plover["event"],
               "plover_mode": e.plover.get("mode"), "plover_context": e.plover.get("context"),
               **_actor_cols("source", e.source), **_actor_cols("target", e.target), "status": e.status,
               "attributed_to_id": e.attributed_to.id if e.attributed_to else None,
               "attributed_to_name": e.attributed_to.name if e.attributed_to else None,
               "date": e.date, "date_precision": e.date_precision, "location": e.location,
               "location_country": e.location_country, "sentence": e.sentence, "start": e.start, "end": e.end,
               "trigger": e.trigger, "trigger_start": e.trigger_start, "confidence": e.confidence}
        rows.append(row)
    return rows


def extract(
    store: Store,
    extractor: Extractor,
    *,
    force: bool = False,
    processes: int | None = None,
    on_article: Callable[[str], None] | None = None,
) -> ExtractSummary:
    summary = ExtractSummary()
    todo = store.articles_to_extract(VERSION, force=force)
    summary.counts["skipped (non-English)"] = store.count_non_english()
    done: list[tuple[list[tuple[str, str]], dict[str, pa.Table]]] = []
    try:
        hashes = {doc_id: h for doc_id, _, _, _, h in todo}
        articles = [(doc_id, text, published, outlet) for doc_id, text, published, outlet, _ in todo]
        processes = min(processes or default_processes(), len(articles))
        for ids, tables in _chunks(extractor, articles, processes):
            done.append(([(doc_id, hashes[doc_id]) for doc_id in ids], tables))
            count(summary, ids, tables, on_article)
            if sum(len(d) for d, _ in done) >= BATCH:
                _flush(store, done)
        _flush(store, done)
        summary.counts.update(corpus.update(store))
    except INTERRUPTS:
        summary.interrupted = True
        summary.counts["extracted"] -= sum(len(d) for d, _ in done)
    return summary


def count(summary: ExtractSummary, ids: list[str], tables: dict[str, pa.Table],
          on_article: Callable[[str], None] | None) -> None:
    """Add a returned chunk to the run's counts (either engine) and report its articles."""
    counts = summary.counts
    counts["extracted"] += len(ids)
    counts["mentions"] += tables["mentions"].num_rows
    counts["events"] += tables["events"].num_rows
    counts["quotes"] += pc.sum(pc.equal(tables["quotes"]["kind"], "direct")).as_py() or 0
    if on_article:
        for doc_id in ids:
            on_article(doc_id)


def _flush(store: Store, done: list) -> None:
    """Store the returned chunks in one transaction, one columnar insert per table."""
    if done:
        results = {table: pa.concat_tables([tables[table] for _, tables in done]) for table in RESULTS}
        store.write_extractions([d for chunk, _ in done for d in chunk], results, VERSION)
        done.clear()
