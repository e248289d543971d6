"""Claims: stance, grouping within and across articles, and the dispute the demo corpus holds."""

from __future__ import annotations

from allegiance.actors.kb import KnowledgeBase
from allegiance.analysis.claims import Claim, answers, group, stance
from allegiance.extraction.pipeline import Extractor, extract
from allegiance.reading.ingest import ingest


def _claim(i, doc, speaker, text, context="", start=None):
    return Claim(f"c{i}", doc, speaker, speaker and speaker.lower().replace(" ", "-"), text, stance(text, None),
                 start if start is not None else i * 100, (start or i * 100) + len(text), context)


def test_stance():
    assert stance("False news, a very sad way to admit the failure", None) == "deny"
    assert stance("It was not a coup, it was a rehearsal", None) == "deny"
    assert stance("The plane was already on the runway", None) == "assert"
    assert stance("anything at all", "deny") == "deny"
    assert stance("The falsehood spread", None) == "assert"  # "false" as a word, not inside another


def test_a_reply_ties_a_denial_to_the_claim_it_answers():
    assert answers("the foreign minister replied to pompeo that all his statements were lies", "pompeo")
    assert answers("i would not trust the words of pompeo", "pompeo")
    assert answers("he rejected pompeo's claims", "pompeo")
    assert not answers("pompeo visited caracas on monday", "pompeo")


def test_grouping_and_contested():
    claims = [
        _claim(0, "a", "Mike Pompeo", "Maduro was planning to leave for Cuba on Tuesday morning"),
        _claim(1, "a", "Jorge Arreaza", "False news, all of it", context="Arreaza replied to Pompeo that "),
        _claim(2, "b", "Sergei Lavrov", "Russia has no military presence in Caracas at all"),
        _claim(3, "c", "Juan Guaidó", "Maduro was planning to leave for Cuba on Tuesday before Russia intervened"),
    ]
    assigned = group(claims)
    assert assigned[0][0] == assigned[1][0] == assigned[3][0]  # reply within "a", similar words across
    assert assigned[2][0] != assigned[0][0]
    assert assigned[0][1] is True and assigned[2][1] is False


def test_demo_corpus_holds_the_dispute_over_the_flight(venezuela_store):
    store = venezuela_store
    rows = store.con.execute(
        "SELECT group_id, speaker_id, stance, text, start, \"end\", doc_id FROM claims WHERE contested").fetchall()
    groups = {}
    for g, speaker, st, text, s, e, doc in rows:
        groups.setdefault(g, []).append((speaker, st, text, s, e, doc))
    flight = [members for members in groups.values()
              if any(sp == "mike-pompeo" and st == "assert" and "leave" in t for sp, st, t, *_ in members)
              and any(sp == "jorge-arreaza" and st == "deny" for sp, st, *_ in members)]
    assert flight, f"no contested group with Pompeo asserting and Arreaza denying: {groups}"
    texts = dict(store.con.execute("SELECT doc_id, text FROM articles").fetchall())
    for speaker, st, text, s, e, doc in flight[0]:
        assert texts[doc][s:e] == text  # every side keeps its evidence, by offsets into the article


def test_claimed_events_link_to_their_claim(shared, store, tmp_path):
    import json

    from allegiance.outputs.export import export

    ingest([shared / "corpus" / "seeds"], store)
    extract(store, Extractor(KnowledgeBase.load()))
    out = tmp_path / "events.jsonl"
    export(store, "events", "jsonl", out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    linked = [r for r in rows if r["claim_id"]]
    assert linked and all(r["status"] == "claimed" for r in linked)
    claims = dict(store.con.execute("SELECT claim_id, speaker_id FROM claims").fetchall())
    assert all(claims[r["claim_id"]] == r["attributed_to_id"] for r in linked)
