"""Bulk loading of extraction results written as Parquet partitions (the Ray engine's landing files).

Workers on a cluster cannot write to the DuckDB file (one writer, one machine), so their rows land
as Parquet files first and are loaded here in one transaction per batch of articles, exactly as
``Store.write_extractions`` stores rows handed over in memory. The driver also fetches the texts
it hands out a window at a time, so it never holds a whole corpus.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from allegiance.store import schema
from allegiance.store.core import Store


def pending_extractions(store: Store, version: str, force: bool = False) -> list[tuple[str, str]]:
    """(doc_id, content_hash) of the English articles ``articles_to_extract`` would return, without their texts."""
    return store.con.execute(
        """
        SELECT a.doc_id, a.content_hash
        FROM articles a LEFT JOIN extractions x ON x.doc_id = a.doc_id
        WHERE coalesce(a.language, 'en') = 'en'
          AND (? OR x.doc_id IS NULL OR x.content_hash <> a.content_hash OR x.version <> ?)
        ORDER BY a.doc_id
        """,
        [force, version],
    ).fetchall()


def articles_by_id(store: Store, ids: list[str]) -> list[tuple]:
    """(doc_id, text, published, outlet) of these articles, in doc_id order: what a worker parses."""
    return store.con.execute(
        """
        SELECT doc_id, text, strftime(published, '%Y-%m-%d'), outlet
        FROM articles WHERE doc_id IN (SELECT unnest(?)) ORDER BY doc_id
        """,
        [ids],
    ).fetchall()


def load_extractions(store: Store, done: list[tuple[str, str]], files: dict[str, Iterable[Path]], version: str) -> None:
    """Replace the results of these articles with the rows of the Parquet files (table -> files), all or
    nothing, and mark them extracted, as ``Store.write_extractions`` does with rows in memory. DuckDB reads
    the files; their columns must be the table's layout."""
    tables = {}
    for table, paths in files.items():
        layout = schema.RESULTS[table]
        paths = [str(p) for p in paths]
        tables[table] = store.con.read_parquet(paths).to_arrow_table() if paths else layout.empty_table()
        if tables[table].schema.names != layout.names:
            raise ValueError(f"Parquet files for {table} have columns {tables[table].schema.names}, not {layout.names}")
    store.write_extractions(done, tables, version)
