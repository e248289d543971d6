"""Resolve every actor mention in a parsed article to the knowledge base.

:class:`ActorResolver` runs after spaCy's pipeline. It reads the entities and
noun chunks the pipeline found and sets ``Doc._.actor_mentions``: one
:class:`Mention` per span that stands for an actor, each carrying an
:class:`ActorRef` (id, canonical name, raw mention). Resolution paths, tried
in order of how much they can be trusted:

- ``alias``: the span is a name or alias in the knowledge base (accents, case
  and "the" folded; acronyms case-sensitive);
- ``metonym``: "Washington", "the Kremlin", "the Maduro regime" stand for a
  state's government;
- ``coref``: a surname, or "Mr Silva", "Col. Silva", "the colonel", refers to a
  person already named in the article (see :mod:`coreference`);
- ``role``: "the Venezuelan foreign minister" is whoever held that office in
  that country on the article's date;
- ``group``: "Venezuelan soldiers", "the military", "protesters" are a generic
  group with a country (from a demonym, a possessive or the article's focus),
  or the national body the knowledge base names for it;
- ``fuzzy``: a misspelt or transliterated name close to a known one;
- ``unknown``: any other named person or organisation gets a provisional id
  (``unknown:person:jose-perez``) and is kept, never dropped.

What it learns about one article lives in a fresh :class:`ArticleState`, never
on the resolver, which is shared by every article of a run.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from allegiance.actors.coreference import ArticleState, names_follow, rank_named
from allegiance.actors.focus import (
    article_day,
    focus_country,
    recent_country,
    weighted_focus,
)
from allegiance.actors.kb import Actor, KnowledgeBase, fold, fold_title, shared_titles
from allegiance.actors.references import (
    HONORIFICS,
    ActorRef,
    Mention,
    copy_ref,
    group_ref,
    mention_of,
    ref_for,
    slug,
)
from allegiance.reading.outlets import Outlets, default_outlets

#: Nouns that stand for a state's government when a country or its leader qualifies them.
GOVERNMENT_NOUNS = {"administration", "government", "regime", "cabinet", "authorities", "executive"}
#: Nouns that name someone near an office holder, not the holder ("the president's wife").
NOT_THE_HOLDER = {"wife", "husband", "son", "daughter", "office", "spokesman", "spokeswoman", "spokesperson",
                  "aide", "adviser", "advisor", "palace", "residence", "candidate", "election", "term", "seat"}
_ENTITY_KINDS = {"PERSON": "person", "ORG": "organisation", "NORP": "group", "GPE": "state", "FAC": "organisation"}


class ActorResolver:
    def __init__(self, nlp: Language, kb: KnowledgeBase, outlets: Outlets | None = None):
        register_extensions()
        self.kb = kb
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.group_words: dict[str, Actor] = {}
        for actor in kb.actors.values():
            if actor.kind == "group":
                for name in actor.names():
                    self.group_words[fold(name)] = actor
                continue
            forms = [f for f in {*actor.names(), *actor.metonyms} if f]
            short = [f for f in forms if len(re.sub(r"[.\s]", "", f)) <= 4 and re.sub(r"[.\s]", "", f).isupper()]
            long = [f for f in forms if f not in short and len(fold(f)) > 2]
            if long:
                self.matcher.add(actor.id, list(nlp.tokenizer.pipe(long)))
                self.matcher.add(actor.id, list(nlp.tokenizer.pipe(_without_the(long))))
            if short:
                self.acronyms.add(actor.id, list(nlp.tokenizer.pipe(short)))
        # longest first, each with its words and pattern, so a chunk only tries titles its head word is in
        self.titles = [(t, set(t.split()), re.compile(rf"\b{re.escape(t)}\b"))
                       for t in sorted(kb.titles - shared_titles(), key=len, reverse=True)]
        self.lowercase_forms = {
            fold(f) for a in kb.actors.values() for f in [*a.names(), *a.metonyms] if f == f.lower()
        }
        self.outlets = outlets or default_outlets()

    # -- the component ------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        day = article_day(doc)
        state = ArticleState()
        candidates = self._kb_spans(doc)
        # a first guess at the article's country, for groups named before the count is complete
        state.focus = weighted_focus(doc, (
            (s.start, self.kb[i].country, self.kb[i].kind) for s in candidates for i in s.label_.split("|")
            if self.kb[i].country))
        covered = {i for s in candidates for i in range(s.start, s.end)}
        entity_spans = [e for e in doc.ents if e.label_ in _ENTITY_KINDS and not covered.intersection(range(e.start, e.end))]
        # full names first, so a bare surname can refer to a name written later in the article too
        spans = sorted([*candidates, *entity_spans], key=lambda s: (len(s) == 1, s.start))
        for span in spans:
            span = _trim(span)
            if span is None:
                continue
            mention = self._resolve_named(span, state, day)
            if mention:
                state.add(mention, span)
        covered = {i for m in state.mentions for i in range(m.token_start, m.token_end)}
        for tok in doc:  # a surname the tagger did not take for a name ("offered asylum to Snowden")
            if tok.pos_ == "PROPN" and tok.i not in covered and tok.text[:1].isupper() and not (
                    tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "PROPN") and not (
                    tok.i > 0 and doc[tok.i - 1].pos_ == "PROPN"):
                person = state.by_surname(tok.text)
                if person is not None:
                    span = doc[tok.i : tok.i + 1]
                    state.add(mention_of(span, copy_ref(person, tok.text), "coref"), span)
                    covered.add(tok.i)
        state.focus = focus_country(state.mentions, doc)
        for chunk in _chunks(doc):
            # a chunk whose head word is already an actor is done; one only modified by an actor
            # ("Venezuela's military attache") may still name an office holder or a group
            if chunk.root.i in covered:
                continue
            mention = self._resolve_chunk(chunk, state, day)
            if mention:
                state.add(mention, chunk)
        doc._.actor_mentions = sorted(state.mentions, key=lambda m: m.start)
        return doc

    # -- named spans ----------------------------------------------------------------

    def _kb_spans(self, doc: Doc) -> list[Span]:
        found: dict[tuple[int, int], list[str]] = {}
        for matcher in (self.matcher, self.acronyms):
            for span in matcher(doc, as_spans=True):
                if not self._case_fits(span):
                    continue
                found.setdefault((span.start, span.end), []).append(span.label_)
        spans = [Span(doc, s, e, label="|".join(sorted(set(ids)))) for (s, e), ids in found.items()]
        return filter_spans(spans)

    def _case_fits(self, span: Span) -> bool:
        """"Democratic Party" is a name, "a democratic party" is not: a match needs the capitals of a name,
        unless the knowledge base writes that form in lower case ("colectivos")."""
        if any(t.text[:1].isupper() for t in span if t.lower_ != "the"):
            return True
        return fold(span.text) in self.lowercase_forms

    def _resolve_named(self, span: Span, state: ArticleState, day) -> Mention | None:
        text = span.text
        if span.label_ and span.label_ not in _ENTITY_KINDS:  # a knowledge-base match
            ids = span.label_.split("|")
            actor = self._choose([self.kb[i] for i in ids], state, day)
            method = "metonym" if any(fold(text) == fold(m) for m in actor.metonyms) else "alias"
            return mention_of(span, ref_for(actor, text), method)
        label = span.label_
        name = _strip_honorifics(span)
        if not name:
            return None
        if label == "NORP":
            return None  # "Venezuelan" alone qualifies a group or person; handled with chunks
        hits = self.kb.lookup(name) or ([self.kb.metonym(name)] if self.kb.metonym(name) else [])
        if hits:
            actor = self._choose(hits, state, day)
            if actor.kind == "group":
                country = self._nearby_country(span) or recent_country(span, state) or state.focus
                return mention_of(span, group_ref(self.kb, actor, country, text), "group")
            return mention_of(span, ref_for(actor, text), "alias")
        if label == "PERSON":
            person = state.by_surname(name)
            if person:
                return mention_of(span, copy_ref(person, text), "coref")
            actor = self.kb.fuzzy(name, cutoff=88)
            if actor and actor.kind == "person":
                return mention_of(span, ref_for(actor, text), "fuzzy")
            country = self._nearby_country(span)
            ref = ActorRef(f"unknown:person:{slug(name)}", name, text, "person", country, [], provisional=True)
            return mention_of(span, ref, "unknown")
        if label in ("ORG", "FAC"):
            outlet = self.outlets.find(name)
            if outlet:
                ref = ActorRef(f"outlet:{slug(outlet.name)}", outlet.name, text, "organisation", None, ["JRN"])
                return mention_of(span, ref, "outlet")
            person = state.by_surname(name) if len(span) == 1 else None
            if person:  # the tagger often calls a bare surname an organisation
                return mention_of(span, copy_ref(person, text), "coref")
            actor = self.kb.fuzzy(name, cutoff=92)
            if actor and actor.kind != "person":
                return mention_of(span, ref_for(actor, text), "fuzzy")
            if label == "FAC" or len(name) < 3 or len(span) > 4 or any(t.tag_ in ("VBZ", "VBD", "VBP") for t in span):
                return None  # a headline in title case is not an organisation's name
            ref = ActorRef(f"unknown:organisation:{slug(name)}", name, text, "organisation", self._nearby_country(span), [], provisional=True)
            return mention_of(span, ref, "unknown")
        return None  # a place that is not a state: a location, not an actor

    def _choose(self, actors: list[Actor], state: ArticleState, day) -> Actor:
        """Among actors sharing a name: the one already in the article, else one in office, else the first."""
        if len(actors) == 1:
            return actors[0]
        for a in actors:
            if a.id in state.ids:
                return a
        in_office = [a for a in actors if any(r.holds_on(day) for r in a.roles)] if day else []
        if len(in_office) == 1:
            return in_office[0]
        if state.focus:
            local = [a for a in actors if a.country == state.focus]
            if local:
                return local[0]
        return actors[0]

    def _nearby_country(self, span: Span) -> str | None:
        """A demonym or country just before a name ("Venezuelan lawmaker Juan Requesens")."""
        for tok in span.doc[max(span.sent.start, span.start - 4) : span.start]:
            country = self.kb.demonym(tok.text) if tok.pos_ in ("ADJ", "PROPN") else None
            if country:
                return country
        return None

    # -- noun chunks: roles, ranks, groups --------------------------------------------

    def _resolve_chunk(self, chunk: Span, state: ArticleState, day) -> Mention | None:
        root = chunk.root
        rank = rank_named(chunk)
        if rank:  # "the colonel"
            return mention_of(chunk, copy_ref(state.ranks[rank], chunk.text), "coref") if rank in state.ranks else None
        person = state.apposed_to(chunk)
        if person is not None:  # "Silva, a key military official"
            return mention_of(chunk, copy_ref(person.ref, chunk.text), "coref")
        phrase = _with_of_phrase(chunk)  # "the Minister of Foreign Affairs of Venezuela"
        words = fold(chunk.text)
        country = self._chunk_country(phrase) or state.country_in(phrase)
        if root.lemma_.lower() in GOVERNMENT_NOUNS and country:  # "Donald Trump's administration"
            return mention_of(chunk, ref_for(self.kb.state(country), chunk.text), "metonym") if self.kb.state(country) else None
        folded_title = fold_title(phrase.text)
        heads = {root.lower_, *fold_title(root.text).split()}
        title = next((t for t, words, pattern in self.titles if heads & words and pattern.search(folded_title)), None)
        named_next = names_follow(chunk, state)
        if title and root.lemma_.lower() not in NOT_THE_HOLDER and not named_next:
            holders = self.kb.holders(title, country or state.focus, day)
            if len(holders) == 1 and not _plural(root):
                return mention_of(phrase, ref_for(holders[0], phrase.text), "role")
            if not _plural(root):
                return None  # an office whose holder is unknown or in doubt names nobody for sure
        group = self.group_words.get(fold(root.lemma_)) or self.group_words.get(fold(root.text))
        if group is None:
            tail = " ".join(words.split()[-2:])
            group = self.group_words.get(tail)
        if group is None:
            return None
        if group.id == "government" and (chunk[0].lower_ in ("a", "an") or root.tag_ == "NNS") and country is None:
            return None  # "propping up a failed regime", "governments from Havana to Buenos Aires": not the article's own
        country = country or recent_country(chunk, state) or state.focus
        return mention_of(chunk, group_ref(self.kb, group, country, chunk.text), "group")

    def _chunk_country(self, chunk: Span) -> str | None:
        for tok in chunk:
            if tok.i == chunk.root.i:
                continue
            if tok.pos_ in ("ADJ", "PROPN", "NOUN") or tok.dep_ in ("poss", "compound", "amod"):
                country = self.kb.demonym(tok.text)
                if country:
                    return country
        # "the military of Venezuela"
        for child in chunk.root.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    country = self.kb.demonym(obj.text)
                    if country:
                        return country
        return None


def register_extensions() -> None:
    """The Doc attributes the extraction stages set: actor mentions, quotations, article context."""
    for name in ("actor_mentions", "quotes"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name in ("doc_id", "published", "outlet"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def _strip_honorifics(span: Span) -> str:
    toks = [t for t in span if not t.is_punct or t.text in ("-", "'")]
    while toks and toks[0].lower_.rstrip(".") in HONORIFICS | {"the"}:
        toks = toks[1:]
    while toks and toks[-1].lower_ in ("'s", "’s"):
        toks = toks[:-1]
    return " ".join(t.text for t in toks).strip()


def _trim(span: Span) -> Span | None:
    """Drop a possessive ending and words the tagger swept in ("Echoing Altimari's" -> "Altimari")."""
    start, end = span.start, span.end
    doc = span.doc
    while end > start and doc[end - 1].tag_ == "POS" and doc[end - 1].lower_ in ("'s", "’s", "'", "’"):
        end -= 1
    while start < end and (doc[start].pos_ in ("VERB", "ADV", "PUNCT", "CCONJ") or doc[start].is_punct):
        start += 1
    if start >= end:
        return None
    return Span(doc, start, end, label=span.label_)


def _without_the(forms: list[str]) -> list[str]:
    return [f[4:] for f in forms if f.lower().startswith("the ") and len(f) > 8]


def _chunks(doc: Doc) -> list[Span]:
    try:
        return list(doc.noun_chunks)
    except ValueError:  # no parser in this pipeline
        return []


def _with_of_phrase(chunk: Span) -> Span:
    """The chunk plus its "of ..." complements, up to a comma or eight tokens."""
    end = chunk.end
    doc = chunk.doc
    while end < len(doc) and doc[end].lower_ == "of" and doc[end].head.i in range(chunk.start, end):
        obj_end = max((t.i for t in doc[end].subtree), default=end) + 1
        if obj_end - chunk.start > 12:
            break
        end = obj_end
    return doc[chunk.start : end]


def _plural(token: Token) -> bool:
    return token.tag_ in ("NNS", "NNPS")
