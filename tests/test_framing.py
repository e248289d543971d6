"""Framing on the demo corpus: outlets label the same actors differently, and both camps call the
other's actions a coup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from allegiance.actors.kb import KnowledgeBase
from allegiance.analysis.framing import (
    camp,
    coup_attribution,
    labels_by_outlet,
    loaded_rates,
    quote_shares,
)
from allegiance.store import Store

BIN = Path(sys.executable).parent / "allegiance"


def test_outlets_label_maduro_and_guaido_differently(venezuela_db):
    kb = KnowledgeBase.load()
    with Store(venezuela_db, read_only=True) as store:
        for actor_id in ("nicolas-maduro", "juan-guaido"):
            rows = labels_by_outlet(store, actor_id)
            per_outlet = {}
            for r in rows:
                per_outlet.setdefault(r.outlet, set()).add(r.key.lower())
            assert len(per_outlet) >= 2, actor_id
            assert len({frozenset(v) for v in per_outlet.values()}) >= 2, actor_id
        maduro = {r.key.lower() for r in labels_by_outlet(store, "nicolas-maduro")}
        assert any("dictator" in lab for lab in maduro) and any("president" in lab for lab in maduro)
        assert kb["nicolas-maduro"].name == "Nicolás Maduro"


def test_both_camps_call_the_other_side_a_coup(venezuela_db):
    kb = KnowledgeBase.load()
    with Store(venezuela_db, read_only=True) as store:
        rows = coup_attribution(store)
    by_incumbents = [r for r in rows if r.accuser_id and camp(kb, r.accuser_id, None, "VEN") == "incumbent"
                     and r.accused_id and camp(kb, r.accused_id, None, "VEN") in ("opposition", "foreign")]
    against_incumbents = [r for r in rows if r.accuser_id and camp(kb, r.accuser_id, None, "VEN") == "opposition"
                          and r.accused_id in ("nicolas-maduro", "VEN")]
    assert by_incumbents and against_incumbents
    for r in by_incumbents[:1] + against_incumbents[:1]:
        assert r.sentence and r.end > r.start  # with the evidence sentence


def test_quote_shares_and_loaded_rates_add_up(venezuela_db):
    kb = KnowledgeBase.load()
    with Store(venezuela_db, read_only=True) as store:
        shares = quote_shares(store, kb)
        rates = loaded_rates(store)
    per_outlet = {}
    for r in shares:
        per_outlet[r.outlet] = per_outlet.get(r.outlet, 0) + r.value
    assert all(abs(total - 1) < 0.01 for total in per_outlet.values())
    breitbart = {r.key: r.value for r in rates if r.outlet == "Breitbart News"}
    assert breitbart["delegitimizing"] > 0


def test_framing_cli_and_export(venezuela_db):
    env = {**os.environ, "COLUMNS": "200"}
    res = subprocess.run([str(BIN), "framing", "--actor", "Juan Guaidó", "--db", str(venezuela_db)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "Labels for Juan Guaidó" in res.stdout and "Who is said to stage a coup" in res.stdout
    res = subprocess.run([str(BIN), "export", "framing", "--db", str(venezuela_db)], capture_output=True, text=True, timeout=120)
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert {r["section"] for r in rows} == {"label", "quote_share", "loaded_rate"}
    assert list(rows[0]) == ["section", "outlet", "lean", "actor", "actor_id", "key", "count", "value"]
    res = subprocess.run([str(BIN), "export", "labels", "--db", str(venezuela_db)], capture_output=True, text=True, timeout=120)
    first = json.loads(res.stdout.splitlines()[0])
    assert list(first)[:7] == ["doc_id", "outlet", "actor", "actor_id", "label", "start", "end"]
