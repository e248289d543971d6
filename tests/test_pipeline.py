"""The extract stage across worker processes gives exactly what one process gives."""

from __future__ import annotations

from pathlib import Path

from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction import pipeline
from allegiance.extraction.pipeline import Extractor, extract
from allegiance.reading.ingest import ingest
from allegiance.store import Store

TABLES = {"events": "event_id", "quotes": "quote_id", "labels": "label_id", "mentions": "mention_id"}


def _extracted(corpus: list[Path], db: Path, processes: int) -> dict[str, list]:
    with Store(db) as store:
        ingest(corpus, store)
        summary = extract(store, Extractor(KnowledgeBase.load()), processes=processes)
        assert summary.counts["extracted"] == store.count_articles()
        return {t: store.con.execute(f"SELECT doc_id, {key} FROM {t} ORDER BY ALL").fetchall()
                for t, key in TABLES.items()}


def test_workers_match_one_process(few_articles, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK", 2)  # a handful of articles: make several chunks of them
    corpus = [few_articles(tmp_path / "in", dev=5)]
    one = _extracted(corpus, tmp_path / "one.duckdb", processes=1)
    two = _extracted(corpus, tmp_path / "two.duckdb", processes=2)
    assert one["events"] and one["quotes"]
    assert len({doc for doc, _ in one["mentions"]}) > 2 * pipeline.CHUNK  # so two workers really ran
    assert one == two


def test_trigger_choice_does_not_depend_on_the_hash_seed():
    """Python salts string hashes per process, so iterating a set of words can change from one run to
    the next; which of two equally long triggers wins ("warning" as itself or as "warn") must not."""
    import os
    import subprocess
    import sys

    script = (
        "from allegiance.actors.kb import KnowledgeBase\n"
        "from allegiance.extraction.pipeline import Extractor\n"
        "x = Extractor(KnowledgeBase.load())\n"
        "doc = x.run(\"It wasn't like warning shots or rubber bullets.\", 't', '2020-01-01', 'o').doc\n"
        "print([(t.words, t.weight) for s in doc.sents for span, t in x.events.triggers.matches(s)])\n"
    )
    runs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONHASHSEED": str(seed)}) for seed in (1, 2, 3, 4)]
    outputs = {run.communicate()[0] for run in runs}
    assert [run.returncode for run in runs] == [0, 0, 0, 0]
    assert len(outputs) == 1, outputs
