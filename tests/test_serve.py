"""`allegiance serve`: the JSON API on a real uvicorn server on loopback, over a store filled once from a few
real articles and one hostile one; checked against its own OpenAPI schema by schemathesis, and by hand for
what a schema cannot say (cursors, filters, downloads, evidence, a concurrent ingest)."""

from __future__ import annotations

import csv
import functools
import io
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from allegiance.actors.kb import KnowledgeBase
from allegiance.extraction.pipeline import Extractor, extract
from allegiance.outputs.export import EXPORTS
from allegiance.reading.ingest import ingest
from allegiance.serve.app import create_app
from allegiance.serve.params import encode_key
from allegiance.store import Store

BIN = Path(sys.executable).parent / "allegiance"
HOSTILE_TEXT = ("Colombia recognized Juan Guaidó as interim president on Monday "
                "<script>document.title='pwned'</script> in a statement from Bogotá; 100% of the 50_50 "
                "delegates agreed. <img src=x onerror=alert(1)>\n\n"
                "The march ended peacefully in the evening, organisers said.")
HOSTILE = {"doc_id": "hostile", "title": "<img src=x onerror=alert(1)> March in Caracas", "outlet": "<b>Test</b> Outlet",
           "published": "2019-01-28", "lean": "<i>center</i>", "text": HOSTILE_TEXT}
DEV_RECORDS = 3
#: Examples Hypothesis draws per API operation (about 35 operations).
EXAMPLES = 5


@functools.cache
def knowledge() -> KnowledgeBase:
    return KnowledgeBase.load()


@functools.cache
def _build(shared: Path, folder: Path) -> Path:
    """The store every serve test reads: the seeds, a few dev records (which carry a lean), the hostile article."""
    lines = (shared / "corpus" / "venezuela-allsides-dev.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    inputs = folder / "inputs"
    shutil.copytree(shared / "corpus" / "seeds", inputs / "seeds")
    (inputs / "dev.jsonl").write_text("".join(lines[:DEV_RECORDS]), encoding="utf-8")
    (inputs / "hostile.jsonl").write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    db = folder / "serve.duckdb"
    with Store(db) as store:
        ingest([inputs], store)
        extract(store, Extractor(knowledge()), processes=1)
    return db


@pytest.fixture(scope="session")
def serve_db(shared, tmp_path_factory) -> Path:
    return _build(shared, tmp_path_factory.getbasetemp())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving the app on loopback in a thread of the test process."""

    def __init__(self, db: Path, watch: float = 1.0):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(db, knowledge(), watch), host="127.0.0.1", port=self.port,
                                log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="session")
def live(serve_db):
    with LiveServer(serve_db) as server:
        yield server


@pytest.fixture(scope="session")
def api(live):
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client


def test_api_conforms_to_its_schema(live):
    """Every operation, with values drawn from its own schema: no server error, and every response (status,
    content type, body) as the schema declares it. (Schemathesis' pytest plugin does not run under this
    pytest, so each operation's strategy is driven by Hypothesis here.)"""
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def check(case):
            # a cursor or row id is opaque: any string fits the schema, only those the API gave out are accepted
            case.call_and_validate(base_url=live.url, excluded_checks=[positive_data_acceptance])

        check()


def _all_pages(api, path: str, **params) -> list[dict]:
    rows, cursor = [], None
    while True:
        page = api.get(path, params={**params, **({"cursor": cursor} if cursor else {})}).raise_for_status().json()
        rows += page["rows"]
        cursor = page["next"]
        if cursor is None:
            return rows


def test_rows_have_the_export_field_names(api):
    for name, spec in EXPORTS.items():
        if name in ("mentions", "errors"):
            continue
        page = api.get(f"/api/{name}", params={"limit": 3}).raise_for_status().json()
        assert page["count"] > 0, name
        assert all(list(r) == [*spec.fields, "_id"] for r in page["rows"]), name


def test_keyset_pages_cover_the_view_once_in_both_orders(api):
    whole = [json.loads(line) for line in api.get("/api/events/download").text.splitlines()]
    ids = [(r["doc_id"], r["event_id"]) for r in whole]
    assert len(ids) == len(set(ids)) > 100
    for order in ("asc", "desc"):
        paged = [(r["doc_id"], r["event_id"]) for r in _all_pages(api, "/api/events", limit=37, order=order)]
        assert len(paged) == len(set(paged)) and set(paged) == set(ids)
    ascending = _all_pages(api, "/api/events", limit=500)
    assert [(r["doc_id"], r["event_id"]) for r in ascending] == ids  # the download is the view in the same order


def test_filters_and_facets_agree(api):
    page = api.get("/api/events", params={"facet": ["type", "country", "outlet"], "limit": 1}).json()
    types = {f["value"]: f["count"] for f in page["facets"]["type"]}
    top, n = max(types.items(), key=lambda kv: kv[1])
    narrowed = api.get("/api/events", params={"type": top, "limit": 500}).json()
    assert narrowed["count"] == n == len(narrowed["rows"]) and all(r["type"] == top for r in narrowed["rows"])
    country = page["facets"]["country"][0]["value"]
    involving = api.get("/api/events", params={"country": country, "type": top, "limit": 500}).json()
    assert 0 < involving["count"] <= n
    both = api.get("/api/events", params={"from": "2019-01-01", "to": "2019-03-31", "status": "occurred",
                                          "limit": 500}).json()
    assert both["count"] > 0 and all(r["status"] == "occurred" for r in both["rows"])
    leaned = api.get("/api/articles", params={"facet": "lean"}).json()["facets"]["lean"]
    assert leaned, "the dev records carry a lean"
    lean = next(f["value"] for f in leaned if f["value"] != "<i>center</i>")
    assert all(r["doc_id"].startswith("as-") for r in _all_pages(api, "/api/events", lean=lean))


def test_free_text_is_taken_literally(api):
    assert api.get("/api/articles", params={"q": "100% of the 50_50"}).json()["count"] == 1
    assert api.get("/api/articles", params={"q": "100% of the 50x50"}).json()["count"] == 0
    assert api.get("/api/events", params={"q": "%"}).json()["count"] < api.get("/api/events").json()["count"]
    sql = api.get("/api/events", params={"q": "'; DROP TABLE api_events; --", "actor": "x' OR '1'='1"})
    assert sql.status_code == 200 and sql.json()["count"] == 0
    assert api.get("/api/events").json()["count"] > 0


def test_limits_and_bad_values_are_refused(api):
    assert api.get("/api/events", params={"limit": 501}).status_code == 422
    assert api.get("/api/events", params={"limit": 0}).status_code == 422
    assert api.get("/api/events", params={"q": "x" * 201}).status_code == 422
    assert api.get("/api/events", params={"from": "2019-13-01"}).status_code == 422
    assert api.get("/api/events", params={"facet": "sentence"}).status_code == 422
    assert api.get("/api/events", params={"cursor": "%%%"}).status_code == 422
    assert api.get("/api/events", params={"cursor": "bm90IGEga2V5"}).status_code == 400  # base64, not a key
    assert api.get("/api/events/evidence", params={"id": "bm90IGEga2V5"}).status_code == 400
    assert api.get("/api/events/evidence", params={"id": encode_key('["no", "such", "row"]')}).status_code == 404


def test_evidence_gives_the_article_and_the_spans(api):
    event = api.get("/api/events", params={"q": "interim president", "outlet": "<b>Test</b> Outlet"}).json()["rows"][0]
    evidence = api.get("/api/events/evidence", params={"id": event["_id"]}).json()
    (article,) = evidence["articles"]
    assert article["doc_id"] == "hostile" and article["text"].startswith(HOSTILE_TEXT[:40])
    (span,) = article["spans"]
    assert article["text"][span["start"]:span["end"]] == event["sentence"]
    assert "<script>document.title='pwned'</script>" in event["sentence"]  # stored and served as it was written
    fused = api.get("/api/fused-events", params={"limit": 1}).json()["rows"][0]
    cited = api.get("/api/fused-events/evidence", params={"id": fused["_id"]}).json()["articles"]
    for item in fused["evidence"]:
        art = next(a for a in cited if a["doc_id"] == item["doc_id"])
        assert item["sentence"] in [art["text"][s["start"]:s["end"]] for s in art["spans"]]
    stance = api.get("/api/allegiances", params={"limit": 1}).json()["rows"][0]
    assert api.get("/api/allegiances/evidence", params={"id": stance["_id"]}).json()["articles"]


def test_downloads_hold_the_filtered_view(api):
    params = {"type": "RECOGNIZE"}
    rows = _all_pages(api, "/api/events", **params)
    ndjson = [json.loads(line) for line in api.get("/api/events/download", params=params).text.splitlines()]
    assert ndjson == [{k: v for k, v in r.items() if k != "_id"} for r in rows]
    got = list(csv.DictReader(io.StringIO(api.get("/api/events/download", params={**params, "format": "csv"}).text)))
    assert [r["event_id"] for r in got] == [r["event_id"] for r in rows]
    assert json.loads(got[0]["plover"]) == rows[0]["plover"]
    table = pq.read_table(io.BytesIO(api.get("/api/events/download", params={**params, "format": "parquet"}).content))
    assert table.column_names == list(EXPORTS["events"].fields) and table.num_rows == len(rows)
    empty = api.get("/api/events/download", params={"q": "no such words anywhere", "format": "csv"}).text
    assert empty.strip().split(",")[0] == '"doc_id"'


def test_timeline_change_and_network(api):
    timeline = api.get("/api/timeline", params={"interval": "month", "country": "VEN"}).json()["rows"]
    assert timeline and all(0 < r["share"] <= 1 for r in timeline)
    by_period = {}
    for r in timeline:
        by_period[r["period"]] = by_period.get(r["period"], 0) + r["share"]
    assert all(abs(s - 1) < 0.01 for s in by_period.values())
    change = api.get("/api/change", params={"week": "2019-01-28"}).json()
    assert change["week"] == "2019-01-28" and change["rises"]
    net = api.get("/api/network", params={"date": "2019-03-01"}).json()
    assert any(n["role"] == "contender" for n in net["nodes"]) and net["edges"]
    root = ET.fromstring(api.get("/api/network", params={"date": "2019-03-01", "format": "gexf"}).content)
    ns = {"g": "http://gexf.net/1.3"}
    assert len(root.findall(".//g:node", ns)) == len(net["nodes"])
    assert len(root.findall(".//g:edge", ns)) == len(net["edges"])


def test_an_ingest_runs_while_the_server_answers(serve_db, tmp_path, shared):
    """A real ingest on the served file: it is never refused, requests during it are answered from the last
    snapshot, and once it is done the server switches to the new data; `since` gives just what it added.
    (The writer stores articles without extracting them: that holds the database long enough to watch.)"""
    db = tmp_path / "live.duckdb"
    shutil.copyfile(serve_db, db)
    more = shared / "corpus" / "train-crises.jsonl"
    new_docs = {json.loads(line)["doc_id"] for line in more.read_text(encoding="utf-8").splitlines()}
    with LiveServer(db, watch=0.1) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        before = client.get("/api/status").json()
        writer = subprocess.Popen([str(BIN), "ingest", str(more), "--db", str(db), "--no-extract", "-q"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        answered, saw_writer = 0, False
        while writer.poll() is None:
            assert client.get("/api/events", params={"limit": 5}).status_code == 200
            answered += 1
            saw_writer |= "in use" in (client.get("/api/status").json()["problem"] or "")
        _, err = writer.communicate()
        assert writer.returncode == 0, err
        assert answered > 0 and saw_writer, "the server never saw the writer hold the database"
        deadline = time.monotonic() + 60
        # a snapshot may be renewed while the writer is still starting up, before it holds the file: wait for
        # the one that holds the writer's run
        while (status := client.get("/api/status").json())["run_id"] != before["run_id"] + 1 or status["stale"]:
            assert time.monotonic() < deadline, status
            time.sleep(0.1)
        assert status["snapshot_taken_at"] != before["snapshot_taken_at"]
        added = _all_pages(client, "/api/articles", since=before["run_id"], limit=100)
        assert status["counts"]["articles"] == before["counts"]["articles"] + len(added)
        assert added and {r["doc_id"] for r in added} <= new_docs
        assert client.get("/api/articles", params={"since": status["run_id"]}).json()["count"] == 0


def test_a_download_cut_before_its_first_byte_releases_the_snapshot(live):
    """A client that asks for a download and hangs up before reading anything must not keep the snapshot
    leased (a leased snapshot is never deleted once the server has moved to a newer one)."""
    snapshots = live.server.config.app.state.snapshots
    for fmt in ("csv", "ndjson", "parquet"):
        # the handler waits for the snapshot's lock until the client is surely gone: the server learns of
        # the hang-up before the response starts, as it does when a client gives up on a slow request
        with snapshots._lock:
            with socket.create_connection(("127.0.0.1", live.port)) as sock:
                sock.sendall(f"GET /api/events/download?format={fmt} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
            time.sleep(0.2)
    deadline = time.monotonic() + 10
    while snapshots.leases():
        assert time.monotonic() < deadline, f"{snapshots.leases()} lease(s) still held by cut downloads"
        time.sleep(0.05)


def test_the_narrow_table_and_the_weekly_cube_answer_as_the_view_does(api):
    """Filters the narrow table or the weekly cube can answer give the same pages, counts, facets and
    timelines as the view itself. `since=0` keeps every row, but only the view can apply it, so it forces
    the slow path."""
    facets = ["type", "status", "country", "outlet", "plover", "lean"]
    top = {k: v[0]["value"] for k, v in api.get("/api/events", params={"limit": 1, "facet": facets}).json()["facets"].items()}
    assert api.get("/api/events", params={"since": 0}).json()["count"] == api.get("/api/events").json()["count"]
    cases = [{}, {"type": top["type"]}, {"country": top["country"], "status": top["status"]},
             {"outlet": top["outlet"], "from": "2019-01-07", "to": "2019-02-24"},  # whole weeks: the cube
             {"country": top["country"], "from": "2019-01-09", "to": "2019-02-20"},  # not: the narrow table
             {"lean": top["lean"], "plover": top["plover"]}, {"type": "NO_SUCH_TYPE"}, {"country": "XXX"}]
    requests = [("/api/events", {"limit": 20, "facet": facets, "order": "desc"}), ("/api/events", {"limit": 7}),
                ("/api/timeline", {"interval": "week"}), ("/api/timeline", {"interval": "month"})]
    for params in cases:
        for path, extra in requests:
            fast = api.get(path, params={**params, **extra}).raise_for_status().json()
            slow = api.get(path, params={**params, **extra, "since": 0}).raise_for_status().json()
            assert fast == slow, (path, params)
    assert api.get("/api/events", params=cases[3]).json()["count"] > 0


def test_change_puts_rises_first_and_falls_apart(api):
    """The week against its baseline as an analyst reads it: what rose, largest rise first; what fell, on
    its own, largest drop first; nothing that did not move; and the actors new this week."""
    weeks = sorted({r["period"] for r in api.get("/api/timeline", params={"interval": "week"}).json()["rows"]})
    seen = {"rises": 0, "falls": 0, "new": 0}
    for week in weeks:
        change = api.get("/api/change", params={"week": week}).raise_for_status().json()
        rises, falls = change["rises"], change["falls"]
        assert all(r["change"] > 0 and r["change"] == round(r["count"] - r["baseline"], 2) for r in rises)
        assert all(r["change"] < 0 and r["change"] == round(r["count"] - r["baseline"], 2) for r in falls)
        assert [r["change"] for r in rises] == sorted((r["change"] for r in rises), reverse=True)
        assert [r["change"] for r in falls] == sorted(r["change"] for r in falls)
        seen["rises"] += len(rises)
        seen["falls"] += len(falls)
        seen["new"] += len(change["new_actors"])
    assert all(seen.values()), seen
