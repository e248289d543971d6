"""Read articles from the formats users have: plain text, saved web pages, JSON Lines.

Readers never raise on bad input: they yield a :class:`ReadError` naming the
file (and line) and go on, so one broken article never costs the rest of a batch.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from allegiance.records import META_FIELDS, ReadError, SourceRecord

#: File endings and the format each is read as.
FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".jsonl.gz": "jsonl"}

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

Progress = Callable[[int], None]


class InputError(ValueError):
    """Raised inside this module for an input that cannot be read; turned into a ReadError."""


def format_of(path: Path) -> str | None:
    name = path.name.lower()
    for ending, fmt in FORMATS.items():
        if name.endswith(ending) and not (ending == ".jsonl" and name.endswith(".jsonl.gz")):
            return fmt
    return None


def doc_id_of(path: Path) -> str:
    name = path.name
    for ending in sorted(FORMATS, key=len, reverse=True):
        if name.lower().endswith(ending):
            return name[: -len(ending)]
    return path.stem


def discover(paths: Iterable[str | Path]) -> Iterator[Path | ReadError]:
    """Expand directories recursively, in a stable order.

    Files inside a directory with an ending we do not read are passed over
    silently (a corpus folder often holds a README); a file named explicitly
    with such an ending is an error, since the user asked for it.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if format_of(child) and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield child
        elif path.is_file():
            if format_of(path):
                yield path
            else:
                yield ReadError(str(path), f"unsupported file type (expected one of {', '.join(FORMATS)})")
        else:
            yield ReadError(str(path), "no such file or directory")


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > len(sample) * 0.05


def decode(data: bytes) -> str:
    """Decode bytes as UTF-8, falling back to the detected encoding.

    Raises InputError with a reason a user can act on.
    """
    if not data.strip():
        raise InputError("empty file")
    if looks_binary(data):
        raise InputError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        best = from_bytes(data).best()
        if best is None or best.encoding is None:
            raise InputError(f"not valid UTF-8 (byte {exc.start}) and no other encoding could be detected") from None
        return str(best)


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None) -> Iterator[SourceRecord | ReadError]:
    """Yield the articles in one file."""
    fmt = format_of(path)
    try:
        if fmt == "jsonl":
            yield from _read_jsonl(path, max_bytes, progress)
            return
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"file is {size:,} bytes, over the limit of {max_bytes:,} (--max-bytes)")
        data = path.read_bytes()
        text = decode(data)
        record = SourceRecord(doc_id=doc_id_of(path), origin=str(path), format=fmt or "txt", source_hash=_hash(data))
        if fmt == "html":
            record.html = text
        else:
            record.text = text
        yield record
        if progress:
            progress(size)
    except (InputError, OSError) as exc:
        yield ReadError(str(path), _reason(exc), doc_id=doc_id_of(path))


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, InputError):
        return f"cannot read file: {exc.strerror or exc}"
    return str(exc)


def _read_jsonl(path: Path, max_bytes: int, progress: Progress | None) -> Iterator[SourceRecord | ReadError]:
    with open(path, "rb") as raw:
        stream = gzip.GzipFile(fileobj=raw) if path.name.lower().endswith(".gz") else raw
        lineno = 0
        reported = 0
        try:
            for lineno, line in enumerate(stream, start=1):  # noqa: B007 - lineno used after loop
                if line.strip():
                    yield _jsonl_record(path, lineno, line, max_bytes)
                if progress:
                    pos = raw.tell()
                    progress(pos - reported)
                    reported = pos
        except (EOFError, OSError, zlib.error) as exc:
            yield ReadError(str(path), f"file is truncated or corrupt after line {lineno}: {exc}", line=lineno + 1)


def _jsonl_record(path: Path, lineno: int, line: bytes, max_bytes: int) -> SourceRecord | ReadError:
    origin = str(path)
    if len(line) > max_bytes:
        return ReadError(origin, f"record is {len(line):,} bytes, over the limit of {max_bytes:,} (--max-bytes)", line=lineno)
    try:
        obj = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return ReadError(origin, f"line is not valid UTF-8 (byte {exc.start})", line=lineno)
    except json.JSONDecodeError as exc:
        return ReadError(origin, f"malformed JSON: {exc.msg} at column {exc.colno}", line=lineno)
    if not isinstance(obj, dict):
        return ReadError(origin, f"expected a JSON object, got {type(obj).__name__}", line=lineno)
    doc_id = obj.get("doc_id")
    doc_id = str(doc_id).strip() if doc_id not in (None, "") else f"{doc_id_of(path)}-{lineno}"
    text, html = obj.get("text"), obj.get("html")
    if not _nonblank(text) and not _nonblank(html):
        return ReadError(origin, "record has no 'text' or 'html'", line=lineno, doc_id=doc_id)
    meta = {k: obj[k] for k in META_FIELDS if obj.get(k) not in (None, "")}
    extra = {k: v for k, v in obj.items() if k not in META_FIELDS and k not in ("doc_id", "text", "html")}
    return SourceRecord(
        doc_id=doc_id,
        origin=origin,
        line=lineno,
        format="jsonl",
        source_hash=_hash(line.strip()),
        text=text if _nonblank(text) else None,
        html=html if _nonblank(html) and not _nonblank(text) else None,
        meta=meta,
        extra=extra,
    )


def _nonblank(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())
