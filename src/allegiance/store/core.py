"""The DuckDB store: opening, migrating, and every write.

Migrations are the numbered SQL files in ``migrations/``; each runs once, in order, inside a
transaction, and ``schema_version`` records which ran. Every query takes its values as parameters;
none is built from article text. The read queries are in ``queries.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict
from pathlib import Path

import duckdb
import pyarrow as pa

from allegiance.records import Article, ReadError
from allegiance.store import schema
from allegiance.store.queries import Queries

DEFAULT_DB = "allegiance.duckdb"
#: DuckDB buffer cap: keeps a long ingest flat in memory; spills to disk past it.
MEMORY_LIMIT = "256MB"

#: What a Ctrl-C or a SIGTERM turns into: Python's KeyboardInterrupt, or DuckDB's own exception when the
#: signal arrives while a query runs. Both stop a run cleanly; the open transaction is rolled back.
INTERRUPTS = (KeyboardInterrupt, duckdb.InterruptException)


def connect(path: str, read_only: bool = False, **config) -> duckdb.DuckDBPyConnection:
    """A connection as every part of the project opens one: its buffer capped (``config`` may set another
    cap, or other settings), and without DuckDB's own progress bar, which it draws on stderr for any query
    over 2 s (a write into a large store) and which would cut through the commands' progress, their
    `--quiet` and the server's log."""
    con = duckdb.connect(path, read_only=read_only, config={"memory_limit": MEMORY_LIMIT, **config})
    con.execute("SET enable_progress_bar = false")
    return con


def _open_failure(path: str, exc: Exception) -> str:
    """Why a database cannot be opened, in words a user can act on. DuckDB lets one process write a
    database file, or several read it, never both: a second command fails at once rather than wait."""
    held = re.search(r"Conflicting lock is held in .*?\(PID (\d+)\)", str(exc))
    if held:
        return (f"database {path} is in use by another process (PID {held.group(1)}): another allegiance command "
                "is writing to it or reading it; "
                "run this command again once it has finished, or use another --db")
    return f"cannot open database {path}: {exc}"

class StoreError(RuntimeError):
    """The database cannot be opened or migrated: fatal for the command."""


class Store(Queries):
    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False):
        self.path = str(path)
        try:
            if not read_only and self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.con = connect(self.path, read_only)
        except (duckdb.Error, OSError) as exc:
            raise StoreError(_open_failure(self.path, exc)) from exc
        if read_only:
            if self.schema_version() < max(v for v, _ in schema.migrations()):
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
        for version, path in schema.migrations():
            if version <= current:
                continue
            try:
                with self._transaction():
                    self.con.execute(path.read_text(encoding="utf-8"))
                    self.con.execute("INSERT INTO schema_version (version) VALUES (?)", [version])
            except duckdb.Error as exc:
                raise StoreError(f"migration {path.name} failed on {self.path}: {exc}") from exc
        problems = schema.check(self.table_columns())
        if problems:
            raise StoreError(f"database {self.path} does not match the code's table layouts: " + "; ".join(problems))

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

    def _insert(self, table: str, batch: pa.Table, replace: bool = False) -> None:
        """One columnar insert per batch: DuckDB's row-by-row executemany is ~50x slower."""
        if batch.num_rows == 0:
            return
        cols = ", ".join(f'"{c}"' for c in batch.column_names)
        self.con.register("incoming_batch", batch)
        try:
            verb = "INSERT OR REPLACE" if replace else "INSERT"
            self.con.execute(f"{verb} INTO {table} ({cols}) SELECT {cols} FROM incoming_batch")
        except RuntimeError as exc:
            # a signal that lands while DuckDB scans the registered Arrow batch comes out as a bare
            # RuntimeError, not as DuckDB's InterruptException: a SIGTERM then ended ingest with a traceback
            if str(exc) != "Query interrupted":
                raise
            raise duckdb.InterruptException(str(exc)) from exc
        finally:
            # a failed insert aborts the transaction, which then refuses even this, and would replace the
            # real error with "Current transaction is aborted"; the next batch registers its view over this one
            with suppress(duckdb.TransactionException):
                self.con.unregister("incoming_batch")

    def _insert_rows(self, table: str, rows: list[dict], replace: bool = False) -> None:
        schema.check_rows(table, rows)
        self._insert(table, pa.Table.from_pylist(rows, schema=schema.LAYOUTS[table]), replace)

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

    def _insert_errors(self, run_id: int, errors: Iterable[ReadError], stage: str) -> None:
        rows = [[run_id, e.origin, e.line, e.doc_id, stage, e.reason] for e in errors]
        if rows:
            self.con.executemany(
                "INSERT INTO errors (run_id, origin, line, doc_id, stage, reason) VALUES (?, ?, ?, ?, ?, ?)", rows
            )

    # -- articles and extractions ------------------------------------------------

    def write_batch(self, run_id: int, articles: list[Article], errors: list[ReadError]) -> None:
        """Store a batch of articles and the errors met while building it, all or nothing."""
        columns: dict[str, list] = {c: [] for c in schema.ARTICLES.names}
        for a in articles:
            d = asdict(a)
            d["extra"] = json.dumps(a.extra, ensure_ascii=False, default=str)
            for c in schema.ARTICLES.names:
                columns[c].append(d[c])
        with self._transaction():
            self._insert("articles", pa.table(columns, schema=schema.ARTICLES), replace=True)
            self._insert_errors(run_id, errors, "ingest")

    def write_extractions(self, done: list[tuple[str, str]], results: dict[str, list[dict] | pa.Table],
                          version: str) -> None:
        """Replace the extraction results (table -> rows, or an Arrow table of them) of these articles, all or
        nothing. They stay ``extracted`` until the corpus stages have taken them in (``finish_corpus_stages``)."""
        ids = [d for d, _ in done]
        with self._transaction():
            for table, rows in results.items():
                if table not in schema.RESULTS:
                    raise ValueError(f"no extraction table {table!r}")
                self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, doc_id)", [ids])
                if isinstance(rows, pa.Table):
                    self._insert(table, rows.select(schema.RESULTS[table].names))
                else:
                    self._insert_rows(table, rows)
            self.con.executemany(
                "INSERT OR REPLACE INTO extractions (doc_id, content_hash, version, status, extracted_at) "
                "VALUES (?, ?, ?, 'extracted', current_timestamp)",  # a replace keeps the old default otherwise
                [[d, h, version] for d, h in done],
            )

    # -- corpus stages ----------------------------------------------------------------

    def write_claims(self, docs: list[str], rows: list[dict]) -> None:
        """Replace the claims of these articles, and write the other claims given (those whose group changed)."""
        with self._transaction():
            self.con.execute("DELETE FROM claims WHERE list_contains(?, doc_id)", [docs])
            self._insert_rows("claims", rows, replace=True)

    def write_fused(self, types: list[str], events: list[dict], members: list[dict]) -> None:
        """Replace the fused events of these event types."""
        with self._transaction():
            self.con.execute(
                "DELETE FROM fused_members WHERE fused_id IN (SELECT fused_id FROM fused_events WHERE list_contains(?, type))",
                [types])
            self.con.execute("DELETE FROM fused_events WHERE list_contains(?, type)", [types])
            self._insert_rows("fused_events", events)
            self._insert_rows("fused_members", members)

    def finish_corpus_stages(self, docs: list[str]) -> None:
        self.con.execute("UPDATE extractions SET status = 'done' WHERE list_contains(?, doc_id)", [docs])
