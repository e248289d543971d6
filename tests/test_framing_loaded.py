"""The loaded-language counts of the framing analysis: the one-pass count over word runs finds what one
regular expression per category finds (the way they were counted before, kept here as the reference),
on real articles and on the cases where the two could part."""

from __future__ import annotations

import json
import re

import yaml

import allegiance.extraction.events  # noqa: F401 - before the wordlists, which cannot be imported first
from allegiance.analysis import framing
from allegiance.extraction.wordlists import LOADED

EDGES = ["fake news fake  news fake news-x self-proclaimed proclaimed regime regime-change regime",
         "drug trafficking trafficking drug-trafficking drug", "lined the pockets lined the pocket lined  the pockets",
         "regime", "", "-regime- regime_x régime Regime REGIME", "interim president interim"]


def _reference(plain: str) -> list[int]:
    spec = yaml.safe_load(LOADED.read_text(encoding="utf-8"))["categories"]
    patterns = [re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(str(t).lower()) for t in sorted(
        c["terms"], key=lambda t: -len(str(t)))) + r")(?![\w-])") for c in spec.values()]
    return [len(p.findall(plain)) for p in patterns]


def test_one_pass_counts_what_the_regular_expressions_count(shared):
    texts = [json.loads(line)["text"] for line in (shared / "corpus" / "train-crises.jsonl").read_text(
        encoding="utf-8").splitlines()]
    texts += [p.read_text(encoding="utf-8") for p in sorted((shared / "corpus" / "seeds").rglob("*")) if p.is_file()]
    categories, starts = framing._lexicon()
    found = 0
    for text in [*texts, *EDGES]:
        plain = text.lower()
        words, hits = framing._loaded_counts(plain, starts, len(categories))
        assert hits == _reference(plain), text[:80]
        assert words == len(plain.split())
        found += sum(hits)
    assert found > 100  # the corpus does use loaded words: the comparison is not between zeros
