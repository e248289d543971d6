"""Every read query, named after what its caller needs; the one place besides the writes that knows
the tables. Values always travel as parameters (event types included), never inside the SQL text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import duckdb
import pyarrow as pa

from allegiance.store.exports import EXPORT_SQL


class Queries:
    con: duckdb.DuckDBPyConnection

    def _all(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def _one(self, sql: str, params: list | None = None):
        return self._all(sql, params)[0][0]

    def table_columns(self) -> dict[str, list[str]]:
        """table -> its column names, in order, as the database has them."""
        columns: dict[str, list[str]] = {}
        for table, column in self._all(
                "SELECT table_name, column_name FROM information_schema.columns ORDER BY table_name, ordinal_position"):
            columns.setdefault(table, []).append(column)
        return columns

    # -- ingest and extract ----------------------------------------------------------

    def source_hashes(self, doc_ids: list[str]) -> dict[str, str]:
        """doc_id -> hash of the raw input it was built from, for those of ``doc_ids`` stored, to skip
        unchanged inputs. Ingest asks per batch rather than holding the map for the whole corpus."""
        return dict(self._all("SELECT doc_id, source_hash FROM articles WHERE list_contains(?, doc_id)", [doc_ids]))

    def originals_by_content(self, content_hashes: list[str]) -> dict[str, str]:
        """content hash -> the original (not a duplicate) stored with that cleaned text, for these hashes."""
        return dict(self._all("SELECT content_hash, doc_id FROM articles WHERE duplicate_of IS NULL "
                              "AND list_contains(?, content_hash)", [content_hashes]))

    def original_signatures(self, first: dt.date | None, last: dt.date | None) -> Iterator[tuple[str, dt.date | None, bytes]]:
        """(doc_id, published, signature) of the originals published from ``first`` to ``last``; both None:
        the undated ones (the near-duplicate index reads the days it needs)."""
        cur = self.con.execute(
            """
            SELECT doc_id, published, signature FROM articles
            WHERE duplicate_of IS NULL AND signature IS NOT NULL
              AND (published BETWEEN ? AND ? OR (? IS NULL AND published IS NULL))
            """,
            [first, last, first],
        )
        while rows := cur.fetchmany(1000):
            yield from rows

    def articles_to_extract(self, version: str, force: bool = False) -> list[tuple]:
        """English articles whose current text has not been extracted with this version."""
        return self._all(
            """
            SELECT a.doc_id, a.text, strftime(a.published, '%Y-%m-%d'), a.outlet, a.content_hash
            FROM articles a LEFT JOIN extractions x ON x.doc_id = a.doc_id
            WHERE coalesce(a.language, 'en') = 'en'
              AND (? OR x.doc_id IS NULL OR x.content_hash <> a.content_hash OR x.version <> ?)
            ORDER BY a.doc_id
            """,
            [force, version],
        )

    def count_non_english(self) -> int:
        return self._one("SELECT count(*) FROM articles WHERE language <> 'en'")

    def count_articles(self) -> int:
        return self._one("SELECT count(*) FROM articles")

    def unknown_actors(self, limit: int = 100) -> list[tuple]:
        """Provisional actors seen in the articles, most mentioned first."""
        return self._all(
            """
            SELECT actor_id, any_value(actor_name), any_value(kind), mode(country), count(*) AS n,
                   count(DISTINCT doc_id) AS docs, list(DISTINCT text)[1:5]
            FROM mentions WHERE provisional
            GROUP BY actor_id ORDER BY n DESC, actor_id LIMIT ?
            """,
            [limit],
        )

    # -- corpus stages: claims and fusion ----------------------------------------------

    def extractions_pending(self) -> list[str]:
        """Articles extracted since the corpus stages last ran."""
        return [d for (d,) in self._all("SELECT doc_id FROM extractions WHERE status = 'extracted' ORDER BY doc_id")]

    def claim_sources(self, docs: list[str]) -> list[tuple]:
        """The quotations of these articles (originals only), with up to 300 characters of text before each."""
        return self._all(
            """
            SELECT q.quote_id, q.doc_id, q.speaker_name, q.speaker_id, q.quote, q.cue, q.start, q."end",
                   substr(a.text, greatest(1, q.start - 300), q.start - greatest(1, q.start - 300) + 1) AS before
            FROM quotes q JOIN articles a USING (doc_id)
            WHERE a.duplicate_of IS NULL AND list_contains(?, q.doc_id)
            ORDER BY q.doc_id, q.start, q.quote_id
            """,
            [docs],
        )

    def stored_claims(self, excluding: list[str]) -> list[tuple]:
        return self._all(
            """
            SELECT claim_id, doc_id, speaker, speaker_id, text, stance, start, "end", answers, group_id, contested
            FROM claims WHERE NOT list_contains(?, doc_id)
            """,
            [excluding],
        )

    def count_contested_groups(self) -> int:
        return self._one("SELECT count(DISTINCT group_id) FROM claims WHERE contested")

    def event_types_touched(self, docs: list[str]) -> list[str]:
        """Types of the events these articles have now, and of the fused events they were part of."""
        return [t for (t,) in self._all(
            """
            SELECT type FROM events WHERE list_contains(?, doc_id)
            UNION
            SELECT f.type FROM fused_events f JOIN fused_members m USING (fused_id) WHERE list_contains(?, m.doc_id)
            ORDER BY 1
            """,
            [docs, docs],
        )]

    def fusion_members(self, types: list[str]) -> list[tuple]:
        return self._all(
            """
            SELECT e.doc_id, e.event_id, e.type, a.outlet, coalesce(a.duplicate_of, a.doc_id), a.published, e.date,
                   e.status, e.sentence, e.start, e."end", e.source_id, e.source_name, e.target_id, e.target_name
            FROM events e JOIN articles a USING (doc_id)
            WHERE list_contains(?, e.type)
            ORDER BY a.published NULLS LAST, e.doc_id, e.start, e.trigger_start, e.event_id
            """,
            [types],
        )

    def event_types(self) -> list[str]:
        return [t for (t,) in self._all("SELECT DISTINCT type FROM events ORDER BY type")]

    def count_fused_events(self) -> int:
        return self._one("SELECT count(*) FROM fused_events")

    # -- allegiances ---------------------------------------------------------------------

    def target_names(self) -> dict[str, str]:
        return dict(self._all("SELECT DISTINCT target_id, target_name FROM events WHERE target_id IS NOT NULL"))

    def contender_counts(self, allegiance_types: list[str], coup_types: list[str], top: int) -> list[tuple]:
        """(id, name, n): persons most often the target of allegiance events or the source of coups."""
        return self._all(
            """
            SELECT id, any_value(name), count(*) AS n FROM (
                SELECT target_id AS id, target_name AS name FROM events
                WHERE list_contains(?, type) AND target_kind = 'person'
                UNION ALL
                SELECT source_id, source_name FROM events
                WHERE list_contains(?, type) AND source_kind = 'person'
            ) WHERE id IS NOT NULL AND NOT starts_with(id, 'unknown:')
            GROUP BY id ORDER BY n DESC, id LIMIT ?
            """,
            [allegiance_types, coup_types, top],
        )

    def allegiance_events(self, types: list[str]) -> list[tuple]:
        return self._all(
            """
            SELECT e.type, e.status, e.source_id, e.source_name, e.source_kind, e.source_country, e.source_sectors,
                   e.target_id, e.date, coalesce(a.duplicate_of, a.doc_id), a.outlet, e.doc_id, e.sentence,
                   strftime(a.published, '%Y-%m-%d')
            FROM events e JOIN articles a USING (doc_id)
            WHERE list_contains(?, e.type) AND e.source_id IS NOT NULL
              AND e.status IN ('occurred', 'claimed', 'negated')
            """,
            [types],
        )

    def weekly_event_counts(self, defection_types: list[str]) -> list[tuple]:
        """(country, week, type, status, defector's sector or None, n), originals only."""
        return self._all(
            """
            WITH dated AS (
                SELECT e.type, e.status, coalesce(e.location_country, e.target_country, e.source_country) AS country,
                       e.source_sectors,
                       CASE WHEN length(e.date) = 10 THEN CAST(e.date AS DATE) ELSE a.published END AS day
                FROM events e JOIN articles a USING (doc_id)
                WHERE a.duplicate_of IS NULL
            )
            SELECT country, strftime(date_trunc('week', day), '%Y-%m-%d') AS week, type, status,
                   CASE WHEN list_contains(?, type) THEN coalesce(source_sectors[1], 'unknown') END AS sector,
                   count(*) AS n
            FROM dated WHERE day IS NOT NULL
            GROUP BY ALL ORDER BY week, country, type, status, sector NULLS FIRST
            """,
            [defection_types],
        )

    # -- framing -------------------------------------------------------------------------

    def independent_outlets(self) -> dict[str, tuple[str | None, str | None]]:
        """doc_id -> (outlet, lean) of every article that is not a copy of another."""
        return {doc: (outlet, lean) for doc, outlet, lean in self._all(
            "SELECT doc_id, outlet, extra->>'lean' FROM articles WHERE duplicate_of IS NULL")}

    def author_labels(self, actor_id: str | None = None) -> list[tuple]:
        """(doc_id, actor_id, actor_name, label) of labels in the author's own voice."""
        if actor_id:
            return self._all(
                "SELECT doc_id, actor_id, actor_name, label FROM labels WHERE voice IS NULL AND actor_id = ?", [actor_id])
        return self._all("SELECT doc_id, actor_id, actor_name, label FROM labels WHERE voice IS NULL")

    def mention_countries(self) -> dict[str, int]:
        """Identified actor mentions counted by country, most first (`actors.focus.main_country` reads it)."""
        return dict(self._all("SELECT country, count(*) FROM mentions WHERE country IS NOT NULL AND NOT provisional "
                              "GROUP BY country ORDER BY count(*) DESC"))

    def direct_quotes(self) -> list[tuple]:
        """(doc_id, quote, start, end, speaker_id, speaker_name, speaker_country) of every direct quotation."""
        return self._all(
            'SELECT doc_id, quote, start, "end", speaker_id, speaker_name, speaker_country FROM quotes WHERE kind = ?',
            ["direct"])

    def independent_texts(self) -> Iterator[tuple[str, str]]:
        cur = self.con.execute("SELECT doc_id, text FROM articles WHERE duplicate_of IS NULL")
        while rows := cur.fetchmany(200):
            yield from rows

    def coup_candidates(self, types: list[str]) -> list[tuple]:
        """Events of these types in original articles, in text order."""
        return self._all(
            """
            SELECT e.type, e.status, e.source_name, e.source_id, e.target_name, e.target_id,
                   e.attributed_to_name, e.attributed_to_id, a.outlet, e.doc_id, e.sentence, e.start, e."end"
            FROM events e JOIN articles a USING (doc_id)
            WHERE a.duplicate_of IS NULL AND list_contains(?, e.type)
            ORDER BY e.doc_id, e.start, e.trigger_start, e.event_id
            """,
            [types],
        )

    # -- report ------------------------------------------------------------------------

    def articles_overview(self) -> list[tuple]:
        """(doc_id, title, outlet, published, url, language, duplicate_of), by publication date."""
        return self._all(
            "SELECT doc_id, title, outlet, strftime(published, '%Y-%m-%d'), url, language, duplicate_of FROM articles "
            "ORDER BY published NULLS LAST, doc_id")

    def event_dates(self) -> list[tuple]:
        """(type, date or publication date, location country, source country, target country), originals only."""
        return self._all(
            """
            SELECT e.type, coalesce(e.date, strftime(a.published, '%Y-%m-%d')), e.location_country, e.source_country,
                   e.target_country
            FROM events e JOIN articles a USING (doc_id) WHERE a.duplicate_of IS NULL
            """
        )

    def key_fused_events(self, types: list[str], limit: int) -> list[tuple]:
        """The most widely reported fused events of these types with a named source, with their evidence."""
        return self._all(
            """
            SELECT f.type, f.source, f.target, f.date, f.status, f.num_sources, f.num_mentions, f.outlets,
                   list(struct_pack(doc_id := e.doc_id, sentence := e.sentence) ORDER BY e.doc_id),
                   any_value(e.location_country), any_value(e.source_country), any_value(e.target_country)
            FROM fused_events f JOIN fused_members m USING (fused_id)
            JOIN events e ON e.doc_id = m.doc_id AND e.event_id = m.event_id
            WHERE list_contains(?, f.type) AND f.source IS NOT NULL
            GROUP BY ALL ORDER BY f.num_sources DESC, f.num_mentions DESC, f.type, min(f.fused_id) LIMIT ?
            """,
            [types, limit],
        )

    def count_direct_quotes(self) -> int:
        return self._one("SELECT count(*) FROM quotes WHERE kind = 'direct'")

    def contested_claims(self) -> list[tuple]:
        return self._all(
            "SELECT group_id, speaker, stance, text, doc_id FROM claims WHERE contested ORDER BY group_id, doc_id, start")

    # -- evaluation ------------------------------------------------------------------------

    def article_texts(self) -> dict[str, str]:
        return dict(self._all("SELECT doc_id, text FROM articles"))

    def events_to_score(self) -> list[tuple]:
        return self._all(
            'SELECT doc_id, type, plover_event, source_id, source_name, target_id, target_name, status, start, "end" '
            "FROM events")

    # -- exports ----------------------------------------------------------------------------

    def export_cursor(self, what: str) -> duckdb.DuckDBPyConnection:
        return self.con.execute(EXPORT_SQL[what])

    def export_table(self, what: str) -> pa.Table:
        return self.con.sql(EXPORT_SQL[what]).to_arrow_table()
