"""The dashboard in Debian's Chromium (Playwright) against a real server on loopback: it loads without a
console error, filters, brushes the timeline into a date range kept in the URL, opens the evidence of a
row with its sentence highlighted, fetches nothing beyond the server, and shows hostile text as text."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from test_report import CHROMIUM, FLAGS
from test_serve import HOSTILE, LiveServer, serve_db  # noqa: F401 - the same store, built once


@pytest.fixture(scope="module")
def browser_page(serve_db):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with LiveServer(serve_db) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        seen = {"errors": [], "dialogs": [], "requests": []}
        page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
        page.on("request", lambda r: seen["requests"].append(r.url))
        yield server, page, seen
        browser.close()


def _ready(page) -> None:
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)


def _query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def test_dashboard_filters_brushes_and_opens_evidence(browser_page):
    server, page, seen = browser_page
    page.goto(server.url + "/")
    _ready(page)
    assert page.locator("#timeline rect.bar").count() > 10
    assert page.locator("#network .node.contender").count() >= 2 and page.locator("#network line.edge").count() > 0
    assert page.locator("#events tbody tr").count() == 50
    assert page.locator("#claims .claim").count() > 0 and page.locator("#outlets .outlet").count() > 0

    # a facet sets a filter; the URL holds it, every row obeys it
    page.locator("#facets li", has_text="RECOGNIZE").first.click()
    _ready(page)
    assert _query(page)["type"] == "RECOGNIZE"
    types = page.locator("#events tbody tr td:nth-child(2)").all_inner_texts()
    assert types and set(types) == {"RECOGNIZE"}

    # brushing the timeline sets the date range of every view, and a reload keeps it
    page.locator("#timeline-view").scroll_into_view_if_needed()
    page.mouse.wheel(0, -200)  # clear of the sticky filter bar
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.55, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, y, steps=5)
    page.mouse.up()
    _ready(page)
    query = _query(page)
    assert query["from"] < query["to"] and query["type"] == "RECOGNIZE"
    page.reload()
    _ready(page)
    assert page.input_value("input[name=from]") == query["from"] and page.input_value("input[name=to]") == query["to"]
    assert page.locator("#timeline rect.brush.selected").count() == 1

    # a row opens its article with the evidence sentence highlighted
    page.click("#clear")
    _ready(page)
    row = page.locator("#events tbody tr").first
    sentence = row.locator("td.sentence").inner_text()
    row.click()
    page.wait_for_selector("#evidence-body mark")
    assert page.locator("#evidence-body mark").first.inner_text() == sentence
    assert "evidence" in _query(page)
    page.click("#close-evidence")

    # the network follows its slider, and offers its GEXF
    page.locator("#network-slider").fill("0")
    page.wait_for_function("new URLSearchParams(location.search).get('net')")
    assert "format=gexf" in page.get_attribute("#gexf", "href")

    assert seen["errors"] == [] and seen["dialogs"] == []
    assert seen["requests"] and all(u.startswith(server.url + "/") for u in seen["requests"]), seen["requests"]


def test_hostile_article_text_is_shown_as_text(browser_page):
    server, page, seen = browser_page
    page.goto(server.url + "/?" + "outlet=" + "%3Cb%3ETest%3C%2Fb%3E%20Outlet")
    _ready(page)
    assert page.locator("#events tbody tr").count() >= 1
    assert page.locator("#events b, #events img, #facets b").count() == 0
    page.locator("#events tbody tr").first.click()
    page.wait_for_selector("#evidence-body mark")
    body = page.locator("#evidence-body")
    assert "<script>document.title='pwned'</script>" in body.inner_text()
    assert HOSTILE["title"] in body.inner_text()
    assert page.locator("#evidence-body script, #evidence-body img, #evidence-body b").count() == 0
    assert page.title() == "Allegiance dashboard"
    assert seen["errors"] == [] and seen["dialogs"] == []


def test_change_shows_rises_and_toggles_to_falls(browser_page):
    server, page, seen = browser_page
    weeks = sorted({r["period"] for r in httpx.get(server.url + "/api/timeline").json()["rows"]})
    changes = {w: httpx.get(server.url + "/api/change", params={"week": w}).json() for w in weeks}
    week = next(w for w, c in changes.items() if c["rises"] and c["falls"] and c["new_actors"])
    sunday = (dt.date.fromisoformat(week) + dt.timedelta(days=6)).isoformat()
    page.goto(server.url + "/?to=" + sunday)
    _ready(page)
    assert page.locator("#change-week").inner_text() == f"week of {week}"
    rises = page.locator("#change tbody tr.rise td:nth-child(5)").all_inner_texts()
    assert rises and all(t.startswith("▲ +") for t in rises)
    assert page.locator("#change tbody tr.fall").count() == 0
    assert page.locator("#new-actors li").count() == min(20, len(changes[week]["new_actors"]))
    page.check("input[name=direction][value=falls]")
    _ready(page)
    assert _query(page)["direction"] == "falls"
    falls = page.locator("#change tbody tr.fall td:nth-child(5)").all_inner_texts()
    assert len(falls) == min(25, len(changes[week]["falls"])) and all(t.startswith("▼ -") for t in falls)
    page.reload()
    _ready(page)
    assert page.is_checked("input[name=direction][value=falls]") and page.locator("#change tbody tr.fall").count()
    assert seen["errors"] == [] and seen["dialogs"] == []
