"""The DuckDB store: an explicit, versioned schema and the few queries the stages need.

Migrations are the numbered SQL files in ``migrations/``; each runs once, in
order, inside a transaction, and ``schema_version`` records which ran. Every
query takes its values as parameters; none is built from article text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import duckdb
import pyarrow as pa

from allegiance.records import Article, ReadError

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_DB = "allegiance.duckdb"
#: DuckDB buffer cap: keeps a long ingest flat in memory; spills to disk past it.
MEMORY_LIMIT = "256MB"
#: What a Ctrl-C or a SIGTERM turns into: Python's KeyboardInterrupt, or DuckDB's own exception when the
#: signal arrives while a query runs. Both stop a run cleanly; the open transaction is rolled back.
INTERRUPTS = (KeyboardInterrupt, duckdb.InterruptException)

ARTICLE_COLUMNS = (
    "doc_id", "title", "outlet", "author", "published", "url", "language", "language_score",
    "duplicate_of", "similarity", "text", "content_hash", "source_hash", "origin", "line", "format",
    "given", "extra", "signature",
)

_ARROW_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("title", pa.string()), ("outlet", pa.string()), ("author", pa.string()),
    ("published", pa.date32()), ("url", pa.string()), ("language", pa.string()), ("language_score", pa.float64()),
    ("duplicate_of", pa.string()), ("similarity", pa.float64()), ("text", pa.string()),
    ("content_hash", pa.string()), ("source_hash", pa.string()), ("origin", pa.string()), ("line", pa.int32()),
    ("format", pa.string()), ("given", pa.list_(pa.string())), ("extra", pa.string()), ("signature", pa.binary()),
])

_S, _I, _L = pa.string(), pa.int32(), pa.list_(pa.string())
#: Column types of the tables the extract stage fills, in the order of their migrations.
RESULT_SCHEMAS = {
    "mentions": pa.schema([
        ("doc_id", _S), ("mention_id", _I), ("start", _I), ("end", _I), ("text", _S), ("actor_id", _S),
        ("actor_name", _S), ("kind", _S), ("country", _S), ("sectors", _L), ("provisional", pa.bool_()), ("method", _S),
    ]),
    "events": pa.schema([
        ("doc_id", _S), ("event_id", _S), ("type", _S), ("plover_event", _S), ("plover_mode", _S),
        ("plover_context", _S), ("source_id", _S), ("source_name", _S), ("source_mention", _S), ("source_kind", _S),
        ("source_country", _S), ("source_sectors", _L), ("target_id", _S), ("target_name", _S),
        ("target_mention", _S), ("target_kind", _S), ("target_country", _S), ("target_sectors", _L), ("status", _S),
        ("attributed_to_id", _S), ("attributed_to_name", _S), ("date", _S), ("date_precision", _S),
        ("location", _S), ("location_country", _S), ("sentence", _S), ("start", _I), ("end", _I), ("trigger", _S),
        ("trigger_start", _I), ("confidence", pa.float64()),
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

_CLAIMS_SCHEMA = pa.schema([
    ("claim_id", _S), ("doc_id", _S), ("speaker", _S), ("speaker_id", _S), ("text", _S), ("stance", _S),
    ("group_id", _S), ("contested", pa.bool_()), ("start", _I), ("end", _I),
])

_FUSED_SCHEMA = pa.schema([
    ("fused_id", _S), ("type", _S), ("source_id", _S), ("source", _S), ("target_id", _S), ("target", _S),
    ("date", _S), ("status", _S), ("num_mentions", _I), ("num_sources", _I), ("first_reported", pa.date32()),
    ("outlets", _L),
])
_FUSED_MEMBERS_SCHEMA = pa.schema([("fused_id", _S), ("doc_id", _S), ("event_id", _S)])


class StoreError(RuntimeError):
    """The database cannot be opened or migrated: fatal for the command."""


def _open_failure(path: str, exc: Exception) -> str:
    """Why a database cannot be opened, in words a user can act on. DuckDB lets one process write a
    database file, or several read it, never both: a second command fails at once rather than wait."""
    held = re.search(r"Conflicting lock is held in .*?\(PID (\d+)\)", str(exc))
    if held:
        return (f"database {path} is in use by another process (PID {held.group(1)}): another allegiance command "
                "is writing to it or reading it; "
                "run this command again once it has finished, or use another --db")
    return f"cannot open database {path}: {exc}"


def migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(MIGRATIONS.glob("*.sql")):
        m = re.match(r"(\d+)_", path.name)
        if m:
            found.append((int(m.group(1)), path))
    return found


class Store:
    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False):
        self.path = str(path)
        try:
            if not read_only and self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(self.path, read_only=read_only, config={"memory_limit": MEMORY_LIMIT})
        except (duckdb.Error, OSError) as exc:
            raise StoreError(_open_failure(self.path, exc)) from exc
        if read_only:
            if self.schema_version() < max(v for v, _ in migrations()):
                raise StoreError(f"database {self.path} has an older schema; run `allegiance ingest` on it once to upgrade")
        else:
            self.migrate()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------

    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchall()[0][0]
        if not exists:
            return 0
        return self.con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]

    def migrate(self) -> None:
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
        current = self.schema_version()
        for version, path in migrations():
            if version <= current:
                continue
            try:
                with self._transaction():
                    self.con.execute(path.read_text(encoding="utf-8"))
                    self.con.execute("INSERT INTO schema_version (version) VALUES (?)", [version])
            except duckdb.Error as exc:
                raise StoreError(f"migration {path.name} failed on {self.path}: {exc}") from exc

    # -- runs and errors -------------------------------------------------------

    def start_run(self, command: str) -> int:
        run_id = self.con.execute("SELECT nextval('run_ids')").fetchall()[0][0]
        self.con.execute("INSERT INTO runs (run_id, command, status) VALUES (?, ?, 'running')", [run_id, command])
        return run_id

    def finish_run(self, run_id: int, status: str, counts: dict) -> None:
        self.con.execute(
            "UPDATE runs SET status = ?, finished_at = current_timestamp, counts = ? WHERE run_id = ?",
            [status, json.dumps(counts), run_id],
        )

    def _insert(self, table: str, batch: pa.Table, replace: bool = False) -> None:
        """One columnar insert per batch: DuckDB's row-by-row executemany is ~50x slower."""
        if batch.num_rows == 0:
            return
        cols = ", ".join(f'"{c}"' for c in batch.column_names)
        self.con.register("incoming_batch", batch)
        try:
            verb = "INSERT OR REPLACE" if replace else "INSERT"
            self.con.execute(f"{verb} INTO {table} ({cols}) SELECT {cols} FROM incoming_batch")
        finally:
            self.con.unregister("incoming_batch")

    def _insert_errors(self, run_id: int, errors: Iterable[ReadError], stage: str) -> None:
        rows = [[run_id, e.origin, e.line, e.doc_id, stage, e.reason] for e in errors]
        if rows:
            self.con.executemany(
                "INSERT INTO errors (run_id, origin, line, doc_id, stage, reason) VALUES (?, ?, ?, ?, ?, ?)", rows
            )

    # -- articles --------------------------------------------------------------

    def source_hashes(self) -> dict[str, str]:
        """doc_id -> hash of the raw input it was built from, to skip unchanged inputs."""
        return dict(self.con.execute("SELECT doc_id, source_hash FROM articles").fetchall())

    def originals_by_content(self) -> dict[str, str]:
        return dict(
            self.con.execute("SELECT content_hash, doc_id FROM articles WHERE duplicate_of IS NULL").fetchall()
        )

    def original_signatures(self) -> Iterator[tuple[str, bytes]]:
        cur = self.con.execute(
            "SELECT doc_id, signature FROM articles WHERE duplicate_of IS NULL AND signature IS NOT NULL"
        )
        while rows := cur.fetchmany(1000):
            yield from rows

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """All or nothing. An interrupt can land inside COMMIT itself, after which DuckDB has already ended
        the transaction: the ROLLBACK then has nothing to undo and must not raise an error of its own in
        place of the interrupt."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
            self.con.execute("COMMIT")
        except BaseException:
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # no transaction left to roll back
            raise

    def write_batch(self, run_id: int, articles: list[Article], errors: list[ReadError]) -> None:
        """Store a batch of articles and the errors met while building it, all or nothing."""
        columns: dict[str, list] = {c: [] for c in ARTICLE_COLUMNS}
        for a in articles:
            d = asdict(a)
            d["extra"] = json.dumps(a.extra, ensure_ascii=False, default=str)
            for c in ARTICLE_COLUMNS:
                columns[c].append(d[c])
        with self._transaction():
            self._insert("articles", pa.table(columns, schema=_ARROW_SCHEMA), replace=True)
            self._insert_errors(run_id, errors, "ingest")

    def articles_to_extract(self, version: str, force: bool = False) -> list[tuple]:
        """English articles whose current text has not been extracted with this version."""
        return self.con.execute(
            """
            SELECT a.doc_id, a.text, strftime(a.published, '%Y-%m-%d'), a.outlet, a.content_hash
            FROM articles a LEFT JOIN extractions x ON x.doc_id = a.doc_id
            WHERE coalesce(a.language, 'en') = 'en'
              AND (? OR x.doc_id IS NULL OR x.content_hash <> a.content_hash OR x.version <> ?)
            ORDER BY a.doc_id
            """,
            [force, version],
        ).fetchall()

    def count_non_english(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles WHERE language <> 'en'").fetchall()[0][0]

    def write_extractions(self, done: list[tuple[str, str]], results: dict[str, list[dict]], version: str) -> None:
        """Replace the extraction results (table -> rows) of these articles, all or nothing."""
        ids = [d for d, _ in done]
        with self._transaction():
            for table, rows in results.items():
                self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, doc_id)", [ids])
                self._insert(table, pa.Table.from_pylist(rows, schema=RESULT_SCHEMAS[table]))
            self.con.executemany(
                "INSERT OR REPLACE INTO extractions (doc_id, content_hash, version, status) VALUES (?, ?, ?, 'done')",
                [[d, h, version] for d, h in done],
            )

    def replace_claims(self, rows: list[dict]) -> None:
        with self._transaction():
            self.con.execute("DELETE FROM claims")
            self._insert("claims", pa.Table.from_pylist(rows, schema=_CLAIMS_SCHEMA))

    def replace_fused(self, events: list[dict], members: list[dict]) -> None:
        with self._transaction():
            self.con.execute("DELETE FROM fused_members")
            self.con.execute("DELETE FROM fused_events")
            self._insert("fused_events", pa.Table.from_pylist(events, schema=_FUSED_SCHEMA))
            self._insert("fused_members", pa.Table.from_pylist(members, schema=_FUSED_MEMBERS_SCHEMA))

    def unknown_actors(self, limit: int = 100) -> list[tuple]:
        """Provisional actors seen in the articles, most mentioned first."""
        return self.con.execute(
            """
            SELECT actor_id, any_value(actor_name), any_value(kind), mode(country), count(*) AS n,
                   count(DISTINCT doc_id) AS docs, list(DISTINCT text)[1:5]
            FROM mentions WHERE provisional
            GROUP BY actor_id ORDER BY n DESC, actor_id LIMIT ?
            """,
            [limit],
        ).fetchall()

    def count_articles(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
