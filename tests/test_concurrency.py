"""Two commands on one database, as real processes: the second never corrupts anything and never
crashes with a traceback; it fails at once with a message that names the process holding the database.

DuckDB lets one process write a database file, or several read it. So while an ingest runs, a second
ingest, a report or an export is refused with that message; once the ingest is done they see its
committed state, which must be the same as if they had never been tried.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from test_crash import _dump, inputs  # noqa: F401 - the same handful of real articles

from allegiance.store import Store

BIN = Path(sys.executable).parent / "allegiance"
IN_USE = "is in use by another process"


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=600)


def _refused_clearly(res: subprocess.CompletedProcess, pid: int) -> bool:
    return res.returncode == 1 and IN_USE in res.stderr and f"PID {pid}" in res.stderr and "Traceback" not in res.stderr


def test_commands_during_an_ingest_are_refused_clearly_and_change_nothing(inputs, tmp_path):  # noqa: F811
    db = tmp_path / "shared.duckdb"
    writer = subprocess.Popen([str(BIN), "ingest", str(inputs), "--db", str(db), "--processes", "1", "-q"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not db.exists():  # DuckDB creates the file as it takes the lock
        assert writer.poll() is None and time.monotonic() < deadline, writer.stderr.read()
        time.sleep(0.05)
    commands = {
        "ingest": ["ingest", inputs, "--db", db, "--processes", "1", "-q"],
        "report": ["report", "--db", db, "-o", tmp_path / "report.html"],
        "export": ["export", "articles", "--db", db],
    }
    started = {name: subprocess.Popen([str(BIN), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name, args in commands.items()}  # all at once: each takes seconds to start
    during = {}
    for name, proc in started.items():
        out, err = proc.communicate(timeout=600)
        during[name] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    still_running = writer.poll() is None
    _, err = writer.communicate(timeout=600)
    assert writer.returncode == 0, err
    assert still_running, "the ingest finished before the other commands ran; give it more articles"
    for name, res in during.items():
        assert _refused_clearly(res, writer.pid), f"{name}: {res.returncode} {res.stderr}"

    # what the refused commands would have read, read here in process (the commands themselves are tested elsewhere)
    before = _dump(db, tmp_path / "before")
    articles = [json.loads(line)["doc_id"] for line in before["articles"]]
    assert len(articles) == len(set(articles)) == 9
    again = run("ingest", inputs, "--db", db, "--processes", "1")
    assert again.returncode == 0 and re.search(r"already stored, skipped\s+│\s+9\s", again.stdout), again.stdout
    assert _dump(db, tmp_path / "after")["events"] == before["events"] and before["events"]


def test_an_ingest_while_a_reader_holds_the_database_is_refused_clearly(inputs, tmp_path):  # noqa: F811
    """A reader holding the database (a long report) makes an ingest fail with the message, not wait forever
    or corrupt the file; two readers at once are fine."""
    db = tmp_path / "read.duckdb"
    assert run("ingest", inputs / "seeds", "--db", db, "--no-extract", "-q").returncode == 0
    with Store(db, read_only=True):
        res = run("ingest", inputs / "dev.jsonl", "--db", db, "--no-extract", "-q")
        assert _refused_clearly(res, os.getpid()), res.stderr
        other_reader = run("export", "articles", "--db", db)
        assert other_reader.returncode == 0 and len(other_reader.stdout.splitlines()) == 5
    res = run("ingest", inputs / "dev.jsonl", "--db", db, "--no-extract", "-q")
    assert res.returncode == 0, res.stderr
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 9
