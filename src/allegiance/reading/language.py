"""Language identification, so English-only stages can skip what they cannot read."""

from __future__ import annotations

import re
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

#: Below this many letters a guess is noise; the article is left unlabelled.
MIN_LETTERS = 40
_LETTERS = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str | None, float | None]:
    """ISO 639-1 code and probability, or (None, None) for too little text."""
    sample = text[:2500]
    if len(_LETTERS.findall(sample)) < MIN_LETTERS:
        return None, None
    lang, prob = _identifier().classify(sample)
    return lang, round(float(prob), 4)
