"""Shared fixtures: paths to the real corpus and gold in ../shared, and a fresh store."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from allegiance.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ALLEGIANCE_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.fail(f"the shared corpus is missing at {SHARED}; clone beside ../shared or set ALLEGIANCE_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def seeds(shared) -> Path:
    return shared / "corpus" / "seeds"


@pytest.fixture(scope="session")
def venezuela(shared) -> list[Path]:
    """The Venezuela articles (seeds and dev): the demo's own crisis, and what most end-to-end tests read.

    The other crises' articles in the corpus triple the extraction time of every such test and add
    nothing they check; the learned-extraction tests read those."""
    return [shared / "corpus" / "seeds", shared / "corpus" / "venezuela-allsides-dev.jsonl"]


@pytest.fixture(scope="session")
def few_articles(shared):
    """Writes a handful of real Venezuela articles into a folder: the five seeds and the first ``dev`` records
    of the dev file. What the end-to-end runs that are repeated many times (crash loops, clusters) read."""
    def write(folder: Path, dev: int) -> Path:
        shutil.copytree(shared / "corpus" / "seeds", folder / "seeds")
        lines = (shared / "corpus" / "venezuela-allsides-dev.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
        (folder / "dev.jsonl").write_text("".join(lines[:dev]), encoding="utf-8")
        return folder
    return write


@pytest.fixture(scope="session")
def venezuela_db(venezuela, tmp_path_factory) -> Path:
    """The Venezuela articles ingested and extracted once per session, as the demo does. Tests that only
    read it share the file (read-only); a test that writes takes its own copy (``venezuela_store``)."""
    from allegiance.actors.kb import KnowledgeBase
    from allegiance.extraction.pipeline import Extractor, extract
    from allegiance.reading.ingest import ingest

    path = tmp_path_factory.mktemp("venezuela") / "venezuela.duckdb"
    with Store(path) as store:
        ingest(venezuela, store)
        extract(store, Extractor(KnowledgeBase.load()))
    return path


@pytest.fixture()
def venezuela_store(venezuela_db, tmp_path) -> Store:
    """A private, writable copy of ``venezuela_db``."""
    copy = tmp_path / "venezuela.duckdb"
    shutil.copyfile(venezuela_db, copy)
    s = Store(copy)
    yield s
    s.close()


@pytest.fixture(scope="session")
def seed_gold(shared) -> dict[str, dict]:
    lines = (shared / "gold" / "seeds" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return {d["doc_id"]: d for d in map(json.loads, lines)}


@pytest.fixture(scope="session")
def gold_cv(shared, tmp_path_factory) -> dict:
    """``allegiance eval --cv 5`` on the train gold's folds (seed and dev gold always trained on): events,
    quotations and speakers, as the README reports them. Its parses are kept for ``speech_cv`` (parsing the
    81 articles is most of the time of either)."""
    from allegiance.actors.kb import KnowledgeBase
    from allegiance.evaluation.cv import run

    gold = shared / "gold"
    return run([shared / "corpus"], [gold / "seeds", gold / "venezuela-allsides-dev", gold / "train"],
               gold / "train", 5, KnowledgeBase.load(), parses=tmp_path_factory.getbasetemp() / "parses")


@pytest.fixture()
def store(tmp_path) -> Store:
    s = Store(tmp_path / "test.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="session")
def speech_cv(shared, tmp_path_factory) -> dict:
    """The quotation, speaker and label figures of ``allegiance eval --cv 5`` (the train/ gold's folds, seed
    and dev gold on the training side), without the event models; computed once for the quality tests of
    quotes and labels."""
    from allegiance.actors.kb import KnowledgeBase
    from allegiance.evaluation.speech_cv import run_alone

    gold = shared / "gold"
    return run_alone([shared / "corpus"], [gold / "seeds", gold / "venezuela-allsides-dev", gold / "train"],
                     gold / "train", 5, KnowledgeBase.load(), parses=tmp_path_factory.getbasetemp() / "parses")
