"""Crash loop: a real `allegiance ingest` (with extraction) is killed with SIGKILL at random points and
resumed each time; the result must equal an uninterrupted run's, row for row.

SIGKILL cannot be caught, so this is what a power cut or the OOM killer does: whatever DuckDB had not
committed is lost, and the next run must neither lose nor repeat anything. The whole process group is
killed (the extraction workers too), as a machine crash would.

``ALLEGIANCE_CRASH_KILLS`` sets the number of kills (``make stress`` runs 20); ``ALLEGIANCE_CRASH_REPORT``
names a JSON file that receives the figures of the run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

from allegiance.outputs.export import export
from allegiance.store import INTERRUPTS, Store, schema

BIN = Path(sys.executable).parent / "allegiance"
KILLS = int(os.environ.get("ALLEGIANCE_CRASH_KILLS", "3"))
#: What must be identical after the crashes; each export is ordered, so equal files mean equal tables.
COMPARED = ("articles", "mentions", "events", "quotes", "labels", "claims", "fused-events")
DEV_RECORDS = 4


@pytest.fixture(scope="module")
def inputs(few_articles, tmp_path_factory) -> Path:
    """A handful of real articles: the seeds, and a few records of the dev file."""
    return few_articles(tmp_path_factory.mktemp("crash-inputs"), DEV_RECORDS)


def _command(inputs: Path, db: Path) -> list[str]:
    return [str(BIN), "ingest", str(inputs), "--db", str(db), "--processes", "2", "-q"]


def _dump(db: Path, folder: Path) -> dict[str, list[str]]:
    folder.mkdir(exist_ok=True)
    tables = {}
    with Store(db, read_only=True) as store:
        for what in COMPARED:
            out = folder / f"{what}.jsonl"
            export(store, what, "jsonl", out)
            tables[what] = out.read_text(encoding="utf-8").splitlines()
    return tables


def test_sigkill_at_random_points_loses_and_repeats_nothing(inputs, tmp_path):
    started = time.monotonic()
    reference = tmp_path / "reference.duckdb"
    res = subprocess.run(_command(inputs, reference), capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    clean_run = time.monotonic() - started
    expected = _dump(reference, tmp_path / "expected")
    assert len(expected["articles"]) == 5 + DEV_RECORDS and expected["events"] and expected["quotes"]
    assert expected["fused-events"]

    rng = random.Random(18)
    db = tmp_path / "crashed.duckdb"
    kills, finished, runs = [], 0, 0
    while len(kills) < KILLS:
        at = rng.uniform(0.5, clean_run)
        proc = subprocess.Popen(_command(inputs, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        runs += 1
        try:
            proc.wait(timeout=at)
            finished += 1  # it completed before the kill: the next run must then find nothing to do
            assert proc.returncode == 0, proc.stderr.read()
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
            kills.append(round(at, 2))
        finally:
            proc.stderr.close()
    res = subprocess.run(_command(inputs, db), capture_output=True, text=True, timeout=600)
    runs += 1
    assert res.returncode == 0, res.stderr
    got = _dump(db, tmp_path / "got")

    ids = [json.loads(line)["doc_id"] for line in got["articles"]]
    assert len(ids) == len(set(ids)), "an article was stored twice"
    assert set(ids) == {json.loads(line)["doc_id"] for line in expected["articles"]}, "an article was lost"
    for what in COMPARED:
        assert got[what] == expected[what], f"{what} differ from the uninterrupted run's"
    if os.environ.get("ALLEGIANCE_CRASH_REPORT"):
        Path(os.environ["ALLEGIANCE_CRASH_REPORT"]).write_text(json.dumps({
            "kills": len(kills), "kill_times_s": kills, "runs": runs, "finished_before_kill": finished,
            "uninterrupted_run_s": round(clean_run, 1), "articles": len(ids),
            **{f"{what} rows": len(expected[what]) for what in COMPARED},
        }, indent=1), encoding="utf-8")


def test_an_interrupt_during_a_batch_insert_is_an_interrupt(tmp_path):
    """A SIGTERM (Ctrl-C) that lands while DuckDB scans a batch of articles used to come out as a bare
    RuntimeError, masked by "Current transaction is aborted": ingest ended with a traceback instead of
    stopping cleanly. The signal arrives here by a timer while one large batch is inserted."""
    n = 50_000
    text = pa.array([f"word {i} " * 20 for i in range(n)])
    batch = pa.Table.from_arrays([text if f.type == pa.string() and f.name != "extra" else pa.nulls(n, f.type)
                                  for f in schema.ARTICLES], schema=schema.ARTICLES)
    with Store(tmp_path / "i.duckdb") as store:
        old = signal.signal(signal.SIGALRM, signal.default_int_handler)
        signal.setitimer(signal.ITIMER_REAL, 0.02)
        try:
            with pytest.raises(INTERRUPTS), store._transaction():  # the layer the writes share, below write_batch
                store._insert("articles", batch)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
        assert store.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0  # nothing half-written
        with store._transaction():
            store._insert("articles", batch.slice(0, 10))  # and the store takes the next batch
        assert store.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 10
