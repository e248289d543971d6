"""Extraction time against article length: does one long article cost more than its length?

The corpus's articles (``venezuela-allsides-dev.jsonl``), joined by blank lines and repeated, are cut at
the last paragraph break before each of ``--lengths`` characters; each text is parsed (spaCy and the
actor resolver) and then run through the extraction stages, timed apart, in wall time and in CPU time
of this process (the figure to compare on a shared machine, where wall time follows the load). CPU time per
1,000 characters that stays level across lengths means linear cost; one that grows with the length means
a stage reads the whole article for each sentence (docs/reliability.md).

    python scripts/bench_length.py [--lengths 14000,56000,203000] [--json out.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction.pipeline import Extractor, event_rows, quote_rows

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "venezuela-allsides-dev.jsonl"


def text_of_length(n: int) -> str:
    """Corpus articles end to end, repeated as needed, cut at a paragraph break before `n` characters."""
    with CORPUS.open(encoding="utf-8") as fh:
        articles = [json.loads(line)["text"] for line in fh if line.strip()]
    joined = "\n\n".join(articles)
    text = "\n\n".join([joined] * (n // len(joined) + 1))
    return text[:text.rfind("\n\n", 0, n)]


def digest(x) -> str:
    """A fingerprint of the events and quotations, to check that a speed-up changed no result."""
    rows = json.dumps([event_rows(x.events), quote_rows(x.quotes)], sort_keys=True, default=str)
    return hashlib.blake2b(rows.encode(), digest_size=8).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", default="14000,56000,203000")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    extractor = Extractor(KnowledgeBase.load())
    extractor.run("A warm-up sentence, so the first length does not pay for loading.")
    rows = []
    for n in (int(x) for x in args.lengths.split(",")):
        text = text_of_length(n)
        t0, c0 = time.perf_counter(), time.process_time()
        doc = next(extractor.docs([("long", text, "2019-05-02", "Reuters")]))
        t1, c1 = time.perf_counter(), time.process_time()
        x = extractor.extract(doc)
        t2, c2 = time.perf_counter(), time.process_time()
        row = {"chars": len(text), "parse_s": round(t1 - t0, 2), "extract_s": round(t2 - t1, 2),
               "parse_cpu_s": round(c1 - c0, 2), "extract_cpu_s": round(c2 - c1, 2),
               "extract_cpu_ms_per_1k_chars": round((c2 - c1) * 1e6 / len(text), 1),
               "events": len(x.events), "quotes": len(x.quotes), "digest": digest(x)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
