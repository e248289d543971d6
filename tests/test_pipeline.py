"""The extract stage across worker processes gives exactly what one process gives."""

from __future__ import annotations

from pathlib import Path

from allegiance import pipeline
from allegiance.ingest import ingest
from allegiance.kb import KnowledgeBase
from allegiance.pipeline import Extractor, extract
from allegiance.store import Store

TABLES = {"events": "event_id", "quotes": "quote_id", "labels": "label_id", "mentions": "mention_id"}


def _extracted(corpus: Path, db: Path, processes: int) -> dict[str, list]:
    with Store(db) as store:
        ingest([corpus], store)
        summary = extract(store, Extractor(KnowledgeBase.load()), processes=processes)
        assert summary.counts["extracted"] == store.count_articles()
        return {t: store.con.execute(f"SELECT doc_id, {key} FROM {t} ORDER BY ALL").fetchall()
                for t, key in TABLES.items()}


def test_workers_match_one_process(shared, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK", 2)  # the demo corpus is small: make several chunks of it
    corpus = shared / "corpus"
    one = _extracted(corpus, tmp_path / "one.duckdb", processes=1)
    two = _extracted(corpus, tmp_path / "two.duckdb", processes=2)
    assert one["events"] and one["quotes"]
    assert len({doc for doc, _ in one["mentions"]}) > 2 * pipeline.CHUNK  # so two workers really ran
    assert one == two
