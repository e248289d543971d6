"""Cleaning: site furniture goes, article paragraphs and quotations stay."""

from __future__ import annotations

from allegiance.reading.clean import clean, is_dateline, normalise


def test_no_listed_boilerplate_survives_in_the_seeds(seeds, seed_gold):
    for path in sorted(seeds.glob("*.txt")):
        cleaned = clean(path.read_text(encoding="utf-8"))
        gold = seed_gold[path.stem]
        left = [b for b in gold["boilerplate"] if normalise(b) in cleaned.text]
        assert left == [], f"{path.name}: furniture left in the text: {left}"
        assert cleaned.title == gold["title"], path.name


def test_article_paragraphs_and_quotes_are_kept(seeds):
    raw = (seeds / "004_dd666ddaa317e735.txt").read_text(encoding="utf-8")
    text = clean(raw).text
    assert "“The armed forces have a fundamental role to play in the restoration of democracy,” Silva said" in text
    assert "No Food, Medicine" in text  # a section heading is article text
    raw2 = (seeds / "002_b3e21ba628e36f15.txt").read_text(encoding="utf-8")
    text2 = clean(raw2).text
    assert text2.startswith("Trump administration in 'direct contact")
    assert "Revelation comes two weeks after US recognised opposition politician Juan Guaido as president" in text2


def test_caption_with_credit_block_is_removed_with_its_caption():
    raw = (
        "Army Chief Meets Rebels\n\n"
        "Soldiers stand guard outside the ministry building during the night of the\n"
        "JANE DOE/AFP/Getty Images\n\n"
        "The army chief met rebel leaders on Monday, officials said, in the first talks since the uprising began.\n"
    )
    cleaned = clean(raw)
    assert "Soldiers stand guard" not in cleaned.text and "Getty" not in cleaned.text
    assert cleaned.text.endswith("since the uprising began.")
    assert [r.role for r in cleaned.removed] == ["caption", "credit"]


def test_header_byline_dateline_and_teaser_are_read_and_removed():
    raw = (
        "Generals Split Over Election Result\n\n"
        "Standfirst line that sums up the story without a full stop\n\n"
        "Maria Lopez\n"
        "Tuesday 12 March 2019 09:15 GMT\n"
        "Crowds gather outside the palace as the vote count stalls\n\n"
        "Two generals publicly broke with the president on Tuesday, the first open split in the high command this year.\n\n"
        "Pedro Alvarez Regional leaders call emergency summit on the border closure\n\n"
        "“We will not fire on our own people,” one of the generals said in a video.\n"
    )
    cleaned = clean(raw)
    roles = {r.line: r.role for r in cleaned.removed}
    assert roles == {
        "Maria Lopez": "byline",
        "Tuesday 12 March 2019 09:15 GMT": "dateline",
        "Crowds gather outside the palace as the vote count stalls": "teaser",
        "Pedro Alvarez Regional leaders call emergency summit on the border closure": "teaser",
    }
    assert "Standfirst line" in cleaned.text and "“We will not fire on our own people,”" in cleaned.text


def test_stray_separators_and_comment_prompts_go():
    raw = ", , , ,\n\nHeadline Of The Story Here\n\nA paragraph of real article text that ends here.\n\n***\n\nLeave a Reply\n\nCOMMENTS\n"
    cleaned = clean(raw)
    assert cleaned.text == "Headline Of The Story Here\n\nA paragraph of real article text that ends here."


def test_reader_callouts_go():
    raw = ("Headline Of The Story Here\n\nA paragraph of real article text that ends here.\n\n"
           "Are you in Peru? How has the crisis touched you? Tell us by emailing tips@example.org\n\n"
           "Please include a contact number if you are happy to talk to one of our reporters.")
    cleaned = clean(raw)
    assert cleaned.text == "Headline Of The Story Here\n\nA paragraph of real article text that ends here."
    assert [r.role for r in cleaned.removed] == ["callout", "callout"]


def test_datelines():
    assert is_dateline("January 27, 2019 Updated: January 27, 2019")
    assert is_dateline("Friday 08 February 2019 18:38 GMT")
    assert not is_dateline("January 27, 2019 was the day the colonel defected from the army")


def test_inline_teaser_links_after_a_name_are_cut_and_kept_as_removed():
    text = ("Senator Ann Rivers Ann Marie RiversRivers backs new farm bill Lawmakers clash over budget "
            "deadline MORE said on Monday that the embassy would stay open.\n\n"
            "Tom MacDonald said the new plan was MORE useful than the old one.")
    out = clean(text)
    assert out.text.split("\n\n") == [
        "Senator Ann Rivers said on Monday that the embassy would stay open.",
        "Tom MacDonald said the new plan was MORE useful than the old one."]
    assert [r.role for r in out.removed] == ["teaser"]
    assert out.removed[0].line.startswith("Ann Marie RiversRivers backs") and out.removed[0].line.endswith("MORE")
