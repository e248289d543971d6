"""The Ray engine on a real local Ray cluster (2 worker CPUs) started by this module: it stores what the
local engine stores, row for row and id for id, and a worker process killed mid-run loses and repeats
nothing; workers kept between runs serve the next run alike.

One cluster serves the whole module; the input is a handful of real articles (the seeds and a few
records of the dev file), so the module stays within the CI budget.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
import ray
from typer.testing import CliRunner

from allegiance.actors.kb import KnowledgeBase
from allegiance.cli import app
from allegiance.engine.ray_extract import Workers, extract_ray
from allegiance.extraction.pipeline import Extractor, extract
from allegiance.outputs.export import export
from allegiance.reading.ingest import ingest
from allegiance.store import Store

COMPARED = ("mentions", "events", "quotes", "labels", "claims", "fused-events")
DEV_RECORDS = 3


@pytest.fixture(scope="module")
def cluster():
    """A real Ray cluster on this machine, kept small: two CPUs, so two workers, and a small object store."""
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=100 * 2**20, logging_level="WARNING",
             log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def ingested(few_articles, tmp_path_factory) -> Path:
    """A database holding the articles, not yet extracted: each test extracts a copy of it."""
    folder = few_articles(tmp_path_factory.mktemp("ray-inputs"), DEV_RECORDS)
    db = folder / "ingested.duckdb"
    with Store(db) as store:
        summary = ingest([folder], store)
    assert summary.counts["new"] == 5 + DEV_RECORDS and not summary.failed
    return db


def _copy(db: Path, to: Path) -> Path:
    shutil.copyfile(db, to)
    return to


def _dump(db: Path, folder: Path) -> dict[str, list[str]]:
    folder.mkdir(exist_ok=True)
    tables = {}
    with Store(db, read_only=True) as store:
        for what in COMPARED:
            export(store, what, "jsonl", folder / f"{what}.jsonl")
            tables[what] = (folder / f"{what}.jsonl").read_text(encoding="utf-8").splitlines()
        tables["extracted"] = store.con.execute(
            "SELECT doc_id, content_hash, version, status FROM extractions ORDER BY doc_id").fetchall()
    return tables


@pytest.fixture(scope="module")
def expected(ingested, tmp_path_factory) -> dict[str, list[str]]:
    """What the local engine stores. One process: forking a test process that runs Ray's threads is unsafe,
    and the local engine stores the same rows with any number of processes (tests/test_crash.py)."""
    folder = tmp_path_factory.mktemp("ray-local")
    db = _copy(ingested, folder / "local.duckdb")
    with Store(db) as store:
        summary = extract(store, Extractor(KnowledgeBase.load()), processes=1)
    assert summary.counts["extracted"] == 5 + DEV_RECORDS
    tables = _dump(db, folder / "out")
    assert all(tables[what] for what in ("mentions", "events", "quotes", "labels", "claims", "fused-events"))
    return tables


def test_ray_engine_stores_what_the_local_engine_stores(cluster, ingested, expected, tmp_path):
    db = _copy(ingested, tmp_path / "ray.duckdb")
    res = CliRunner().invoke(app, ["extract", "--db", str(db), "--engine", "ray", "--processes", "2"])
    assert res.exit_code == 0, res.output
    assert f"extracted {5 + DEV_RECORDS} article(s)" in res.output
    got = _dump(db, tmp_path / "out")
    for what in expected:
        assert got[what] == expected[what], what
    assert not Path(f"{db}.parts").exists()  # the Parquet landing files are loaded, then removed


def _extract_workers() -> dict[int, str]:
    """pid -> process title of this machine's Ray extraction workers (Ray titles a worker by its actor class,
    and by the method while one runs)."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                title = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")[0].decode()
            except OSError:
                continue
            if title.startswith("ray::ExtractWorker"):
                found[int(entry)] = title
    return found


def test_a_worker_killed_mid_run_loses_and_repeats_nothing(cluster, ingested, expected, tmp_path):
    db = _copy(ingested, tmp_path / "killed.duckdb")
    killed: list[int] = []
    before: dict[int, str] = {}

    def kill_a_busy_worker(_doc_id: str) -> None:
        if killed:
            return
        before.update(_extract_workers())
        busy = sorted(pid for pid, title in before.items() if ".extract" in title)
        assert busy, f"no worker busy after the first article: {before}"
        os.kill(busy[0], signal.SIGKILL)
        killed.append(busy[0])

    kb = KnowledgeBase.load()
    pool = Workers(kb, workers=2)
    try:
        with Store(db) as store:
            summary = extract_ray(store, kb, Path(f"{db}.parts"), on_article=kill_a_busy_worker, pool=pool)
        assert killed and not summary.interrupted
        assert summary.counts["extracted"] == 5 + DEV_RECORDS
        got = _dump(db, tmp_path / "out")
        for what in expected:
            assert got[what] == expected[what], what
        with Store(db, read_only=True) as store:
            assert store.con.execute(
                "SELECT count(*) - count(DISTINCT (doc_id, mention_id)) FROM mentions").fetchall() == [(0,)]
        # the same workers, one of them restarted, serve the next run of a driver that stays up
        again = _copy(ingested, tmp_path / "again.duckdb")
        with Store(again) as store:
            extract_ray(store, kb, Path(f"{again}.parts"), pool=pool)
        assert _dump(again, tmp_path / "again") == expected
    finally:
        pool.close()
