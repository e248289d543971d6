"""The command line as a user runs it: exit codes, summaries, exports, interrupted runs."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from allegiance.outputs.export import EXPORTS

BIN = Path(sys.executable).parent / "allegiance"


def run(*args, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}  # wide enough that Rich tables are not truncated
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=300, env=env, **kw)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, shared) -> Path:
    db = tmp_path_factory.mktemp("cli") / "demo.duckdb"
    seeds, dev = shared / "corpus" / "seeds", shared / "corpus" / "venezuela-allsides-dev.jsonl"
    res = run("ingest", seeds, dev, "--db", db)
    assert res.returncode == 0, res.stderr
    expected = len(list(seeds.glob("*.txt"))) + len(dev.read_text(encoding="utf-8").splitlines())
    assert re.search(rf"ingested \(new\)\s+│\s+{expected}\s+│", res.stdout), res.stdout
    return db


def test_exit_code_2_when_some_inputs_fail(tmp_path, seeds):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00binary")
    res = run("ingest", seeds, bad, tmp_path / "missing.jsonl", "--db", tmp_path / "x.duckdb")
    assert res.returncode == 2
    assert f"failed {bad}: binary file, not text" in res.stderr
    assert "missing.jsonl: no such file or directory" in res.stderr
    assert "│ ingested (new)                │ 5 │" in res.stdout


def test_exit_code_1_when_the_database_cannot_be_opened(tmp_path, seeds):
    not_a_db = tmp_path / "text.duckdb"
    not_a_db.write_text("this is not a database file", encoding="utf-8")
    res = run("ingest", seeds, "--db", not_a_db)
    assert res.returncode == 1 and "cannot open database" in res.stderr


def test_quiet_prints_nothing_on_success(tmp_path, seeds):
    res = run("ingest", seeds, "--db", tmp_path / "q.duckdb", "--quiet")
    assert res.returncode == 0 and res.stdout == "" and res.stderr == ""


def test_export_jsonl_follows_the_contract(demo_db):
    res = run("export", "articles", "--db", demo_db)
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(rows) == 27
    assert all(list(r) == list(EXPORTS["articles"].fields) for r in rows)
    seed = next(r for r in rows if r["doc_id"] == "004_dd666ddaa317e735")
    assert seed["published"] == "2019-01-27" and seed["outlet"] == "The Epoch Times" and seed["language"] == "en"


def test_export_csv_and_parquet(demo_db, tmp_path):
    res = run("export", "articles", "--db", demo_db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == 27 and list(rows[0]) == list(EXPORTS["articles"].fields)
    out = tmp_path / "articles.parquet"
    res = run("export", "articles", "--db", demo_db, "-f", "parquet", "-o", out)
    assert res.returncode == 0
    table = pq.read_table(out)
    assert table.num_rows == 27 and table.column_names == list(EXPORTS["articles"].fields)


def test_export_errors_are_clear(demo_db, tmp_path):
    assert "unknown export 'nope'" in run("export", "nope", "--db", demo_db).stderr
    assert "parquet needs an output file" in run("export", "articles", "--db", demo_db, "-f", "parquet").stderr
    res = run("export", "articles", "--db", tmp_path / "absent.duckdb")
    assert res.returncode == 1 and "run `allegiance ingest` first" in res.stderr


@pytest.fixture(scope="module")
def remixed(shared, tmp_path_factory) -> Path:
    """3,000 distinct articles made of real corpus paragraphs, in a fixed random mix.

    Enough for an ingest to run through many committed batches; distinct enough that de-duplication keeps
    them all. Built from the corpus, never from the benchmark texts."""
    import random

    paragraphs = []
    for name in ("train-crises.jsonl", "venezuela-allsides-dev.jsonl"):
        for line in (shared / "corpus" / name).read_text(encoding="utf-8").splitlines():
            paragraphs += [p for p in json.loads(line)["text"].split("\n") if len(p) > 80]
    rng = random.Random(17)
    path = tmp_path_factory.mktemp("remix") / "remixed.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(3000):
            text = "\n\n".join(rng.sample(paragraphs, 6))
            fh.write(json.dumps({"doc_id": f"remix-{i:04d}", "outlet": "Remix", "text": text}) + "\n")
    return path


def _interrupt(cmd: list[str], sig: int, ready, expect: int, timeout: float = 120) -> None:
    """Start ``cmd`` and send ``sig`` as soon as ``ready()`` holds, so the signal lands mid-run on a fast or a
    loaded machine alike."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    while not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the command finished before it could be interrupted; use a larger input"
    os.kill(proc.pid, sig)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == expect, f"exit {proc.returncode}, expected {expect}; stderr: {err[-2000:]}"


def _committed(db: Path, grown: int = 256 * 1024):
    """A test that becomes true once a writer has committed data to ``db`` (created here if absent): DuckDB
    appends each committed transaction to the write-ahead log or checkpoints it into the file, so the pair
    grows past its size before the run."""
    from allegiance.store import Store

    if not db.exists():
        Store(db).close()
    files = (db, db.with_name(db.name + ".wal"))
    size = lambda: sum(p.stat().st_size for p in files if p.exists())  # noqa: E731
    before = size()
    return lambda: size() > before + grown


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_an_interrupted_ingest_resumes_without_duplicates(remixed, tmp_path, sig):
    db = tmp_path / "resume.duckdb"
    cmd = [str(BIN), "ingest", str(remixed), "--db", str(db), "-q", "--no-extract"]
    _interrupt(cmd, sig, ready=_committed(db), expect=130 if sig == signal.SIGTERM else -signal.SIGKILL)
    res = run("ingest", remixed, "--db", db, "--no-extract")
    assert res.returncode == 0, res.stderr
    skipped = int(res.stdout.split("already stored, skipped")[1].split("│")[1])
    assert skipped > 0  # the first run's committed batches were kept and not redone
    export = run("export", "articles", "--db", db)
    ids = [json.loads(line)["doc_id"] for line in export.stdout.splitlines()]
    assert len(ids) == len(set(ids)) == 3000


def test_an_interrupted_extraction_with_workers_resumes(remixed, tmp_path):
    """SIGTERM while two worker processes extract: a clean stop, nothing half-written, and the next run
    does the rest exactly once (80 articles: the signal comes once the first batch of 32 is stored)."""
    src = tmp_path / "few.jsonl"
    src.write_text("".join(remixed.read_text(encoding="utf-8").splitlines(keepends=True)[:80]), encoding="utf-8")
    db = tmp_path / "extract.duckdb"
    assert run("ingest", src, "--db", db, "-q", "--no-extract").returncode == 0
    cmd = [str(BIN), "extract", "--db", str(db), "--processes", "2", "-q"]
    _interrupt(cmd, signal.SIGTERM, ready=_committed(db, grown=64 * 1024), expect=130)
    res = run("extract", "--db", db, "--processes", "2")
    assert res.returncode == 0, res.stderr
    done_now = int(res.stdout.split("extracted ")[1].split(" article")[0])
    assert 0 < done_now <= 80
    events = [json.loads(line)["event_id"] for line in run("export", "events", "--db", db).stdout.splitlines()]
    assert events and len(events) == len(set(events))
    assert "extracted 0 article(s)" in run("extract", "--db", db).stdout


def test_extract_skips_work_already_done(demo_db):
    res = run("extract", "--db", demo_db)
    assert res.returncode == 0 and "extracted 0 article(s)" in res.stdout


def test_mentions_export_carries_id_name_and_raw_text(demo_db):
    rows = [json.loads(line) for line in run("export", "mentions", "--db", demo_db).stdout.splitlines()]
    assert rows and all(list(r) == list(EXPORTS["mentions"].fields) for r in rows)
    guaydo = next(r for r in rows if r["mention"] == "Guaydo")
    assert (guaydo["actor_id"], guaydo["actor"], guaydo["outlet"]) == ("juan-guaido", "Juan Guaidó", None)
    article = run("export", "articles", "--db", demo_db).stdout
    text = next(json.loads(line)["text"] for line in article.splitlines() if guaydo["doc_id"] in line)
    assert text[guaydo["start"]:guaydo["end"]] == "Guaydo"


def test_unknown_actors_round_trip_through_a_user_file(tmp_path, shared):
    import yaml

    db = tmp_path / "seeds.duckdb"
    assert run("ingest", shared / "corpus" / "seeds", "--db", db, "-q").returncode == 0
    listing = run("actors", "--unknown", "--db", db, "--yaml", "--limit", "500")
    entries = yaml.safe_load(listing.stdout)
    altimari = next(e for e in entries if e["name"] == "Enrique Altimari")
    assert altimari["kind"] == "person" and "Altimari" in altimari["aliases"]
    mine = tmp_path / "mine.yaml"
    mine.write_text(yaml.safe_dump([altimari]), encoding="utf-8")
    assert run("extract", "--db", db, "--force", "--kb", mine, "-q").returncode == 0
    again = yaml.safe_load(run("actors", "--unknown", "--db", db, "--yaml", "--limit", "500").stdout) or []
    assert "Enrique Altimari" not in {e["name"] for e in again}


def test_actors_search(tmp_path):
    res = run("actors", "Padrino")
    assert res.returncode == 0
    first = res.stdout.splitlines()[4]  # title, top rule, header, rule, first row
    assert "vladimir-padrino-lopez" in first and "defence minister (VEN) 2014-10-24" in res.stdout


def test_a_users_trigger_file_adds_events_and_a_bad_one_is_a_clear_error(tmp_path):
    text = tmp_path / "pots.txt"
    text.write_text("Thousands joined a cacerolazo in Caracas on Friday.\n", encoding="utf-8")
    db = tmp_path / "t.duckdb"
    assert run("ingest", text, "--db", db, "-q").returncode == 0
    assert run("export", "events", "--db", db).stdout.strip() == ""  # the built-in lexicon lacks the word
    mine = tmp_path / "mine.yaml"
    mine.write_text("PROTEST:\n  - {phrase: cacerolazo, weight: 0.85}\n", encoding="utf-8")
    assert run("extract", "--db", db, "--force", "--triggers", mine, "-q").returncode == 0
    [event] = [json.loads(line) for line in run("export", "events", "--db", db).stdout.splitlines()]
    assert (event["type"], event["trigger"], event["location"]) == ("PROTEST", "cacerolazo", "Caracas")
    bad = tmp_path / "bad.yaml"
    bad.write_text("PROTEST: nope\n", encoding="utf-8")
    res = run("extract", "--db", db, "--triggers", bad)
    assert res.returncode == 1 and "bad.yaml: PROTEST must list phrases" in res.stderr
