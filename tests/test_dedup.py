"""The near-duplicate index cut by publication day: an ingest holds only the days near the articles it reads,
however many days the store covers, and still links the copies published within the window.

The texts are generated (a seeded draw of words), so that every article is distinct and a copy is made by
editing one: what is under test is the real MinHash/LSH index over a real store, not the texts.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from allegiance.reading import dedup
from allegiance.reading.ingest import ingest

START = dt.date(2024, 1, 1)
STORED_DAYS = 400  # over a year of originals, one a day
WORDS = [f"w{i}" for i in range(2000)]


def _text(i: int) -> str:
    rng = random.Random(i)
    return " ".join(rng.choice(WORDS) for _ in range(300))


def _write(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _stored(store, tmp_path) -> None:
    _write(tmp_path / "year.jsonl", [
        {"doc_id": f"a{i}", "published": str(START + dt.timedelta(i)), "text": _text(i)} for i in range(STORED_DAYS)])
    summary = ingest([tmp_path / "year.jsonl"], store)
    assert summary.counts["new"] == STORED_DAYS and summary.counts["near duplicates"] == 0


def test_memory_held_follows_the_window_not_the_stored_days(store, tmp_path):
    _stored(store, tmp_path)
    near = dedup.NearDuplicates(store.original_signatures, days=3, held=14)
    held = []
    for i in range(STORED_DAYS):
        day = START + dt.timedelta(i)
        copy = dedup.signature(_text(i) + " a line the copy adds")
        assert near.original_of(f"copy{i}", copy, day)[0] == f"a{i}"
        held.append(len(near))
    # one original a day: at most `held` of them, while the store holds 400
    assert 7 <= max(held) <= 14


def test_a_store_under_the_limit_is_read_once(store, tmp_path):
    _stored(store, tmp_path)
    reads = []

    def load(first, last):
        reads.append((first, last))
        return store.original_signatures(first, last)

    near = dedup.NearDuplicates(load)
    for i in range(0, STORED_DAYS, 7):
        assert near.original_of("probe", dedup.signature(_text(i)), START + dt.timedelta(i))[0] == f"a{i}"
    assert len(reads) == 2 and len(near) == STORED_DAYS  # the undated originals, then all the others


def test_copies_are_linked_within_the_window_and_not_beyond(store, tmp_path):
    _stored(store, tmp_path)
    day = START + dt.timedelta(200)
    _write(tmp_path / "copies.jsonl", [
        {"doc_id": "two-days-later", "published": str(day + dt.timedelta(2)), "text": _text(200) + " Updated."},
        {"doc_id": "month-later", "published": str(day + dt.timedelta(30)), "text": _text(200) + " Reprinted."},
    ])
    summary = ingest([tmp_path / "copies.jsonl"], store)  # a new run: it reads the days it needs from the store
    links = dict(store.con.execute(
        "SELECT doc_id, duplicate_of FROM articles WHERE doc_id IN ('two-days-later', 'month-later')").fetchall())
    assert links == {"two-days-later": "a200", "month-later": None}
    assert summary.counts["near duplicates"] == 1


def test_an_updated_original_replaces_its_signature_under_its_new_day(store, tmp_path):
    _stored(store, tmp_path)
    near = dedup.NearDuplicates(store.original_signatures, days=1, held=8)
    old, new = START + dt.timedelta(10), START + dt.timedelta(100)
    sig = dedup.signature(_text(10))
    assert near.original_of("probe", sig, old)[0] == "a10"
    near.add("a10", sig, new)  # re-dated by a later read of the same article
    assert near.original_of("probe", sig, old) is None
    assert near.original_of("probe", sig, new)[0] == "a10"


def test_lsh_parameters_are_computed_once():
    dedup._lsh_params.cache_clear()
    dedup.NearDuplicates(), dedup.NearDuplicates()
    assert dedup._lsh_params.cache_info().misses == 1
