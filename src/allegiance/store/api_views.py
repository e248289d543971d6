"""The API's views of the store: one flat table per export, built once per snapshot of the database.

Each view holds an export's rows, under the export's field names and computed by the export's own
query (``exports.py``) or analysis (``outputs/export.py``), plus a few columns of its own, all named
with a leading underscore, that make every filter the same simple predicate whatever the resource:

``_key``      the row's sort key and cursor position: JSON text of its key values, unique, and the same
              in every snapshot for the same row, so a cursor survives a refresh
``_countries``, ``_actors``, ``_outlets``, ``_leans``   lists the country, actor, outlet, lean filters look in
``_day``      the date the date range applies to; ``_text`` what free text searches;
``_added``    when the row's article was last (re)extracted, for ``since``;
``_spans``    the evidence: (doc_id, start, end) of each passage the row rests on;
``_original`` false for rows drawn only from duplicate articles (the timeline counts originals).

A view with ``coded`` filters (events) also gets, for the requests an analyst makes most (filters on
type, status, outlet, country and dates; counts, facets, the timeline):

``<table>_rows``    one narrow row per view row, sorted by ``_key`` and numbered in that order (``_seq``),
                    with the view's ``rowid`` (``_row``), the coded filters as ENUM columns (``_k_<name>``),
                    the country list as the number of its distinct set (``_cset``; the sets are in
                    ``<table>_csets``), ``_day``, ``_week`` and ``_original``. Sorted by key, which starts with
                    the day, DuckDB's zone maps (each row group's min and max) skip the row groups outside a
                    date range; small integers compare and group far faster than text and lists.
``<table>_weekly``  the number of rows per week and combination of those columns: counts, facets and the
                    weekly timeline read it instead of the rows when the filters allow (``api_queries.py``);
``<table>_totals``  the same over all weeks (a few hundred rows at 10^6 events), for counts and facets
                    without dates.

The wide view itself stays in the order it was built in: sorting a million rows of evidence text took
more time and memory than the narrow table saves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from allegiance.store.exports import EXPORT_SQL

_NONE = "CAST([] AS VARCHAR[])"
_NO_SPANS = 'CAST([] AS STRUCT(doc_id VARCHAR, start INTEGER, "end" INTEGER)[])'
_ROW_SPAN = '[struct_pack(doc_id := r.doc_id, start := CAST(r.start AS INTEGER), "end" := CAST(r."end" AS INTEGER))]'
_ARTICLE = "LEFT JOIN articles a ON a.doc_id = r.doc_id LEFT JOIN extractions xt ON xt.doc_id = r.doc_id"
_ARTICLE_ADDED = "coalesce(xt.extracted_at, a.ingested_at)"
_LEAN = "list_filter([a.extra->>'lean'], lambda v: v IS NOT NULL)"


def _list(*exprs: str) -> str:
    """A list of the non-null values, without repeats."""
    return f"list_distinct(list_filter([{', '.join(exprs)}], lambda v: v IS NOT NULL))"


def _pad(expr: str) -> str:
    """An offset as text that sorts like the number."""
    return f"lpad(CAST({expr} AS VARCHAR), 10, '0')"


@dataclass(frozen=True)
class View:
    """How one export becomes a view. SQL fragments refer to the export's rows as ``r``."""

    name: str
    #: key expressions, in sort order; unique per row unless ``unique`` is false
    key: tuple[str, ...]
    joins: str = ""
    #: the expressions of the underscore columns; None where the resource has nothing to put there (the
    #: API then offers no filter on it)
    countries: str | None = None
    actors: str | None = None
    outlets: str | None = None
    leans: str | None = None
    day: str | None = None
    text: str | None = None
    added: str | None = None
    spans: str = _NO_SPANS
    original: str = "true"
    unique: bool = True
    #: export fields filtered by equality, by the filter's name (``plover`` reads ``plover.event``)
    fields: dict[str, str] = field(default_factory=dict)
    #: facet name -> expression; list-valued facets count each element
    facets: dict[str, str] = field(default_factory=dict)
    #: filters with one value per row and few distinct values, by name -> expression over the view: with
    #: any, the narrow table and the weekly cube are built, and read instead of the view when they can answer
    coded: dict[str, str] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return "api_" + self.name.replace("-", "_")

    def enum(self, name: str) -> str:
        """The ENUM type of a coded filter."""
        return f"{self.table}_{name}"


VIEWS: dict[str, View] = {v.name: v for v in [
    View("articles", key=("r.doc_id",), joins=_ARTICLE, outlets=_list("r.outlet"), leans=_LEAN,
         day="a.published", text="coalesce(r.title, '') || ' ' || r.text",
         added=f"greatest(a.ingested_at, {_ARTICLE_ADDED})", original="r.duplicate_of IS NULL",
         fields={"language": "r.language"},
         facets={"outlet": "outlet", "lean": "_leans", "language": "language"}),
    View("events", key=("coalesce(CAST(_day AS VARCHAR), '')", "r.doc_id", "r.event_id"),
         joins=_ARTICLE + " JOIN events x ON x.doc_id = r.doc_id AND x.event_id = r.event_id",
         countries=_list("r.location_country", "x.source_country", "x.target_country"),
         actors=_list("r.source_id", "r.target_id", "r.attributed_to_id", "r.source", "r.target", "r.attributed_to"),
         outlets=_list("r.outlet"), leans=_LEAN,
         day="CASE WHEN length(r.date) = 10 THEN TRY_CAST(r.date AS DATE) ELSE a.published END",
         text="r.sentence", added=_ARTICLE_ADDED, spans=_ROW_SPAN, original="a.duplicate_of IS NULL",
         fields={"type": "r.type", "plover": "r.plover.event", "status": "r.status"},
         facets={"type": "type", "plover": "plover.event", "status": "status", "outlet": "outlet", "lean": "_leans",
                 "country": "_countries", "source": "source", "target": "target"},
         coded={"type": "type", "plover": "plover.event", "status": "status", "outlet": "outlet",
                "lean": "_leans[1]"}),
    View("fused-events", key=("r.fused_id",),
         joins="""LEFT JOIN (
                SELECT m.fused_id,
                       list_distinct(list_filter(flatten(list([e.location_country, e.source_country, e.target_country])),
                                                 lambda v: v IS NOT NULL)) AS countries,
                       list_distinct(list(a.extra->>'lean') FILTER (a.extra->>'lean' IS NOT NULL)) AS leans,
                       max(coalesce(xt.extracted_at, a.ingested_at)) AS added,
                       bool_or(a.duplicate_of IS NULL) AS original
                FROM fused_members m JOIN events e ON e.doc_id = m.doc_id AND e.event_id = m.event_id
                JOIN articles a ON a.doc_id = m.doc_id LEFT JOIN extractions xt ON xt.doc_id = m.doc_id
                GROUP BY m.fused_id) c ON c.fused_id = r.fused_id""",
         countries="coalesce(c.countries, [])", actors=_list("r.source_id", "r.target_id", "r.source", "r.target"),
         outlets="coalesce(r.outlets, [])", leans="coalesce(c.leans, [])",
         day="coalesce(TRY_CAST(CASE WHEN length(r.date) = 10 THEN r.date END AS DATE), "
             "TRY_CAST(r.first_reported AS DATE))",
         text="array_to_string(list_transform(r.evidence, lambda x: x.sentence), ' ')", added="c.added",
         spans='list_transform(r.evidence, lambda x: struct_pack(doc_id := x.doc_id, start := x.start, "end" := x."end"))',
         original="coalesce(c.original, true)",
         fields={"type": "r.type", "status": "r.status"},
         facets={"type": "type", "status": "status", "outlet": "outlets", "country": "_countries"}),
    View("quotes", key=("r.doc_id", "r.quote_id"),
         joins=_ARTICLE + " JOIN quotes x ON x.doc_id = r.doc_id AND x.quote_id = r.quote_id",
         countries=_list("x.speaker_country"), actors=_list("r.speaker_id", "r.speaker"), outlets=_list("r.outlet"),
         leans=_LEAN, day="a.published", text="r.quote", added=_ARTICLE_ADDED, spans=_ROW_SPAN,
         original="a.duplicate_of IS NULL", fields={"kind": "r.kind"},
         facets={"kind": "kind", "speaker": "speaker", "outlet": "outlet", "lean": "_leans"}),
    View("claims", key=("r.group_id", "r.doc_id", _pad("r.start"), "r.claim_id"), joins=_ARTICLE,
         actors=_list("r.speaker_id", "r.speaker"), outlets=_list("r.outlet"), leans=_LEAN, day="a.published",
         text="r.text", added=_ARTICLE_ADDED, spans=_ROW_SPAN, original="a.duplicate_of IS NULL",
         fields={"stance": "r.stance", "contested": "r.contested", "group_id": "r.group_id"},
         facets={"stance": "stance", "contested": "contested", "speaker": "speaker", "outlet": "outlet"}),
    View("labels", key=("r.doc_id", _pad("r.start"), _pad('r."end"'), "r.actor_id", "r.label", "r.construction",
                        "coalesce(r.voice, '')"),
         joins=_ARTICLE, actors=_list("r.actor_id", "r.actor"), outlets=_list("r.outlet"), leans=_LEAN,
         day="a.published", text="r.label", added=_ARTICLE_ADDED, spans=_ROW_SPAN, original="a.duplicate_of IS NULL",
         unique=False, fields={"construction": "r.construction"},
         facets={"label": "label", "actor": "actor", "construction": "construction", "outlet": "outlet"}),
    View("allegiances", key=("r.contender_id", "r.actor_id"),
         joins="""LEFT JOIN (
                SELECT k.contender_id, k.actor_id,
                       list(struct_pack(doc_id := a.doc_id, start := CAST(instr(a.text, k.sentence) - 1 AS INTEGER),
                                        "end" := CAST(instr(a.text, k.sentence) - 1 + length(k.sentence) AS INTEGER)))
                           FILTER (instr(a.text, k.sentence) > 0) AS spans,
                       list_distinct(list(a.extra->>'lean') FILTER (a.extra->>'lean' IS NOT NULL)) AS leans,
                       max(coalesce(xt.extracted_at, a.ingested_at)) AS added
                FROM (SELECT contender_id, actor_id, unnest(evidence, recursive := true) FROM py_allegiances) k
                JOIN articles a ON a.doc_id = k.doc_id LEFT JOIN extractions xt ON xt.doc_id = k.doc_id
                GROUP BY ALL) c ON c.contender_id = r.contender_id AND c.actor_id = r.actor_id""",
         actors=_list("r.actor_id", "r.actor", "r.contender_id", "r.contender"),
         outlets="list_distinct(list_filter(list_transform(r.evidence, lambda x: x.outlet), lambda v: v IS NOT NULL))",
         leans="coalesce(c.leans, [])", day="TRY_CAST(r.since AS DATE)",
         text="array_to_string(list_transform(r.evidence, lambda x: x.sentence), ' ')", added="c.added",
         spans=f"coalesce(c.spans, {_NO_SPANS})",
         fields={"stance": "r.stance", "status": "r.status", "sector": "r.sector"},
         facets={"contender": "contender", "sector": "sector", "stance": "stance", "status": "status"}),
    View("indicators", key=("r.week", "coalesce(r.country, '')", "r.type", "r.status", "coalesce(r.defector_sector, '')"),
         countries=_list("r.country"), day="TRY_CAST(r.week AS DATE)", unique=False,
         fields={"type": "r.type", "status": "r.status"},
         facets={"type": "type", "status": "status", "country": "country"}),
    View("framing", key=("r.section", "coalesce(r.outlet, '')", "coalesce(r.lean, '')", "coalesce(r.actor_id, '')",
                         "r.key"),
         actors=_list("r.actor_id", "r.actor"), outlets=_list("r.outlet"), leans=_list("r.lean"), text="r.key",
         unique=False, fields={"section": "r.section"},
         facets={"section": "section", "outlet": "outlet", "lean": "lean", "actor": "actor"}),
    View("coups", key=("r.doc_id", _pad("r.start"), "coalesce(r.accused_id, '')", "coalesce(r.accuser_id, '')",
                       "r.kind"),
         joins=_ARTICLE, actors=_list("r.accused_id", "r.accused", "r.accuser_id", "r.accuser"),
         outlets=_list("r.outlet"), leans=_LEAN, day="a.published", text="r.sentence", added=_ARTICLE_ADDED,
         spans=_ROW_SPAN, original="a.duplicate_of IS NULL", unique=False,
         fields={"kind": "r.kind", "status": "r.status"},
         facets={"kind": "kind", "accused": "accused", "accuser": "accuser", "outlet": "outlet"}),
]}

#: The layouts of the exports computed in Python (``outputs/export.py``), so that an empty store still
#: gives typed views.
_S, _I, _F = pa.string(), pa.int64(), pa.float64()
PY_LAYOUTS = {
    "allegiances": pa.schema([
        ("actor", _S), ("actor_id", _S), ("sector", _S), ("contender", _S), ("contender_id", _S), ("stance", _I),
        ("since", _S), ("status", _S), ("num_sources", _I),
        ("evidence", pa.list_(pa.struct([("doc_id", _S), ("outlet", _S), ("sentence", _S), ("date", _S),
                                         ("status", _S)]))),
    ]),
    "indicators": pa.schema([("country", _S), ("week", _S), ("type", _S), ("status", _S), ("defector_sector", _S),
                             ("count", _I)]),
    "framing": pa.schema([("section", _S), ("outlet", _S), ("lean", _S), ("actor", _S), ("actor_id", _S),
                          ("key", _S), ("count", _I), ("value", _F)]),
    "coups": pa.schema([("accused", _S), ("accused_id", _S), ("accuser", _S), ("accuser_id", _S), ("kind", _S),
                        ("status", _S), ("outlet", _S), ("doc_id", _S), ("sentence", _S), ("start", _I),
                        ("end", _I)]),
}


def _unordered(sql: str) -> str:
    """An export's query without its final ORDER BY: a view has its own order, and the sort kept DuckDB
    from pushing a filter (a part of the view, below) into the query's scans."""
    at = sql.rfind("ORDER BY")
    if at >= 0 and sql[:at].count("(") == sql[:at].count(")"):
        return sql[:at]
    return sql


def _rows_sql(name: str, fields: tuple[str, ...]) -> str:
    if name in PY_LAYOUTS:
        return f"py_{name.replace('-', '_')} AS r"
    cols = ", ".join(f'"{f}"' for f in fields)
    return f"({_unordered(EXPORT_SQL[name])}) AS r({cols})"


def build_sql(view: View, fields: tuple[str, ...]) -> str:
    """CREATE TABLE of one view. Not sorted: sorting a million wide rows needs them all in memory at once,
    and a page's ORDER BY _key LIMIT n is a top-n over the filtered rows anyway."""
    key = ", ".join(f"CAST({k} AS VARCHAR)" for k in view.key)
    if not view.unique:
        key += f", CAST(row_number() OVER (PARTITION BY {', '.join(view.key)} ORDER BY _text) AS VARCHAR)"
    exported = ", ".join(f'r."{f}"' for f in fields)
    return f"""
        CREATE OR REPLACE TABLE {view.table} AS
        SELECT *, CAST(to_json([{key}]) AS VARCHAR) AS _key FROM (
            SELECT {exported},
                   {view.countries or _NONE} AS _countries, {view.actors or _NONE} AS _actors,
                   {view.outlets or _NONE} AS _outlets, {view.leans or _NONE} AS _leans,
                   CAST({view.day or "NULL"} AS DATE) AS _day, CAST({view.text or "NULL"} AS VARCHAR) AS _text,
                   CAST({view.added or "NULL"} AS TIMESTAMP) AS _added, {view.spans} AS _spans,
                   CAST({view.original} AS BOOLEAN) AS _original
            FROM {_rows_sql(view.name, fields)} {view.joins}
        ) r
    """


def build_narrow(con, view: View) -> None:
    """The narrow table, the country sets and the weekly cube of a view with coded filters."""
    for name, expr in view.coded.items():
        con.execute(f"DROP TYPE IF EXISTS {view.enum(name)}")
        con.execute(f"CREATE TYPE {view.enum(name)} AS ENUM (SELECT DISTINCT v FROM "
                    f"(SELECT CAST({expr} AS VARCHAR) AS v FROM {view.table}) WHERE v IS NOT NULL ORDER BY v)")
    con.execute(f"""CREATE OR REPLACE TABLE {view.table}_csets AS
                    SELECT CAST(row_number() OVER (ORDER BY countries) AS INTEGER) AS cset, countries
                    FROM (SELECT DISTINCT list_sort(_countries) AS countries FROM {view.table})""")
    coded = "".join(f", CAST(CAST({expr} AS VARCHAR) AS {view.enum(name)}) AS _k_{name}"
                    for name, expr in view.coded.items())
    kept = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    con.execute("SET preserve_insertion_order = true")  # written in key order, for the zone maps
    con.execute(f"""
        CREATE OR REPLACE TABLE {view.table}_rows AS
        SELECT v.rowid AS _row, v._key, row_number() OVER (ORDER BY v._key) AS _seq{coded}, c.cset AS _cset,
               v._day, CAST(date_trunc('week', v._day) AS DATE) AS _week, v._original
        FROM {view.table} v LEFT JOIN {view.table}_csets c ON c.countries = list_sort(v._countries)
        ORDER BY v._key
    """)
    con.execute(f"SET preserve_insertion_order = {str(kept).lower()}")
    dims = ", ".join([*(f"_k_{name}" for name in view.coded), "_cset", "_original"])
    con.execute(f"CREATE OR REPLACE TABLE {view.table}_weekly AS SELECT _week, {dims}, count(*) AS n "
                f"FROM {view.table}_rows GROUP BY ALL ORDER BY _week")
    con.execute(f"CREATE OR REPLACE TABLE {view.table}_totals AS SELECT {dims}, sum(n) AS n "
                f"FROM {view.table}_weekly GROUP BY ALL")


def build_views(con, fields_of: dict[str, tuple[str, ...]], computed: dict[str, list[dict]]) -> None:
    """Build every view in the database behind ``con`` (a private snapshot, never the user's store).
    ``fields_of``: each export's field names; ``computed``: the rows of the exports computed in Python."""
    for name, layout in PY_LAYOUTS.items():
        rows = [{f: r[f] for f in layout.names} for r in computed[name]]
        con.register("incoming_rows", pa.Table.from_pylist(rows, schema=layout))
        try:
            con.execute(f"CREATE OR REPLACE TABLE py_{name} AS SELECT * FROM incoming_rows")
        finally:
            con.unregister("incoming_rows")
    for view in VIEWS.values():
        con.execute(build_sql(view, fields_of[view.name]))
        if view.coded:
            build_narrow(con, view)
