"""Main text and metadata from a saved web page, with trafilatura."""

from __future__ import annotations

import trafilatura

from allegiance.reading.metadata import parse_date
from allegiance.records import Metadata

#: Fewer words than this after extraction means the page had no article body.
MIN_WORDS = 15


def extract_html(html: str) -> tuple[str, Metadata] | None:
    """The article body and the metadata its markup declares, or None if the page has no body."""
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    if doc is None:
        return None
    get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
    text = get("text")
    if not text or len(text.split()) < MIN_WORDS:
        return None  # a menu or a cookie notice is not an article
    title = get("title")
    if title:
        text = f"{title}\n\n{text}"  # the headline is article text too (events are stated in it)
    meta = Metadata(
        title=title or None,
        outlet=get("sitename") or None,
        author=get("author") or None,
        published=parse_date(get("date")),
        url=get("url") or None,
    )
    return text, meta
