"""Extraction benchmark: our extract stage against a bare spaCy pipeline over the same texts.

Both runs parse the same 500 articles of the benchmark corpus with two processes in the same
session; the figure that matters is the ratio, since absolute speed on a shared machine varies.
Memory is sampled while each phase runs, over the benchmark process and all its workers: the
largest single process (RSS) and the whole tree (PSS, which counts pages forked workers share
with their parent once).

    python scripts/bench_extract.py [--articles 500] [--processes 2]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import tempfile
import time
from pathlib import Path

import spacy
from benchmem import memory_peaks

from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction.pipeline import Extractor, extract
from allegiance.parsing.nlp import MODEL
from allegiance.reading.ingest import ingest
from allegiance.store import Store

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench" / "allsides-10k.jsonl.gz"


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

            # ours first, so its memory figures do not include the baseline's pipeline
            extractor = Extractor(KnowledgeBase.load())
            with memory_peaks() as ours_mem:
                t0 = time.perf_counter()
                summary = extract(store, extractor, processes=args.processes)
                ours_s = time.perf_counter() - t0

            nlp = spacy.load(MODEL)
            with memory_peaks() as base_mem:
                t0 = time.perf_counter()
                for _ in nlp.pipe(texts, batch_size=16, n_process=args.processes):
                    pass
                base_s = time.perf_counter() - t0
    n = len(texts)
    print(f"articles: {n} English ({words:,} words), processes: {args.processes}")
    print(f"baseline spacy.load('{MODEL}').pipe(): {base_s:.1f}s, {n / base_s:.1f} articles/s")
    print(f"allegiance extract (parse, actors, events, quotes, labels, claims, fusion, store): {ours_s:.1f}s, "
          f"{n / ours_s:.1f} articles/s")
    print(f"ratio: extract takes {ours_s / base_s:.2f}x the bare parse time, i.e. runs at {base_s / ours_s:.2f} of its "
          f"throughput ({summary.counts['mentions']} mentions, {summary.counts['events']} events)")
    print(f"peak memory, allegiance extract: largest process {ours_mem['largest']:.0f} MB RSS, "
          f"all processes {ours_mem['total']:.0f} MB PSS")
    print(f"peak memory, bare spaCy pipe:    largest process {base_mem['largest']:.0f} MB RSS, "
          f"all processes {base_mem['total']:.0f} MB PSS")


if __name__ == "__main__":
    main()
