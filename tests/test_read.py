"""Readers: every format, and every kind of bad input named with its file, line and reason."""

from __future__ import annotations

import gzip
import json

import pytest

from allegiance.reading.read import decode, discover, read_file
from allegiance.records import ReadError, SourceRecord


def _one(path, **kw):
    items = list(read_file(path, **kw))
    assert len(items) == 1
    return items[0]


def test_txt_reads_text_and_doc_id_from_name(seeds):
    path = next(iter(sorted(seeds.glob("*.txt"))))
    rec = _one(path)
    assert isinstance(rec, SourceRecord)
    assert rec.doc_id == path.stem and rec.format == "txt" and "Maduro" in rec.text


def test_jsonl_keeps_given_metadata_and_extra_fields(shared):
    recs = list(read_file(shared / "corpus" / "venezuela-allsides-dev.jsonl"))
    assert len(recs) == 22 and all(isinstance(r, SourceRecord) for r in recs)
    first = recs[0]
    assert first.doc_id == "as-6JhU6uSuL61CRDkx" and first.line == 1
    assert first.meta["outlet"] == "Reuters" and first.meta["published"] == "2019-05-02"
    assert first.extra["lean"] == "center" and "text" not in first.extra


def test_jsonl_gz_and_missing_doc_id(tmp_path):
    path = tmp_path / "batch.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "A short article about a protest in the capital."}) + "\n")
    rec = _one(path)
    assert rec.doc_id == "batch-1" and rec.text.startswith("A short")


def test_malformed_line_is_reported_and_the_others_load(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        json.dumps({"doc_id": "a", "text": "First article text."}) + "\n"
        + '{"doc_id": "b", "text": "unterminated\n'
        + json.dumps({"doc_id": "c", "title": "No body here"}) + "\n"
        + "[1, 2]\n"
        + json.dumps({"doc_id": "d", "text": "Fourth article text."}) + "\n",
        encoding="utf-8",
    )
    items = list(read_file(path))
    ok = [i.doc_id for i in items if isinstance(i, SourceRecord)]
    bad = {i.line: i for i in items if isinstance(i, ReadError)}
    assert ok == ["a", "d"]
    assert "malformed JSON" in bad[2].reason and bad[2].where == f"{path}:2"
    assert bad[3].reason == "record has no 'text' or 'html'" and bad[3].doc_id == "c"
    assert "expected a JSON object" in bad[4].reason


def test_binary_empty_and_oversized_files(tmp_path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000, encoding="utf-8")
    assert _one(binary).reason == "binary file, not text"
    assert _one(empty).reason == "empty file"
    err = _one(big, max_bytes=100)
    assert isinstance(err, ReadError) and "over the limit of 100" in err.reason


def test_latin1_is_decoded_with_the_detected_encoding(tmp_path):
    path = tmp_path / "latin.txt"
    text = "El presidente Nicolás Maduro habló el miércoles en Caracas sobre la situación del país y la oposición."
    path.write_bytes(text.encode("latin-1"))
    rec = _one(path)
    assert isinstance(rec, SourceRecord) and "Nicolás" in rec.text


def test_undecodable_bytes_are_reported(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes((128 + (i * 37) % 128) for i in range(300)))  # high bytes only: no encoding fits
    err = _one(path)
    assert isinstance(err, ReadError) and "not valid UTF-8" in err.reason
    with pytest.raises(ValueError, match="binary file"):
        decode(b"\x00\x01\x02\x03 not text")


def test_truncated_gzip_is_reported_after_the_good_lines(tmp_path):
    path = tmp_path / "cut.jsonl.gz"
    payload = "".join(json.dumps({"doc_id": f"d{i}", "text": f"Article number {i} " * 50}) + "\n" for i in range(50))
    data = gzip.compress(payload.encode())
    path.write_bytes(data[: len(data) // 2])
    items = list(read_file(path))
    assert any(isinstance(i, SourceRecord) for i in items)
    assert isinstance(items[-1], ReadError) and "truncated or corrupt" in items[-1].reason


def test_discover_recurses_and_names_missing_and_unsupported_paths(tmp_path, seeds):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    found = list(discover([seeds, tmp_path / "nope.txt", tmp_path / "notes.pdf"]))
    files = [f for f in found if not isinstance(f, ReadError)]
    errors = [f for f in found if isinstance(f, ReadError)]
    assert len(files) == 5
    assert [e.reason for e in errors] == ["no such file or directory", errors[1].reason]
    assert "unsupported file type" in errors[1].reason
