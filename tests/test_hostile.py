"""Hostile content: markup and script in every field an article or a knowledge-base file can set
(titles, outlets, authors, URLs, doc ids, actor names, quotations, label sentences) go through ingest,
extraction and the HTML report, which is then opened in a real Chromium: nothing runs, nothing loads
from outside. SQL-injection strings in every command-line filter are inert. Links in an input folder
that point outside it are not read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_report import CHROMIUM, FLAGS
from typer.testing import CliRunner

from allegiance.actors.kb import KnowledgeBase
from allegiance.cli import app
from allegiance.extraction.pipeline import Extractor, extract
from allegiance.outputs.export import export
from allegiance.outputs.report import gather, render_html
from allegiance.reading.ingest import ingest
from allegiance.store import Store

#: Each sets window.__pwned (or calls alert, or fetches from evil.example) if it ever runs.
MARKUP = [
    "<script>window.__pwned=1;alert(1)</script>",
    "<img src=x onerror=\"window.__pwned=1;alert(1)\">",
    "<svg onload=\"window.__pwned=1\"><circle r=9></circle></svg>",
    "\"><script>window.__pwned=1</script>",
    "'><img src=x onerror=window.__pwned=1>",
    "\" onmouseover=\"window.__pwned=1\" autofocus onfocus=\"window.__pwned=1\" x=\"",
    "' onmouseover='window.__pwned=1' x='",
    "</script><script>window.__pwned=1</script>",
    "</title><script>window.__pwned=1</script>",
    "</textarea></style></q></details><script>window.__pwned=1</script>",
    "<iframe src=\"http://evil.example/frame\"></iframe>",
    "<link rel=stylesheet href=\"http://evil.example/x.css\">",
    "<style>@import url(http://evil.example/i.css); body{background:url(http://evil.example/b.png)}</style>",
    "<base href=\"http://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=http://evil.example/\">",
    "<a href=\"javascript:window.__pwned=1\">click</a>",
    "<object data=\"http://evil.example/x\"></object><embed src=\"http://evil.example/y\">",
    "<details open ontoggle=\"window.__pwned=1\">",
    "<video><source onerror=\"window.__pwned=1\"></video>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
    "<form action=\"http://evil.example/\"><button>go</button></form>",
    "<!-- <script>window.__pwned=1</script> -->",
    "<![CDATA[<script>window.__pwned=1</script>]]>",
    "{{constructor.constructor('window.__pwned=1')()}}",
    "${window.__pwned=1}",
    "\u2028\u2029<script>window.__pwned=1</script>",
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "<scr<script>ipt>window.__pwned=1</scr</script>ipt>",
]
URLS = ["javascript:window.__pwned=1", "http://evil.example/\" onclick=\"window.__pwned=1",
        "data:text/html,<script>window.__pwned=1</script>", "https://evil.example/'><script>window.__pwned=1</script>"]
#: Each would change or empty a table if it reached a query as SQL.
SQL = [
    "' OR '1'='1", "'; DROP TABLE articles; --", "1); DELETE FROM events; --", "\" OR 1=1 --",
    "%' OR doc_id LIKE '%", "VEN' UNION SELECT * FROM articles --", "2019-01-01'; DROP TABLE events; --",
    "Maduro'); DELETE FROM quotes; --", "$$; DROP TABLE quotes; $$",
]
NAMED = "Carlos Ibarrola"
BIN = Path(sys.executable).parent / "allegiance"  # a person the user's knowledge-base file adds, under a hostile name


def _article(i: int, payload: str) -> dict:
    text = (
        f"Colombia recognized Juan Guaidó as interim president on Monday {payload} in a statement from Bogotá.\n\n"
        f"“{payload} We will not surrender the palace,” said Nicolás Maduro, calling Guaidó a puppet of the empire.\n\n"
        f"{NAMED} said the army {payload} backed Maduro, and “the usurper {payload} must go,” Guaidó told a rally in Caracas.\n\n"
        "The United States imposed sanctions on the state oil company PDVSA, and Russia condemned the move."
    )
    return {"doc_id": f"hostile-{i}" if i % 3 else f"{payload}-{i}", "title": f"{payload} March in Caracas {i}",
            "outlet": f"{payload} News", "author": payload, "url": URLS[i % len(URLS)], "published": "2019-01-28",
            "text": text}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "in.jsonl").write_text("".join(json.dumps(_article(i, p)) + "\n" for i, p in enumerate(MARKUP)), encoding="utf-8")
    kb_file = tmp / "kb.yaml"
    kb_file.write_text(yaml.safe_dump([{
        "id": "hostile-person", "name": f"{MARKUP[1]} Ibarrola", "kind": "person", "country": "VEN",
        "sectors": ["GOV"], "aliases": [NAMED, "Ibarrola"]}]), encoding="utf-8")
    kb = KnowledgeBase.load(kb_file)
    db = tmp / "h.duckdb"
    with Store(db) as store:
        summary = ingest([tmp / "in.jsonl"], store)
        assert summary.failed == 0 and summary.counts["new"] == len(MARKUP)
        extract(store, Extractor(kb), processes=1)
        data = gather(store, kb)
    page = tmp / "report.html"
    page.write_text(render_html(data), encoding="utf-8")
    return {"db": db, "kb": kb_file, "page": page, "data": data}


def test_hostile_markup_in_the_report_does_nothing_in_chromium(hostile):
    from playwright.sync_api import sync_playwright

    html = hostile["page"].read_text(encoding="utf-8")
    assert html.count("<script") == 1 and "evil.example/frame\"></iframe>" not in html
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        errors, dialogs, requests = [], [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file://") else None)
        page.goto(hostile["page"].as_uri())
        page.wait_for_selector("body[data-ready='1']")
        for details in page.locator("details").all()[:200]:  # open the evidence, hover the links
            details.evaluate("d => d.open = true")
        for link in page.locator("a").all()[:100]:
            link.hover()
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None
        assert errors == [] and dialogs == [] and requests == []
        assert page.title() == "Allegiance situation report"
        assert page.evaluate("document.scripts.length") == 1  # the report's own
        assert page.evaluate("""[...document.querySelectorAll('*')].filter(el =>
            [...el.attributes].some(a => a.name.startsWith('on'))).length""") == 0
        assert page.evaluate("document.querySelectorAll('iframe, object, embed, base, form, link, meta[http-equiv], a[href^=javascript], a[href^=data]').length") == 0
        shown = page.inner_text("body")
        assert f"{MARKUP[0]} March in Caracas 0" in shown  # shown as text, exactly
        assert MARKUP[1] in shown  # the knowledge-base name too
        browser.close()


def _tables(db) -> dict[str, str]:
    out = {}
    with Store(db, read_only=True) as store:
        for what in ("articles", "mentions", "events", "quotes", "labels", "claims", "fused-events", "errors"):
            path = db.parent / f"{what}.dump"
            export(store, what, "jsonl", path)
            out[what] = path.read_text(encoding="utf-8")
    return out


def test_sql_injection_in_every_filter_is_inert(hostile):
    db, kb = str(hostile["db"]), str(hostile["kb"])
    before = _tables(hostile["db"])
    out = str(hostile["db"].parent / "r.html")
    filters = [
        ["report", "--db", db, "--kb", kb, "-o", out, "--country"],
        ["report", "--db", db, "--kb", kb, "-o", out, "--from"],
        ["report", "--db", db, "--kb", kb, "-o", out, "--to"],
        ["report", "--db", db, "--kb", kb, "-o", out, "--principal"],
        ["allegiances", "--db", db, "--kb", kb, "--at"],
        ["allegiances", "--db", db, "--kb", kb, "--principal"],
        ["framing", "--db", db, "--kb", kb, "--actor"],
        ["actors", "--kb", kb],
        ["actors", "--unknown", "--db", db, "--limit"],
        ["export", "--db", db, "articles", "--format"],
        ["export", "--db", db],
    ]
    # every string through the filter whose value reaches the report's queries as is (and, in process, through
    # gather); two through each other filter. The commands run in this process (CliRunner: the same code from
    # argument parsing to the query, without loading Python and the models 29 times); one runs as a real process.
    real = subprocess.run([str(BIN), *filters[0], SQL[1]], capture_output=True, text=True, timeout=600)
    assert real.returncode == 0 and "Traceback" not in real.stderr, real.stderr
    runner = CliRunner()
    tried = 1
    with Store(hostile["db"], read_only=True) as store:
        knowledge = KnowledgeBase.load(hostile["kb"])
        for injection in SQL:
            assert gather(store, knowledge, country=injection.upper()).counts["events in scope"] == 0
    for i, args in enumerate(filters):
        strings = SQL if args[-1] == "--country" else [SQL[1], SQL[i % len(SQL)]]
        for injection in strings:
            res = runner.invoke(app, [*args, injection])
            tried += 1
            assert res.exit_code in (0, 1, 2), (args, injection, res.output)  # done, refused, or a usage error
            assert res.exception is None or isinstance(res.exception, SystemExit), (args, repr(res.exception))
    assert _tables(hostile["db"]) == before
    assert tried == 1 + len(SQL) + 2 * (len(filters) - 1)


def test_links_out_of_an_input_folder_are_not_read(tmp_path, seeds):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = "The secret key is 7f3a and the password is hunter2, which nobody may ingest. " * 3
    (outside / "secret.txt").write_text(secret, encoding="utf-8")
    (outside / "more.jsonl").write_text(json.dumps({"doc_id": "more", "text": secret}) + "\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = next(iter(sorted(seeds.glob("*.txt"))))
    (corpus / "real.txt").write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    os.symlink(outside / "secret.txt", corpus / "innocent.txt")
    os.symlink(outside, corpus / "folder")  # a linked folder
    os.symlink("/etc/passwd", corpus / "passwd.txt")
    os.symlink(corpus, corpus / "loop")  # a link back to itself
    os.symlink(corpus / "real.txt", corpus / "alias.txt")  # inside: allowed
    with Store(tmp_path / "l.duckdb") as store:
        summary = ingest([corpus], store)
        texts = [t for (t,) in store.con.execute("SELECT text FROM articles").fetchall()]
        refused = {os.path.basename(o): r for o, r in store.con.execute("SELECT origin, reason FROM errors").fetchall()}
    assert not any("hunter2" in t or "root:" in t for t in texts)
    assert summary.counts["new"] == 2 and len(texts) == 2  # real.txt and its alias (a duplicate of it)
    assert "outside" in refused["innocent.txt"] and "outside" in refused["passwd.txt"]
