"""The JSON API and the dashboard over one store: ``create_app(db)``, served by ``allegiance serve``.

Every export is a resource under ``/api/{name}``, with the export's field names: a filtered page with
facet counts and a keyset cursor, the same filtered view as NDJSON, CSV or Parquet, and the evidence
(article text with the spans) of any row. Requests read a private snapshot of the store (``snapshot.py``),
so an ingest can run while the server is up.
"""


import datetime as dt
import functools
import threading
from collections.abc import Iterator
from contextlib import asynccontextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal

import duckdb
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from allegiance import __version__
from allegiance.actors.kb import KnowledgeBase
from allegiance.serve import downloads
from allegiance.serve.network import gexf, network
from allegiance.serve.params import (
    DEFAULT_PAGE,
    MAX_PAGE,
    decode_key,
    encode_key,
    filters_dependency,
)
from allegiance.serve.snapshot import (
    FIELDS,
    WATCH_INTERVAL,
    Generation,
    NotReady,
    Snapshots,
    reader,
)
from allegiance.store import api_queries as aq
from allegiance.store.api_views import VIEWS, View

STATIC = Path(__file__).parent / "static"


class FacetValue(BaseModel):
    value: str | None
    count: int


class Page(BaseModel):
    resource: str
    count: int = Field(description="the exact number of rows under the filters (all pages), never an estimate")
    rows: list[dict[str, Any]]
    next: str | None
    facets: dict[str, list[FacetValue]]
    run_id: int | None


class Evidence(BaseModel):
    resource: str
    record: dict[str, Any]
    articles: list[dict[str, Any]]


class TimelineRow(BaseModel):
    period: str
    type: str
    count: int
    share: float


class Timeline(BaseModel):
    interval: str
    rows: list[TimelineRow]


class ChangeRow(BaseModel):
    country: str | None
    type: str
    count: int
    baseline: float
    change: float


class NewActor(BaseModel):
    actor_id: str
    actor: str | None
    count: int


class Change(BaseModel):
    week: str | None
    baseline_weeks: int
    rises: list[ChangeRow]
    falls: list[ChangeRow]
    new_actors: list[NewActor]


class Status(BaseModel):
    version: str
    database: str
    snapshot_taken_at: str | None
    checked_at: str | None
    stale: bool
    problem: str | None
    run_id: int | None
    counts: dict[str, int]
    days: list[str | None]


def create_app(db: str | Path, kb: KnowledgeBase | None = None, watch: float | None = WATCH_INTERVAL) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.snapshots = Snapshots(db, kb, watch=watch)
        yield
        app.state.snapshots.close()

    app = FastAPI(title="Allegiance", version=__version__, lifespan=lifespan,
                  description="Events, actors, quotes, claims, labels, allegiances and framing from news coverage "
                              "of political crises, each row with its evidence. Field names are those of "
                              "`allegiance export` (docs/exports.md).")

    @app.exception_handler(NotReady)
    async def not_ready(request: Request, exc: NotReady):
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "2"})

    def lease(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
        with request.app.state.snapshots.lease() as (con, generation):
            request.state.generation = generation  # for what is known of the snapshot as a whole (run_id)
            yield con

    Con = Annotated[duckdb.DuckDBPyConnection, Depends(lease)]

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers=_NO_STORE)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/api/status", response_model=Status, tags=["meta"], responses=_NOT_READY)
    def status(con: Con, request: Request) -> dict:
        """Which snapshot the answers come from, whether a writer holds the store, the latest ingest run
        (for ``since``), row counts, and the span of event days."""
        counts = {name: con.execute(f"SELECT count(*) FROM {v.table}").fetchall()[0][0] for name, v in VIEWS.items()}
        days = con.execute("SELECT strftime(min(_day), '%Y-%m-%d'), strftime(max(_day), '%Y-%m-%d') FROM api_events "
                           "WHERE _original").fetchall()[0]
        return {"version": __version__, **request.app.state.snapshots.status(), "run_id": request.state.generation.run_id, "counts": counts,
                "days": list(days)}

    for view in VIEWS.values():
        _resource_routes(app, view, Con)

    events = VIEWS["events"]
    EventFilters = Annotated[aq.Filters, Depends(filters_dependency(events))]

    @app.get("/api/timeline", tags=["events"], response_model=Timeline, responses=_NOT_READY)
    def timeline(con: Con, f: EventFilters, interval: Literal["day", "week", "month"] = "week") -> Response:
        """Events per period and type (original articles, events with a known day), with each type's share
        of its period."""
        # the rows come as JSON text from DuckDB: building thousands of them in Python took most of the time
        return Response(f'{{"interval": "{interval}", "rows": {aq.timeline(con, events, f, interval)}}}',
                        media_type="application/json")

    @app.get("/api/change", tags=["events"], response_model=Change, responses=_NOT_READY)
    def change(con: Con, f: EventFilters,
               week: Annotated[dt.date | None, Query(description="any day of the week; the latest by default")] = None
               ) -> dict:
        """This week against the mean of the 4 weeks before, per country and type: the rises, largest first,
        and apart from them the falls, largest first (a country and type seen in neither is in neither);
        and the actors first seen this week."""
        day = week or aq.latest_week(con, events, f)
        if day is None:
            return {"week": None, "baseline_weeks": aq.BASELINE_WEEKS, "rises": [], "falls": [], "new_actors": []}
        monday = day - dt.timedelta(days=day.weekday())
        rows = [{"country": c, "type": t, "count": n, "baseline": b, "change": round(n - b, 2)}
                for c, t, n, b in aq.change(con, events, f, monday)]
        new = [{"actor_id": i, "actor": a, "count": n} for i, a, n in aq.new_actors(con, events, f, monday)]
        return {"week": monday.isoformat(), "baseline_weeks": aq.BASELINE_WEEKS,
                "rises": [r for r in rows if r["change"] > 0],
                "falls": [r for r in reversed(rows) if r["change"] < 0], "new_actors": new}

    @functools.lru_cache(maxsize=64)
    def network_at(generation: Generation, at: dt.date | None) -> dict:
        """Per snapshot and date: the analysis reads every allegiance event, too slow to redo per request."""
        with generation.con.cursor() as con:
            return network(reader(con), app.state.snapshots.kb, at)

    @app.get("/api/network", tags=["allegiances"], response_class=Response,
             responses={200: {"description": "the network", "content": {"application/json": {}, "application/gexf+xml": {}}},
                        **_NOT_READY})
    def allegiance_network(request: Request, date: dt.date | None = None,
                           format: Literal["json", "gexf"] = "json") -> Response:
        """Who stands with or against each contender at a date (the latest by default); ``defection`` marks
        an actor that stood with the contender 4 weeks earlier. ``format=gexf`` downloads it for Gephi."""
        with request.app.state.snapshots.lease() as (_, generation):
            net = network_at(generation, date)
        if format == "gexf":
            name = f"allegiance-network-{date or 'latest'}.gexf"
            return Response(gexf(net), media_type="application/gexf+xml",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
        return JSONResponse(net)

    return app


_NO_STORE = {"Cache-Control": "no-store"}


class Problem(BaseModel):
    detail: str


_NOT_READY = {503: {"model": Problem, "description": "no snapshot of the database yet (retry after the header's seconds)"}}
_BAD_ID = {400: {"model": Problem, "description": "a cursor or id this API did not give out"}}


def _resource_routes(app: FastAPI, view: View, Con) -> None:
    name, fields = view.name, FIELDS[view.name]
    Filters = Annotated[aq.Filters, Depends(filters_dependency(view))]
    FacetName = Enum(f"{view.table}_facets", {k: k for k in view.facets}) if view.facets else None

    def rows_out(rows: list[dict]) -> list[dict]:
        for r in rows:
            r["_id"] = encode_key(r.pop("_key"))
        return rows

    if FacetName is not None:
        def listing(con: Con, request: Request, f: Filters,
                    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                    cursor: Annotated[str | None, Query(max_length=2000, pattern="^[A-Za-z0-9_-]+$",
                                                                    description="`next` of the previous page")] = None,
                    order: Literal["asc", "desc"] = "asc",
                    facet: Annotated[list[FacetName], Query(max_length=20, description="fields to count")] = [],  # noqa: B006
                    ) -> dict:
            return _page(con, request, view, fields, f, limit, cursor, order, [x.value for x in facet], rows_out)
    else:
        def listing(con: Con, request: Request, f: Filters,
                    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                    cursor: Annotated[str | None, Query(max_length=2000, pattern="^[A-Za-z0-9_-]+$",
                                                                    description="`next` of the previous page")] = None,
                    order: Literal["asc", "desc"] = "asc") -> dict:
            return _page(con, request, view, fields, f, limit, cursor, order, [], rows_out)

    app.get(f"/api/{name}", response_model=Page, tags=[name], name=f"list {name}", responses={**_BAD_ID, **_NOT_READY},
            summary=f"{name}: a filtered page",
            description=f"Rows of `allegiance export {name}` (fields: {', '.join(fields)}), filtered, in a stable "
                        "order; each row's `_id` names it for the evidence endpoint. Follow `next` as `cursor`.")(listing)

    def download(request: Request, f: Filters, format: Literal["ndjson", "csv", "parquet"] = "ndjson") -> Response:
        # the lease is held until the last byte is sent, not just until the handler returns; and released
        # when the client goes away, even before the first byte (the body is then never started, so a
        # `finally` in it would never run): `release` also runs as the response's background task
        held = request.app.state.snapshots.lease()
        con, _ = held.__enter__()
        release = _once(lambda: held.__exit__(None, None, None))

        def batches():
            try:
                yield from aq.batches(con, view, fields, f)
            finally:
                release()
        return downloads.response(batches(), fields, format, name, BackgroundTask(release))

    app.get(f"/api/{name}/download", tags=[name], name=f"download {name}", summary=f"{name}: the filtered view as a file",
            response_class=StreamingResponse,
            responses={200: {"description": "every row of the filtered view, in the order of the pages",
                             "content": {m: {} for m in downloads.MEDIA.values()}}, **_NOT_READY})(download)

    def evidence(con: Con, id: Annotated[str, Query(max_length=2000, pattern="^[A-Za-z0-9_-]+$", description="a row's `_id`")]) -> dict:
        found = aq.record(con, view, fields, decode_key(id))
        if found is None:
            raise HTTPException(404, f"no {name} row with this id")
        spans = found.pop("_spans")
        docs = [found["doc_id"]] if name == "articles" else []
        return {"resource": name, "record": found, "articles": aq.articles_with_spans(con, spans, docs)}

    app.get(f"/api/{name}/evidence", response_model=Evidence, tags=[name], name=f"evidence of {name}",
            responses={**_BAD_ID, 404: {"model": Problem, "description": "no row with this id"}, **_NOT_READY},
            summary=f"{name}: the articles and passages a row rests on")(evidence)


def _once(action):
    """``action`` made safe to call more than once, from any thread: it runs the first time only."""
    lock, done = threading.Lock(), []

    def run() -> None:
        with lock:
            if done:
                return
            done.append(True)
        action()
    return run


def _page(con, request, view, fields, f, limit, cursor, order, facet_names, rows_out) -> dict:
    after = decode_key(cursor) if cursor else None
    rows, last = aq.page(con, view, fields, f, limit, after, order == "desc")
    total, facets = aq.count_and_facets(con, view, f, facet_names)
    return {"resource": view.name, "count": total, "rows": rows_out(rows),
            "next": encode_key(last) if last else None,
            "facets": {k: [{"value": v, "count": n} for v, n in values] for k, values in facets.items()},
            "run_id": request.state.generation.run_id}
