"""The API's queries over the views (``api_views.py``): filtered pages, counts, facets, the timeline,
change against a baseline, evidence, downloads. Every value travels as a parameter; the only names put
into the SQL text come from the views' own definitions, never from a request."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from allegiance.store.api_views import View

#: Facet values returned per facet, most frequent first.
FACET_TOP = 30
#: The timeline's buckets.
INTERVALS = ("day", "week", "month")
#: Weeks before the chosen week that make its baseline.
BASELINE_WEEKS = 4


@dataclass
class Filters:
    """One request's filters; None (or empty) means "not filtered"."""

    country: str | None = None
    actor: str | None = None
    outlet: str | None = None
    lean: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str | None = None
    since: int | None = None
    #: filters on an export field by equality, by filter name (``type``, ``status``, ...)
    fields: dict[str, str] = field(default_factory=dict)


def _like(text: str) -> str:
    """A LIKE pattern that matches ``text`` literally anywhere."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


#: Where a query reads its rows: the view itself, its narrow table, its weekly cube, or its totals
#: (``api_views.py``).
WIDE, NARROW, CUBE, TOTALS = "wide", "narrow", "cube", "totals"


def source(view: View, f: Filters, counts: bool = False) -> str:
    """The cheapest table that can answer under these filters: the narrow table when every filter is a
    coded one, the country or the dates; for counts (``counts``), the totals when there are no dates, the
    weekly cube when the dates are whole weeks, Monday to Sunday."""
    if not view.coded or f.actor or f.q or f.since is not None or not all(
            name in view.coded for name in (*f.fields, *(n for n in ("outlet", "lean") if getattr(f, n)))):
        return WIDE
    if counts and f.date_from is None and f.date_to is None:
        return TOTALS
    if counts and (f.date_from is None or f.date_from.weekday() == 0) and (
            f.date_to is None or f.date_to.weekday() == 6):
        return CUBE
    return NARROW


def table(view: View, on: str) -> str:
    return {WIDE: view.table, NARROW: f"{view.table}_rows", CUBE: f"{view.table}_weekly",
            TOTALS: f"{view.table}_totals"}[on]


def where(view: View, f: Filters, on: str = WIDE) -> tuple[str, list]:
    """The filters as a condition on the view (``on`` WIDE), its narrow table or its cube."""
    parts, params = ["true"], []
    coded = {} if on == WIDE else {name: value for name, value in (
        *f.fields.items(), ("outlet", f.outlet), ("lean", f.lean)) if value is not None}
    for name, value in coded.items():
        parts.append(f"_k_{name} = TRY_CAST(? AS {view.enum(name)})")  # a value never seen matches nothing
        params.append(value)
    if f.country and on != WIDE:
        parts.append(f"_cset IN (SELECT cset FROM {view.table}_csets WHERE list_contains(countries, ?))")
        params.append(f.country)
    for name, column in (("country", "_countries"), ("actor", "_actors"), ("outlet", "_outlets"), ("lean", "_leans")):
        value = getattr(f, name)
        if value and on == WIDE:
            parts.append(f"list_contains({column}, ?)")
            params.append(value)
    day = "_week" if on == CUBE else "_day"
    if f.date_from:
        parts.append(f"{day} >= ?")
        params.append(f.date_from)
    if f.date_to:
        parts.append(f"{day} <= ?")
        params.append(f.date_to - dt.timedelta(days=6) if on == CUBE else f.date_to)
    if f.q:
        parts.append("_text ILIKE ? ESCAPE '\\'")
        params.append(_like(f.q))
    if f.since is not None:
        # rows (re)extracted once a later run had started: what the client has not seen after run `since`
        parts.append("_added >= (SELECT min(started_at) FROM runs WHERE run_id > ?)")
        params.append(f.since)
    for name, value in f.fields.items():
        if value is not None and on == WIDE:
            parts.append(f"CAST({view.fields[name].removeprefix('r.')} AS VARCHAR) = ?")
            params.append(value)
    return " AND ".join(parts), params


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _select(fields: tuple[str, ...]) -> str:
    return ", ".join(f'"{f}"' for f in fields)


def page(con: duckdb.DuckDBPyConnection, view: View, fields: tuple[str, ...], f: Filters, limit: int,
         after: str | None = None, descending: bool = False) -> tuple[list[dict], str | None]:
    """Up to ``limit`` rows after the row whose key is ``after``, with each row's key as ``_key``; and the
    key to continue from, or None on the last page. From the narrow table when it can answer: the rows'
    numbers there, then those rows of the view."""
    on = source(view, f)
    cond, params = where(view, f, on)
    if after is not None:
        cond += " AND _key < ?" if descending else " AND _key > ?"
        params.append(after)
    order = "DESC" if descending else "ASC"
    if on == WIDE:
        rows = _dicts(con.execute(
            f"SELECT {_select(fields)}, _key FROM {view.table} WHERE {cond} ORDER BY _key {order} LIMIT ?",
            [*params, limit + 1]))
        return rows[:limit], (rows[limit - 1]["_key"] if len(rows) > limit else None)
    found = con.execute(f"SELECT _row, _key FROM {table(view, on)} WHERE {cond} ORDER BY _seq {order} LIMIT ?",
                        [*params, limit + 1]).fetchall()
    after_last = found[limit - 1][1] if len(found) > limit else None
    wanted = [row for row, _ in found[:limit]]
    if not wanted:
        return [], None
    # one row (a page of facets asks for one) is a point lookup; several, one scan of the row ids
    match = "rowid = ?" if len(wanted) == 1 else "rowid = ANY(?)"
    rows = _dicts(con.execute(f"SELECT rowid AS _row, {_select(fields)}, _key FROM {view.table} WHERE {match}",
                              [wanted[0] if len(wanted) == 1 else wanted]))
    place = {row: i for i, row in enumerate(wanted)}
    rows.sort(key=lambda r: place[r.pop("_row")])
    return rows, after_last


def count_and_facets(con: duckdb.DuckDBPyConnection, view: View, f: Filters,
                     names: list[str] = ()) -> tuple[int, dict[str, list[tuple]]]:
    """The number of rows under the filters, and facet -> [(value, count)], the FACET_TOP most frequent
    values. The count and the coded facets and the country come from one GROUPING SETS pass over the
    cheapest table that can answer; other facets need one more scan of the view."""
    on = source(view, f, counts=True)
    grouped = [n for n in names if n in view.coded or n == "country"] if on != WIDE else []
    total, rows = _grouped(con, view, f, grouped, on)
    rest = [n for n in names if n not in grouped]
    if rest:
        rows += _scanned_facets(con, view, f, rest)
    out: dict[str, list[tuple]] = {name: [] for name in names}
    for facet, value, n in sorted(rows, key=lambda r: (r[0], -r[2], r[1] is None, r[1] or "")):
        if len(out[facet]) < FACET_TOP:
            out[facet].append((value, int(n)))
    return total, out


def _grouped(con, view: View, f: Filters, names: list[str], on: str) -> tuple[int, list[tuple]]:
    """(the count, [(facet, value, count)] of every value of the ``names`` facets), in one query whose
    grouping sets are each facet's column alone, and no column (the count)."""
    cond, params = where(view, f, on)
    counted = "count(*)" if on in (WIDE, NARROW) else "sum(n)"
    columns = ["_cset" if n == "country" else f"_k_{n}" for n in names]
    sets = ", ".join([*(f"({c})" for c in columns), "()"])
    grouping = f"grouping({', '.join(columns)})" if columns else "0"
    countries = f"LEFT JOIN {view.table}_csets s ON s.cset = g._cset" if "country" in names else ""
    found = con.execute(
        f"SELECT g.*{', s.countries' if countries else ''} FROM ("
        f"SELECT {''.join(c + ', ' for c in columns)}{grouping} AS gid, {counted} AS n FROM {table(view, on)} "
        f"WHERE {cond} GROUP BY GROUPING SETS ({sets})) g {countries}", params).fetchall()
    full = (1 << len(columns)) - 1
    total, sums = 0, Counter()
    for row in found:
        gid, n = row[len(columns)], int(row[len(columns) + 1] or 0)
        if gid == full:
            total = n
            continue
        i = len(columns) - 1 - (full ^ gid).bit_length() + 1  # the one column grouped by
        name, value = names[i], row[i]
        if name == "country":
            for country in row[-1] or ():
                sums[(name, country)] += n
        elif value is not None or not view.facets[name].startswith("_"):  # a list facet (lean) skips no value
            sums[(name, value)] += n
    return total, [(name, value, n) for (name, value), n in sums.items()]


def _scanned_facets(con, view: View, f: Filters, names: list[str]) -> list[tuple]:
    cond, params = where(view, f)
    parts, columns = [], set()
    for name in names:
        expr = view.facets[name]
        columns.add(expr.split(".")[0])
        value = f"unnest({expr})" if expr.startswith("_") or expr == "outlets" else expr
        parts.append(f"SELECT '{name}' AS facet, CAST({value} AS VARCHAR) AS value FROM filtered")
    return con.execute(
        f"""
        WITH filtered AS MATERIALIZED (SELECT {", ".join(f'"{c}"' for c in sorted(columns))} FROM {view.table} WHERE {cond}),
        counted AS (SELECT facet, value, count(*) AS n FROM ({' UNION ALL '.join(parts)}) GROUP BY facet, value)
        SELECT facet, value, n FROM counted
        QUALIFY row_number() OVER (PARTITION BY facet ORDER BY n DESC, value NULLS LAST) <= ?
        """, [*params, FACET_TOP]).fetchall()


def timeline(con: duckdb.DuckDBPyConnection, view: View, f: Filters, interval: str) -> str:
    """The rows of the timeline as JSON text, made by DuckDB (thousands of rows at a million events: too
    many to build in Python per request): period start, type, count and the type's share of its period,
    over the events in original articles with a known day. By week from the cube when it can answer."""
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {INTERVALS}")
    on = source(view, f, counts=interval == "week")
    on = CUBE if on == TOTALS else on  # by week
    cond, params = where(view, f, on)
    if on == CUBE:
        counted, known = "sum(n)", "_week IS NOT NULL"
    else:
        counted, known = "count(*)", "_day IS NOT NULL"
    kind = "type" if on == WIDE else "_k_type"
    if interval == "week" and on != WIDE:
        period = "_week"
    else:
        period = "CAST(date_trunc(?, _day) AS DATE)"
        params = [interval, *params]
    source_sql = f"SELECT {period} AS period, {kind} AS type, {counted} AS n FROM {table(view, on)} " \
                 f"WHERE {cond} AND _original AND {known} GROUP BY ALL"
    return con.execute(
        f"""
        SELECT coalesce(CAST(to_json(list({{'period': strftime(period, '%Y-%m-%d'), 'type': CAST(type AS VARCHAR),
                                             'count': n, 'share': round(n / total, 4)}}
                                           ORDER BY period, CAST(type AS VARCHAR))) AS VARCHAR), '[]')
        FROM (SELECT *, sum(n) OVER (PARTITION BY period) AS total FROM ({source_sql}))
        """, params).fetchall()[0][0]


def latest_week(con: duckdb.DuckDBPyConnection, view: View, f: Filters) -> dt.date | None:
    cond, params = where(view, f)
    return con.execute(f"SELECT CAST(date_trunc('week', max(_day)) AS DATE) FROM {view.table} WHERE {cond} AND _original",
                       params).fetchall()[0][0]


def change(con: duckdb.DuckDBPyConnection, view: View, f: Filters, week: dt.date) -> list[tuple]:
    """(country, type, count this week, weekly mean over the BASELINE_WEEKS before) for every country and
    type seen in either; an event counts once for each country it involves."""
    cond, params = where(view, f)
    start = week - dt.timedelta(weeks=BASELINE_WEEKS)
    return con.execute(
        f"""
        WITH e AS (
            SELECT unnest(_countries) AS country, type, _day >= ? AS current
            FROM {view.table} WHERE {cond} AND _original AND _day >= ? AND _day < ?
        )
        SELECT country, type, count(*) FILTER (current) AS n,
               round(count(*) FILTER (NOT current) / ?, 2) AS baseline
        FROM e GROUP BY ALL ORDER BY n - baseline DESC, country, type
        """, [week, *params, start, week + dt.timedelta(weeks=1), float(BASELINE_WEEKS)]).fetchall()


def new_actors(con: duckdb.DuckDBPyConnection, view: View, f: Filters, week: dt.date) -> list[tuple]:
    """(actor id, name, events this week) of the actors in this week's events never seen in an earlier one."""
    cond, params = where(view, f)
    return con.execute(
        f"""
        WITH roles AS (
            SELECT source_id AS id, source AS name, _day FROM {view.table} WHERE {cond} AND _day < ?
            UNION ALL
            SELECT target_id, target, _day FROM {view.table} WHERE {cond} AND _day < ?
        )
        SELECT id, any_value(name), count(*) AS n FROM roles WHERE id IS NOT NULL
        GROUP BY id HAVING min(_day) >= ? ORDER BY n DESC, id
        """, [*params, week + dt.timedelta(weeks=1), *params, week + dt.timedelta(weeks=1), week]).fetchall()


def record(con: duckdb.DuckDBPyConnection, view: View, fields: tuple[str, ...], key: str) -> dict | None:
    """One row by its key, with its evidence spans as ``_spans``."""
    rows = _dicts(con.execute(f"SELECT {_select(fields)}, _spans FROM {view.table} WHERE _key = ?", [key]))
    return rows[0] if rows else None


def articles_with_spans(con: duckdb.DuckDBPyConnection, spans: list[dict], docs: list[str] = ()) -> list[dict]:
    """The articles the spans point into (and ``docs``), each with its text and its spans, in the order first
    cited."""
    docs = list(dict.fromkeys([*docs, *(s["doc_id"] for s in spans)]))
    rows = _dicts(con.execute(
        "SELECT doc_id, title, outlet, author, strftime(published, '%Y-%m-%d') AS published, url, text "
        "FROM articles WHERE list_contains(?, doc_id)", [docs]))
    by_doc = {r["doc_id"]: r for r in rows}
    out = []
    for doc in docs:
        if doc in by_doc:
            article = by_doc[doc]
            article["spans"] = [{"start": s["start"], "end": s["end"]} for s in spans if s["doc_id"] == doc]
            out.append(article)
    return out


def batches(con: duckdb.DuckDBPyConnection, view: View, fields: tuple[str, ...], f: Filters,
            size: int = 10_000) -> Iterator[pa.RecordBatch]:
    """The whole filtered view in key order, export fields only, in record batches (for downloads)."""
    cond, params = where(view, f)
    reader = con.sql(f"SELECT {_select(fields)} FROM {view.table} WHERE {cond} ORDER BY _key",
                     params=params).to_arrow_reader(size)
    yield from reader


def latest_run(con: duckdb.DuckDBPyConnection) -> int | None:
    return con.execute("SELECT max(run_id) FROM runs").fetchall()[0][0]
