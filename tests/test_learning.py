"""The learned event models: cross-validation folds, training, the shipped-model seam, reproducibility.

Trained here on a few real articles of the train gold plus the seed gold, so the suite stays fast; the
cross-validated figures on all the gold are the quality test at the end.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation.cv import cross_validate, gold_ids, make_folds
from allegiance.extraction.pipeline import Extractor
from allegiance.learning.candidates import attach_gold, gather
from allegiance.learning.features import candidate_features
from allegiance.learning.refine import CARD_FILE, STATUS_FILE, load_refiner
from allegiance.learning.train import Settings, fit, train

TRAIN_ARTICLES = 6


@pytest.fixture(scope="module")
def small(shared, tmp_path_factory):
    """The seed gold and the first articles of the train gold, as corpus and gold folders."""
    tmp = tmp_path_factory.mktemp("small")
    lines = (shared / "corpus" / "train-crises.jsonl").read_text(encoding="utf-8").splitlines()
    picked = [json.loads(line) for line in lines if line.strip()][:TRAIN_ARTICLES]
    ids = {a["doc_id"] for a in picked}
    (tmp / "train.jsonl").write_text("".join(json.dumps(a) + "\n" for a in picked), encoding="utf-8")
    gold = tmp / "train"
    gold.mkdir()
    events = (shared / "gold" / "train" / "events.jsonl").read_text(encoding="utf-8").splitlines()
    (gold / "events.jsonl").write_text("".join(e + "\n" for e in events if json.loads(e)["doc_id"] in ids),
                                       encoding="utf-8")
    corpus = [shared / "corpus" / "seeds", tmp / "train.jsonl"]
    gold_dirs = [shared / "gold" / "seeds", gold]
    kb = KnowledgeBase.load()
    articles = gather(corpus, kb)
    attach_gold(articles, gold_dirs)
    return {"corpus": corpus, "gold": gold_dirs, "articles": articles, "kb": kb, "ids": ids, "tmp": tmp}


def test_folds_keep_articles_whole_and_the_seed_gold_on_the_training_side(small):
    articles, seeds, folded = small["articles"], small["gold"][0], small["gold"][1]
    heldout = gold_ids(articles, folded)
    assert set(heldout) == small["ids"]
    result = cross_validate(articles, heldout, 3, small["kb"], Settings(status=False))
    flat = [d for fold in result.folds for d in fold]
    assert sorted(flat) == sorted(heldout)  # each article in exactly one fold, whole
    seed_ids = set(gold_ids(articles, seeds))
    assert seed_ids
    for fold, trained in zip(result.folds, result.trained_on):
        assert seed_ids <= set(trained)
        assert not set(fold) & set(trained)
    assert len(result.learned) == len(result.folds) == 3


def test_folds_spread_every_type():
    """Articles holding a rare type go to different folds."""
    from allegiance.learning.candidates import Article

    def art(doc_id, types):
        return Article(doc_id, "", [], [], gold=[{"type": t} for t in types])

    arts = [art("a", ["DEFECT", "ACCUSE"]), art("b", ["DEFECT"]), art("c", ["ACCUSE"] * 3), art("d", ["ACCUSE"]),
            art("e", ["PROTEST"]), art("f", ["PROTEST", "ACCUSE"])]
    folds = make_folds(arts, 2)
    for rare in (["a", "b"], ["e", "f"]):
        assert [any(d in fold for d in rare) for fold in folds] == [True, True]


def test_trained_models_are_written_loaded_and_applied_in_extraction(small, shared):
    directory = small["tmp"] / "models"
    info = train(small["corpus"], small["gold"], small["kb"], None, directory=directory)
    assert (directory / STATUS_FILE).exists()
    card = json.loads((directory / CARD_FILE).read_text(encoding="utf-8"))
    assert card == json.loads(json.dumps(info))
    assert [d["articles"] for d in card["data"]] == [5, TRAIN_ARTICLES]
    assert card["sklearn_version"] and card["settings"]["status"] is True
    refiner = load_refiner(directory)
    assert refiner is not None and refiner.status is not None
    extractor = Extractor(small["kb"], learned=False)
    text = (shared / "corpus" / "train-crises.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    article = json.loads(text)
    rules = extractor.run(article["text"], article["doc_id"], article.get("published"))
    doc, rule_events, quotes = rules.doc, rules.events, rules.quotes
    extractor.refine = refiner
    events = extractor.run(article["text"], article["doc_id"], article.get("published")).events
    assert rule_events and len(events) == len(rule_events)
    # the status model alone keeps every rule event, in order, and decides the status of the crisis ones
    expected = [refiner.status.predict(candidate_features(e, doc, quotes))[0] if e.type in refiner.crisis else e.status
                for e in rule_events]
    assert [e.status for e in events] == expected
    assert [e.type for e in events] == [e.type for e in rule_events]


def test_same_gold_and_seed_give_the_same_model(small):
    labelled = [a for a in small["articles"].values() if a.gold]
    one, two = fit(labelled, Settings(typing=True)), fit(labelled, Settings(typing=True))
    for a, b in ((one.status, two.status), (one.typing, two.typing)):
        assert a.classes == b.classes and a.vocab == b.vocab
        assert np.array_equal(a.coef, b.coef)
    art = small["articles"][sorted(small["ids"])[0]]
    cands = [(c.event, c.features) for c in art.candidates]
    first = one.apply(art.doc_id, art.outlet, art.sentences, cands)
    second = two.apply(art.doc_id, art.outlet, art.sentences, cands)
    assert [(e.type, e.status, e.start) for e in first] == [(e.type, e.status, e.start) for e in second]


@pytest.mark.quality
def test_cross_validated_status_beats_the_rules(shared):
    """On the train gold's folds (seed and dev gold always trained on), the learned status is more often
    right than the rules' (measured: 0.83 against 0.77, pooled over 5 folds), and the type and full-match
    figures stay the rules' own (the typing model is off)."""
    from allegiance.evaluation.cv import run

    gold = shared / "gold"
    result = run([shared / "corpus"], [gold / "seeds", gold / "venezuela-allsides-dev", gold / "train"],
                 gold / "train", 5, KnowledgeBase.load())["crisis"]
    assert result["articles"] == 54
    rules, learned = result["rules"]["pooled"], result["learned"]["pooled"]
    assert learned["status_acc"] >= rules["status_acc"] + 0.03
    assert learned["type_f1"] == rules["type_f1"]
