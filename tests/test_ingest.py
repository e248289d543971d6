"""Ingest end to end on a real DuckDB: idempotence, updates, duplicates, languages, errors."""

from __future__ import annotations

import json

from allegiance.reading.ingest import ingest


def _rows(store, sql, params=()):
    return store.con.execute(sql, list(params)).fetchall()


def test_seeds_and_dev_ingest_once(store, shared):
    corpus = [shared / "corpus" / "seeds", shared / "corpus" / "venezuela-allsides-dev.jsonl"]
    n = len(list(corpus[0].glob("*.txt"))) + len(corpus[1].read_text(encoding="utf-8").splitlines())
    first = ingest(corpus, store)
    assert first.counts["new"] == n and first.failed == 0
    again = ingest(corpus, store)
    assert again.counts["new"] == 0 and again.counts["unchanged"] == n
    assert store.count_articles() == n
    title, outlet, published, lean = _rows(
        store, "SELECT title, outlet, published, extra->>'lean' FROM articles WHERE doc_id = ?", ["as-6JhU6uSuL61CRDkx"]
    )[0]
    assert outlet == "Reuters" and str(published) == "2019-05-02" and lean == "center"
    assert title.startswith("Guaido faces test")


def test_given_metadata_wins_over_inferred(store, tmp_path):
    path = tmp_path / "given.jsonl"
    text = "Junta Names New Cabinet\n\nBy Ana Torres\n\nThe ruling junta named a new cabinet on Monday, officials said in a statement.\n"
    path.write_text(json.dumps({"doc_id": "g1", "text": text, "title": "Given title", "author": "Given Author",
                                "published": "not a date", "section": "world"}) + "\n", encoding="utf-8")
    ingest([path], store)
    title, author, published, extra, given = _rows(
        store, "SELECT title, author, published, extra, given FROM articles WHERE doc_id = 'g1'")[0]
    assert (title, author, published) == ("Given title", "Given Author", None)
    assert json.loads(extra) == {"section": "world", "published_raw": "not a date"}
    assert given == ["title", "author"]


def test_changed_content_updates_the_article(store, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Troops Deploy\n\nTroops deployed to the border on Monday, the ministry said in a statement.\n", encoding="utf-8")
    ingest([path], store)
    path.write_text("Troops Deploy\n\nTroops deployed to the northern border on Monday, the ministry said in a statement.\n", encoding="utf-8")
    summary = ingest([path], store)
    assert summary.counts["updated"] == 1 and store.count_articles() == 1
    assert "northern border" in _rows(store, "SELECT text FROM articles")[0][0]


def test_exact_and_near_duplicates_are_linked_to_the_original(store, shared, tmp_path):
    rec = json.loads((shared / "corpus" / "venezuela-allsides-dev.jsonl").read_text(encoding="utf-8").splitlines()[0])
    paragraphs = rec["text"].split("\n\n")
    syndicated = "A Different Headline For The Same Wire Story\n\n" + "\n\n".join(paragraphs[:-1]) + "\n\nLeave a Reply\n"
    path = tmp_path / "copies.jsonl"
    path.write_text(
        json.dumps({"doc_id": "orig", "outlet": "Reuters", "text": rec["text"]}) + "\n"
        + json.dumps({"doc_id": "exact", "outlet": "Other", "text": rec["text"].replace("\n\n", "\n\n\n")}) + "\n"
        + json.dumps({"doc_id": "near", "outlet": "Third", "text": syndicated}) + "\n",
        encoding="utf-8",
    )
    summary = ingest([path], store)
    assert summary.counts["exact duplicates"] == 1 and summary.counts["near duplicates"] == 1
    links = dict(_rows(store, "SELECT doc_id, duplicate_of FROM articles"))
    assert links == {"orig": None, "exact": "orig", "near": "orig"}
    sim = _rows(store, "SELECT similarity FROM articles WHERE doc_id = 'near'")[0][0]
    assert 0.7 <= sim < 1.0


def test_non_english_is_stored_and_flagged(store, tmp_path):
    path = tmp_path / "es.txt"
    path.write_text(
        "Militares desertan\n\nUn grupo de militares venezolanos anunció el sábado que ya no reconoce al gobierno "
        "y pidió a sus compañeros de armas que se unan a la transición democrática en el país.\n",
        encoding="utf-8",
    )
    summary = ingest([path], store)
    assert summary.counts["non-English"] == 1
    assert _rows(store, "SELECT language FROM articles")[0][0] == "es"


def test_bad_inputs_are_recorded_and_the_rest_is_stored(store, seeds, tmp_path):
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "empty.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text('{"doc_id": "x", "text": "Good record about the crisis in the capital."}\n{oops\n', encoding="utf-8")
    summary = ingest([seeds, tmp_path], store)
    assert store.count_articles() == 6
    reasons = {(e.origin.split("/")[-1], e.line): e.reason for e in summary.errors}
    assert reasons[("broken.txt", None)] == "binary file, not text"
    assert reasons[("empty.html", None)].startswith("HTML page has no article body")
    assert reasons[("lines.jsonl", 2)].startswith("malformed JSON")
    assert len(_rows(store, "SELECT * FROM errors")) == 3


def test_html_page_text_and_metadata(store, tmp_path):
    body = "".join(
        f"<p>The opposition leader called on soldiers to abandon the government, paragraph {i} of a long report "
        f"on the crisis, as protesters filled the streets of the capital for a third day.</p>" for i in range(6)
    )
    page = (
        "<html><head><title>Leader calls on army to switch sides</title>"
        '<meta name="author" content="Ana Torres"><meta property="article:published_time" content="2019-01-24">'
        "</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Leader calls on army to switch sides</h1>{body}</article>"
        "<footer>Copyright 2019 Example News. All rights reserved.</footer></body></html>"
    )
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    summary = ingest([tmp_path / "page.html"], store)
    assert summary.failed == 0
    title, author, published, text = _rows(store, "SELECT title, author, published, text FROM articles")[0]
    assert title == "Leader calls on army to switch sides" and author == "Ana Torres"
    assert str(published) == "2019-01-24"
    assert "paragraph 5" in text and "Home" not in text and "Copyright" not in text


def test_duplicate_doc_id_within_a_run_is_an_error(store, tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text(
        json.dumps({"doc_id": "same", "text": "First text about the army chief and the president."}) + "\n"
        + json.dumps({"doc_id": "same", "text": "Second different text about the opposition leader."}) + "\n",
        encoding="utf-8",
    )
    summary = ingest([path], store)
    assert store.count_articles() == 1 and summary.failed == 1
    assert "already read from" in summary.errors[0].reason


def test_batches_see_what_earlier_batches_stored(store, tmp_path, monkeypatch):
    """The store is asked per batch what it holds; an earlier batch of the same run is as visible to a later
    one as an earlier run is: copies, re-read doc ids and unchanged records across a batch boundary."""
    import allegiance.reading.ingest as ingest_module

    monkeypatch.setattr(ingest_module, "BATCH", 3)
    texts = [f"The governor of province {n} met striking teachers on day {n} and promised {n} new schools."
             for n in range(6)]
    records = [{"doc_id": f"d{n}", "text": t} for n, t in enumerate(texts)]
    records += [{"doc_id": "copy", "text": texts[0]},  # the text of d0, two batches earlier
                {"doc_id": "d1", "text": "A different text under a doc id read in the first batch of this run."},
                {"doc_id": "d2", "text": texts[2]}]  # d2 again, unchanged
    path = tmp_path / "batches.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    summary = ingest([path], store)
    assert summary.counts["new"] == 7 and summary.counts["exact duplicates"] == 1
    assert summary.counts["unchanged"] == 1 and summary.failed == 1
    assert summary.errors[0].doc_id == "d1" and f"already read from {path}:2" in summary.errors[0].reason
    assert _rows(store, "SELECT duplicate_of FROM articles WHERE doc_id = 'copy'") == [("d0",)]
    again = ingest([path], store)
    assert again.counts["unchanged"] == 8 and again.failed == 1 and store.count_articles() == 7


def test_an_interrupt_inside_a_database_write_stops_cleanly(store, tmp_path, monkeypatch):
    """A signal that lands while DuckDB runs a query arrives as DuckDB's InterruptException, not as
    KeyboardInterrupt; it too must end the run as interrupted, with the batch rolled back."""
    import duckdb

    path = tmp_path / "few.jsonl"
    path.write_text("".join(json.dumps({"doc_id": f"d{i}", "text": f"Protesters marched in Caracas on day {i}. " * 5})
                            + "\n" for i in range(5)), encoding="utf-8")
    real = store.write_batch

    def interrupted_write(run_id, batch, errors):
        raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")

    monkeypatch.setattr(store, "write_batch", interrupted_write)
    summary = ingest([path], store)
    assert summary.interrupted
    assert store.count_articles() == 0
    monkeypatch.setattr(store, "write_batch", real)
    assert not ingest([path], store).interrupted and store.count_articles() == 5


def test_an_interrupt_inside_commit_is_still_an_interrupt(store, tmp_path):
    """DuckDB may end the transaction before an interrupt during COMMIT surfaces; the ROLLBACK that
    follows then finds nothing to undo, and its error must not replace the interrupt (which the
    command turns into a clean exit 130, where any other error exits 1)."""
    import duckdb

    path = tmp_path / "few.jsonl"
    path.write_text("".join(json.dumps({"doc_id": f"d{i}", "text": f"Protesters marched in Caracas on day {i}. " * 5})
                            + "\n" for i in range(5)), encoding="utf-8")

    class CommitThenInterrupt:
        """The connection, except that COMMIT commits and then reports an interrupt."""

        def __init__(self, con):
            self._con = con

        def execute(self, sql, *args):
            result = self._con.execute(sql, *args)
            if sql == "COMMIT":
                raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")
            return result

        def __getattr__(self, name):
            return getattr(self._con, name)

    real = store.con
    store.con = CommitThenInterrupt(real)
    try:
        summary = ingest([path], store)
    finally:
        store.con = real
    assert summary.interrupted
    assert store.count_articles() == 5  # the batch was committed before the interrupt: kept, consistent
    again = ingest([path], store)
    assert not again.interrupted and again.counts["unchanged"] == 5
