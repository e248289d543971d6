"""The Ray actor that extracts articles: one per worker, holding the spaCy pipeline, the knowledge base
and the models, loaded once when the actor starts (and again only if Ray restarts it after a crash)."""

from __future__ import annotations

import pyarrow as pa
import ray

from allegiance.extraction.pipeline import Extractor
from allegiance.store.schema import RESULTS, check_rows


@ray.remote
class ExtractWorker:
    def __init__(self, kb, lexicon, learned: bool):
        self.extractor = Extractor(kb, lexicon=lexicon, learned=learned)

    def extract(self, chunk: list[tuple]) -> tuple[list[str], dict[str, pa.Table]]:
        """The chunk's doc ids and its rows, one Arrow table per result table: columnar, so shipping them
        through the object store costs little and nothing spaCy-specific (no Doc) leaves the worker."""
        ids: list[str] = []
        rows: dict[str, list[dict]] = {table: [] for table in RESULTS}
        for doc_id, tables in self.extractor.tables(chunk):
            ids.append(doc_id)
            for table, table_rows in tables.items():
                check_rows(table, table_rows)  # pyarrow would fill a missing column with nulls
                rows[table].extend(table_rows)
        return ids, {table: pa.Table.from_pylist(rows[table], schema=layout) for table, layout in RESULTS.items()}
