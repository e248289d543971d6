"""Quality on the shared gold, as `allegiance eval` measures it (`pytest -m quality` runs these alone).

Each threshold is an issue's target itself, never today's figure ratcheted: the events issue asked for
type F1 of at least 0.70, full-match F1 of at least 0.45, status accuracy of at least 0.85 and a PLOVER
share of at least 0.70; the quotes and framing issues for the quote, speaker and label bars below.
These are figures on the gold the rules were written against, so they are a regression guard, not a
claim of accuracy on unseen text (docs/evaluation.md gives the cross-validated figures).
"""

from __future__ import annotations

import json

import pytest

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation.evaluate import evaluate, locate, same_actor


@pytest.fixture(scope="module")
def report(shared):
    gold = [shared / "gold" / "seeds", shared / "gold" / "venezuela-allsides-dev"]
    corpus = [shared / "corpus" / "seeds", shared / "corpus" / "venezuela-allsides-dev.jsonl"]
    return evaluate(gold, corpus).as_dict()


@pytest.fixture(scope="module")
def crisis(report):
    return report["events"]


@pytest.mark.quality
def test_quotes_meet_the_bar(report):
    """The quotes issue's targets: quote F1 and speaker accuracy of at least 0.85."""
    assert report["quotes"]["quote"]["f1"] >= 0.85
    assert report["quotes"]["speaker_accuracy"] >= 0.85


@pytest.mark.quality
def test_labels_meet_the_bar(report):
    """The framing issue's targets: label recall of at least 0.70 and F1 of at least 0.60."""
    assert report["labels"]["recall"] >= 0.70
    assert report["labels"]["f1"] >= 0.60


@pytest.mark.quality
def test_event_types(crisis):
    assert crisis["type"]["f1"] >= 0.70


@pytest.mark.quality
def test_full_match_and_status(crisis):
    assert crisis["full_match"]["f1"] >= 0.45
    assert crisis["status_accuracy"] >= 0.85
    assert crisis["gold_sentences_not_found"] <= 5


@pytest.mark.quality
def test_plover_gold_standard(shared):
    gold = shared / "gold" / "plover-gsr"
    report = evaluate([gold], [gold / "articles.jsonl"]).as_dict()["plover"]
    assert report["share"] >= 0.70


def test_scoring_on_a_small_gold_written_here(tmp_path):
    """The scorer itself: one hit, one miss, one false alarm, lenient names, strict types."""
    text = ("Col. Jose Luis Silva defected from Nicolás Maduro's government on Saturday.\n\n"
            "Protesters marched in Caracas on Sunday.\n\n"
            "The weather was mild.")
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir()
    rows = [
        {"doc_id": "doc", "sentence": "Col. Jose Luis Silva defected from Nicolás Maduro's government on Saturday.",
         "type": "DEFECT", "source": "Silva", "target": "Maduro", "status": "occurred", "date": None},
        {"doc_id": "doc", "sentence": "The weather was mild.", "type": "ARREST", "source": None, "target": None,
         "status": "occurred", "date": None},
    ]
    (gold / "events.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ev = evaluate([gold], [tmp_path / "doc.txt"]).as_dict()["events"]
    assert ev["per_type"]["DEFECT"]["tp"] == 1
    assert ev["per_type"]["ARREST"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "pred": 0, "gold": 1}
    assert ev["per_type"]["PROTEST"]["pred"] == 1 and ev["per_type"]["PROTEST"]["gold"] == 0
    assert ev["full_match"]["tp"] == 1 and ev["status_accuracy"] == 1.0


def test_name_matching_is_lenient_on_form_and_strict_on_meaning():
    kb = KnowledgeBase.load()
    assert same_actor("Maduro", "nicolas-maduro", "Nicolás Maduro", kb)
    assert same_actor("Venezuelan armed forces", "fanb", "Bolivarian National Armed Forces", kb)
    assert same_actor("Washington", "USA", "United States", kb)
    assert not same_actor("Juan Guaidó", "nicolas-maduro", "Nicolás Maduro", kb)
    assert not same_actor(None, "USA", "United States", kb)
    # a group of a nationality, named by another of its aliases
    assert same_actor("Venezuelan military officers", "VEN:soldiers", "Venezuelan soldiers", kb)
    assert not same_actor("Cuban military officers", "VEN:soldiers", "Venezuelan soldiers", kb)
    # a gold sentence still holding an inline teaser link the cleaner cut out
    assert locate("Senator Ann Rivers said so.", "Senator Ann Rivers Ann Marie RiversRivers wins vote Party split MORE "
                  "said so.") == (0, 27)
    assert locate("A  sentence\nsplit   oddly. Next.", "A sentence split oddly.") == (0, 26)
