"""Print gold quotations next to what was extracted for them, speaker mismatches first.

    python scripts/diagnose_quotes.py GOLD_DIR CORPUS       # the shipped extractor
    python scripts/diagnose_quotes.py --cv [K] [PARSES]     # the held-out speakers of `eval --cv K`

With ``--cv`` the speakers are those each fold's ranking gives the articles it did not see (the folds
of ``allegiance eval --cv`` over the ``train/`` gold), each error shown with its sentence and the
candidates the ranking had, and whether any of them is the gold speaker (``NO-CAND``: none is, no
ranking can get it right). PARSES: a folder to keep the parses in between runs.

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

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def shipped(gold_dir: Path, corpus: Path) -> None:
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


def held_out(k: int, parses: Path | None) -> None:
    from allegiance.evaluation.speech_cv import folded_articles
    from allegiance.learning.speakers_train import attach_speech_gold, fit

    kb = KnowledgeBase.load()
    gold = SHARED / "gold"
    gold_dirs = [gold / "seeds", gold / "venezuela-allsides-dev", gold / "train"]
    articles, folds = folded_articles([SHARED / "corpus"], gold_dirs, gold / "train", k, kb, parses)
    records = {d: a.speech for d, a in articles.items() if a.speech is not None}
    attach_speech_gold(records, gold_dirs, kb)
    right = wrong = absent = 0
    for fold in folds:
        ranker = fit([r for d, r in records.items() if d not in fold], kb)
        for doc_id in fold:
            rec = records[doc_id]
            text = rec.context.text
            for q, cands, (held, g) in zip(rec.direct, rec.candidates, rec.gold_speakers):
                if not held:
                    continue
                best = ranker.best(cands)
                if same_actor(g, best.ref and best.ref.id, best.ref and best.ref.name, kb):
                    right += 1
                    continue
                wrong += 1
                has = any(same_actor(g, c.ref and c.ref.id, c.ref and c.ref.name, kb) for c in cands)
                absent += not has
                a = max(0, text.rfind("\n", 0, q.start))
                b = text.find("\n", q.end)
                para = " ".join(text[a:b if b > 0 else len(text)].split())
                names = ", ".join(c.ref.name if c.ref else "-" for c in cands)
                print(f"{'CAND' if has else 'NO-CAND'} {doc_id[:10]} gold={g} pred={best.ref and best.ref.name} "
                      f"rule={q.speaker and q.speaker.name} ({q.speaker_mention!r})\n   cands: {names}\n   | {para[:400]}\n")
    print(f"held-out speakers: {right} right, {wrong} wrong ({absent} with no right candidate)")


def main() -> None:
    if sys.argv[1:2] == ["--cv"]:
        k = int(sys.argv[2]) if len(sys.argv) > 2 else 5
        held_out(k, Path(sys.argv[3]) if len(sys.argv) > 3 else None)
    else:
        shipped(Path(sys.argv[1]), Path(sys.argv[2]))


if __name__ == "__main__":
    main()
