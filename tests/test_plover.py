"""PLOVER coding: the manual's readings of intent, refusal, conditions and approval, on texts written
for the tests, and the share on a small PLOVER-style development set written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction.events.lexicon import Lexicon
from allegiance.extraction.pipeline import Extractor

DEV = Path(__file__).parent / "data" / "plover_dev.jsonl"


@pytest.fixture(scope="module")
def run():
    # the rules themselves: the shipped status model revises them afterwards (tests/test_learning.py)
    extractor = Extractor(KnowledgeBase.load(), learned=False)
    return lambda text: extractor.run(text, "t", "2020-06-01", "Test Outlet").events


def _one(events, etype):
    found = [e for e in events if e.type == etype]
    assert len(found) == 1, [(e.type, e.trigger) for e in events]
    return found[0]


def test_a_promised_cooperative_act_is_an_agreement(run):
    aid = _one(run("Japan will provide $2 billion in loans to Iraq."), "AID")
    assert (aid.status, aid.plover["event"]) == ("planned", "AGREE")
    assert (aid.source.id, aid.target.id) == ("JPN", "IRQ")
    done = _one(run("Japan provided $2 billion in loans to Iraq."), "AID")
    assert (done.status, done.plover["event"]) == ("occurred", "AID")


def test_a_sanction_announced_on_a_condition_is_a_threat(run):
    text = "The United States said it would impose new sanctions on Iran unless it halted enrichment."
    sanction = _one(run(text), "SANCTION")
    assert (sanction.status, sanction.plover["event"]) == ("planned", "THREATEN")
    plain = _one(run("The United States will impose new sanctions on Iran."), "SANCTION")
    assert plain.plover["event"] == "SANCTION"  # announced, but held over nobody


def test_a_refused_cooperative_act_is_a_rejection(run):
    allow = _one(run("Iran refused to allow inspectors into the military base."), "CONCEDE")
    assert (allow.status, allow.plover["event"]) == ("negated", "REJECT")


def test_stopped_aid_reduces_relations(run):
    events = run("The United States suspended military aid to Egypt after the coup.")
    sanction = _one(events, "SANCTION")
    assert (sanction.source.id, sanction.target.id, sanction.plover["event"]) == ("USA", "EGY", "SANCTION")
    # the coup only sets the time: whoever suspends aid after it did not stage it
    assert all(e.source is None or e.source.id != "USA" for e in events if e.type == "COUP_ATTEMPT")


def test_amounts_and_datives_place_aid(run):
    granted = [e for e in run("Washington granted $300 million in military assistance to Kyiv.") if e.type == "AID"]
    assert {(e.source.id, e.target.id) for e in granted} == {("USA", "UKR")}
    sent = _one(run("The European Union sent 50 tons of medical supplies to Syria."), "AID")
    assert (sent.source.id, sent.target.id) == ("eu", "SYR")


def test_an_adjective_trigger_takes_the_place_of_its_noun(run):
    joint = _one(run("French troops conducted joint patrols near the border."), "COOPERATE")
    assert joint.source.id == "FRA:soldiers"


def test_praise_of_a_plan_is_approval_and_of_a_leader_support(run):
    plan = _one(run("The Arab League endorsed the peace plan on Monday."), "AGREE")
    assert (plan.source.id, plan.target, plan.plover["event"]) == ("arab-league", None, "SUPPORT")
    leader = _one(run("Canada praised Iván Duque on Monday."), "PLEDGE_LOYALTY")
    assert (leader.source.id, leader.target.id, leader.plover["event"]) == ("CAN", "ivan-duque", "SUPPORT")


def test_agreeing_to_a_demand_is_a_concession(run):
    events = run("The government agreed to the strikers' demand for higher wages.")
    assert _one(events, "CONCEDE").plover["event"] == "CONCEDE"
    assert not [e for e in events if e.type == "AGREE"]


def test_a_governments_protest_is_an_accusation(run):
    events = run("Colombia protested to Venezuela over the detention of its citizens.")
    assert ("COL", "VEN") in {(e.source.id, e.target.id) for e in events if e.type == "ACCUSE"}
    assert not [e for e in events if e.type == "PROTEST"]


def test_what_an_act_is_about_was_not_done_by_its_actor(run):
    events = run("Iván Duque complained about the bombing of the embassy.")
    assert all(e.source is None or e.source.id != "ivan-duque" for e in events if e.type == "ARMED_CLASH")


def test_troops_sent_to_a_country_aid_it_and_to_a_border_mobilise(run):
    assert _one(run("Russia sent troops to Syria in September."), "AID").target.id == "SYR"
    assert _one(run("Russia sent troops to the border in September."), "MOBILIZE").source.id == "RUS"


def test_an_unknown_type_in_a_trigger_file_is_an_error(tmp_path):
    extra = tmp_path / "triggers.yaml"
    extra.write_text("AGREE:\n  - {phrase: nod through, target_kinds: [person], otherwise: NODDING}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="NODDING"):
        Lexicon.load(extra)


@pytest.mark.quality
def test_share_on_the_development_set_written_here(run):
    """The PLOVER target (0.70) on the sentences written for development. They were tuned on, so this
    guards against regressions; it measures nothing about unseen text (the PLOVER gold standard does)."""
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    hits = sum(r["plover"] in {e.plover["event"] for e in run(r["text"])} for r in rows)
    assert rows and hits / len(rows) >= 0.70


def test_an_event_word_naming_its_carrier_is_an_event(run):
    package = _one(run("The United States announced a new aid package for Ukraine."), "AID")
    assert (package.source.id, package.target.id) == ("USA", "UKR")
    assert not [e for e in run("Aid workers were evacuated from the city.") if e.type == "AID"]


def test_a_nationality_on_an_event_noun_is_its_state(run):
    assert _one(run("A Russian aid convoy arrived in Donetsk on Tuesday."), "AID").source.id == "RUS"
    # ... but a description before a name is of that name
    [acc] = [e for e in run("Venezuelan dictator Nicolás Maduro is attempting to stage a coup, an "
                            "opposition spokesman told reporters.") if e.trigger == "dictator"]
    assert acc.target.id == "nicolas-maduro"


def test_hyphenated_phrases_match_as_the_tokenizer_splits_them(run):
    assert _one(run("Opposition supporters staged a sit-in outside the electoral commission."), "PROTEST")
    assert Lexicon.load().by_first["sit"]  # "sit-in" is indexed as "sit - in"


def test_put_under_arrest_and_on_alert(run):
    arrest = _one(run("Police put the journalist under arrest."), "ARREST")
    assert (arrest.source.id, arrest.target.id) == ("police", "journalists")
    assert _one(run("North Korea placed its artillery units on combat readiness."), "MOBILIZE").source.id == "PRK"


def test_a_consequence_on_a_condition_has_not_happened(run):
    sanction = _one(run("Washington told Ankara it faced sanctions if it went ahead with the purchase."), "SANCTION")
    assert (sanction.status, sanction.plover["event"]) == ("planned", "THREATEN")


def test_praise_of_a_deal_is_kept_beside_the_deal(run):
    events = run("The United Nations applauded the peace deal between Ethiopia and Eritrea.")
    assert "SUPPORT" in {e.plover["event"] for e in events if e.trigger == "applauded"}


def test_a_diplomatic_protest_and_an_abduction(run):
    acc = _one(run("Beijing lodged a formal protest with Tokyo over the visit."), "ACCUSE")
    assert acc.source.id == "CHN"
    kidnap = _one(run("Militants abducted 300 schoolgirls from their dormitory."), "ARREST")
    assert kidnap.plover == {"event": "ASSAULT", "mode": "abduct", "context": "repression"}


def test_signing_is_support_and_a_promise_to_sign_an_agreement(run):
    signed = {e.plover["event"] for e in run("Egypt and Israel signed a security accord in Cairo.") if e.trigger == "signed"}
    will = {e.plover["event"] for e in run("Egypt and Israel will sign a security accord in Cairo.") if e.trigger == "sign"}
    assert (signed, will) == ({"SUPPORT"}, {"AGREE"})


def test_an_act_against_anyone_who_does_something_is_a_threat(run):
    events = run("Serbia said it would cut diplomatic ties with any country that recognized Kosovo.")
    assert _one(events, "SANCTION").plover["event"] == "THREATEN"
    # the unnamed "any country that ..." recognizes Kosovo, not the speaker
    assert all(e.source is None or e.source.id != "SRB" for e in events if e.type == "RECOGNIZE")
