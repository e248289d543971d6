"""The SQL of the exports that are plain queries; their field names, in the same order, are in
outputs/export.py (a contract with users' scripts: names and meanings do not change)."""

EXPORT_SQL = {
    "articles": """
            SELECT doc_id, title, outlet, author, strftime(published, '%Y-%m-%d') AS published, url,
                   language, duplicate_of, text
            FROM articles ORDER BY doc_id
        """,
    "mentions": """
            SELECT m.doc_id, a.outlet, m.mention_id, m.actor_name, m.actor_id, m.text, m.kind, m.country, m.sectors,
                   m.method, m.provisional, m.start, m."end"
            FROM mentions m JOIN articles a USING (doc_id) ORDER BY m.doc_id, m.start
        """,
    "events": """
            SELECT e.doc_id, e.event_id, e.type,
                   struct_pack(event := e.plover_event, mode := e.plover_mode, context := e.plover_context),
                   e.source_name, e.source_id, e.source_mention, e.target_name, e.target_id, e.target_mention,
                   e.status, e.attributed_to_name, e.attributed_to_id, e.date, e.date_precision, e.location,
                   e.location_country, e.sentence, e.start, e."end", a.outlet, e.confidence, e.trigger,
                   (SELECT min(c.claim_id) FROM claims c
                    WHERE c.doc_id = e.doc_id AND c.speaker_id = e.attributed_to_id
                      AND c.start < e."end" AND c."end" > e.start) AS claim_id
            FROM events e JOIN articles a USING (doc_id) ORDER BY e.doc_id, e.start, e.trigger_start, e.type
        """,
    "quotes": """
            SELECT q.doc_id, q.quote_id, q.kind, q.quote, q.speaker_name, q.speaker_id, q.speaker_mention, q.cue,
                   q.start, q."end", a.outlet
            FROM quotes q JOIN articles a USING (doc_id) ORDER BY q.doc_id, q.start
        """,
    "claims": """
            SELECT c.claim_id, c.doc_id, c.speaker, c.speaker_id, c.text, c.stance, c.group_id, c.contested,
                   c.start, c."end", a.outlet
            FROM claims c JOIN articles a USING (doc_id) ORDER BY c.group_id, c.doc_id, c.start
        """,
    "labels": """
            SELECT l.doc_id, a.outlet, l.actor_name, l.actor_id, l.label, l.start, l."end", l.construction, l.voice
            FROM labels l JOIN articles a USING (doc_id) ORDER BY l.doc_id, l.start
        """,
    "fused-events": """
            SELECT f.fused_id, f.type, f.source, f.source_id, f.target, f.target_id, f.date, f.status,
                   f.num_mentions, f.num_sources, strftime(f.first_reported, '%Y-%m-%d'), f.outlets,
                   list(struct_pack(doc_id := e.doc_id, outlet := a.outlet, sentence := e.sentence,
                                    start := e.start, "end" := e."end") ORDER BY e.doc_id, e.start)
            FROM fused_events f
            JOIN fused_members m USING (fused_id)
            JOIN events e ON e.doc_id = m.doc_id AND e.event_id = m.event_id
            JOIN articles a ON a.doc_id = e.doc_id
            GROUP BY ALL ORDER BY f.num_sources DESC, f.num_mentions DESC, f.fused_id
        """,
    "errors": """
            SELECT run_id, origin, line, doc_id, stage, reason, strftime(created_at, '%Y-%m-%dT%H:%M:%S') AS created_at
            FROM errors ORDER BY run_id, origin, line
        """,
}
