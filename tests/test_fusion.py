"""Fusion across outlets (a syndicated copy adds no source), allegiances and indicators."""

from __future__ import annotations

import json

import pytest

from allegiance.actors.kb import KnowledgeBase
from allegiance.analysis.allegiances import allegiances, indicators
from allegiance.analysis.fusion import fuse
from allegiance.extraction.pipeline import Extractor, extract
from allegiance.reading.ingest import ingest

STORY = ("Colombia Recognises Guaidó\n\n"
         "Colombia recognized Juan Guaidó as interim president of Venezuela on Wednesday, the foreign ministry said. "
         "The decision followed days of talks among governments in the region about the crisis in Caracas.")


def _rows(*records):
    return "".join(json.dumps(r) + "\n" for r in records)


@pytest.fixture()
def fused_store(store, tmp_path):
    path = tmp_path / "wire.jsonl"
    path.write_text(_rows(
        {"doc_id": "a", "outlet": "Outlet A", "published": "2019-01-24", "text": STORY},
        # the same wire story in another outlet, with a different headline: a near duplicate
        {"doc_id": "b", "outlet": "Outlet B", "published": "2019-01-24",
         "text": STORY.replace("Colombia Recognises Guaidó", "Bogotá Backs Venezuelan Opposition Leader")},
        # an independent report of the same event
        {"doc_id": "c", "outlet": "Outlet C", "published": "2019-01-25",
         "text": "Neighbours Take Sides\n\nColombia has recognized Juan Guaidó, its president said on Thursday, "
                 "joining other governments in the region that back the opposition leader."},
    ), encoding="utf-8")
    summary = ingest([path], store)
    assert summary.counts["near duplicates"] == 1
    extract(store, Extractor(KnowledgeBase.load()))
    return store


def test_the_same_event_from_several_outlets_is_one_event(fused_store):
    events = [f for f in fuse(fused_store) if f.type == "RECOGNIZE" and f.source_id == "COL"]
    assert len(events) == 1
    [event] = events
    assert event.target_id == "juan-guaido" and event.status == "occurred"
    assert event.num_mentions == 3
    assert event.num_sources == 2  # the syndicated copy in Outlet B does not count again
    assert str(event.first_reported) == "2019-01-24"


def test_allegiances_and_indicators(fused_store):
    kb = KnowledgeBase.load()
    stances = allegiances(fused_store, kb, principals=["juan-guaido"])
    colombia = next(s for s in stances if s.actor_id == "COL")
    assert (colombia.contender_id, colombia.stance, colombia.group) == ("juan-guaido", 1, "foreign states")
    assert colombia.evidence and colombia.since.startswith("2019-01")
    before = allegiances(fused_store, kb, at=__import__("datetime").date(2019, 1, 1), principals=["juan-guaido"])
    assert not any(s.actor_id == "COL" for s in before)
    rows = indicators(fused_store)
    assert any(r["type"] == "RECOGNIZE" and r["week"] == "2019-01-21" for r in rows)


def test_demo_allegiances(venezuela_store):
    """The allegiance picture the demo corpus supports, each stance with its sources."""
    store = venezuela_store
    stances = {(s.actor_id, s.contender_id): s for s in allegiances(store, KnowledgeBase.load())}

    def stands(actor, contender, sign):
        s = stances.get((actor, contender))
        assert s is not None and s.stance == sign, (actor, contender)
        assert s.num_sources >= 1 and s.evidence and s.evidence[0].sentence

    for recogniser in ("USA", "CAN", "lima-group"):
        stands(recogniser, "juan-guaido", 1)
    for backer in ("RUS", "CHN", "CUB", "TUR", "BOL", "NIC"):
        stands(backer, "nicolas-maduro", 1)
    for defector in ("jose-luis-silva", "francisco-yanez"):
        stands(defector, "nicolas-maduro", -1)
    stands("vladimir-padrino-lopez", "nicolas-maduro", 1)
    stands("fanb", "nicolas-maduro", 1)
    assert stances[("fanb", "nicolas-maduro")].group == "military and security"
