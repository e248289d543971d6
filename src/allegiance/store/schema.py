"""The layout of every table the code writes: column names and types, in one place.

The migrations create the tables; these layouts are what the code fills them with. ``check`` compares
the two whenever a database is migrated, and the store refuses rows whose keys differ from a layout,
so a column added, renamed or dropped on one side only is an error instead of a silently empty column.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

MIGRATIONS = Path(__file__).parents[1] / "migrations"

_S, _I, _L, _F, _B = pa.string(), pa.int32(), pa.list_(pa.string()), pa.float64(), pa.bool_()

ARTICLES = pa.schema([
    ("doc_id", _S), ("title", _S), ("outlet", _S), ("author", _S), ("published", pa.date32()), ("url", _S),
    ("language", _S), ("language_score", _F), ("duplicate_of", _S), ("similarity", _F), ("text", _S),
    ("content_hash", _S), ("source_hash", _S), ("origin", _S), ("line", _I), ("format", _S), ("given", _L),
    ("extra", _S), ("signature", pa.binary()),
])

#: The tables the extract stage fills per article, in the order of their migrations.
RESULTS = {
    "mentions": pa.schema([
        ("doc_id", _S), ("mention_id", _I), ("start", _I), ("end", _I), ("text", _S), ("actor_id", _S),
        ("actor_name", _S), ("kind", _S), ("country", _S), ("sectors", _L), ("provisional", _B), ("method", _S),
    ]),
    "events": pa.schema([
        ("doc_id", _S), ("event_id", _S), ("type", _S), ("plover_event", _S), ("plover_mode", _S),
        ("plover_context", _S), ("source_id", _S), ("source_name", _S), ("source_mention", _S), ("source_kind", _S),
        ("source_country", _S), ("source_sectors", _L), ("target_id", _S), ("target_name", _S),
        ("target_mention", _S), ("target_kind", _S), ("target_country", _S), ("target_sectors", _L), ("status", _S),
        ("attributed_to_id", _S), ("attributed_to_name", _S), ("date", _S), ("date_precision", _S),
        ("location", _S), ("location_country", _S), ("sentence", _S), ("start", _I), ("end", _I), ("trigger", _S),
        ("trigger_start", _I), ("confidence", _F),
    ]),
    "labels": pa.schema([
        ("doc_id", _S), ("label_id", _S), ("actor_id", _S), ("actor_name", _S), ("label", _S),
        ("construction", _S), ("voice", _S), ("start", _I), ("end", _I),
    ]),
    "quotes": pa.schema([
        ("doc_id", _S), ("quote_id", _S), ("kind", _S), ("quote", _S), ("start", _I), ("end", _I), ("cue", _S),
        ("speaker_id", _S), ("speaker_name", _S), ("speaker_kind", _S), ("speaker_country", _S),
        ("speaker_mention", _S),
    ]),
}

#: The corpus-level tables, rebuilt from the results above.
CLAIMS = pa.schema([
    ("claim_id", _S), ("doc_id", _S), ("speaker", _S), ("speaker_id", _S), ("text", _S), ("stance", _S),
    ("group_id", _S), ("contested", _B), ("start", _I), ("end", _I), ("answers", _L),
])
FUSED_EVENTS = pa.schema([
    ("fused_id", _S), ("type", _S), ("source_id", _S), ("source", _S), ("target_id", _S), ("target", _S),
    ("date", _S), ("status", _S), ("num_mentions", _I), ("num_sources", _I), ("first_reported", pa.date32()),
    ("outlets", _L),
])
FUSED_MEMBERS = pa.schema([("fused_id", _S), ("doc_id", _S), ("event_id", _S)])

#: table -> layout; columns the database fills itself (timestamps) are left out.
LAYOUTS = {"articles": ARTICLES, **RESULTS, "claims": CLAIMS, "fused_events": FUSED_EVENTS,
           "fused_members": FUSED_MEMBERS}
_FILLED_BY_DATABASE = {"ingested_at"}


def migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(MIGRATIONS.glob("*.sql")):
        m = re.match(r"(\d+)_", path.name)
        if m:
            found.append((int(m.group(1)), path))
    return found


def check(columns: dict[str, list[str]]) -> list[str]:
    """Differences between the migrated tables (table -> column names) and the layouts."""
    problems = []
    for table, layout in LAYOUTS.items():
        have = [c for c in columns.get(table, []) if c not in _FILLED_BY_DATABASE]
        if have != layout.names:
            problems.append(f"{table}: the database has columns {have}, the code writes {layout.names}")
    return problems


def check_rows(table: str, rows: list[dict]) -> None:
    """Rows must carry exactly their table's columns: pyarrow would fill a missing one with nulls."""
    names = set(LAYOUTS[table].names)
    for row in rows:
        if row.keys() != names:
            missing, extra = sorted(names - row.keys()), sorted(row.keys() - names)
            raise ValueError(f"{table} row does not match its layout: missing {missing}, unknown {extra}")
