"""Claims and fused events are updated for what each extraction run changed, and the result is
exactly what a rebuild over the whole corpus gives."""

from __future__ import annotations

import shutil

import pytest

from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction.pipeline import Extractor, extract
from allegiance.reading.ingest import ingest
from allegiance.store import Store


@pytest.fixture(scope="module")
def extractor():
    return Extractor(KnowledgeBase.load())


def _corpus_stages(store: Store) -> tuple[list, list, list]:
    claims = store.con.execute(
        'SELECT claim_id, doc_id, speaker_id, stance, group_id, contested, start, "end", answers FROM claims ORDER BY ALL'
    ).fetchall()
    fused = store.con.execute("SELECT * FROM fused_events ORDER BY ALL").fetchall()
    members = store.con.execute("SELECT * FROM fused_members ORDER BY ALL").fetchall()
    return claims, fused, members


def _split(shared, tmp_path):
    """Real articles in two parts: some seeds and JSONL records first, the rest later."""
    seeds = sorted((shared / "corpus" / "seeds").glob("*.txt"))
    records = (shared / "corpus" / "venezuela-allsides-dev.jsonl").read_text(encoding="utf-8").splitlines()[:8]
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, files, lines in ((first, seeds[:3], records[:4]), (second, seeds[3:], records[4:])):
        folder.mkdir()
        for f in files:
            shutil.copy(f, folder / f.name)
        (folder / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return first, second


def test_an_incremental_run_equals_a_full_rebuild(shared, tmp_path, extractor):
    first, second = _split(shared, tmp_path)
    with Store(tmp_path / "stepwise.duckdb") as stepwise, Store(tmp_path / "whole.duckdb") as whole:
        ingest([first], stepwise)
        extract(stepwise, extractor)
        before = _corpus_stages(stepwise)
        ingest([second], stepwise)
        summary = extract(stepwise, extractor)
        assert summary.counts["extracted"] == len(list(second.glob("*.txt"))) + 4  # only the new articles
        assert not stepwise.extractions_pending()
        ingest([first, second], whole)
        extract(whole, extractor)
        after, rebuilt = _corpus_stages(stepwise), _corpus_stages(whole)
        assert all(after), "the corpus should give claims and fused events"
        assert after == rebuilt
        assert after != before  # the second part did change them
        # a run that extracts nothing leaves them as they are
        extract(stepwise, extractor)
        assert _corpus_stages(stepwise) == rebuilt
