"""The Ray actor that extracts articles: one per worker, holding the spaCy pipeline, the knowledge base
and the models, loaded once when the actor starts (and again only if Ray restarts it after a crash)."""

from __future__ import annotations

import pyarrow as pa
import ray

from allegiance.extraction.pipeline import Extractor


@ray.remote
class ExtractWorker:
    def __init__(self, kb, lexicon, learned: bool):
        self.extractor = Extractor(kb, lexicon=lexicon, learned=learned)

    def ready(self) -> bool:
        """Answered once the pipeline is loaded: lets a caller tell start-up from extraction time."""
        return True

    def extract(self, chunk: list[tuple]) -> tuple[list[str], dict[str, pa.Table]]:
        """The chunk's doc ids and its rows as Arrow tables (``Extractor.chunk``, as the local engine's workers)."""
        return self.extractor.chunk(chunk)
