"""The store's schema is explicit and versioned; migrations run once, in order."""

from __future__ import annotations

import duckdb
import pytest

from allegiance.store import Store, StoreError, migrations


def test_fresh_database_is_at_the_latest_version(tmp_path):
    latest = max(v for v, _ in migrations())
    with Store(tmp_path / "a.duckdb") as store:
        assert store.schema_version() == latest
        tables = {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {"articles", "errors", "runs", "schema_version"} <= tables


def test_reopening_does_not_rerun_migrations(tmp_path):
    path = tmp_path / "b.duckdb"
    Store(path).close()
    with Store(path) as store:
        assert store.con.execute("SELECT count(*) FROM schema_version").fetchall()[0][0] == len(migrations())


def test_read_only_open_of_an_old_schema_is_refused(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
    con.close()
    with pytest.raises(StoreError, match="older schema"):
        Store(path, read_only=True)


def test_runs_are_recorded(store, seeds):
    from allegiance.reading.ingest import ingest

    ingest([seeds], store)
    status, counts = store.con.execute("SELECT status, counts FROM runs").fetchall()[0]
    assert status == "done" and '"new": 5' in counts
