"""Ingest: read -> clean -> infer metadata -> detect language -> de-duplicate -> store.

Articles are written in batches, each in one transaction, so an interrupted
run leaves the database consistent; the next run skips every input whose raw
content is already stored and so continues where the last one stopped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from allegiance.parsing.nlp import looks_like_person
from allegiance.reading import dedup, language
from allegiance.reading.clean import Furniture, clean, default_furniture
from allegiance.reading.html import extract_html
from allegiance.reading.metadata import infer, parse_date
from allegiance.reading.outlets import Outlets, default_outlets
from allegiance.reading.read import DEFAULT_MAX_BYTES, discover, read_file
from allegiance.records import META_FIELDS, Article, Metadata, ReadError, SourceRecord
from allegiance.store import INTERRUPTS, Store

BATCH = 200
#: Longest article text stored, in characters: about 35,000 words, far past any news article. The parser
#: refuses texts over 1,000,000 characters, and extraction time grows faster than the length, so a
#: longer "article" (a dump, a log, a book) is refused here with the reason instead of stalling a run.
MAX_TEXT_CHARS = 200_000


@dataclass
class IngestSummary:
    counts: Counter = field(default_factory=Counter)
    errors: list[ReadError] = field(default_factory=list)
    interrupted: bool = False
    run_id: int | None = None

    @property
    def failed(self) -> int:
        return len(self.errors)

    def as_dict(self) -> dict:
        return {**self.counts, "failed": self.failed, "interrupted": self.interrupted}


class ArticleBuilder:
    """Turns one SourceRecord into a stored Article (or a ReadError saying why not)."""

    def __init__(self, furniture: Furniture | None = None, outlets: Outlets | None = None):
        self.furniture = furniture or default_furniture()
        self.outlets = outlets or default_outlets()

    def build(self, rec: SourceRecord) -> Article | ReadError:
        html_meta = Metadata()
        text = rec.text
        if text is None and rec.html is not None:
            extracted = extract_html(rec.html)
            if extracted is None:
                return ReadError(rec.origin, "HTML page has no article body that could be extracted", rec.line, rec.doc_id)
            text, html_meta = extracted
        cleaned = clean(text or "", self.furniture)
        if not cleaned.text.strip():
            return ReadError(rec.origin, "no article text left after removing site furniture", rec.line, rec.doc_id)
        if len(cleaned.text) > MAX_TEXT_CHARS:
            return ReadError(rec.origin, f"article text is {len(cleaned.text):,} characters, over the limit of "
                             f"{MAX_TEXT_CHARS:,} (not a news article?)", rec.line, rec.doc_id)
        inferred = infer(cleaned, self.outlets, is_person=looks_like_person)
        extra = dict(rec.extra)
        given = [k for k in META_FIELDS if k in rec.meta]
        published = parse_date(rec.meta.get("published"))
        if "published" in rec.meta and published is None:
            extra["published_raw"] = rec.meta["published"]  # kept, but not trusted as a date
            given.remove("published")
        published = published or html_meta.published or inferred.published
        meta = {k: _first(rec.meta.get(k), getattr(html_meta, k), getattr(inferred, k)) for k in META_FIELDS}
        lang, score = language.detect(cleaned.text)
        sig = dedup.signature(cleaned.text)
        return Article(
            doc_id=rec.doc_id,
            text=cleaned.text,
            content_hash=dedup.content_hash(cleaned.text),
            source_hash=rec.source_hash,
            origin=rec.origin,
            line=rec.line,
            format=rec.format,
            title=_str(meta["title"]),
            outlet=_str(meta["outlet"]),
            author=_str(meta["author"]),
            published=published,
            url=_str(meta["url"]),
            language=lang,
            language_score=score,
            extra=extra,
            given=given,
            signature=dedup.to_bytes(sig),
        )


def _first(*values):
    return next((v for v in values if v not in (None, "")), None)


def _str(value) -> str | None:
    return None if value is None else str(value).strip() or None


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    builder: ArticleBuilder | None = None,
    on_bytes: Callable[[int], None] | None = None,
    on_article: Callable[[Article | ReadError], None] | None = None,
) -> IngestSummary:
    """Ingest every article under ``paths`` into ``store``.

    Records are taken ``BATCH`` at a time: what the store already holds of them (their doc ids, their
    cleaned texts) is looked up for that batch, and the batch is written before the next is read, so
    memory does not grow with the corpus stored. What this run has read (``seen``) grows with the run.

    An interrupt (Ctrl-C, SIGTERM) is caught: the batch being built is dropped (nothing
    half-written), the run is marked interrupted, and the summary says so.
    """
    builder = builder or ArticleBuilder()
    summary = IngestSummary()
    summary.run_id = run_id = store.start_run("ingest")
    seen: dict[str, str] = {}  # doc_id -> where it was read in this run
    records: list[SourceRecord | ReadError] = []
    errors: list[ReadError] = []

    def flush() -> None:
        batch = []
        for result in _admit_batch(records, store, seen, builder, near, summary):
            if on_article:
                on_article(result)
            (errors if isinstance(result, ReadError) else batch).append(result)
        store.write_batch(run_id, batch, errors)
        summary.errors.extend(errors)
        records.clear()
        errors.clear()

    try:
        near = dedup.NearDuplicates(store.original_signatures)
        for item in discover(paths):
            if isinstance(item, ReadError):
                errors.append(item)
                continue
            for rec in read_file(item, max_bytes=max_bytes, progress=on_bytes):
                records.append(rec)
                if len(records) + len(errors) >= BATCH:
                    flush()
        flush()
        status = "done"
    except INTERRUPTS:
        summary.interrupted = True
        status = "interrupted"
    store.finish_run(run_id, status, summary.as_dict())
    return summary


def _admit_batch(records, store, seen, builder, near, summary) -> list[Article | ReadError]:
    """What a batch of records becomes, in their order; records with nothing to write are left out. Both
    look-ups see the store as the previous batches left it and this batch's earlier records."""
    stored = store.source_hashes([r.doc_id for r in records if not isinstance(r, ReadError)])
    screened = [result for rec in records if (result := _screen(rec, stored, seen, builder, summary)) is not None]
    by_content = store.originals_by_content([a.content_hash for a in screened if isinstance(a, Article)])
    for article in screened:
        if isinstance(article, Article):
            _find_original(article, by_content, near, summary)
    return screened


def _screen(rec, stored, seen, builder, summary) -> Article | ReadError | None:
    """The record built into an article, unless it is unchanged (None) or cannot be (a ReadError)."""
    if isinstance(rec, ReadError):
        return rec
    if rec.doc_id in seen:
        if stored.get(rec.doc_id) == rec.source_hash:
            summary.counts["unchanged"] += 1
            return None
        return ReadError(rec.origin, f"doc_id {rec.doc_id!r} was already read from {seen[rec.doc_id]} in this run", rec.line, rec.doc_id)
    seen[rec.doc_id] = rec.where
    if stored.get(rec.doc_id) == rec.source_hash:
        summary.counts["unchanged"] += 1
        return None
    article = builder.build(rec)
    if isinstance(article, ReadError):
        return article
    if article.language not in ("en", None):
        summary.counts["non-English"] += 1
    summary.counts["updated" if rec.doc_id in stored else "new"] += 1
    stored[rec.doc_id] = rec.source_hash
    return article


def _find_original(article: Article, by_content: dict[str, str], near: dedup.NearDuplicates, summary) -> None:
    """Mark the article a copy of an earlier original with the same cleaned text, or with nearly the same
    text published around the same days; otherwise it is an original, and later copies will point to it."""
    original = by_content.get(article.content_hash)
    sig = dedup.from_bytes(article.signature)
    if original and original != article.doc_id:
        article.duplicate_of, article.similarity = original, 1.0
        summary.counts["exact duplicates"] += 1
    else:
        hit = near.original_of(article.doc_id, sig, article.published)
        if hit:
            article.duplicate_of, article.similarity = hit
            summary.counts["near duplicates"] += 1
        else:
            by_content[article.content_hash] = article.doc_id
            near.add(article.doc_id, sig, article.published)
