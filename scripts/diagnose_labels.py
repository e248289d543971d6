"""Print gold labels the extractor missed and labels it found that the gold does not have.

    python scripts/diagnose_labels.py GOLD_DIR CORPUS

A development aid: it reads the gold only to show differences; nothing here feeds the extractors.
"""

from __future__ import annotations

import sys
from pathlib import Path

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation.evaluate import (
    _read_jsonl,
    extracted,
    label_match,
    same_actor,
)


def main() -> None:
    gold_dir, corpus = Path(sys.argv[1]), Path(sys.argv[2])
    kb = KnowledgeBase.load()
    with extracted([corpus], kb) as store:
        rows = store.con.execute(
            "SELECT doc_id, actor_id, actor_name, label, construction FROM labels WHERE voice IS NULL").fetchall()
    gold = _read_jsonl(gold_dir / "labels.jsonl")
    docs = {g["doc_id"] for g in gold}
    for g in gold:
        if not any(r[0] == g["doc_id"] and label_match(g["label"], r[3]) and same_actor(g["actor"], r[1], r[2], kb)
                   for r in rows):
            near = [f"{r[2]}: {r[3]}" for r in rows if r[0] == g["doc_id"] and label_match(g["label"], r[3])]
            print(f"MISSED {g['doc_id'][:10]} {g['actor']} | {g['label']}" + (f"   (as {near[0]})" if near else ""))
    for r in rows:
        if r[0] in docs and not any(g["doc_id"] == r[0] and label_match(g["label"], r[3]) for g in gold):
            print(f"EXTRA  {r[0][:10]} {r[2]} | {r[3]}  [{r[4]}]")


if __name__ == "__main__":
    main()
