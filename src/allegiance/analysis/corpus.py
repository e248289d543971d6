"""The corpus-level stages (claims, fused events), brought up to date with what extraction changed.

An article stays ``extracted`` in the store until these stages have taken it in, so a run that is
interrupted between extraction and here is completed by the next one, whatever that one extracts.
"""

from __future__ import annotations

from allegiance.analysis import claims, fusion
from allegiance.store import Store


def update(store: Store) -> dict[str, int]:
    """Update claims and fused events for the articles extracted since the last update; returns corpus totals."""
    pending = store.extractions_pending()
    if pending:
        claims.update(store, pending)
        fusion.update(store, pending)
        store.finish_corpus_stages(pending)
    return {"contested claim groups": store.count_contested_groups(), "fused events": store.count_fused_events()}
