"""The server reads a private snapshot of the store, never the store itself.

DuckDB lets one process write a database file, or any number read it, but not both at once: a reader
cannot open the file while an ingest holds it, and an ingest is refused while a reader holds it. A
server that kept the store open would therefore stop every ingest from starting, and one that opened
it per request would fail requests during an ingest and make ingests fail at random.

So the server copies the store while holding a read lock for the length of the copy only, builds the
API views in the copy (``store/api_views.py``), and answers every request from the copy. A watcher
thread notices when the store file changes; once the writer has finished (the read lock can be taken
again) it takes a new snapshot and switches to it, while requests in flight finish on the old one.
While a writer runs, the server goes on answering from the last snapshot and says so in
``/api/status``. An ingest that starts during the copy itself (a second or so per gigabyte) is refused
with DuckDB's "in use" message, like any command started while another holds the database.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from allegiance.actors.kb import KnowledgeBase, load_kb
from allegiance.outputs.export import EXPORTS
from allegiance.store import Store, StoreError, connect
from allegiance.store.api_queries import latest_run
from allegiance.store.api_views import PY_LAYOUTS, build_views
from allegiance.store.queries import Queries

#: Building the views joins and aggregates whole tables; a fused event's evidence list is an aggregate
#: DuckDB cannot spill to disk, and it sets the need: measured at 10^6 events, 2 GB is enough once the
#: export's final sort is left out (``api_views._unordered``), where 4 GB used to be needed. The rest (the
#: sorts, the joins) spills to the snapshot's folder beyond that. Answering requests keeps the store's cap.
BUILD_CONFIG = {"memory_limit": "2GB", "preserve_insertion_order": False}
#: How often the watcher looks at the store file, in seconds (None: never).
WATCH_INTERVAL = 1.0
FIELDS = {name: spec.fields for name, spec in EXPORTS.items()}


def reader(con: duckdb.DuckDBPyConnection) -> Queries:
    """The store's named queries over one connection (the analyses take a store; they only read)."""
    q = Queries()
    q.con = con
    return q


def _signature(path: Path) -> tuple:
    """What changes whenever a writer has changed the store: the file's and its write-ahead log's stat."""
    out = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st = p.stat()
            out.append((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def take(source: Path, target: Path, kb: KnowledgeBase) -> tuple:
    """Copy the store to ``target`` under a read lock, then build the API views in the copy. Returns the
    source's signature at the time of the copy. Raises StoreError when the store is held by a writer."""
    with Store(source, read_only=True):  # the read lock: no writer can be half-way through
        signature = _signature(source)
        shutil.copyfile(source, target)
        wal = source.with_name(source.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    con = connect(str(target), **BUILD_CONFIG)
    try:
        store = reader(con)
        computed = {name: EXPORTS[name].rows(store, kb) for name in PY_LAYOUTS}
        build_views(con, FIELDS, computed)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return signature


@dataclass(eq=False)
class Generation:
    """One snapshot, open read-only, with the requests using it."""

    path: Path
    taken_at: float
    con: duckdb.DuckDBPyConnection = field(init=False)
    #: the latest ingest run in the snapshot, which every page reports (for ``since``)
    run_id: int | None = field(init=False, default=None)
    users: int = 0
    retired: bool = False

    def __post_init__(self):
        self.con = connect(str(self.path), read_only=True)
        self.run_id = latest_run(self.con)

    def discard(self) -> None:
        self.con.close()
        for p in (self.path, self.path.with_name(self.path.name + ".wal")):
            p.unlink(missing_ok=True)


class NotReady(RuntimeError):
    """No snapshot yet: the store is missing, held by a writer since the server started, or unreadable."""


class Snapshots:
    """The current snapshot, the watcher that replaces it, and what the server tells about both."""

    def __init__(self, source: str | Path, kb: KnowledgeBase | None = None, watch: float | None = WATCH_INTERVAL):
        self.source = Path(source)
        self.kb = kb or load_kb()
        self.workdir = Path(tempfile.mkdtemp(prefix="allegiance-serve-"))
        self._lock = threading.Lock()
        self._current: Generation | None = None
        self._signature: tuple | None = None
        self._serial = 0
        self.problem: str | None = None
        self.checked_at: float | None = None
        self._stop = threading.Event()
        try:
            self.refresh()
        except BaseException:
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise
        self._interval = watch
        self._watcher = threading.Thread(target=self._watch, name="snapshot-watcher", daemon=True) if watch else None
        if self._watcher:
            self._watcher.start()

    def refresh(self) -> bool:
        """Take a new snapshot if the store changed and no writer holds it; True when one was taken."""
        self.checked_at = time.time()
        if not self.source.exists():
            self.problem = f"no database at {self.source}"
            return False
        if self._signature is not None and _signature(self.source) == self._signature:
            self.problem = None
            return False
        self._serial += 1
        target = self.workdir / f"snapshot-{self._serial}.duckdb"
        try:
            signature = take(self.source, target, self.kb)
        except StoreError as exc:
            target.unlink(missing_ok=True)
            self.problem = str(exc)
            return False
        generation = Generation(target, time.time())
        with self._lock:
            old, self._current, self._signature = self._current, generation, signature
            if old is not None:
                old.retired = True
                if old.users == 0:
                    old.discard()
        self.problem = None
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.refresh()
            except Exception as exc:  # noqa: BLE001 - a failed refresh must not end the watcher; it is reported
                self.problem = f"could not take a snapshot: {exc}"

    @contextmanager
    def lease(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, Generation]]:
        """A cursor on the current snapshot, which stays open until the request is done with it."""
        with self._lock:
            generation = self._current
            if generation is None:
                raise NotReady(self.problem or "no snapshot of the database yet")
            generation.users += 1
        cursor = generation.con.cursor()
        try:
            yield cursor, generation
        finally:
            cursor.close()
            with self._lock:
                generation.users -= 1
                if generation.retired and generation.users == 0:
                    generation.discard()

    def leases(self) -> int:
        """How many requests hold the current snapshot."""
        current = self._current
        return 0 if current is None else current.users

    def status(self) -> dict:
        current = self._current
        return {
            "database": str(self.source),
            "snapshot_taken_at": None if current is None else _iso(current.taken_at),
            "checked_at": None if self.checked_at is None else _iso(self.checked_at),
            "stale": self.problem is not None,
            "problem": self.problem,
        }

    def close(self) -> None:
        self._stop.set()
        if self._watcher:
            self._watcher.join(timeout=10)
        with self._lock:
            if self._current is not None:
                self._current.discard()
                self._current = None
        shutil.rmtree(self.workdir, ignore_errors=True)


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
