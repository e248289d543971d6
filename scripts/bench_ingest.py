"""Ingest benchmark: rate, memory over the run, and a re-ingest, against a same-run baseline.

The baseline is the bare cost of reading the same input (gunzip + JSON
decoding every line); ingest speed is reported as a multiple of it, since
absolute seconds on a shared machine mean little.

    python scripts/bench_ingest.py [--input FILE] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import tempfile
import time
from pathlib import Path

from allegiance.reading.ingest import ingest
from allegiance.store import Store

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = ROOT.parent / "shared" / "bench" / "allsides-10k.jsonl.gz"


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def baseline(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    n = 0
    with gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb") as fh:
        for line in fh:
            json.loads(line)
            n += 1
    return time.perf_counter() - start, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = args.input
        if args.limit:
            src = Path(tmp) / "input.jsonl"
            with gzip.open(args.input, "rt", encoding="utf-8") as fh, open(src, "w", encoding="utf-8") as out:
                out.writelines(itertools.islice(fh, args.limit))
        base_s, n_lines = baseline(src)
        samples: list[tuple[int, float]] = []
        count = 0

        def on_article(_):
            nonlocal count
            count += 1
            if count % 1000 == 0:
                samples.append((count, rss_mb()))

        db = Path(tmp) / "bench.duckdb"
        rss_start = rss_mb()
        with Store(db) as store:
            t0 = time.perf_counter()
            first = ingest([src], store, on_article=on_article)
            first_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            second = ingest([src], store)
            second_s = time.perf_counter() - t0
            stored = store.count_articles()
    print(f"input: {args.input.name}, {n_lines} lines")
    print(f"baseline (gunzip + json.loads): {base_s:.2f}s, {n_lines / base_s:,.0f} articles/s")
    print(f"ingest: {first_s:.1f}s, {first.counts['new'] / first_s:,.0f} articles/s, "
          f"{first_s / base_s:.1f}x the baseline time; failed {first.failed}")
    print(f"re-ingest: {second_s:.1f}s ({second_s / base_s:.1f}x baseline), new {second.counts['new']}, "
          f"skipped {second.counts['unchanged']}; articles stored: {stored}")
    print(f"RSS at start of ingest: {rss_start:.0f} MB; during ingest (every 1000 articles): "
          + ", ".join(f"{n}:{mb:.0f}" for n, mb in samples))
    growth = (samples[-1][1] - samples[0][1]) if len(samples) > 1 else 0.0
    print(f"RSS growth from the first to the last sample: {growth:+.0f} MB")


if __name__ == "__main__":
    main()
