"""Exports: stable, documented field lists (a contract with users' scripts) in JSONL, CSV or Parquet.

Field names and meanings here do not change; new fields may only be added.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from allegiance.actors.kb import KnowledgeBase, load_kb
from allegiance.analysis.allegiances import allegiances, indicators
from allegiance.analysis.framing import coup_attribution, framing_rows
from allegiance.store import Store

FORMATS = ("jsonl", "csv", "parquet")


@dataclass(frozen=True)
class Export:
    """An export's fields, in the order of its query in the store (``store/exports.py``), or of ``rows``."""

    fields: tuple[str, ...]
    help: str
    #: for an analysis computed in Python rather than a query: (store, knowledge base) -> rows as dicts
    rows: Callable[[Store, KnowledgeBase], list[dict]] | None = None


def _as_rows(items) -> list[dict]:
    """Analysis results (dataclasses or dicts) as export rows."""
    return [asdict(i) if is_dataclass(i) else i for i in items]


EXPORTS: dict[str, Export] = {
    "articles": Export(
        fields=("doc_id", "title", "outlet", "author", "published", "url", "language", "duplicate_of", "text"),
        help="one row per stored article: metadata, language, the original it duplicates, cleaned text",
    ),
    "mentions": Export(
        fields=("doc_id", "outlet", "mention_id", "actor", "actor_id", "mention", "kind", "country", "sectors",
                "method", "provisional", "start", "end"),
        help="every actor mention resolved in the articles, with how it was resolved",
    ),
    "events": Export(
        fields=("doc_id", "event_id", "type", "plover", "source", "source_id", "source_mention", "target", "target_id",
                "target_mention", "status", "attributed_to", "attributed_to_id", "date", "date_precision", "location",
                "location_country", "sentence", "start", "end", "outlet", "confidence", "trigger", "claim_id"),
        help="one row per event, source actor and target actor, with its evidence sentence and offsets",
    ),
    "quotes": Export(
        fields=("doc_id", "quote_id", "kind", "quote", "speaker", "speaker_id", "speaker_mention", "cue", "start",
                "end", "outlet"),
        help="direct quotations and reported speech, with speakers and character offsets",
    ),
    "claims": Export(
        fields=("claim_id", "doc_id", "speaker", "speaker_id", "text", "stance", "group_id", "contested", "start",
                "end", "outlet"),
        help="every claim with its stance (assert or deny), its group, and whether the group is contested",
    ),
    "labels": Export(
        fields=("doc_id", "outlet", "actor", "actor_id", "label", "start", "end", "construction", "voice"),
        help="descriptive labels applied to actors; voice is null for the author, else the speaker's actor id",
    ),
    "framing": Export(
        fields=("section", "outlet", "lean", "actor", "actor_id", "key", "count", "value"),
        help="the outlet comparison in long form: labels per actor, quotation share per camp, loaded-term rates",
        rows=lambda store, kb: _as_rows(framing_rows(store, kb)),
    ),
    "coups": Export(
        fields=("accused", "accused_id", "accuser", "accuser_id", "kind", "status", "outlet", "doc_id", "sentence",
                "start", "end"),
        help="who is reported as staging or plotting a coup, who says so, and in which outlet",
        rows=lambda store, kb: _as_rows(coup_attribution(store)),
    ),
    "fused-events": Export(
        fields=("fused_id", "type", "source", "source_id", "target", "target_id", "date", "status", "num_mentions",
                "num_sources", "first_reported", "outlets", "evidence"),
        help="events fused across articles, with mentions, independent sources, outlets and evidence",
    ),
    "allegiances": Export(
        fields=("actor", "actor_id", "sector", "contender", "contender_id", "stance", "since", "status",
                "num_sources", "evidence"),
        help="each actor's stance (+1 with, -1 against) toward each contender for power, with its evidence",
        rows=lambda store, kb: _as_rows(allegiances(store, kb)),
    ),
    "indicators": Export(
        fields=("country", "week", "type", "status", "defector_sector", "count"),
        help="weekly event counts by country, type and status; defections by the defector's sector",
        rows=lambda store, kb: indicators(store),
    ),
    "errors": Export(
        fields=("run_id", "origin", "line", "doc_id", "stage", "reason", "created_at"),
        help="every input that could not be stored, with the reason",
    ),
}


class ExportError(ValueError):
    pass


def export(store: Store, what: str, fmt: str = "jsonl", out: Path | None = None, stdout: IO[str] | None = None,
           kb: KnowledgeBase | None = None) -> int:
    """Write one export; returns the number of rows written. ``kb``: the knowledge base the analyses
    (framing camps, allegiance groups) place actors with; the built-in one when not given."""
    if what not in EXPORTS:
        raise ExportError(f"unknown export {what!r}; choose one of: {', '.join(EXPORTS)}")
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    spec = EXPORTS[what]
    if spec.rows is not None:
        rows = spec.rows(store, kb or load_kb())
        if fmt == "jsonl":
            return _write_jsonl_rows(([r[f] for f in spec.fields] for r in rows), spec.fields, out, stdout or sys.stdout)
        table = pa.Table.from_pylist([{f: r[f] for f in spec.fields} for r in rows]) if rows else pa.table(
            {f: pa.array([], pa.string()) for f in spec.fields})
    elif fmt == "jsonl":
        return _write_jsonl(store.export_cursor(what), spec.fields, out, stdout or sys.stdout)
    else:
        table = store.export_table(what)
    table = table.rename_columns(list(spec.fields))
    if fmt == "parquet":
        if out is None:
            raise ExportError("parquet needs an output file: use -o FILE")
        pq.write_table(table, out)
    else:
        table = flatten_nested(table)
        sink = pa.output_stream(str(out)) if out else pa.PythonFile(sys.stdout.buffer, mode="w")
        pacsv.write_csv(table, sink)
        sink.close() if out else sys.stdout.buffer.flush()
    return table.num_rows


def flatten_nested(table: pa.Table) -> pa.Table:
    """CSV has no nested values: structs and lists become JSON text in their cell. Public because every
    CSV the project writes must read the same way: ``allegiance export`` and the API's downloads
    (``serve/downloads.py``) both call it."""
    for i, f in enumerate(table.schema):
        if pa.types.is_struct(f.type) or pa.types.is_list(f.type):
            values = [None if v is None else json.dumps(v, ensure_ascii=False) for v in table.column(i).to_pylist()]
            table = table.set_column(i, f.name, pa.array(values, pa.string()))
    return table


def _write_jsonl(cur, fields, out: Path | None, stdout: IO[str]) -> int:
    def rows():
        while batch := cur.fetchmany(1000):
            yield from batch

    return _write_jsonl_rows(rows(), fields, out, stdout)


def _write_jsonl_rows(rows, fields, out: Path | None, stdout: IO[str]) -> int:
    n = 0
    fh = open(out, "w", encoding="utf-8") if out else stdout
    try:
        for row in rows:
            fh.write(json.dumps(dict(zip(fields, row)), ensure_ascii=False, default=str) + "\n")
            n += 1
    finally:
        if out:
            fh.close()
    return n
