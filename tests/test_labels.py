"""Labels: each construction, and quoted speech kept out of the author's voice."""

from __future__ import annotations

import pytest

from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction.pipeline import Extractor


@pytest.fixture(scope="module")
def labels():
    extractor = Extractor(KnowledgeBase.load())

    def _labels(text: str):
        found = extractor.run(text, "l", "2019-01-27", "Test Outlet").labels
        return {(lab.actor.id, lab.label, lab.construction, lab.voice) for lab in found}

    return _labels


def test_title_before_a_name(labels):
    assert ("nicolas-maduro", "Venezuelan dictator", "title", None) in labels(
        "Venezuelan dictator Nicolás Maduro is attempting to stage a coup.")


def test_scare_quoted_title(labels):
    found = labels("The reason was the call of the self-proclaimed “president” Juan Guaidó to a coup.")
    assert ("juan-guaido", "self-proclaimed “president”", "title", None) in found


def test_appositive(labels):
    found = labels("Mr. Maduro, a former bus driver and union leader who succeeded Chávez in 2013, fired back.")
    assert ("nicolas-maduro", "former bus driver and union leader", "appositive", None) in found


def test_predicate_nominal(labels):
    assert ("nicolas-maduro", "dictator", "predicate", None) in labels("Nicolás Maduro is a dictator.")


def test_noun_phrase_standing_for_the_actor(labels):
    found = labels("Washington sanctioned the Maduro regime on Monday.")
    assert ("VEN", "Maduro regime", "reference", None) in found


def test_quoted_speech_is_the_speakers_voice(labels):
    found = labels("“Nicolás Maduro is a dictator,” Mike Pompeo said on Monday.")
    assert ("nicolas-maduro", "dictator", "predicate", "mike-pompeo") in found
    assert not any(voice is None and actor == "nicolas-maduro" for actor, _, _, voice in found)


def test_a_name_is_not_a_label(labels):
    found = labels("Nicolás Maduro met Juan Guaidó, Leopoldo López and Mike Pompeo in Caracas.")
    assert not any(c == "appositive" for _, _, c, _ in found)


def test_definite_description_of_a_person_named_before(labels):
    found = labels("Obama shrugged off Hugo Chávez, but a clash with the late Venezuelan leader’s successor followed.")
    assert ("hugo-chavez", "late Venezuelan leader", "reference", None) in found


def test_party_and_state_after_a_lawmaker(labels):
    found = labels("Sen. Marco Rubio, R-Fla., said the sanctions should stay.")
    assert [(c, v) for _, lab, c, v in found if lab == "R-Fla."] == [("appositive", None)]


def test_description_of_a_state_named_before(labels):
    found = labels("Saudi Arabia warned on Sunday that sanctions would be met with greater action. "
                   "The oil-rich kingdom supplies a tenth of the world's crude.")
    assert ("SAU", "oil-rich kingdom", "reference", None) in found


def test_a_state_description_goes_to_the_country_the_article_is_about(labels):
    found = labels("Venezuela's crisis deepened. Venezuela's army stood by Maduro on Monday. The United States said "
                   "on Tuesday it would add sanctions on the impoverished country. Venezuela had said the same before.")
    assert ("VEN", "impoverished country", "reference", None) in found
    assert not any(actor == "USA" for actor, *_ in found)


def test_a_loose_noun_left_of_a_name_is_not_a_title(labels):
    found = labels("Closing the prison was a promise Obama made within hours of taking office.")
    assert not any(lab == "promise" for _, lab, _, _ in found)


def test_a_participle_or_an_office_left_of_a_name_is_a_title(labels):
    found = labels("The Brussels-based International Crisis Group said on Monday that CIA Director Gina Haspel and "
                   "Israeli PM Benjamin Netanyahu had met.")
    titles = {lab for _, lab, c, _ in found if c == "title"}
    assert {"Brussels-based", "CIA Director", "Israeli PM"} <= titles


@pytest.mark.quality
def test_cross_validated_labels(speech_cv):
    """Author labels on the train gold's folds as extraction makes them, after the learned speakers
    (measured 2026-12-05: F1 0.663, P 0.710, R 0.623, pooled over 5 folds; the rules' speakers give
    0.662): the issue's target of 0.70 is not met, this keeps what was reached."""
    rules, learned = speech_cv["rules"]["pooled"], speech_cv["learned"]["pooled"]
    assert learned["label_f1"] >= 0.65 and learned["label_f1"] >= rules["label_f1"]
