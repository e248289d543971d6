"""Quotations in every style real news uses, and the failure cases that must not break extraction."""

from __future__ import annotations

import pytest

from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction.pipeline import Extractor
from allegiance.extraction.quotes import mark_spans


@pytest.fixture(scope="module")
def quotes():
    extractor = Extractor(KnowledgeBase.load())

    def _quotes(text: str, kind: str = "direct"):
        return [q for q in extractor.run(text, "q", "2019-05-01", "Test Outlet").quotes if q.kind == kind]

    return _quotes


def _speaker(q):
    return q.speaker.id if q.speaker else None


def test_curly_quote_with_speaker_after(quotes):
    [q] = quotes("“The armed forces have a fundamental role to play in the restoration of democracy,” "
                 "Col. Jose Luis Silva said in a video.")
    assert q.text == "The armed forces have a fundamental role to play in the restoration of democracy"
    assert _speaker(q) == "jose-luis-silva" and q.cue == "say"


def test_straight_quotes_and_speaker_before_with_colon(quotes):
    [q] = quotes('Mike Pompeo told the council: "Now it is time for every other nation to pick a side."')
    assert q.text == "Now it is time for every other nation to pick a side."
    assert _speaker(q) == "mike-pompeo"


def test_guillemets_from_a_translated_article(quotes, seeds):
    text = (seeds / "001_e4a2ce084939be87.txt").read_text(encoding="utf-8")
    para = next(p for p in text.split("\n\n") if "«main units of our armed forces»" in p)
    found = {q.text: _speaker(q) for q in quotes(para)}
    assert found["main units of our armed forces"] == "juan-guaido"


def test_single_quotes_but_not_apostrophes(quotes):
    found = quotes("Maduro’s aide said the plan was ‘a direct path to bloodshed and chaos’ and left.")
    assert [q.text for q in found] == ["a direct path to bloodshed and chaos"]


def test_scare_quotes_are_not_quotations(quotes):
    assert quotes("The self-proclaimed “president” met the “patriots” of the “National Assembly” on Monday.") == []


def test_partial_quote_inside_a_sentence(quotes):
    [q] = quotes("Maduro congratulated the military, who led the “defeat of a small group that tried to fill "
                 "Venezuela with violence,” and ordered an investigation.")
    assert q.text == "defeat of a small group that tried to fill Venezuela with violence"
    assert _speaker(q) == "nicolas-maduro"


def test_quote_over_several_paragraphs_is_one_quotation():
    text = ("“We will not give up. The streets are ours.\n\n"
            "“We will march again on Saturday,” the opposition leader said.\n\nNext paragraph.")
    spans = mark_spans(text)
    assert len(spans) == 1
    s, e = spans[0]
    assert text[s:e].startswith("We will not give up") and text[s:e].endswith("Saturday,")


def test_unbalanced_marks_never_swallow_the_article(quotes):
    text = ("He said “the talks had failed and nothing more.\n\n"
            "The army stayed in its barracks on Monday, officials said.\n\n"
            "“Sanctions will follow soon enough,” Pompeo said.")
    found = quotes(text)
    assert [q.text for q in found] == ["Sanctions will follow soon enough"]
    assert mark_spans('a " b " c "') == [(3, 6)]
    assert mark_spans("“”") == [(1, 1)] or mark_spans("“”") == []


def test_dash_interview_speech(quotes, seeds):
    """Attributions inside dash paragraphs name the speaker and are cut from the quotation; questions
    are the interviewer's; bullets answer for the last named speaker."""
    text = (seeds / "001_e4a2ce084939be87.txt").read_text(encoding="utf-8")
    found = quotes(text)

    def starting(words):
        return next(q for q in found if q.text.startswith(words))

    stressed = starting("Those who come to Miraflores")
    assert stressed.text.endswith("we will apply it") and _speaker(stressed) == "vladimir-padrino-lopez"
    byshok = starting("In Venezuela, active political")
    assert byshok.speaker.name == "Stanislav Byshok" and byshok.speaker.provisional
    assert _speaker(starting("Why they did not work?")) is None
    assert starting("This is not a separate episode").speaker.name == "Stanislav Byshok"


def test_according_to_and_pronouns(quotes):
    found = quotes("Juan Guaidó spoke to supporters in Caracas on Tuesday.\n\n"
                   "“We have to remain in the streets until the usurpation ends,” he said.")
    assert [_speaker(q) for q in found] == ["juan-guaido"]


def test_indirect_speech(quotes):
    [q] = quotes("Mike Pompeo said that Nicolás Maduro was planning to leave the country on Tuesday.", kind="indirect")
    assert q.text == "Nicolás Maduro was planning to leave the country on Tuesday"
    assert _speaker(q) == "mike-pompeo" and q.cue == "say"


def test_an_agency_that_relays_is_not_the_speaker(quotes):
    [q] = quotes("“These air raids are not against the militants,” the Anadolu news agency quoted Ahmet Davutoglu "
                 "as saying.")
    assert q.speaker is not None and "davutoglu" in q.speaker.id


def test_the_ranking_learns_which_candidate_speaks_and_survives_its_file(tmp_path):
    from allegiance.learning.model import LinearModel
    from allegiance.learning.speaker_candidates import SpeakerCandidate
    from allegiance.learning.speakers import SpeakerRanker
    from allegiance.learning.speakers_train import fit_ranking

    # in every quotation the subject of the reporting verb speaks, wherever it stands
    data = [([{"bias": 1.0, "near": 1.0}, {"bias": 1.0, "speech_dep=nsubj": 1.0}, {"nobody": 1.0}], [False, True, False]),
            ([{"bias": 1.0, "speech_dep=nsubj": 1.0, "far": 1.0}, {"bias": 1.0, "near": 1.0}, {"nobody": 1.0}], [True, False, False])]
    model = fit_ranking(data, c=1.0)
    model.save(tmp_path / "speakers.npz")
    ranker = SpeakerRanker(LinearModel.load(tmp_path / "speakers.npz"))
    cands = [SpeakerCandidate(None, {"nobody": 1.0}), SpeakerCandidate(None, {"bias": 1.0, "near": 1.0}, "A"),
             SpeakerCandidate(None, {"bias": 1.0, "speech_dep=nsubj": 1.0}, "B")]
    assert ranker.best(cands).mention == "B"


@pytest.mark.quality
def test_cross_validated_speakers_beat_the_rules(shared):
    """On the train gold's folds (seed and dev gold always trained on), the learned speakers are right
    more often than the rules' (measured 2026-12-04: 0.798 against 0.726, pooled over 5 folds), on the
    same quotations (quote F1 0.956)."""
    from allegiance.evaluation.cv import run

    gold = shared / "gold"
    speech = run([shared / "corpus"], [gold / "seeds", gold / "venezuela-allsides-dev", gold / "train"],
                 gold / "train", 5, KnowledgeBase.load())["speech"]
    rules, learned = speech["rules"]["pooled"], speech["learned"]["pooled"]
    assert speech["articles"] == 54 and learned["quote_f1"] >= 0.90
    assert learned["speaker_acc"] >= rules["speaker_acc"] + 0.05
