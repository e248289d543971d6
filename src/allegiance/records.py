"""Typed records that pass between the pipeline stages.

Each stage takes and returns these plain dataclasses, so a stage can be
tested alone by building its input by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

#: Metadata keys an input may give; given values always win over inferred ones.
META_FIELDS = ("title", "outlet", "author", "published", "url")


@dataclass
class SourceRecord:
    """One article as a reader found it, before any cleaning.

    ``origin`` names the file (and ``line`` the JSONL line) so that every
    later error can point the user at the exact input.
    """

    doc_id: str
    origin: str
    format: str  # "txt", "html" or "jsonl"
    source_hash: str  # hash of the raw input, to skip unchanged inputs cheaply
    text: str | None = None
    html: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    line: int | None = None

    @property
    def where(self) -> str:
        return f"{self.origin}:{self.line}" if self.line is not None else self.origin


@dataclass
class ReadError:
    """An input that could not become a :class:`SourceRecord`."""

    origin: str
    reason: str
    line: int | None = None
    doc_id: str | None = None

    @property
    def where(self) -> str:
        return f"{self.origin}:{self.line}" if self.line is not None else self.origin


@dataclass
class Metadata:
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: dt.date | None = None
    url: str | None = None


@dataclass
class Article:
    """A cleaned article as stored; every later character offset refers to ``text``."""

    doc_id: str
    text: str
    content_hash: str
    source_hash: str
    origin: str
    format: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: dt.date | None = None
    url: str | None = None
    language: str | None = None
    language_score: float | None = None
    duplicate_of: str | None = None
    similarity: float | None = None
    line: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: which metadata fields were given by the input rather than inferred
    given: list[str] = field(default_factory=list)
    signature: bytes | None = None
