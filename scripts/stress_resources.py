"""Resource limits: a 1 GB input file, a JSONL of 10^6 lines and a folder of 100,000 small files are
ingested (without extraction) by the real command, each on a fresh database; the peak resident memory
of each run is reported, so "flat memory" is a measured figure rather than a hope.

Inputs are generated in a temporary folder from sentences written here, and removed afterwards.
Usage: python scripts/stress_resources.py [--lines N ...] [--files N] [--gigabytes G] [--json OUT]
(0 files or 0 gigabytes skips that input.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "allegiance"
#: Sentences to build articles from; each article draws its own mix, so few are exact copies.
SENTENCES = [
    "The opposition leader called on the armed forces to stand with the people against the government.",
    "Thousands of demonstrators marched through the capital on Wednesday, waving flags and chanting.",
    "The foreign ministry said the sanctions were an illegal attempt to strangle the economy.",
    "Several regional governments recognised the interim president within hours of his oath.",
    "Police used tear gas to disperse protesters gathered outside the electoral council.",
    "The defence minister said the military would remain loyal to the constitution and its commander.",
    "Diplomats met behind closed doors to discuss a negotiated exit from the crisis.",
    "Inflation has wiped out savings, and millions have left the country in search of work.",
    "The central bank announced new banknotes as prices doubled again in a single month.",
    "Observers from neighbouring states said the vote had not met international standards.",
    "A court loyal to the president barred the opposition leader from leaving the country.",
    "Aid convoys waited at the border bridge while troops blocked the crossing with tankers.",
]


def article(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(n)) + f" Report number {rng.getrandbits(48)}."


def run(args: list[str]) -> dict:
    """Run one ingest and measure its wall time and peak resident memory (of it and its children)."""
    started = time.monotonic()
    proc = subprocess.Popen([str(BIN), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    return {"exit": os.waitstatus_to_exitcode(status), "seconds": round(time.monotonic() - started, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024), "stderr_tail": err.strip().splitlines()[-3:],
            "summary": [line for line in out.splitlines() if "│" in line]}


def big_file(tmp: Path, gigabytes: float) -> dict:
    """A 1 GB text file (refused by size), and a 1 GB JSONL line between two good records (skipped in chunks)."""
    size = int(gigabytes * 1024**3)
    block = (" ".join(SENTENCES) + "\n").encode("utf-8") * 256
    txt = tmp / "huge.txt"
    jsonl = tmp / "huge.jsonl"
    rng = random.Random(1)
    with open(txt, "wb") as fh:
        for _ in range(size // len(block) + 1):
            fh.write(block)
    with open(jsonl, "wb") as fh:
        fh.write(json.dumps({"doc_id": "before", "text": article(rng, 12)}).encode() + b"\n")
        fh.write(b'{"doc_id": "huge", "text": "')
        for _ in range(size // len(block) + 1):
            fh.write(block.replace(b"\n", b" "))
        fh.write(b'"}\n')
        fh.write(json.dumps({"doc_id": "after", "text": article(rng, 12)}).encode() + b"\n")
    result = run(["ingest", str(txt), str(jsonl), "--db", str(tmp / "big.duckdb"), "--no-extract"])
    result["input_bytes"] = txt.stat().st_size + jsonl.stat().st_size
    txt.unlink()
    jsonl.unlink()
    return result


def many_lines(tmp: Path, lines: int) -> dict:
    path = tmp / "lines.jsonl"
    rng = random.Random(2)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(lines):
            fh.write(json.dumps({"doc_id": f"l{i}", "published": "2019-01-28", "text": article(rng, rng.randint(3, 8))}) + "\n")
    result = run(["ingest", str(path), "--db", str(tmp / f"lines-{lines}.duckdb"), "--no-extract", "-q"])
    result["input_bytes"] = path.stat().st_size
    result["lines"] = lines
    path.unlink()
    return result


def many_files(tmp: Path, files: int) -> dict:
    folder = tmp / "files"
    rng = random.Random(3)
    for i in range(files):
        sub = folder / f"{i // 1000:03d}"
        if i % 1000 == 0:
            sub.mkdir(parents=True)
        (sub / f"a{i}.txt").write_text(article(rng, rng.randint(3, 8)), encoding="utf-8")
    result = run(["ingest", str(folder), "--db", str(tmp / "files.duckdb"), "--no-extract", "-q"])
    result["files"] = files
    shutil.rmtree(folder)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--gigabytes", type=float, default=1.0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="allegiance-stress-"))
    results: dict = {}
    try:
        if args.gigabytes:
            results[f"{args.gigabytes:g} GB file"] = big_file(tmp, args.gigabytes)
            print(json.dumps(results[f"{args.gigabytes:g} GB file"], indent=1), flush=True)
        for n in args.lines:
            results[f"{n:,}-line JSONL"] = many_lines(tmp, n)
            print(json.dumps(results[f"{n:,}-line JSONL"], indent=1), flush=True)
        if args.files:
            results[f"{args.files:,} small files"] = many_files(tmp, args.files)
            print(json.dumps(results[f"{args.files:,} small files"], indent=1), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    failed = [k for k, r in results.items() if r["exit"] not in (0, 2)]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
