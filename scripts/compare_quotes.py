"""Allegiance's quotation extractor side by side with textacy's `direct_quotations`, on the shared gold.

Both read the same cleaned article text parsed by the same spaCy pipeline. textacy's speakers are
raw words; they are looked up in the same knowledge base before scoring, so both systems are scored
by the same rules (`allegiance.evaluate.quote_match` and `same_actor`).

    pip install textacy    # not a dependency of Allegiance; only this comparison needs it
    python scripts/compare_quotes.py

or, with textacy in a throwaway environment of its own (its site-packages folder is put after the
project's on the path, so both systems read the project's spaCy and pipeline):

    python -m venv /tmp/tx && /tmp/tx/bin/pip install textacy
    python scripts/compare_quotes.py /tmp/tx/lib/python3.11/site-packages
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation.evaluate import Report, _read_jsonl, _score_quotes, evaluate
from allegiance.parsing.nlp import load_pipeline
from allegiance.reading.ingest import ingest
from allegiance.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
#: the pooled gold: seeds, the Venezuela dev set and the world set (train/)
SETS = [(SHARED / "gold" / "seeds", SHARED / "corpus" / "seeds"),
        (SHARED / "gold" / "venezuela-allsides-dev", SHARED / "corpus" / "venezuela-allsides-dev.jsonl"),
        (SHARED / "gold" / "train", SHARED / "corpus" / "train-crises.jsonl")]


def textacy_quotes(kb: KnowledgeBase, gold_dir: Path, corpus: Path) -> tuple[list[tuple], int, int]:
    from textacy.extract.triples import direct_quotations

    nlp = load_pipeline()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "t.duckdb") as store:
        ingest([corpus], store)
        texts = store.con.execute("SELECT doc_id, text FROM articles").fetchall()
    wanted = {g["doc_id"] for g in _read_jsonl(gold_dir / "quotes.jsonl")}
    rows, failures, articles = [], 0, 0
    for doc_id, text in texts:
        if doc_id not in wanted:
            continue
        articles += 1
        try:
            found = list(direct_quotations(nlp(text)))
        except Exception:  # textacy raises on an odd number of quotation marks
            failures += 1
            continue
        for dq in found:
            name = " ".join(t.text for t in dq.speaker)
            actors = kb.lookup(name) or ([kb.metonym(name)] if kb.metonym(name) else [])
            speaker_id = actors[0].id if actors else name
            speaker_name = actors[0].name if actors else name
            rows.append((doc_id, dq.content.text.strip(" “”\"'‘’,"), speaker_id, speaker_name))
    return rows, failures, articles


def main() -> None:
    sys.path += sys.argv[1:]  # textacy's own site-packages, after the project's
    kb = KnowledgeBase.load()
    ours = evaluate([g for g, _ in SETS], [c for _, c in SETS]).as_dict()["quotes"]
    try:
        import textacy  # noqa: F401
    except ImportError:
        q = ours["quote"]
        print(f"| Allegiance | {q['precision']:.3f} | {q['recall']:.3f} | {q['f1']:.3f} | {ours['speaker_accuracy']:.3f} |")
        print("textacy is not installed (pip install textacy): its row was not measured")
        return
    theirs = Report()
    failures = articles = 0
    for gold_dir, corpus in SETS:
        rows, failed, n = textacy_quotes(kb, gold_dir, corpus)
        failures += failed
        articles += n
        _score_quotes(_read_jsonl(gold_dir / "quotes.jsonl"), rows, kb, theirs)
    t = theirs.as_dict()["quotes"]
    print("| system | quote P | quote R | quote F1 | speaker accuracy | articles that raised an error |")
    print("|---|---|---|---|---|---|")
    q = ours["quote"]
    print(f"| Allegiance | {q['precision']:.3f} | {q['recall']:.3f} | {q['f1']:.3f} | {ours['speaker_accuracy']:.3f} | 0 of {articles} |")
    q = t["quote"]
    print(f"| textacy `direct_quotations` | {q['precision']:.3f} | {q['recall']:.3f} | {q['f1']:.3f} | {t['speaker_accuracy']:.3f} | {failures} of {articles} |")


if __name__ == "__main__":
    main()
