"""Extraction on a Ray cluster: the local engine's stages as Ray actor tasks, results landed as Parquet.

The driver (the `allegiance` command) owns the DuckDB file: it hands chunks of articles to one
``ExtractWorker`` actor per worker, a window of texts at a time, writes each chunk's rows as Parquet
files partitioned by table beside the database, loads them in one transaction per batch, and then runs
the corpus-level stages (claims, fusion) as the local engine does. A worker that dies is restarted
by Ray and its unfinished chunks are run again; a chunk's rows reach the store only once, when the
driver loads them, so nothing is lost or stored twice. If the driver itself dies, the store is as
consistent as after a local run and the next run extracts what is missing.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import ray

from allegiance.actors.kb import KnowledgeBase
from allegiance.analysis import corpus
from allegiance.engine.ray_worker import ExtractWorker
from allegiance.extraction.events.lexicon import Lexicon
from allegiance.extraction.pipeline import BATCH, VERSION, ExtractSummary, chunk_sizes, count, default_processes
from allegiance.store import INTERRUPTS, Store
from allegiance.store.parquet import articles_by_id, load_extractions, pending_extractions

#: Chunks queued per worker: one running and one waiting, so a worker never idles while the driver
#: stores the previous chunk, and no more texts wait in the object store than that.
IN_FLIGHT = 2
#: Articles whose texts the driver reads from the store at a time.
WINDOW = 256


def connect(address: str | None, workers: int | None) -> bool:
    """Join the cluster at ``address``, or start a local one with ``workers`` CPUs; True if this call
    started Ray (and so should stop it). A process that already joined a cluster keeps it.

    Ray's own start-up chatter is kept out of the command's output: its log at WARNING, and not the notice
    that it turned token authentication on (its default for a local cluster, kept); errors still show, and
    the workers' output still reaches the terminal, so their errors and warnings are seen."""
    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address, logging_level="WARNING", log_to_driver=True)
    else:
        logging.getLogger("ray._private.authentication.authentication_token_setup").setLevel(logging.ERROR)
        ray.init(num_cpus=workers or default_processes(), include_dashboard=False, logging_level="WARNING",
                 log_to_driver=True)
    return True


def cluster_cpus() -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


class Workers:
    """Ray workers holding the pipeline, knowledge base and models. ``extract_ray`` starts its own for a run
    unless given these: a driver that stays up (a feed extracted every few minutes) then pays their start-up,
    several seconds each, once rather than every run."""

    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon | None = None, learned: bool = True,
                 workers: int | None = None):
        workers = workers or cluster_cpus()
        # one copy of the knowledge base in the object store for every worker; held while they live, since a
        # restarted worker reads it again
        self.shared = [ray.put(kb), ray.put(lexicon)]
        self.actors = [ExtractWorker.options(max_restarts=-1, max_task_retries=-1).remote(learned)
                       for _ in range(workers)]

    def close(self) -> None:
        for actor in self.actors:
            ray.kill(actor)
        self.actors = []


def extract_ray(
    store: Store,
    kb: KnowledgeBase,
    parts: Path,
    *,
    lexicon: Lexicon | None = None,
    learned: bool = True,
    force: bool = False,
    workers: int | None = None,
    address: str | None = None,
    on_article: Callable[[str], None] | None = None,
    pool: Workers | None = None,
) -> ExtractSummary:
    """Extract the articles still to extract on Ray; ``parts`` is the folder for the Parquet files. With
    ``pool`` (on a cluster this process joined already), its workers run the chunks, and stay up."""
    summary = ExtractSummary()
    summary.counts["skipped (non-English)"] = store.count_non_english()
    todo = pending_extractions(store, VERSION, force)
    shutil.rmtree(parts, ignore_errors=True)  # files of a run that died before loading them: redone below
    started = bool(todo) and connect(address, workers)
    own = None
    batch = None
    try:
        if todo:
            if pool is None:
                pool = own = Workers(kb, lexicon, learned, min(workers or cluster_cpus(), len(todo)))
            batch = _Batch(store, parts, dict(todo), summary, on_article)
            sizes = chunk_sizes(len(todo), len(pool.actors))
            for ids, tables in _run(pool.actors, pool.shared, _chunks(store, todo, sizes)):
                batch.add(ids, tables)
            batch.load()
        summary.counts.update(corpus.update(store))
    except INTERRUPTS:
        summary.interrupted = True
        if batch is not None:
            summary.counts["extracted"] -= batch.unloaded()
    finally:
        if own is not None:
            own.close()
        if started:
            ray.shutdown()
    shutil.rmtree(parts, ignore_errors=True)
    return summary


def _chunks(store: Store, todo: list[tuple[str, str]], sizes: Iterable[int]) -> Iterator[list[tuple]]:
    """The articles cut into chunks of ``sizes``, their texts read from the store ``WINDOW`` at a time."""
    buffered: list[tuple] = []
    read = 0
    for size in sizes:
        if len(buffered) < size and read < len(todo):
            buffered += articles_by_id(store, [doc_id for doc_id, _ in todo[read : read + WINDOW]])
            read += WINDOW
        chunk, buffered = buffered[:size], buffered[size:]
        if chunk:  # an article deleted since the list was read leaves the last chunk short
            yield chunk


def _run(actors: list, shared: list, chunks: Iterable[list[tuple]]) -> Iterator[tuple[list[str], dict[str, pa.Table]]]:
    """Each chunk's results as its worker returns them, with at most ``IN_FLIGHT`` chunks per worker queued.
    A chunk goes to the worker with the fewest queued, so a slow or restarting worker gets less."""
    queued: dict = {}  # object ref -> actor
    load = {actor: 0 for actor in actors}

    def finished() -> tuple[list[str], dict[str, pa.Table]]:
        [ref], _ = ray.wait(list(queued), num_returns=1)
        load[queued.pop(ref)] -= 1
        return ray.get(ref)

    for chunk in chunks:
        while len(queued) >= IN_FLIGHT * len(actors):
            yield finished()
        actor = min(actors, key=load.__getitem__)
        queued[actor.extract.remote(shared, chunk)] = actor
        load[actor] += 1
    while queued:
        yield finished()


class _Batch:
    """Chunks written as Parquet and not yet loaded into the store; loaded every ``BATCH`` articles."""

    def __init__(self, store: Store, parts: Path, hashes: dict[str, str], summary: ExtractSummary, on_article):
        self.store, self.parts, self.hashes, self.summary, self.on_article = store, parts, hashes, summary, on_article
        self.done: list[tuple[str, str]] = []
        self.files: dict[str, list[Path]] = {}
        self.written = 0

    def add(self, ids: list[str], tables: dict[str, pa.Table]) -> None:
        self.written += 1
        for table, rows in tables.items():
            folder = self.parts / table
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"part-{self.written:06d}.parquet"
            pq.write_table(rows, path)
            self.files.setdefault(table, []).append(path)
        self.done.extend((doc_id, self.hashes.pop(doc_id)) for doc_id in ids)
        count(self.summary, ids, tables, self.on_article)
        if len(self.done) >= BATCH:
            self.load()

    def load(self) -> None:
        if self.done:
            load_extractions(self.store, self.done, self.files, VERSION)
            for paths in self.files.values():
                for path in paths:
                    path.unlink()
            self.done.clear()
            self.files.clear()

    def unloaded(self) -> int:
        return len(self.done)
