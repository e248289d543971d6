"""Benchmark of `allegiance serve` on a store of 1,000,000 events.

The events are real extractions replicated: a store built from real articles (the Venezuela articles of
the shared corpus, or --base) is copied K times inside DuckDB with shifted ids and dates (each replica 3
days later than the one before) until it holds --events events (a replica's worth more at most); articles, extractions, quotes, claims,
labels and fused events are replicated with them (actor mentions are not: the API does not read them).

Then the real `allegiance serve` runs on it, and a bounded loopback load test (--requests per kind, from
--clients concurrent clients) measures the latency of three kinds of request, each with filters drawn at
random from the data: a filtered page of events (with its total count), facet counts over the filtered
events, and the weekly timeline. Reported: p50, p95 and max per kind, against the target p95 < 100 ms;
the server's startup (snapshot and views) time; its peak memory (VmHWM, which includes building the views)
and its resident memory after the load.

    python scripts/bench_serve.py [--events 1000000] [--requests 300] [--clients 4] [--json out.json]
                                  [--baseline-src OTHER_TREE/src]

With --baseline-src, the server of another source tree is measured first on the same store, and the
figures are reported side by side (the machine's load changes less within one run than between runs).
Every request is a new random draw of filters and the server caches no answer: these are cold latencies.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BIN = Path(sys.executable).parent / "allegiance"
TARGET_MS = 100

# Replicas: every key gets the replica number appended, every day moves by 3 days per replica.
_SHIFT = "CASE WHEN length({c}) = 10 THEN strftime(CAST({c} AS DATE) + CAST(r.k * 3 AS INTEGER), '%Y-%m-%d') ELSE {c} END"
REPLICATE = [
    """INSERT INTO articles SELECT a.* REPLACE (a.doc_id || '~' || r.k AS doc_id,
           a.published + CAST(r.k * 3 AS INTEGER) AS published,
           a.duplicate_of || '~' || r.k AS duplicate_of, a.content_hash || '~' || r.k AS content_hash,
           a.source_hash || '~' || r.k AS source_hash) FROM base_articles a, reps r""",
    "INSERT INTO extractions SELECT x.* REPLACE (x.doc_id || '~' || r.k AS doc_id) FROM base_extractions x, reps r",
    f"""INSERT INTO events SELECT e.* REPLACE (e.doc_id || '~' || r.k AS doc_id, {_SHIFT.format(c='e.date')} AS date)
        FROM base_events e, reps r""",
    "INSERT INTO quotes SELECT q.* REPLACE (q.doc_id || '~' || r.k AS doc_id) FROM base_quotes q, reps r",
    "INSERT INTO labels SELECT l.* REPLACE (l.doc_id || '~' || r.k AS doc_id) FROM base_labels l, reps r",
    """INSERT INTO claims SELECT c.* REPLACE (c.claim_id || '~' || r.k AS claim_id, c.doc_id || '~' || r.k AS doc_id,
           c.group_id || '~' || r.k AS group_id) FROM base_claims c, reps r""",
    f"""INSERT INTO fused_events SELECT f.* REPLACE (f.fused_id || '~' || r.k AS fused_id,
           {_SHIFT.format(c='f.date')} AS date, f.first_reported + CAST(r.k * 3 AS INTEGER) AS first_reported)
        FROM base_fused_events f, reps r""",
    """INSERT INTO fused_members SELECT m.* REPLACE (m.fused_id || '~' || r.k AS fused_id, m.doc_id || '~' || r.k AS doc_id)
        FROM base_fused_members m, reps r""",
]
TABLES = ["articles", "extractions", "events", "quotes", "labels", "claims", "fused_events", "fused_members"]


def base_store(work: Path, given: Path | None) -> Path:
    if given:
        return given
    db = work / "base.duckdb"
    if not db.exists():
        inputs = [SHARED / "corpus" / "seeds", SHARED / "corpus" / "venezuela-allsides-dev.jsonl"]
        res = subprocess.run([str(BIN), "ingest", *map(str, inputs), "--db", str(db), "-q"], text=True,
                             capture_output=True)
        if res.returncode not in (0, 2):
            sys.exit(f"building the base store failed: {res.stderr}")
    return db


def replicate(base: Path, big: Path, events: int) -> dict:
    """Copy the base store and replicate its rows inside DuckDB until it holds at least ``events`` events.
    A store built by an earlier run is reused as it is (delete it, or pass --rebuild, to build it again)."""
    if big.exists():
        con = duckdb.connect(str(big), read_only=True)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}
        con.close()
        if counts["events"] >= events:
            return {"reused": True, "counts": counts, "bytes": big.stat().st_size}
    shutil.copyfile(base, big)
    started = time.perf_counter()
    con = duckdb.connect(str(big))
    have = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    replicas = math.ceil(events / have) - 1
    for t in TABLES:
        con.execute(f"CREATE TEMP TABLE base_{t} AS SELECT * FROM {t}")
    con.execute("CREATE TEMP TABLE reps AS SELECT range AS k FROM range(1, ?)", [replicas + 1])
    con.execute("BEGIN TRANSACTION")
    for sql in REPLICATE:
        con.execute(sql)
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}
    con.close()
    return {"base_events": have, "replicas": replicas + 1, "counts": counts,
            "seconds": round(time.perf_counter() - started, 1), "bytes": big.stat().st_size}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory(pid: int) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0]) // 1024  # MB
    return fields


def scenarios(client: httpx.Client, rng: random.Random) -> dict:
    """Filter values drawn from the data itself, so that every request selects something."""
    facets = client.get("/api/events", params={"limit": 1, "facet": ["type", "country", "status", "outlet"]}).json()
    values = {k: [v["value"] for v in vs if v["value"]] for k, vs in facets["facets"].items()}
    first, last = client.get("/api/status").json()["days"]

    def filters() -> dict:
        f = {}
        for key in rng.sample(["type", "country", "status", "outlet", "dates"], k=rng.randint(1, 3)):
            if key == "dates":
                span = (int(last[:4]) - int(first[:4])) or 1
                year = int(first[:4]) + rng.randrange(span)
                f["from"], f["to"] = f"{year}-01-01", f"{year}-06-30"
            else:
                f[key] = rng.choice(values[key])
        return f

    return {
        "filtered events page": lambda: ("/api/events", {**filters(), "limit": 50, "order": rng.choice(["asc", "desc"])}),
        "facet counts": lambda: ("/api/events", {**filters(), "limit": 1,
                                                  "facet": ["type", "status", "country", "outlet", "plover"]}),
        "timeline": lambda: ("/api/timeline", {**filters(), "interval": "week"}),
    }


def load(url: str, requests: int, clients: int, seed: int) -> dict:
    rng = random.Random(seed)
    results = {}
    with httpx.Client(base_url=url, timeout=120) as client:
        kinds = scenarios(client, rng)
        for name, make in kinds.items():
            calls = [make() for _ in range(requests)]

            def timed(call):
                path, params = call
                t = time.perf_counter()
                res = client.get(path, params=params)
                res.raise_for_status()
                return (time.perf_counter() - t) * 1000

            for call in calls[:5]:  # warm-up, not counted
                timed(call)
            with ThreadPoolExecutor(clients) as pool:
                ms = sorted(pool.map(timed, calls))
            results[name] = {"requests": len(ms), "p50_ms": round(statistics.median(ms), 1),
                             "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1), "max_ms": round(ms[-1], 1),
                             "target_p95_ms": TARGET_MS}
    return results


def serve_and_load(big: Path, args, env: dict) -> dict:
    """Start `allegiance serve` on the store (with ``env`` added to the environment), wait until it answers,
    run the load test, and stop it: its startup time, latencies and memory."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen([str(BIN), "serve", "--db", str(big), "--port", str(port)], env={**os.environ, **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    out: dict = {}
    try:
        with httpx.Client(base_url=url, timeout=5) as client:
            while True:
                if server.poll() is not None:
                    sys.exit(f"the server stopped: {server.stderr.read()}")
                try:
                    if client.get("/api/status").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
        out["startup_seconds"] = round(time.perf_counter() - started, 1)
        print(f"server ready in {out['startup_seconds']} s; load test ...", flush=True)
        out["load"] = load(url, args.requests, args.clients, args.seed)
        out["server_memory_mb"] = memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300, help="requests per kind")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--base", type=Path, help="a store to replicate (default: built from the Venezuela articles)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/allegiance-bench-serve"))
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--baseline-src", type=Path,
                        help="a source tree (its src/ folder) to measure first, on the same store, in the same run: "
                             "e.g. `git worktree add /tmp/base main` then /tmp/base/src")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    big = args.work / f"serve-{args.events}.duckdb"
    report: dict = {"events": args.events}
    print(f"replicating real extractions to {args.events:,} events in {big} ...", flush=True)
    report["store"] = replicate(base_store(args.work, args.base), big, args.events)
    print(json.dumps(report["store"]), flush=True)

    report["clients"] = args.clients
    report["load_average_before"] = os.getloadavg()
    if args.baseline_src:
        print(f"the baseline: the server from {args.baseline_src} ...", flush=True)
        report["baseline"] = serve_and_load(big, args, {"PYTHONPATH": str(args.baseline_src)})
    print("this tree's server ...", flush=True)
    report.update(serve_and_load(big, args, {}))
    report["load_average_after"] = os.getloadavg()
    print(json.dumps(report, indent=2))
    print(f"\n{'request':24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target p95 < {TARGET_MS} ms")
    for name, r in report["load"].items():
        verdict = "ok" if r["p95_ms"] < TARGET_MS else "MISSED"
        before = report.get("baseline", {}).get("load", {}).get(name)
        ratio = f"  baseline p95 {before['p95_ms']} ms, x{before['p95_ms'] / r['p95_ms']:.1f} faster" if before else ""
        print(f"{name:24} {r['p50_ms']:8} {r['p95_ms']:8} {r['max_ms']:8}  {verdict}{ratio}")
    for label, run in (("baseline", report.get("baseline")), ("this tree", report)):
        if run:
            mem = run["server_memory_mb"]
            print(f"{label}: startup {run['startup_seconds']} s, server memory peak {mem['VmHWM']} MB (building the "
                  f"views included), resident after the load {mem['VmRSS']} MB")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
