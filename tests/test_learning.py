"""The learned event models: cross-validation folds, training, the shipped-model seam, reproducibility.

Trained here on a few real articles of the train gold plus the seed gold, so the suite stays fast; the
cross-validated figures on all the gold are the quality test at the end.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from allegiance.actors.kb import KnowledgeBase
from allegiance.evaluation.cv import cross_validate, gold_ids, make_folds
from allegiance.extraction.pipeline import Extractor
from allegiance.learning.arguments import ROLES, Ranker, slots_of
from allegiance.learning.candidates import attach_gold, gather
from allegiance.learning.features import candidate_features
from allegiance.learning.model import LinearModel
from allegiance.learning.refine import (
    CARD_FILE,
    SOURCE_FILE,
    STATUS_FILE,
    TARGET_FILE,
    Refiner,
    load_refiner,
)
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
    attach_gold(articles, gold_dirs, kb)
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
    for name in (STATUS_FILE, SOURCE_FILE, TARGET_FILE):
        assert (directory / name).exists()
    card = json.loads((directory / CARD_FILE).read_text(encoding="utf-8"))
    assert card == json.loads(json.dumps(info))
    assert [d["articles"] for d in card["data"]] == [5, TRAIN_ARTICLES]
    assert card["sklearn_version"] and card["settings"]["status"] is True and card["models"]["arguments"]
    refiner = load_refiner(directory)
    assert refiner is not None and refiner.status is not None and refiner.ranker is not None
    extractor = Extractor(small["kb"], learned=False)
    text = (shared / "corpus" / "train-crises.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    article = json.loads(text)
    rules = extractor.run(article["text"], article["doc_id"], article.get("published"))
    slots = slots_of(rules.context, rules.events, small["kb"])
    extractor.refine = refiner
    events = extractor.run(article["text"], article["doc_id"], article.get("published")).events
    assert rules.events and events
    # every event keeps a rule event's sentence and type, and takes its actors from that trigger's options
    options = {(s.start, s.etype): {o.ref and o.ref.id for r in ROLES for o in s.options[r]} for s in slots}
    for e in events:
        assert (e.start, e.type) in options
        assert {e.source and e.source.id, e.target and e.target.id} <= options[(e.start, e.type)]
    # the status model alone keeps every rule event, in order, and decides the status of the crisis ones
    alone = Refiner(status=refiner.status, held=())
    expected = [refiner.status.predict(candidate_features(e, rules.doc, rules.quotes))[0] if e.type in refiner.crisis
                else e.status for e in rules.events]
    assert [e.status for e in alone(rules.context, rules.events, small["kb"])] == expected


def test_argument_options_hold_the_rules_choice_nobody_and_gold_labels(small):
    labelled = 0
    for art in small["articles"].values():
        for slot in art.slots:
            for role in ROLES:
                ids = [o.ref and o.ref.id for o in slot.options[role]]
                assert None in ids and len(ids) == len(set(ids))
                assert {getattr(e, role) and getattr(e, role).id for e in slot.events} <= set(ids)
                labelled += any(o.gold is not None for o in slot.options[role])
    assert labelled > 20


def test_ranker_rebuilds_a_slot_from_the_best_options(small):
    """A ranker that trusts the rules gives back the rules' events; one that prefers the actor furthest
    from the trigger moves every argument to it."""
    slot = next(s for a in small["articles"].values() for s in a.slots
                if len(s.events) == 1 and s.events[0].source is not None
                and any(o.ref and o.ref.id != s.events[0].source.id and "distance" in o.features
                        for o in s.options["source"]))

    def model(weights: dict[str, float]) -> LinearModel:
        vocab = {k: i for i, k in enumerate(weights)}
        w = np.array([list(weights.values())], dtype=np.float32)
        return LinearModel(vocab, ["no", "yes"], np.vstack([-w, w]), np.array([-1.0, 1.0], dtype=np.float32) * -2)

    trusting = Ranker(model({"how=rule_this": 4.0}), model({"how=rule_this": 4.0}), also_at=1.01)
    assert [e for e, _ in trusting.rebuild(slot)] == slot.events
    far = Ranker(model({"distance": 8.0}), model({"how=rule_this": 4.0}), also_at=1.01)
    farthest = max((o for o in slot.options["source"] if "distance" in o.features),
                   key=lambda o: o.features["distance"])
    rebuilt = far.rebuild(slot)
    assert [e.source.id for e, _ in rebuilt] == [farthest.ref.id]
    assert all(base is slot.events[0] for _, base in rebuilt)


def test_the_status_model_leaves_conditional_threats_and_attributed_claims(small):
    """A model that always answers "occurred" changes a plain planned event (and its PLOVER code back to
    the act's own), but not a conditional one, nor, when asked, a claim someone is named as making."""
    always = LinearModel({"bias": 0}, ["claimed", "occurred", "planned"], np.zeros((3, 1), dtype=np.float32),
                         np.array([0.0, 5.0, 0.0], dtype=np.float32))
    refiner = Refiner(status=always, held=("conditional", "claims"))
    e = next(c.event for a in small["articles"].values() for c in a.candidates
             if c.event.type in ("AID", "CONSULT", "RECOGNIZE", "PLEDGE_LOYALTY") and c.event.source is not None)
    planned = replace(e, status="planned", plover={**e.plover, "event": "AGREE"}, attributed_to=None)
    flipped = refiner._status(planned, {"bias": 1.0})
    assert flipped.status == "occurred" and flipped.plover["event"] == e.plover_act != "AGREE"
    assert refiner._status(replace(planned, conditional=True), {"bias": 1.0}).status == "planned"
    claimed = replace(e, status="claimed", attributed_to=e.source)
    assert refiner._status(claimed, {"bias": 1.0}).status == "claimed"
    assert Refiner(status=always)._status(claimed, {"bias": 1.0}).status == "occurred"


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
def test_cross_validated_status_beats_the_rules(gold_cv):
    """On the train gold's folds (seed and dev gold always trained on), the learned status is more often
    right than the rules' (measured: 0.82 against 0.77, pooled over 5 folds), the ranked arguments match
    more often, and the type figure stays the rules' own (the typing model is off)."""
    result = gold_cv["crisis"]
    assert result["articles"] == 54
    rules, learned = result["rules"]["pooled"], result["learned"]["pooled"]
    assert learned["status_acc"] >= rules["status_acc"] + 0.03
    assert learned["type_f1"] == rules["type_f1"]
    # the argument ranker (measured: full match 0.148 against 0.126 pooled, 0.126 without the ranker)
    assert learned["full_f1"] >= rules["full_f1"] + 0.01
    assert learned["full_f1"] > result["learned_without_arguments"]["pooled"]["full_f1"]


def test_typing_adds_events_only_where_the_rules_found_none(small):
    """A typing model that says yes to ARREST everywhere leaves sentences with rule events as the rules
    made them, and adds one ARREST to each sentence without any."""
    from allegiance.learning.features import typing_features

    art = next(a for a in small["articles"].values() if a.candidates and a.gold)
    features = typing_features("ARREST", frozenset(), [])
    vocab = {"T=ARREST": 0}
    assert "T=ARREST" in features
    yes = LinearModel(vocab, ["no", "yes"], np.array([[-4.0], [4.0]], dtype=np.float32),
                      np.array([2.0, -2.0], dtype=np.float32))
    refiner = Refiner(typing=yes, adds_only=True)
    events = refiner.apply(art.doc_id, art.outlet, art.sentences, [(c.event, c.features) for c in art.candidates])
    ruled = {c.event.start for c in art.candidates}
    assert [e for e in events if e.start in ruled] == sorted(
        (c.event for c in art.candidates), key=lambda e: (e.start, e.trigger_start, e.type))
    added = [e for e in events if e.start not in ruled]
    assert added and all(e.type == "ARREST" and e.source is None for e in added)
    assert len(added) == sum(1 for s in art.sentences if s.start not in ruled)
