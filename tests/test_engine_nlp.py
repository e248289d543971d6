"""The pipeline's faster attribute ruler and lemmatizer (parsing/fast_rules.py) annotate every token exactly as
spaCy's stock components do, on real articles and on the constructions their rarer patterns are for."""

from __future__ import annotations

import spacy

from allegiance.parsing.fast_rules import AttributeLookup, RememberingLemmatizer
from allegiance.parsing.nlp import MODEL, load_pipeline

#: Contractions, colloquial forms and existentials that the ruler's multi-token, regex and NOT_IN patterns match.
ODD = ("Y'all gonna see it, ain't you? Let's go, c'mon. There's nothin' there and there are no tanks. "
       "I told you I'd do it, and it's done; we've gotta run. Who did it? She didn't.   Wasn't that it?\n\n"
       "They'd have had to. Those that left, left. I am, you are, he is not, they aren't.")


def _annotations(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_,
             t.is_sent_start) for t in doc]


def test_fast_rules_annotate_exactly_as_the_stock_components(seeds):
    ours = load_pipeline()
    assert isinstance(ours.get_pipe("attribute_ruler").match, AttributeLookup)
    assert isinstance(ours.get_pipe("lemmatizer"), RememberingLemmatizer)
    stock = spacy.load(MODEL)
    stock.add_pipe("paragraph_breaks", before="parser")
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.iterdir())] + [ODD]
    # twice over: the second pass answers from what the first remembered
    for _ in range(2):
        for expected, got in zip(stock.pipe(texts), ours.pipe(texts), strict=True):
            assert _annotations(got) == _annotations(expected)
