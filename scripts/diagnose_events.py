"""Print, per gold sentence, the gold and predicted event types, to see what the extractor misses.

    python scripts/diagnose_events.py GOLD_DIR CORPUS [--only-errors]

A development aid: it reads the gold only to show differences; nothing here feeds the extractors.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation.evaluate import _overlap, _read_jsonl, extracted, locate


def main() -> None:
    gold_dir, corpus = Path(sys.argv[1]), Path(sys.argv[2])
    only_errors = "--only-errors" in sys.argv
    kb = KnowledgeBase.load()
    with extracted([corpus], kb) as store:
        texts = dict(store.con.execute("SELECT doc_id, text FROM articles").fetchall())
        rows = store.con.execute(
            'SELECT doc_id, type, source_name, target_name, status, start, "end", trigger FROM events').fetchall()
    gold = _read_jsonl(gold_dir / "events.jsonl")
    by_sent = defaultdict(list)
    for g in gold:
        by_sent[(g["doc_id"], g["sentence"])].append(g)
    for (doc_id, sentence), golds in by_sent.items():
        span = locate(texts.get(doc_id, ""), sentence)
        preds = [r for r in rows if r[0] == doc_id and span and _overlap((r[5], r[6]), span)]
        gt = {g["type"] for g in golds}
        pt = {r[1] for r in preds}
        if only_errors and gt == pt:
            continue
        print(f"\n{doc_id[:10]} | {sentence[:160]}")
        for g in golds:
            mark = "  " if g["type"] in pt else "FN"
            print(f"  {mark} gold {g['type']:14} {g['status']:9} {g['source'] or '-'} -> {g['target'] or '-'}")
        for r in preds:
            mark = "  " if r[1] in gt else "FP"
            print(f"  {mark} pred {r[1]:14} {r[4]:9} {r[2] or '-'} -> {r[3] or '-'}  [{r[7]}]")


if __name__ == "__main__":
    main()
