"""Resolve every actor mention in a parsed article to the knowledge base.

This is a spaCy pipeline component (``allegiance_actors``). It reads the
entities and noun chunks the pipeline found and sets ``Doc._.actor_mentions``:
one :class:`Mention` per span that stands for an actor, each carrying an
:class:`ActorRef` (id, canonical name, raw mention). Resolution paths, tried
in order of how much they can be trusted:

- ``alias``: the span is a name or alias in the knowledge base (accents, case
  and "the" folded; acronyms case-sensitive);
- ``metonym``: "Washington", "the Kremlin", "the Maduro regime" stand for a
  state's government;
- ``coref``: a surname, or "Mr Silva", "Col. Silva", "the colonel", refers to a
  person already named in the article;
- ``role``: "the Venezuelan foreign minister" is whoever held that office in
  that country on the article's date;
- ``group``: "Venezuelan soldiers", "the military", "protesters" are a generic
  group with a country (from a demonym, a possessive or the article's focus),
  or the national body the knowledge base names for it;
- ``fuzzy``: a misspelt or transliterated name close to a known one;
- ``unknown``: any other named person or organisation gets a provisional id
  (``unknown:person:jose-perez``) and is kept, never dropped.

Pronoun antecedents are not resolved here but on demand
(:func:`antecedent`), because only the events and quotes stages know which
pronouns matter.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from allegiance.actors.kb import Actor, KnowledgeBase, fold, fold_title, shared_titles
from allegiance.parsing.temporal import reference_date
from allegiance.reading.outlets import Outlets, default_outlets

#: Titles written before a name; they are not part of the name, but they tell what the person is.
HONORIFICS = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord",
    "president", "vice", "prime", "minister", "sen", "senator", "rep", "representative", "gov", "governor",
    "gen", "general", "col", "colonel", "lt", "lieutenant", "maj", "major", "capt", "captain", "adm", "admiral",
    "sgt", "sergeant", "cmdr", "commander", "brig", "marshal", "field", "king", "queen", "prince", "pope",
    "secretary", "ambassador", "judge", "justice", "mayor", "chancellor", "congressman", "congresswoman",
    "deputy", "lawmaker", "opposition", "leader", "interim", "self-proclaimed", "acting", "former", "late",
    "u.s.", "us", "state", "foreign", "defence", "defense", "chief",
}
#: Nouns that stand for a state's government when a country or its leader qualifies them.
GOVERNMENT_NOUNS = {"administration", "government", "regime", "cabinet", "authorities", "executive"}
#: Nouns that name someone near an office holder, not the holder ("the president's wife").
NOT_THE_HOLDER = {"wife", "husband", "son", "daughter", "office", "spokesman", "spokeswoman", "spokesperson",
                  "aide", "adviser", "advisor", "palace", "residence", "candidate", "election", "term", "seat"}
#: Ranks that a later "the colonel" can refer back to.
RANKS = {"col": "colonel", "colonel": "colonel", "gen": "general", "general": "general", "lt": "lieutenant",
         "lieutenant": "lieutenant", "maj": "major", "major": "major", "capt": "captain", "captain": "captain",
         "adm": "admiral", "admiral": "admiral", "sgt": "sergeant", "sergeant": "sergeant"}
PRONOUNS = {"he", "him", "his", "she", "her", "hers", "they", "them", "their", "it", "its"}
_ENTITY_KINDS = {"PERSON": "person", "ORG": "organisation", "NORP": "group", "GPE": "state", "FAC": "organisation"}


@dataclass
class ActorRef:
    """An actor as every export names it: id and canonical name, plus the raw words of the text."""

    id: str
    name: str
    mention: str
    kind: str
    country: str | None = None
    sectors: list[str] = field(default_factory=list)
    provisional: bool = False


@dataclass
class Mention:
    start: int  # character offsets into the article text
    end: int
    text: str
    ref: ActorRef
    method: str
    token_start: int = 0
    token_end: int = 0


def register_extensions() -> None:
    """The Doc attributes the extraction stages set: actor mentions, quotations, article context."""
    for name in ("actor_mentions", "quotes"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name in ("doc_id", "published", "outlet"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "unnamed"


def group_ref(kb: KnowledgeBase, group: Actor, country: str | None, text: str) -> ActorRef:
    """A generic group in a country: the national body the knowledge base names for it, if any. A group
    that is international by nature ("the international community") belongs to no country."""
    if "IGO" in group.sectors:
        country = None
    national = kb.national.get((group.id, country)) if country else None
    if national:
        return ref_for(kb[national], text)
    name = group.name
    state_actor = kb.state(country) if country else None
    if state_actor is not None and state_actor.demonyms:
        name = f"{state_actor.demonyms[0]} {group.name}"
    gid = f"{country}:{group.id}" if country else group.id
    return ActorRef(gid, name, text, "group", country, list(group.sectors))


def ref_for(actor: Actor, mention: str, country: str | None = None) -> ActorRef:
    return ActorRef(actor.id, actor.name, mention, actor.kind, country or actor.country, list(actor.sectors))


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
        day = reference_date(doc._.published, (e.text for e in doc.ents if e.label_ == "DATE"))
        state = _DocState()
        candidates = self._kb_spans(doc)
        # a first guess at the article's country, for groups named before the count is complete
        state.focus = _weighted_focus(doc, (
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
                    state.add(_mention(span, _copy(person, tok.text), "coref"), span)
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

    def _resolve_named(self, span: Span, state: _DocState, day) -> Mention | None:
        text = span.text
        if span.label_ and span.label_ not in _ENTITY_KINDS:  # a knowledge-base match
            ids = span.label_.split("|")
            actor = self._choose([self.kb[i] for i in ids], state, day)
            method = "metonym" if any(fold(text) == fold(m) for m in actor.metonyms) else "alias"
            return _mention(span, ref_for(actor, text), method)
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
                country = self._nearby_country(span) or _recent_country(span, state) or state.focus
                return _mention(span, group_ref(self.kb, actor, country, text), "group")
            return _mention(span, ref_for(actor, text), "alias")
        if label == "PERSON":
            person = state.by_surname(name)
            if person:
                return _mention(span, _copy(person, text), "coref")
            actor = self.kb.fuzzy(name, cutoff=88)
            if actor and actor.kind == "person":
                return _mention(span, ref_for(actor, text), "fuzzy")
            country = self._nearby_country(span)
            ref = ActorRef(f"unknown:person:{slug(name)}", name, text, "person", country, [], provisional=True)
            return _mention(span, ref, "unknown")
        if label in ("ORG", "FAC"):
            outlet = self.outlets.find(name)
            if outlet:
                ref = ActorRef(f"outlet:{slug(outlet.name)}", outlet.name, text, "organisation", None, ["JRN"])
                return _mention(span, ref, "outlet")
            person = state.by_surname(name) if len(span) == 1 else None
            if person:  # the tagger often calls a bare surname an organisation
                return _mention(span, _copy(person, text), "coref")
            actor = self.kb.fuzzy(name, cutoff=92)
            if actor and actor.kind != "person":
                return _mention(span, ref_for(actor, text), "fuzzy")
            if label == "FAC" or len(name) < 3 or len(span) > 4 or any(t.tag_ in ("VBZ", "VBD", "VBP") for t in span):
                return None  # a headline in title case is not an organisation's name
            ref = ActorRef(f"unknown:organisation:{slug(name)}", name, text, "organisation", self._nearby_country(span), [], provisional=True)
            return _mention(span, ref, "unknown")
        return None  # a place that is not a state: a location, not an actor

    def _choose(self, actors: list[Actor], state: _DocState, day) -> Actor:
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

    def _resolve_chunk(self, chunk: Span, state: _DocState, day) -> Mention | None:
        root = chunk.root
        rank = RANKS.get(root.lower_)
        if rank and chunk[0].lower_ == "the" and len(chunk) == 2:  # "the colonel"
            return _mention(chunk, _copy(state.ranks[rank], chunk.text), "coref") if rank in state.ranks else None
        person = state.person_tokens.get(root.head.i) if root.dep_ == "appos" else None
        if person is not None and chunk[0].lower_ in ("a", "an", "the"):  # "Silva, a key military official"
            return _mention(chunk, _copy(person.ref, chunk.text), "coref")
        phrase = _with_of_phrase(chunk)  # "the Minister of Foreign Affairs of Venezuela"
        words = fold(chunk.text)
        country = self._chunk_country(phrase) or state.country_in(phrase)
        if root.lemma_.lower() in GOVERNMENT_NOUNS and country:  # "Donald Trump's administration"
            return _mention(chunk, ref_for(self.kb.state(country), chunk.text), "metonym") if self.kb.state(country) else None
        folded_title = fold_title(phrase.text)
        heads = {root.lower_, *fold_title(root.text).split()}
        title = next((t for t, words, pattern in self.titles if heads & words and pattern.search(folded_title)), None)
        named_next = _names_follow(chunk, state)
        if title and root.lemma_.lower() not in NOT_THE_HOLDER and not named_next:
            holders = self.kb.holders(title, country or state.focus, day)
            if len(holders) == 1 and not _plural(root):
                return _mention(phrase, ref_for(holders[0], phrase.text), "role")
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
        country = country or _recent_country(chunk, state) or state.focus
        return _mention(chunk, group_ref(self.kb, group, country, chunk.text), "group")

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


class _DocState:
    """What the resolver has learnt about one article so far (for coreference)."""

    def __init__(self) -> None:
        self.mentions: list[Mention] = []
        self.ids: set[str] = set()
        self.surnames: dict[str, ActorRef] = {}
        self.ranks: dict[str, ActorRef] = {}
        self.focus: str | None = None
        self.person_starts: set[int] = set()
        self.person_tokens: dict[int, Mention] = {}  # token index -> the person mention it is part of

    def add(self, mention: Mention, span: Span) -> None:
        self.mentions.append(mention)
        ref = mention.ref
        self.ids.add(ref.id)
        if ref.kind == "person":
            self.person_starts.add(mention.token_start)
            for i in range(mention.token_start, mention.token_end):
                self.person_tokens.setdefault(i, mention)
            for part in fold(ref.name).split()[1:] + fold(mention.text).split()[-1:]:
                if len(part) > 2:
                    self.surnames[part] = ref
            for tok in span.doc[max(0, span.start - 3) : span.start]:
                rank = RANKS.get(tok.lower_.rstrip("."))
                if rank:
                    self.ranks[rank] = ref

    def country_in(self, span: Span) -> str | None:
        """The country of a person or a state named inside a span ("Donald Trump's administration",
        "a White House official")."""
        for i in range(span.start, span.end):
            m = self.person_tokens.get(i)
            if m is not None and m.token_start == i and m.token_end <= span.end and m.ref.country:
                return m.ref.country
        for m in self.mentions:
            if m.ref.kind == "state" and span.start <= m.token_start and m.token_end <= span.end and \
                    span.root.i >= m.token_end and m.ref.country:
                return m.ref.country
        return None

    def by_surname(self, name: str) -> ActorRef | None:
        parts = fold(name).split()
        return self.surnames.get(parts[-1]) if parts and len(parts) <= 2 else None


def _copy(ref: ActorRef, mention: str) -> ActorRef:
    return ActorRef(ref.id, ref.name, mention, ref.kind, ref.country, list(ref.sectors), ref.provisional)


def _mention(span: Span, ref: ActorRef, method: str) -> Mention:
    return Mention(span.start_char, span.end_char, span.text, ref, method, span.start, span.end)


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


def _names_follow(chunk: Span, state: _DocState) -> bool:
    """A title right before a name ("Venezuelan opposition leader Juan Guaidó") is that person's, whoever
    else held the title."""
    doc = chunk.doc
    nxt = chunk.end
    while nxt < len(doc) and doc[nxt].is_punct and doc[nxt].text not in (",", "."):
        nxt += 1
    return nxt in state.person_starts or chunk.root.head.i in state.person_tokens


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


def mentions_by_token(doc: Doc) -> dict[int, Mention]:
    """Each token's actor mention (the first one that covers it), for the stages that read arguments."""
    at: dict[int, Mention] = {}
    for m in doc._.actor_mentions or []:
        for i in range(m.token_start, m.token_end):
            at.setdefault(i, m)
    return at


def focus_country(mentions: list[Mention], doc: Doc) -> str | None:
    """The article's main country: the one its actors most often belong to, with the country its
    headline and lead name, and the places things happen in ("in Venezuela"), counting more: an
    American outlet's story about Venezuela names more Americans than Venezuelans."""
    return _weighted_focus(doc, ((m.token_start, m.ref.country, m.ref.kind) for m in mentions
                                 if m.ref.country and not m.ref.provisional))


def sentences_back(doc: Doc, token: int, back: int) -> int:
    """The first token of the sentence `back` sentences before the one holding `token` (or of the text)."""
    start = doc[token].sent.start
    for _ in range(back):
        if start == 0:
            break
        start = doc[start - 1].sent.start
    return start


def _recent_country(span: Span, state: _DocState) -> str | None:
    """The country last named as a place ("in Venezuela") or an owner ("Venezuela's president") in this
    sentence or the one before: where a generic group ("the opposition", "protesters") belongs when the
    text names no nationality for it. A country named as an actor ("the US urged the opposition")
    is not where the group is."""
    doc = span.doc
    start = sentences_back(doc, span.start, 1)

    def placed(m: Mention) -> bool:
        root = doc[m.token_start:m.token_end].root
        return root.dep_ == "poss" or (root.dep_ == "pobj" and root.head.lower_ in ("in", "inside", "across", "throughout"))

    named = [m for m in state.mentions if m.ref.kind == "state" and start <= m.token_start < span.start and placed(m)]
    return max(named, key=lambda m: m.token_start).ref.country if named else None


def _weighted_focus(doc: Doc, found) -> str | None:
    """The most weighted country of (token, country, kind) triples: see `focus_country`."""
    lead_end = next((s.end for i, s in enumerate(doc.sents) if i == 1), len(doc))
    counts: Counter = Counter()
    for start, country, kind in found:
        in_place = kind == "state" and start > 0 and doc[start - 1].lower_ in ("in", "inside")
        counts[country] += 1 + 2 * (start < lead_end) + in_place
    top = counts.most_common(1)
    return top[0][0] if top else None


def _most_common(values) -> str | None:
    top = Counter(values).most_common(1)
    return top[0][0] if top else None


def antecedent(doc: Doc, token: Token, window: int = 2) -> Mention | None:
    """The person a pronoun refers to, when the text makes it clear.

    Clear means: exactly one distinct person (for he/she) or one distinct
    organisation, state or group (for it/they) is mentioned between the start
    of the sentence ``window`` sentences back and the pronoun. With two or more
    candidates, None: a wrong speaker is worse than no speaker.
    """
    if token.lower_ not in PRONOUNS:
        return None
    sents = list(doc.sents)
    idx = next(i for i, s in enumerate(sents) if s.start <= token.i < s.end)
    start = sents[max(0, idx - window)].start_char
    plural = token.lower_ in ("they", "them", "their", "it", "its")  # stand for organisations and states
    if token.lower_ in ("they", "them", "their"):
        # a plural noun under the same verb, or a verb coordinated with it, is what "they" takes up
        # ("held talks with members of the military and urged them to ...")
        verb = token.head
        verbs = {verb.i, verb.head.i} if verb.dep_ == "conj" else {verb.i}
        sent = sents[idx]
        group = [m for m in doc._.actor_mentions or [] if sent.start_char <= m.start and m.end <= token.idx
                 and plural_phrase(doc[m.token_start:m.token_end].root)
                 and any(a.i in verbs for a in doc[m.token_start:m.token_end].root.ancestors)]
        if group:
            return max(group, key=lambda m: m.start)
    singular = token.lower_ in ("it", "its")  # "it" is no plural group ("officials")
    found: dict[str, Mention] = {}
    for m in doc._.actor_mentions or []:
        if start <= m.start and m.end <= token.idx:
            if plural and m.ref.kind != "person":
                if singular and plural_phrase(doc[m.token_start:m.token_end].root):
                    continue
                found[m.ref.id] = m
            elif not plural and m.ref.kind == "person":
                found[m.ref.id] = m
    if len(found) == 1:
        return next(iter(found.values()))
    if token.lower_ in ("he", "she", "his", "him") and token.dep_ in ("nsubj", "nsubjpass", "poss", "dobj", "pobj"):
        # a subject, possessive or object pronoun continues the subject of the sentence's earlier clause
        # ("Guaidó, a protege of López, declared himself president, and he has been recognised by ..."),
        # an object never the one who acts on it ("Maduro told him", "he holds him responsible")
        sent = sents[idx]
        actor = _own_actor(doc, token) if token.lower_ == "him" else None
        subjects = [m for m in doc._.actor_mentions or [] if m.ref.kind == "person" and sent.start_char <= m.start
                    and m.end <= token.idx and doc[m.token_start:m.token_end].root.dep_ in ("nsubj", "nsubjpass")
                    and doc[m.token_start:m.token_end].root.head.i != token.head.i
                    and (actor is None or m.ref.id != actor)]
        if subjects:
            return max(subjects, key=lambda m: m.start)
        if actor is not None:  # "he no longer recognized Maduro and holds him responsible": the other one
            others = [m for m in doc._.actor_mentions or [] if m.ref.kind == "person" and sent.start_char <= m.start
                      and m.end <= token.idx and m.ref.id != actor]
            if len({m.ref.id for m in others}) == 1:
                return others[-1]
    return None


def _own_actor(doc: Doc, token: Token) -> str | None:
    """Who acts on an object pronoun: the subject of its verb, or of the verb that holds its small clause
    ("he holds him responsible"), resolved when it is a pronoun itself."""
    verb = token.head
    subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.i != token.i), None)
    if subj is None and verb.dep_ in ("ccomp", "xcomp", "oprd"):
        subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return None
    if subj.lower_ in PRONOUNS:
        m = antecedent(doc, subj)
        return m.ref.id if m else None
    return next((m.ref.id for m in doc._.actor_mentions or [] if m.token_start <= subj.i < m.token_end), None)


def plural_phrase(root: Token) -> bool:
    """A plural noun phrase, or one a plural noun is "of" ("members of the military")."""
    if root.tag_ in ("NNS", "NNPS"):
        return True
    return root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.tag_ in ("NNS", "NNPS")


@Language.factory("allegiance_actors", default_config={"kb_files": []})
def make_actor_resolver(nlp: Language, name: str, kb_files: list[str]) -> ActorResolver:
    from allegiance.actors.kb import load_kb

    return ActorResolver(nlp, load_kb(tuple(kb_files)))
