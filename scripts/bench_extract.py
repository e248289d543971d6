"""Extraction benchmark: our extract stage against a bare spaCy pipeline over the same texts.

Both runs parse the same 500 articles of the benchmark corpus with two processes in the same
session; the figure that matters is the ratio, since absolute speed on a shared machine varies.

    python scripts/bench_extract.py [--articles 500] [--processes 2]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import resource
import tempfile
import time
from pathlib import Path

import spacy

from allegiance.ingest import ingest
from allegiance.kb import KnowledgeBase
from allegiance.nlp import MODEL
from allegiance.pipeline import Extractor, extract
from allegiance.store import Store

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench" / "allsides-10k.jsonl.gz"


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--processes", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "slice.jsonl"
        with gzip.open(BENCH, "rt", encoding="utf-8") as fh:
            src.write_text("".join(itertools.islice(fh, args.articles)), encoding="utf-8")
        with Store(Path(tmp) / "bench.duckdb") as store:
            ingest([src], store)
            texts = [t for (t,) in store.con.execute("SELECT text FROM articles WHERE language = 'en'").fetchall()]
            words = sum(len(t.split()) for t in texts)

            nlp = spacy.load(MODEL)
            t0 = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=16, n_process=args.processes):
                pass
            base_s = time.perf_counter() - t0

            extractor = Extractor(KnowledgeBase.load())
            t0 = time.perf_counter()
            summary = extract(store, extractor, processes=args.processes)
            ours_s = time.perf_counter() - t0
    n = len(texts)
    print(f"articles: {n} English ({words:,} words), processes: {args.processes}")
    print(f"baseline spacy.load('{MODEL}').pipe(): {base_s:.1f}s, {n / base_s:.1f} articles/s")
    print(f"allegiance extract (parse, actors, events, quotes, labels, claims, fusion, store): {ours_s:.1f}s, "
          f"{n / ours_s:.1f} articles/s")
    print(f"ratio: extract takes {ours_s / base_s:.2f}x the bare parse time "
          f"({summary.counts['mentions']} mentions, {summary.counts['events']} events)")
    print(f"peak resident memory (largest process): {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
