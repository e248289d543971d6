"""Scaling benchmark: the local and Ray engines at 1 and 2 workers against a bare spaCy pipe, and memory
against corpus size. Every ratio compares figures measured in this one run; beside articles per second,
CPU seconds per article (driver and workers), which the other jobs of a shared machine change less.

1. Throughput. The first ``--articles`` English articles of the benchmark file are ingested once; then
   each of bare ``spacy.load(...).pipe(n_process=k)``, ``extract`` (local engine, k processes) and
   ``extract_ray`` (k Ray workers on a local cluster of 2 CPUs) runs over them for k = 1 and 2, each on
   its own copy of the store and in a process of its own. "ray" includes starting its workers (each loads
   the pipeline), as a command does; "ray (warm)" runs on workers started before (``Workers``), as a driver
   that stays up does. Every pipeline but cold Ray's first reads ``WARMUP`` other articles, so the timed
   texts are new to all of them and none starts with empty caches.
2. Memory against corpus size. For each of ``--sizes``, the benchmark file is replicated to that many
   records with new ids, in order of publication, each copy dated one span of the file later (a corpus
   growing over time), and ingested without extraction by the ``allegiance ingest`` command in its own
   process (its peak memory); then ``--window`` of those articles are extracted on Ray with 2 workers
   while the rest count as extracted already: memory must not depend on how many articles the store holds.

    python scripts/bench_scale.py [--articles 96] [--sizes 2000,10000] [--window 48] [--skip-sizes]
                                  [--skip-throughput]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import itertools
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ray
import spacy
from benchmem import command, memory_peaks, title

from allegiance.actors.kb import KnowledgeBase
from allegiance.engine.ray_extract import Workers, extract_ray
from allegiance.extraction.pipeline import VERSION, Extractor, extract
from allegiance.parsing.nlp import MODEL
from allegiance.reading.ingest import ingest
from allegiance.store import Store

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench" / "allsides-10k.jsonl.gz"
#: Articles every engine's pipeline reads before a timed run (after the timed ones in the benchmark file).
WARMUP = 32


def ray_worker(pid: int) -> bool:
    return title(pid).startswith("ray::ExtractWorker")


def forked_worker(pid: int) -> bool:
    """A process forked by the local engine or spaCy: it has this process's command line (Ray's own Python
    daemons, also below this process, start with the same interpreter but run another script)."""
    return command(pid) == command(os.getpid())


def slice_of(n: int, to: Path) -> Path:
    with gzip.open(BENCH, "rt", encoding="utf-8") as fh:
        to.write_text("".join(itertools.islice(fh, n)), encoding="utf-8")
    return to


def replicated(n: int, to: Path) -> Path:
    """``n`` records cycling through the benchmark file in order of publication, copy k of a record with id
    ``<id>~k``, a line naming the copy (so its text differs) and a date k spans of the file later: a corpus
    that grows over time at the file's daily rate, as a feed's does, rather than k copies piled on the same
    days (the near-duplicate index holds the days near what is read, so it is the daily rate it follows)."""
    with gzip.open(BENCH, "rt", encoding="utf-8") as fh:
        records = sorted((json.loads(line) for line in fh), key=lambda r: str(r.get("published") or ""))
    dates = [_date(r) for r in records]
    span = (max(d for d in dates if d) - min(d for d in dates if d)).days + 1
    with open(to, "w", encoding="utf-8") as out:
        for written in range(n):
            copy, i = divmod(written, len(records))
            rec = dict(records[i])
            if copy:
                rec["doc_id"] = f"{rec.get('doc_id', i)}~{copy}"
                rec["text"] = f"{rec.get('text') or ''}\n\nReplica {copy} of this report."
                if dates[i]:
                    rec["published"] = str(dates[i] + dt.timedelta(copy * span))
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return to


def _date(rec: dict) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(rec.get("published") or "")[:10])
    except ValueError:
        return None


def throughput(tmp: Path, articles: int) -> list[dict]:
    """Every (engine, workers) run in a process of its own (``--run``), so none inherits a pipeline, caches or
    memory another run left behind."""
    base = tmp / "base.duckdb"
    with Store(base) as store:
        ingest([slice_of(articles + WARMUP, tmp / "slice.jsonl")], store)
        ids = [i for (i,) in store.con.execute("SELECT doc_id FROM articles WHERE language = 'en' ORDER BY doc_id").fetchall()]
        # the warm-up articles are not extracted in the timed runs: they count as extracted already
        store.con.execute("INSERT INTO extractions (doc_id, content_hash, version, status) SELECT doc_id, content_hash, "
                          "?, 'done' FROM articles WHERE doc_id IN (SELECT unnest(?))", [VERSION, ids[articles:]])
    results = []
    for k in (1, 2):
        for engine in ("bare spaCy", "local", "ray", "ray (warm)"):
            out = subprocess.run([sys.executable, __file__, "--run", engine, str(k), str(tmp)], check=True,
                                 stdout=subprocess.PIPE, text=True).stdout
            results.append(json.loads(out.splitlines()[-1]))
    return results


def one_run(engine: str, k: int, tmp: Path) -> dict:
    """One timed run over the store's articles still to extract, after a warm-up on the ``WARMUP`` others.

    Every engine but "ray" first runs its pipeline over the warm-up texts in the process that parses them or
    forks the processes that do: spaCy's vocabulary and our lemma and rule caches then hold the common words,
    as after the first minutes of a long run, and no run sees the timed texts twice. "ray" starts cold, with its
    workers, as one ``allegiance extract --engine ray`` command does."""
    base = tmp / "base.duckdb"
    with Store(base) as store:
        rows = store.con.execute("""SELECT doc_id, text, published, outlet, e.doc_id IS NOT NULL FROM articles
                                    LEFT JOIN extractions e USING (doc_id) WHERE language = 'en' ORDER BY doc_id""").fetchall()
    timed = [r[:4] for r in rows if not r[4]]
    warmup = [r[:4] for r in rows if r[4]]
    texts = [text for _, text, _, _ in timed]
    db = shutil.copyfile(base, tmp / f"{engine}-{k}.duckdb".replace(" ", "-").replace("(", "").replace(")", ""))
    kb = KnowledgeBase.load()
    extra = {}
    if engine == "bare spaCy":
        nlp = spacy.load(MODEL)
        for _ in nlp.pipe([text for _, text, _, _ in warmup], batch_size=16):
            pass
        with memory_peaks(forked_worker) as mem:
            t0 = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=16, n_process=k):
                pass
            s = time.perf_counter() - t0
    elif engine == "local":
        extractor = Extractor(kb)
        extractor.chunk(warmup)
        with Store(db) as store, memory_peaks(forked_worker) as mem:
            t0 = time.perf_counter()
            extract(store, extractor, processes=k)
            s = time.perf_counter() - t0
    else:
        local_ray()
        pool = None
        if engine == "ray (warm)":
            pool, extra["startup"] = started_workers(kb, k)
            ray.get([actor.extract.remote(pool.shared, warmup) for actor in pool.actors])
        with Store(db) as store, memory_peaks(ray_worker) as mem:
            t0 = time.perf_counter()
            extract_ray(store, kb, Path(f"{db}.parts"), workers=k, pool=pool)
            s = time.perf_counter() - t0
        ray.shutdown()
    return {"engine": engine, "workers": k, "n": len(timed), "s": s, **mem, **extra}


def local_ray() -> None:
    """A local cluster of 2 CPUs, quiet as the command's: the notice that Ray turned token authentication on
    (its default for a local cluster) is left out, its warnings and errors are not."""
    logging.getLogger("ray._private.authentication.authentication_token_setup").setLevel(logging.ERROR)
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=200 * 2**20, logging_level="WARNING",
             log_to_driver=False)


def started_workers(kb: KnowledgeBase, workers: int) -> tuple[Workers, float]:
    """``workers`` new Ray workers, and the seconds until all have loaded the pipeline, knowledge base and
    models (each answers an empty chunk): the part of a run that does not depend on how many articles it has."""
    t0 = time.perf_counter()
    pool = Workers(kb, workers=workers)
    ray.get([actor.extract.remote(pool.shared, []) for actor in pool.actors])
    return pool, time.perf_counter() - t0


def by_size(tmp: Path, sizes: list[int], window: int, kb: KnowledgeBase) -> list[dict]:
    results = []
    for size in sizes:
        db = tmp / f"size-{size}.duckdb"
        src = replicated(size, tmp / f"size-{size}.jsonl")
        # the command a user runs, in its own process, so its peak memory is its own
        t0 = time.perf_counter()
        cmd = subprocess.Popen([sys.executable, "-c", "from allegiance.cli import app; app()", "ingest", str(src), "--db", str(db),
                                "--no-extract", "--quiet"])
        _, status, usage = os.wait4(cmd.pid, 0)
        ingest_s = time.perf_counter() - t0
        if status:
            raise SystemExit(f"ingest of {size:,} articles failed ({status})")
        with Store(db) as store:
            stored = store.con.execute("SELECT count(*), count(*) FILTER (duplicate_of IS NULL) FROM articles").fetchone()
            # the benchmark's setup, not the product: every article but the last `window` counts as extracted
            store.con.execute(
                """INSERT INTO extractions (doc_id, content_hash, version, status)
                   SELECT doc_id, content_hash, ?, 'done' FROM articles
                   ORDER BY doc_id LIMIT greatest((SELECT count(*) FROM articles) - ?, 0)""", [VERSION, window])
            with memory_peaks(ray_worker) as mem:
                t0 = time.perf_counter()
                done = extract_ray(store, kb, Path(f"{db}.parts"), workers=2)
                s = time.perf_counter() - t0
        results.append({"size": size, "stored": stored[0], "originals": stored[1], "ingest_s": ingest_s,
                        "db_kb": db.stat().st_size / 1024 / max(1, stored[0]),
                        "ingest_rss": usage.ru_maxrss / 1024, "extracted": done.counts["extracted"], "s": s, **mem})
        db.unlink()
        src.unlink()
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=96, help="articles in the throughput runs")
    ap.add_argument("--sizes", default="2000,10000", help="corpus sizes for the memory runs (the issue: 10000,100000)")
    ap.add_argument("--window", type=int, default=48, help="articles extracted at each corpus size")
    ap.add_argument("--skip-sizes", action="store_true", help="only the throughput runs")
    ap.add_argument("--skip-throughput", action="store_true", help="only the memory runs")
    ap.add_argument("--run", nargs=3, metavar=("ENGINE", "WORKERS", "TMP"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        print(json.dumps(one_run(args.run[0], int(args.run[1]), Path(args.run[2]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        runs = [] if args.skip_throughput else throughput(Path(tmp), args.articles)
        if not args.skip_sizes:
            kb = KnowledgeBase.load()
            local_ray()
            try:
                sizes = by_size(Path(tmp), [int(s) for s in args.sizes.split(",")], args.window, kb)
            finally:
                ray.shutdown()
        else:
            sizes = []
    if runs:
        report_throughput(runs)
    for r in sizes:
        print(f"corpus of {r['size']:,} ({r['originals']:,} originals): ingest {r['ingest_s']:.0f}s, "
              f"peak {r['ingest_rss']:.0f} MB RSS, {r['db_kb']:.1f} KB per stored article; "
              f"{r['extracted']} extracted on 2 Ray workers in {r['s']:.0f}s: largest worker {r['worker']:.0f} MB RSS, "
              f"driver {r['self']:.0f} MB RSS, driver+workers {r['group']:.0f} MB PSS")


def report_throughput(runs: list[dict]) -> None:
    rate = {(r["engine"], r["workers"]): r["n"] / r["s"] for r in runs}
    cpu = {(r["engine"], r["workers"]): r["cpu"] / r["n"] for r in runs}
    print(f"throughput over {runs[0]['n']} English articles (articles/s; CPU seconds per article, of the driver and "
          "its workers; peak memory in MB: RSS of the largest worker and of the driver, PSS of the driver and its "
          "workers; Ray's own daemons left out)")
    for r in runs:
        print(f"  {r['engine']:10s} {r['workers']} worker(s): {r['n'] / r['s']:5.2f}/s ({r['s']:6.1f}s)  "
              f"cpu {r['cpu'] / r['n']:.2f} s/article  largest worker {r['worker'] or r['self']:5.0f}  "
              f"driver {r['self']:5.0f}  driver+workers {r['group']:5.0f}"
              + (f"  (workers started before, in {r['startup']:.1f}s)" if "startup" in r else ""))
    for k in (1, 2):
        print(f"  {k} worker(s), against bare spaCy (rate; CPU per article): " + ", ".join(
            f"{engine} {rate[engine, k] / rate['bare spaCy', k]:.2f}; {cpu['bare spaCy', k] / cpu[engine, k]:.2f}"
            for engine in ("local", "ray", "ray (warm)")))
    print("  scaling 1 -> 2 workers: " + ", ".join(
        f"{engine} {rate[engine, 2] / rate[engine, 1]:.2f}x" for engine in ("bare spaCy", "local", "ray", "ray (warm)")))


if __name__ == "__main__":
    main()
