"""Quotations in every style real news uses, and the failure cases that must not break extraction."""

from __future__ import annotations

from collections import Counter

import pytest

from allegiance.actors.focus import main_country
from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction.pipeline import Extractor, extract
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
def test_cross_validated_speakers_beat_the_rules(speech_cv):
    """On the train gold's folds (seed and dev gold always trained on), the learned speakers are right
    more often than the rules' (measured 2026-12-05: 0.801 against 0.726, pooled over 5 folds), on the
    same quotations (quote F1 0.956)."""
    rules, learned = speech_cv["rules"]["pooled"], speech_cv["learned"]["pooled"]
    assert speech_cv["articles"] == 54 and learned["quote_f1"] >= 0.90
    assert learned["speaker_acc"] >= rules["speaker_acc"] + 0.05

def test_claims_framing_and_labels_read_the_learned_speakers(seeds, store):
    """What extraction stores is the learned ranking's speakers and the labels that follow from them (a
    label inside a quotation whose speaker the ranking revises changes voice), so the claims table (the
    contested-claims export and the report's disputes), the framing export's quote shares and its labels
    read those, not the rules'."""
    from allegiance.analysis.framing import camp, labels_by_outlet, quote_shares
    from allegiance.reading.ingest import ingest

    kb = KnowledgeBase.load()
    learned = Extractor(kb)
    ingest([seeds / "001_e4a2ce084939be87.txt"], store)
    extract(store, learned)
    [(doc_id, text, published, outlet)] = store.con.execute("SELECT doc_id, text, published, outlet FROM articles").fetchall()
    doc = next(learned.docs([(doc_id, text, published, outlet)]))
    mine, rules = learned.extract(doc), Extractor(kb, nlp=learned.nlp, speakers=False).extract(doc)

    def sid(q):
        return q.speaker.id if q.speaker else None

    assert any(sid(q) != sid(r) for q, r in zip(mine.quotes, rules.quotes))  # the ranking revises some here
    claims = {(s, e): speaker for s, e, speaker in store.con.execute('SELECT start, "end", speaker_id FROM claims').fetchall()}
    assert claims == {(q.start, q.end): sid(q) for q in mine.quotes}

    def author(x):
        return {(lab.actor.id, lab.label) for lab in x.labels if lab.voice is None}

    assert author(mine) != author(rules)
    assert {(r.actor_id, r.key) for r in labels_by_outlet(store)} == author(mine)
    shares = {r.key: r.count for r in quote_shares(store, kb)}
    focus = main_country(store.mention_countries())
    expected = Counter(camp(kb, sid(q), q.speaker and q.speaker.country, focus) for q in mine.quotes if q.kind == "direct")
    assert shares == dict(expected)
