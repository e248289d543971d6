"""The situation report in a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import json
import shutil

import pytest

from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction.pipeline import Extractor, extract
from allegiance.outputs.report import gather, render_html, render_markdown
from allegiance.reading.ingest import ingest
from allegiance.store import Store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]
HOSTILE = ("Colombia recognized Juan Guaidó as interim president on Monday <script>document.title='pwned'</script> "
           "in a statement from Bogotá.")


@pytest.fixture(scope="module")
def report_files(venezuela_db, tmp_path_factory):
    """The Venezuela articles and one hostile article, as one store and its report."""
    tmp = tmp_path_factory.mktemp("report")
    shutil.copyfile(venezuela_db, tmp / "r.duckdb")
    hostile = tmp / "hostile.jsonl"
    hostile.write_text(json.dumps({
        "doc_id": "hostile", "title": "<img src=x onerror=alert(1)> March in Caracas", "outlet": "<b>Test</b> Outlet",
        "published": "2019-01-28", "text": HOSTILE + "\n\nThe march ended peacefully in the evening, organisers said.",
    }) + "\n", encoding="utf-8")
    with Store(tmp / "r.duckdb") as store:
        ingest([hostile], store)
        extract(store, Extractor(KnowledgeBase.load()))
        data = gather(store, KnowledgeBase.load())
    html_path = tmp / "report.html"
    html_path.write_text(render_html(data), encoding="utf-8")
    return html_path, render_markdown(data), data, tmp / "r.duckdb"


def test_report_renders_in_chromium(report_files):
    from playwright.sync_api import sync_playwright

    html_path, _, _, _ = report_files
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        errors, dialogs, requests = [], [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file://") else None)
        page.goto(html_path.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        assert errors == [] and dialogs == []
        assert requests == []  # self-contained: nothing fetched
        assert page.locator("#timeline rect.bar").count() > 10
        assert page.locator("#allegiance-picture circle.actor").count() >= 5
        assert page.locator("#allegiance-picture circle.actor.security").count() >= 1
        # the article's own <script> is shown as text, never run
        assert page.title() == "Allegiance situation report"
        shown = page.text_content("#stances")  # evidence sits in collapsed <details>: text, not markup
        assert "<script>document.title='pwned'</script>" in shown
        assert "<img src=x onerror=alert(1)> March in Caracas" in page.inner_text("#corpus")
        # a table sorts when its header is clicked, and the filter narrows the stances
        page.fill("#filter", "Russia")
        visible = [r for r in page.locator("#stances tbody tr").all() if r.is_visible()]
        assert visible and all("Russia" in r.inner_text() for r in visible)
        browser.close()


def test_every_row_links_to_evidence(report_files):
    html_path, _, data, _ = report_files
    html = html_path.read_text(encoding="utf-8")
    assert data.stances and all(s.evidence for s in data.stances)
    for s in data.stances[:5]:
        assert f'href="#doc-{s.evidence[0].doc_id}"' in html
    assert 'id="doc-hostile"' in html


def test_markdown_report(report_files):
    _, markdown, data, _ = report_files
    assert markdown.startswith("# Situation report")
    assert "## Who stands where" in markdown and "## Contested claims" in markdown
    assert len(data.contenders) == 2


def test_scope_filters(report_files):
    import datetime as dt

    *_, db = report_files
    kb = KnowledgeBase.load()
    with Store(db, read_only=True) as store:
        whole = gather(store, kb)
        venezuela = gather(store, kb, country="VEN")
        early = gather(store, kb, date_to=dt.date(2014, 12, 31))
    assert 0 < venezuela.counts["events in scope"] < whole.counts["events in scope"]
    assert all(week <= "2014-12-31" for week in early.timeline)
    assert venezuela.scope == "country VEN" and "to 2014-12-31" in early.scope
