"""Read articles from the formats users have: plain text, saved web pages, JSON Lines.

Readers never raise on bad input: they yield a :class:`ReadError` naming the
file (and line) and go on, so one broken article never costs the rest of a batch.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from allegiance.records import META_FIELDS, ReadError, SourceRecord

#: File endings and the format each is read as.
FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".jsonl.gz": "jsonl"}

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Byte-order marks of the encodings whose text is full of NUL bytes; checked before the binary test.
#: UTF-32 comes first: its little-endian mark starts with UTF-16's.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
#: A JSON escape of a UTF-16 surrogate: the only way a decoded JSON string can hold one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
#: How much of an over-long JSONL line is read at a time while skipping it (memory stays flat).
_SKIP_CHUNK = 1024 * 1024

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
            yield from _walk(path)
        elif path.is_file():
            if format_of(path):
                yield path
            else:
                yield ReadError(str(path), f"unsupported file type (expected one of {', '.join(FORMATS)})")
        else:
            yield ReadError(str(path), "no such file or directory")


def _walk(root: Path) -> Iterator[Path | ReadError]:
    """The readable files under a folder. Linked folders are not entered (a link can loop), and a linked
    file is read only if it lies inside the folder: a link must not make a run read what the user did
    not give it (a corpus unpacked from elsewhere can hold a link to ~/.ssh)."""
    inside = root.resolve()
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(folder, f) for f in files if not f.startswith(".") and format_of(Path(f))]
    for path in sorted(found):
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(inside):
                yield ReadError(str(path), f"link to {target}, outside {root}: not read")
                continue
            if not target.is_file():
                yield ReadError(str(path), "link to nothing readable (broken link or not a file)")
                continue
        yield path


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
    wide = next((enc for bom, enc in _WIDE_BOMS if data.startswith(bom)), None)
    if wide:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError as exc:
            raise InputError(f"starts with a {wide.upper()} byte-order mark but is not valid {wide.upper()} (byte {exc.start})") from None
        if not text.strip():
            raise InputError("empty file")
        return text
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
            for lineno, line in enumerate(_lines(stream, max_bytes), start=1):  # noqa: B007 - lineno used after loop
                if isinstance(line, int):
                    yield ReadError(str(path), f"record is {line:,} bytes, over the limit of {max_bytes:,} (--max-bytes)", line=lineno)
                elif line.strip():
                    yield _jsonl_record(path, lineno, line)
                if progress:
                    pos = raw.tell()
                    progress(pos - reported)
                    reported = pos
        except (EOFError, OSError, zlib.error) as exc:
            yield ReadError(str(path), f"file is truncated or corrupt after line {lineno}: {exc}", line=lineno + 1)


def _lines(stream, max_bytes: int) -> Iterator[bytes | int]:
    """The lines of a stream, each read whole only up to ``max_bytes``: an over-long line is skipped
    in chunks and stands as its length, so a 1 GB line never sits in memory."""
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) <= max_bytes:
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n"):
            line = stream.readline(_SKIP_CHUNK)
            if not line:
                break
            size += len(line)
        yield size


def _jsonl_record(path: Path, lineno: int, line: bytes) -> SourceRecord | ReadError:
    origin = str(path)
    try:
        obj = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return ReadError(origin, f"line is not valid UTF-8 (byte {exc.start})", line=lineno)
    except json.JSONDecodeError as exc:
        return ReadError(origin, f"malformed JSON: {exc.msg} at column {exc.colno}", line=lineno)
    if not isinstance(obj, dict):
        return ReadError(origin, f"expected a JSON object, got {type(obj).__name__}", line=lineno)
    if _SURROGATE_ESCAPE.search(line) and _has_lone_surrogate(obj):
        return ReadError(origin, "record holds an unpaired UTF-16 surrogate (a \\uD800-\\uDFFF escape), which is not text", line=lineno)
    doc_id = obj.get("doc_id")
    doc_id = str(doc_id).strip() if doc_id not in (None, "") else f"{doc_id_of(path)}-{lineno}"
    text, html = obj.get("text"), obj.get("html")
    for key, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            return ReadError(origin, f"'{key}' is a JSON {_json_type(value)}, not a string", line=lineno, doc_id=doc_id)
    if not _nonblank(text) and not _nonblank(html):
        return ReadError(origin, "record has no 'text' or 'html'", line=lineno, doc_id=doc_id)
    # a title or date given as an object or a list is not trusted as one; it stays with the extra fields
    meta = {k: obj[k] for k in META_FIELDS if _scalar(obj.get(k)) and obj[k] != ""}
    extra = {k: v for k, v in obj.items() if k not in meta and k not in ("doc_id", "text", "html")}
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


def _has_lone_surrogate(obj: object) -> bool:
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _json_type(value: object) -> str:
    names = {dict: "object", list: "array", bool: "boolean", int: "number", float: "number"}
    return names.get(type(value), type(value).__name__)


def _scalar(value: object) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)
