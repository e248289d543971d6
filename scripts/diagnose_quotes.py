"""Print gold quotations next to what was extracted for them, speaker mismatches first.

    python scripts/diagnose_quotes.py GOLD_DIR CORPUS

A development aid: it reads the gold only to show differences; nothing here feeds the extractors.
"""

from __future__ import annotations

import sys
from pathlib import Path

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation.evaluate import (
    _read_jsonl,
    extracted,
    quote_match,
    same_actor,
)


def main() -> None:
    gold_dir, corpus = Path(sys.argv[1]), Path(sys.argv[2])
    kb = KnowledgeBase.load()
    with extracted([corpus], kb) as store:
        rows = store.con.execute(
            "SELECT doc_id, quote, speaker_id, speaker_name, speaker_mention, cue FROM quotes WHERE kind = 'direct'"
        ).fetchall()
    for g in _read_jsonl(gold_dir / "quotes.jsonl"):
        hit = next((r for r in rows if r[0] == g["doc_id"] and quote_match(g["quote"], r[1])), None)
        if hit is None:
            print(f"MISSED  {g['doc_id'][:10]} {g['speaker']} | {g['quote'][:100]}")
        elif not same_actor(g["speaker"], hit[2], hit[3], kb):
            print(f"SPEAKER {g['doc_id'][:10]} gold={g['speaker']} pred={hit[3]} ({hit[4]!r}, {hit[5]}) | {g['quote'][:80]}")


if __name__ == "__main__":
    main()
