"""The word lists of ``data/lexicons`` that more than one extraction stage reads, each parsed once.

The labels stage asks whether a word is loaded, the events stage which loaded terms are hostile (a
speaker using them accuses); both read one parse of ``loaded.yaml``, so a term added there counts for
both. ``person_nouns.yaml`` names words for a person's standing, which both stages read to find a
person described rather than named ("the young leader"); ``body_nouns.yaml`` the same for states,
organisations and groups ("the oil-rich kingdom"), which the labels stage reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LEXICONS = Path(__file__).parents[1] / "data" / "lexicons"
LOADED = LEXICONS / "loaded.yaml"


def phrase_words(phrase) -> tuple[str, ...]:
    """A lexicon phrase as the words the tokenizer makes of it: lower-cased, with the hyphen inside a
    word standing alone ("sit-in" is read as "sit - in", so it can match at all)."""
    text = re.sub(r"(?<=\w)-(?=\w)", " - ", str(phrase).replace("’", "'").lower())
    return tuple(text.split())


@dataclass(frozen=True)
class WordLists:
    #: single-word loaded terms of every category
    loaded: frozenset[str]
    #: hostile loaded terms, as phrase words indexed by their first word, longest first
    hostile: dict[str, tuple[tuple[str, ...], ...]]
    person_nouns: frozenset[str]
    #: head nouns of descriptions of a state, organisation or group, by the actor kind they stand for
    body_nouns: dict[str, frozenset[str]]

    @classmethod
    def load(cls) -> WordLists:
        spec = yaml.safe_load(LOADED.read_text(encoding="utf-8"))
        loaded = frozenset(str(t).lower() for c in spec["categories"].values() for t in c["terms"] if " " not in str(t))
        skip = {str(t).lower() for t in spec.get("not_accusations") or []}
        index: dict[str, list[tuple[str, ...]]] = {}
        for cat in spec["categories"].values():
            if cat.get("hostile"):
                for term in cat["terms"]:
                    if str(term).lower() in skip:
                        continue
                    words = phrase_words(term)
                    index.setdefault(words[0], []).append(words)
        hostile = {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}
        nouns = yaml.safe_load((LEXICONS / "person_nouns.yaml").read_text(encoding="utf-8"))
        bodies = yaml.safe_load((LEXICONS / "body_nouns.yaml").read_text(encoding="utf-8"))
        return cls(loaded, hostile, frozenset(str(w).lower() for w in nouns["nouns"]),
                   {kind: frozenset(str(w).lower() for w in ws) for kind, ws in bodies.items()})


@lru_cache(maxsize=1)
def default_wordlists() -> WordLists:
    return WordLists.load()
