"""Exact, faster stand-ins for how two rule components of spaCy's English pipeline do their work.

Measured per component on news articles, the attribute ruler (tag -> part of speech and morphology, by
179 one-token patterns run through spaCy's general ``Matcher``) and the rule lemmatizer (which caches only
the lemmas it derives by rule, not the far commoner base forms) took a quarter of the parse: more than
the parser. Both compute a pure function of a few token attributes, so a dictionary lookup gives the same
answer at a fraction of the cost. The components keep their names, patterns, tables and
``set_annotations``; only how matches are found and how lemmas are remembered changes, and
``tests/test_engine_nlp.py`` checks every token attribute against the stock pipeline.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.errors import Errors
from spacy.lang.en import English
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

#: The token attributes a pattern may test and still be evaluated here instead of by the Matcher.
_ATTRS = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}
_COLUMN = {name: i for i, name in enumerate(_ATTRS)}
#: Combinations remembered before the memory is emptied: new words keep coming in a long run, and a
#: worker's memory must stay flat however many articles it parses.
REMEMBERED = 200_000


class AttributeLookup:
    """The attribute ruler's ``match``. Which of the ruler's token specifications a token satisfies depends
    only on its tag, lower-case form, dependency label and being space, and far fewer combinations of
    those occur than tokens: each combination is evaluated once and remembered. Patterns this does not
    read (operators, other attributes) are left to a ``Matcher`` of their own. Matches come back as the
    ruler's own ``match`` returns them, ordered by pattern number, so later patterns still win."""

    def __init__(self, ruler):
        self.strings = ruler.vocab.strings
        self.residual = Matcher(ruler.vocab, validate=False)
        #: (pattern number, match id, specifications of its tokens, each a list of tests)
        self.patterns: list[tuple[int, int, list[list[tuple]]]] = []
        for attr_id in range(len(ruler.attrs)):
            match_id = self.strings[str(attr_id)]
            _, alternatives = ruler.matcher.get(match_id)
            compiled = [[_tests(spec, self.strings) for spec in pattern] for pattern in alternatives]
            if any(None in specs for specs in compiled):
                self.residual.add(match_id, alternatives)
            else:
                self.patterns.extend((attr_id, match_id, specs) for specs in compiled)
        self.attrs = list(_ATTRS.values())
        # each specification is filed under one value it requires (column -> value -> specifications), so
        # a new combination of attributes is tested only against the few that can apply to it
        self.gates: list[dict[int, list[tuple[int, int]]]] = [{} for _ in _ATTRS]
        self.ungated: list[tuple[int, int]] = []
        for p, (_, _, specs) in enumerate(self.patterns):
            for k, tests in enumerate(specs):
                gate = next((t for t in tests if t[1] in ("==", "IN")), None)
                if gate is None:
                    self.ungated.append((p, k))
                    continue
                col, op, value = gate
                for v in ([value] if op == "==" else value):
                    self.gates[col].setdefault(v, []).append((p, k))
        #: a token's attributes -> the (pattern, position) specifications it satisfies
        self.seen: dict[tuple[int, ...], frozenset[tuple[int, int]]] = {}

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        matches = [(int(self.strings[m_id]), m_id, s, e)
                   for m_id, s, e in self.residual(doc, allow_missing=True, as_spans=False)] if len(self.residual) else []
        satisfied = []
        for row in map(tuple, doc.to_array(self.attrs).tolist()):
            found = self.seen.get(row)
            if found is None:
                if len(self.seen) >= REMEMBERED:
                    self.seen.clear()
                found = self.seen[row] = self._satisfied(row)
            satisfied.append(found)
        n = len(satisfied)
        for i, found in enumerate(satisfied):
            for p, k in found:
                if k == 0:
                    attr_id, match_id, specs = self.patterns[p]
                    end = i + len(specs)
                    if end <= n and all((p, j) in satisfied[i + j] for j in range(1, len(specs))):
                        matches.append((attr_id, match_id, i, end))
        matches.sort()
        return matches

    def _satisfied(self, row: tuple[int, ...]) -> frozenset[tuple[int, int]]:
        candidates = [pk for col, value in enumerate(row) for pk in self.gates[col].get(value, ())] + self.ungated
        return frozenset((p, k) for p, k in candidates
                         if all(_passes(row, test, self.strings) for test in self.patterns[p][2][k]))


def _tests(spec: dict, strings) -> list[tuple] | None:
    """One token specification as (column, operator, value) tests, or None if this module cannot run it."""
    tests = []
    for name, value in spec.items():
        if name not in _ATTRS:
            return None
        col = _COLUMN[name]
        if name == "IS_SPACE":
            if not isinstance(value, bool):
                return None
            tests.append((col, "==", int(value)))
        elif isinstance(value, str):
            tests.append((col, "==", strings.add(value)))
        elif isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("IN", "NOT_IN"):
            op, values = next(iter(value.items()))
            tests.append((col, op, frozenset(strings.add(v) for v in values)))
        elif isinstance(value, dict) and list(value) == ["REGEX"]:
            tests.append((col, "REGEX", re.compile(value["REGEX"])))
        else:
            return None
    return tests


def _passes(row: tuple[int, ...], test: tuple, strings) -> bool:
    col, op, value = test
    if op == "==":
        return row[col] == value
    if op == "IN":
        return row[col] in value
    if op == "NOT_IN":
        return row[col] not in value
    return value.search(strings[row[col]]) is not None


class RememberingLemmatizer(EnglishLemmatizer):
    """spaCy's English rule lemmatizer, with every answer remembered. A lemma is a function of the word, its
    part of speech and its morphology (the key of spaCy's own cache, which skips base forms, the commonest
    case); reading and writing them as arrays also avoids building a Python object per token."""

    def __call__(self, doc: Doc) -> Doc:
        if self.mode != "rule":
            return super().__call__(doc)
        if not self._validated:
            self._validate_tables(Errors.E1004)
        cache = self.cache
        strings = self.vocab.strings
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma == 0 or self.overwrite:
                key = (orth, pos, morph)
                lemma = cache.get(key)
                if lemma is None:
                    if len(cache) >= REMEMBERED:
                        cache.clear()
                    lemma = cache[key] = strings.add(self.rule_lemmatize(doc[i])[0])
            lemmas.append(lemma)
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64"))
        return doc

    def rule_lemmatize(self, token: Token) -> list[str]:
        """Without spaCy's own cache: ``__call__`` keeps the only one, of lemma hashes."""
        self.cache, cache = {}, self.cache
        try:
            return super().rule_lemmatize(token)
        finally:
            self.cache = cache


@English.factory("remembering_lemmatizer", assigns=["token.lemma"],
                 default_config={"model": None, "mode": "rule", "overwrite": False})
def make_remembering_lemmatizer(nlp: Language, model, name: str, mode: str, overwrite: bool) -> RememberingLemmatizer:
    return RememberingLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite)


def speed_up(nlp: Language) -> Language:
    """Swap in the stand-ins above where the pipeline has these components (in place; returns ``nlp``)."""
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        ruler.match = AttributeLookup(ruler)
    if "lemmatizer" in nlp.pipe_names and isinstance(nlp.get_pipe("lemmatizer"), EnglishLemmatizer):
        stock = nlp.get_pipe("lemmatizer")
        if stock.mode == "rule":
            ours = nlp.replace_pipe("lemmatizer", "remembering_lemmatizer",
                                    config={"mode": stock.mode, "overwrite": stock.overwrite})
            ours.lookups = stock.lookups
            # the rule lemmatizer asks whether a form is in the word list of its part of speech: as lists, every
            # question reads thousands of words
            index = ours.lookups.get_table("lemma_index")
            for pos, words in list(index.items()):
                index[pos] = frozenset(words)
    return nlp
