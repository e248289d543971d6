"""The Ray actor that extracts articles: one per worker, holding the spaCy pipeline, the knowledge base
and the models, loaded once per actor (and again only if Ray restarts it after a crash)."""

from __future__ import annotations

import gc

import pyarrow as pa
import ray

from allegiance.extraction.pipeline import Extractor
from allegiance.parsing.nlp import load_pipeline


@ray.remote
class ExtractWorker:
    """The knowledge base and lexicon come with each task as object references inside a list, which Ray
    does not resolve: the actor fetches them once, for its first chunk. Given to the constructor instead,
    Ray logs an error for every restartable actor whose arguments live in the object store."""

    def __init__(self, learned: bool):
        self.learned = learned
        self.extractor: Extractor | None = None
        load_pipeline()  # the bulk of the start-up, done before the first chunk arrives

    def extract(self, shared: list, chunk: list[tuple]) -> tuple[list[str], dict[str, pa.Table]]:
        """The chunk's doc ids and its rows as Arrow tables (``Extractor.chunk``, as the local engine's workers);
        ``shared``: the references of the knowledge base and the lexicon (None: the default one)."""
        if self.extractor is None:
            kb, lexicon = ray.get(shared)
            self.extractor = Extractor(kb, lexicon=lexicon, learned=self.learned)
            # what stays loaded for the actor's life leaves the garbage collector's view, as in the local
            # engine's forked workers: full collections then scan only what a chunk made (~1.5 % of the CPU)
            gc.collect()
            gc.freeze()
        return self.extractor.chunk(chunk)
