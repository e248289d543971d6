"""The filtered view of a resource as a file: NDJSON and CSV streamed batch by batch, Parquet whole.
The same layouts as ``allegiance export`` (nested values as JSON text in CSV cells)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from allegiance.outputs.export import flatten_nested

MEDIA = {"ndjson": "application/x-ndjson", "csv": "text/csv; charset=utf-8",
         "parquet": "application/vnd.apache.parquet"}


def _ndjson(batches: Iterable[pa.RecordBatch], fields: tuple[str, ...]) -> Iterator[bytes]:
    for batch in batches:
        lines = [json.dumps(dict(zip(fields, row.values())), ensure_ascii=False, default=str)
                 for row in batch.to_pylist()]
        if lines:
            yield ("\n".join(lines) + "\n").encode("utf-8")


def _csv(batches: Iterable[pa.RecordBatch], fields: tuple[str, ...]) -> Iterator[bytes]:
    header = True
    for batch in batches:
        sink = io.BytesIO()
        table = flatten_nested(pa.Table.from_batches([batch]).rename_columns(list(fields)))
        pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=header))
        header = False
        yield sink.getvalue()
    if header:  # no rows: the header alone
        yield (",".join(f'"{f}"' for f in fields) + "\n").encode("utf-8")


def response(batches: Iterator[pa.RecordBatch], fields: tuple[str, ...], fmt: str, name: str,
             background: BackgroundTask | None = None) -> Response:
    """``background`` runs once the response is sent or the client has gone."""
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "parquet":
        batches = list(batches)
        table = (pa.Table.from_batches(batches) if batches else pa.table({f: pa.array([], pa.string()) for f in fields}))
        sink = io.BytesIO()
        pq.write_table(table.rename_columns(list(fields)), sink)
        return Response(sink.getvalue(), media_type=MEDIA[fmt], headers=disposition, background=background)
    body = _ndjson(batches, fields) if fmt == "ndjson" else _csv(batches, fields)
    return StreamingResponse(body, media_type=MEDIA[fmt], headers=disposition, background=background)
