"""Labels: the descriptive words an author applies to an actor.

"Chilean strongman Ana Ruiz", "Ana Ruiz, the young opposition leader", "Ruiz is a tyrant", the
so-called “governor”, "the Ruiz regime": each gives a label for the actor it describes. Read from
the parse around each resolved actor mention:

- ``title``: the words before a name that belong to its phrase ("Foreign Minister Ana Ruiz");
- ``appositive``: a noun phrase set beside the name ("Ana Ruiz, a party representative");
- ``predicate``: "X is/was/became a ..." ;
- ``reference``: a description that stands for the actor itself ("the Ruiz regime" for Chile,
  "the Chilean foreign minister" for whoever held that office).

Words inside quotation marks are the speaker's, not the author's: such labels are kept with the
speaker as their ``voice`` and left out of the author's framing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from allegiance.actors.kb import KnowledgeBase, fold
from allegiance.actors.references import HONORIFICS, ActorRef, Mention
from allegiance.extraction.context import ArticleContext
from allegiance.extraction.wordlists import WordLists
from allegiance.parsing.syntax import conjuncts

#: Honorifics that say nothing about the person.
_EMPTY = {"mr", "mrs", "ms", "miss", "dr", "mr.", "mrs.", "ms.", "dr.", "the", "a", "an", "his", "her", "its", "their"}
_COPULAS = {"be", "become", "remain", "seem"}
#: Words for a government that say how the author sees it; "administration" is the neutral one and
#: makes no label on its own.
_GOVERNMENT_WORDS = {"regime", "government", "dictatorship", "junta", "cabinet", "authorities"}
#: Resolution paths that mean a mention is a name, not a description.
_NAMING = {"alias", "fuzzy", "unknown", "outlet"}
MAX_WORDS = 12
_FURNITURE = re.compile(r"\d:\d\d|\||\b(?:caption|getty|reuters|afp)\b", re.IGNORECASE)
#: ", R-Calif.", " (D-N.Y.)": a lawmaker's party and state after the name.
_PARTY_STATE = re.compile(r",?\s*\(?((?:R|D|I)-[A-Z][A-Za-z]*\.?(?:\s?[A-Z][a-z]*\.?)?)")


@dataclass
class Label:
    doc_id: str
    label_id: str
    actor: ActorRef
    label: str
    start: int
    end: int
    construction: str  # title | appositive | predicate | reference
    outlet: str | None = None
    #: None when the author says it (or an unnamed interviewer asks it); the speaker's actor id when it
    #: is inside a quotation
    voice: str | None = None


class LabelExtractor:
    def __init__(self, kb: KnowledgeBase, words: WordLists):
        self.kb = kb
        self.words = words

    def __call__(self, ctx: ArticleContext) -> list[Label]:
        doc, mentions, at = ctx.doc, ctx.mentions, ctx.by_token
        found: dict[tuple, Label] = {}
        for chunk, m in self._described_people(ctx):
            label = self._make(ctx, m, "reference", list(chunk))
            if label is not None:
                found.setdefault((label.actor.id, fold(label.label), label.voice), label)
        for m in mentions:
            if m.ref.kind == "group" and m.method != "group":
                continue
            party = _PARTY_STATE.match(ctx.text, m.end) if m.ref.kind == "person" else None
            if party:  # "Rep. Ana Ruiz, R-Texas": party and state, as American papers give them
                words = doc.char_span(party.start(1), party.end(1), alignment_mode="expand")
                label = self._make(ctx, m, "appositive", list(words or []))
                if label is not None:
                    found.setdefault((label.actor.id, fold(label.label), label.voice), label)
            span = doc[m.token_start:m.token_end]
            for construction, words in self._labels_of(doc, m, span, at):
                label = self._make(ctx, m, construction, words)
                if label is not None:
                    found.setdefault((label.actor.id, fold(label.label), label.voice), label)
        return sorted(found.values(), key=lambda lab: lab.start)

    def _described_people(self, ctx: ArticleContext) -> list[tuple[Span, Mention]]:
        """Definite descriptions of a person named just before: "Obama shrugged off Hugo Chávez, but a clash
        with the late Venezuelan leader's successor ...". The description's head must be a word for a
        person's standing (data/lexicons/person_nouns.yaml) and a demonym in it must match the person's
        country; the person must be named within the two sentences before."""
        doc, at = ctx.doc, ctx.by_token
        out = []
        people = [m for m in ctx.mentions if m.ref.kind == "person"]
        try:
            chunks = list(doc.noun_chunks)
        except ValueError:
            return out
        candidates = []
        for chunk in chunks:
            poss = next((c for c in chunk.root.children if c.dep_ == "poss"), None)
            if poss is None:
                candidates.append(chunk)
            else:  # "the late Venezuelan leader’s successor": the possessor is the description
                words = [t for t in poss.subtree if t.tag_ != "POS"]
                candidates.append(doc[words[0].i:words[-1].i + 1])
        for chunk in candidates:
            root = chunk.root
            if root.i in at or chunk[0].lower_ != "the":
                continue
            lemma = root.lemma_.lower()
            kind = next((k for k, nouns in self.words.body_nouns.items() if lemma in nouns or root.lower_ in nouns), None)
            if lemma in self.words.person_nouns:
                pool = people
            elif kind is not None and _qualified(chunk) and (kind == "group" or root.tag_ != "NNS"):
                pool = [m for m in ctx.mentions if m.ref.kind == kind and m.method != "group" or
                        kind == "group" and m.ref.kind == "group"]
            else:
                continue
            sents = ctx.sentences
            idx = next(i for i, s in enumerate(sents) if s.start <= root.i < s.end)
            window_start = sents[max(0, idx - 2)].start
            before = [m for m in pool if window_start <= m.token_start and m.token_end <= chunk.start]
            demonym = next((t for t in chunk if t.ent_type_ in ("NORP", "GPE") and t.i != root.i), None)
            if demonym is not None and pool is people:
                before = [m for m in before if m.ref.country and self.kb.demonym(demonym.text) == m.ref.country]
            if pool is not people:
                # not an actor its own words name, and rather the one the text is about (a subject)
                words = {fold(t.text) for t in chunk}
                before = [m for m in before if not set(fold(m.text).split()) <= words]
                subjects = [m for m in before if doc[m.token_start:m.token_end].root.dep_ in ("nsubj", "nsubjpass")]
                # the country the article is about, when it is among them ("the impoverished country")
                focus = [m for m in before if m.ref.id == ctx.focus]
                before = focus or subjects or before
            if before:
                out.append((chunk, before[-1]))
        return out

    def _labels_of(self, doc: Doc, m: Mention, span: Span, at) -> list[tuple[str, list[Token]]]:
        out: list[tuple[str, list[Token]]] = []
        head = span.root
        if _telling_reference(span, m, self.words.loaded):
            out.append(("reference", [t for t in span]))
        # title words before the name, in the name's own phrase
        left = []
        i = m.token_start - 1
        while i >= 0 and doc[i].sent.start == span.sent.start:
            tok = doc[i]
            if tok.is_punct and tok.text not in ("“", "”", '"', "’", "‘", "-", "."):
                break
            if not _in_phrase(tok, span):
                break
            if tok.i in at and at[tok.i] is not m and at[tok.i].ref.kind == "person":
                break
            left.insert(0, tok)
            i -= 1
        if not left:
            left = _words_before(doc, span, at, m)  # the parse lost the phrase: read the words themselves
        if left and m.ref.kind != "state" and not any(t.pos_ == "VERB" and not _participle(t) for t in left) and any(
                _common_noun(t) or t.lower_.rstrip(".") in HONORIFICS or _participle(t) or _office(t, span, at)
                or t.pos_ == "ADJ" and t.ent_type_ not in ("NORP", "GPE") for t in left):
            out.append(("title", left))  # not a bare place or first name left of the match
            k = len(left)
            while k > 0 and (_honorific(left[k - 1]) or left[k - 1].text == "."):
                k -= 1
            if 0 < k < len(left) and any(_common_noun(t) for t in left[:k]):
                # "U.S. military spokesman Col. Ana Ruiz": the description and the rank are two labels
                out += [("title", left[:k]), ("title", left[k:])]
        if head.dep_ == "appos" and head.head.i < span.start and head.head.pos_ == "NOUN" and not (
                head.head.i in at and at[head.head.i].method in _NAMING):
            # the name set beside its description: "the so-called “governor” Ana Ruiz"
            desc = head.head
            skip = {t.i for c in desc.children if c.dep_ in ("relcl", "acl", "appos") or c.dep_ == "prep" and c.lower_ != "of"
                    for t in c.subtree}
            out.append(("title", [t for t in desc.subtree if t.i < span.start and t.i not in skip]))
        for child in head.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN" and child.i not in range(m.token_start, m.token_end):
                if child.i in at and at[child.i].method in _NAMING:
                    continue  # "Chile, Peru, ..." is a list, not a description
                whole = _phrase(child)
                if len(whole) <= MAX_WORDS:
                    out.append(("appositive", whole))
                else:  # "a member of the council and an ally of the mayor": one label per description
                    out.append(("appositive", _phrase(child, whole=False)))
                    out += [("appositive", _phrase(c, whole=False)) for c in conjuncts(child, nested=False)]
        if head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_ in _COPULAS:
            for child in head.head.children:
                if child.dep_ == "attr" and child.pos_ == "NOUN":
                    out.append(("predicate", _phrase(child)))
        return out

    def _standing(self, tok: Token) -> bool:
        """A word that can stand alone as a title: a rank or office ("President", "Gen."), a word for a
        person's standing ("dictator"), or a capitalised description ("Republican")."""
        return _honorific(tok) or tok.lemma_.lower() in self.words.person_nouns or tok.is_title

    def _make(self, ctx: ArticleContext, m: Mention, construction: str, words: list[Token]) -> Label | None:
        words = [t for t in words if not (t.is_space)]
        while words and (words[0].lower_ in _EMPTY or words[0].is_punct and words[0].text not in "“\"‘"):
            words = words[1:]
        while words and (words[-1].is_punct and words[-1].text not in "”\"’" or words[-1].lower_ in ("'s", "’s")):
            words = words[:-1]
        if not words or len(words) > MAX_WORDS:
            return None
        if not any(t.pos_ in ("NOUN", "ADJ", "PROPN") and t.lower_ not in _EMPTY for t in words):
            return None
        if construction == "title" and len(words) == 1 and not self._standing(words[0]):
            return None  # one loose noun left of a name ("a promise Obama made") is rarely a title
        start, end = words[0].idx, words[-1].idx + len(words[-1].text)
        text = ctx.text[start:end]
        if _FURNITURE.search(text):
            return None  # a time stamp or a photo credit the cleaner left beside a name
        if fold(text) == fold(m.ref.name) or construction != "reference" and (
                fold(text) == fold(m.text) or _only_names(words, m)):
            return None
        quote = ctx.quote_at(start)
        # a quotation's words are its speaker's; an interviewer's question (no speaker) is the outlet's
        voice = quote.speaker.id if quote is not None and quote.speaker is not None else None
        lid = hashlib.blake2b(f"{ctx.doc_id}|{m.ref.id}|{start}|{end}".encode(), digest_size=8).hexdigest()
        return Label(ctx.doc_id, lid, m.ref, text, start, end, construction, ctx.outlet, voice)


def _qualified(chunk: Span) -> bool:
    """A description that says more than its head noun: "the oil-rich kingdom", not "the country"."""
    if any(t.pos_ == "NUM" or t.lower_ in ("same", "other", "both") for t in chunk):
        return False  # "the two countries", "the same state": a count or a pointer, not a description
    return any(t.i != chunk.root.i and t.pos_ in ("ADJ", "NOUN", "PROPN", "VERB") and t.lower_ not in _EMPTY
               for t in chunk)


def _in_phrase(tok: Token, span: Span) -> bool:
    """Whether a word left of a name hangs from it, directly or through other words left of it."""
    t = tok
    for _ in range(6):
        if span.start <= t.head.i < span.end:
            return True
        if t.head.i == t.i or not (span.sent.start <= t.head.i < span.start):
            return False
        t = t.head
    return False


def _participle(tok: Token) -> bool:
    """A verb form that modifies the name's phrase like an adjective: "the ruling party", "the
    Cairo-based league", "the self-proclaimed president" (a verb elsewhere left of a name is a clause)."""
    return tok.pos_ == "VERB" and tok.dep_ == "amod"


def _office(tok: Token, span: Span, at) -> bool:
    """A capitalised word left of a name that is neither a name nor part of one: an office the tagger
    took for a proper noun ("CIA Director", "Commons Speaker"). Right before a bare surname it is
    rather the first name the resolver left out ("Ivanka Trump")."""
    if tok.i == span.start - 1 and len(span) == 1:
        return False
    return tok.pos_ == "PROPN" and tok.is_title and not tok.ent_type_ and tok.i not in at


def _common_noun(tok: Token) -> bool:
    """A common noun, also when the tagger calls a lower-case word a proper noun ("NSA leaker")."""
    return tok.pos_ == "NOUN" or tok.pos_ == "PROPN" and tok.is_lower


def _words_before(doc: Doc, span: Span, at, m: Mention) -> list[Token]:
    """Nouns and adjectives right before a name, read off the words when the parse did not attach them
    ("offering former agency contractor Ana Ruiz asylum")."""
    out: list[Token] = []
    i = span.start - 1
    # the parser sometimes ends a sentence inside "President Trump": stop at real punctuation or a line
    # break instead of at its sentence start
    while i >= 0 and "\n" not in doc[i].whitespace_ and "\n" not in doc[i].text:
        tok = doc[i]
        if tok.pos_ not in ("NOUN", "PROPN", "ADJ", "NUM") and tok.text not in ("-", "“", "”") and not _abbreviation(tok):
            break
        if tok.i in at and at[tok.i] is not m and at[tok.i].ref.kind in ("person", "state"):
            break
        out.insert(0, tok)
        i -= 1
    # the word next to the name must be a common noun ("whistleblower", "leaker"): a proper noun or an
    # adjective there is more often another name or a loose modifier than a title
    if out and _honorific(out[-1]) and all(_honorific(t) for t in out):
        return out  # "President", "Brig. Gen." left loose by the parse
    return out if out and (_common_noun(out[-1]) and out[-1].is_lower or _initials(out[-1])) else []


def _initials(tok: Token) -> bool:
    """An office written in capitals and left loose by the parse: "Israeli PM", "Labour MP"."""
    return tok.is_upper and tok.is_alpha and 2 <= len(tok.text) <= 3 and not tok.ent_type_


def _abbreviation(tok: Token) -> bool:
    return tok.text == "." and tok.i > 0 and _honorific(tok.doc[tok.i - 1])


def _honorific(tok: Token) -> bool:
    """A title word written before a name ("President", "Gen.", "Col", "Sen.")."""
    return tok.lower_.rstrip(".") in HONORIFICS or _abbreviation(tok)


def _phrase(tok: Token, whole: bool = True) -> list[Token]:
    """A noun phrase without its relative clauses (and, unless `whole`, without its coordinated phrases)."""
    drop = set()
    cut = ("relcl", "acl", "advcl") if whole else ("relcl", "acl", "advcl", "conj", "cc")
    for child in tok.children:
        if child.dep_ in cut and child.i > tok.i:
            drop.update(t.i for t in child.subtree)
    words = [t for t in tok.subtree if t.i not in drop]
    # a phrase is contiguous: stop at the first gap
    out = [words[0]] if words else []
    for t in words[1:]:
        if t.i != out[-1].i + 1:
            break
        out.append(t)
    return out


def _telling_reference(span: Span, m: Mention, loaded: frozenset[str]) -> bool:
    """A description that stands for the actor and says something about it: an office ("the Venezuelan
    foreign minister"), a government named after its leader or qualified ("the Maduro regime", "the
    socialist government"), or a group in loaded words ("the democratic opposition")."""
    if m.method not in ("role", "metonym", "group") or not _descriptive(span, m):
        return False
    if m.method == "role":
        return True
    is_loaded = any(t.lemma_.lower() in loaded or t.lower_ in loaded for t in span)
    if m.method == "group":
        return is_loaded
    if span.root.lemma_.lower() not in _GOVERNMENT_WORDS:
        return is_loaded  # "the White House", "the State Department" name a seat, not a judgement
    qualified = any(t.pos_ == "ADJ" and not t.ent_type_ for t in span)
    named = any(t.ent_type_ == "PERSON" or t.pos_ == "PROPN" and t.lower_ not in ("u.s.", "us") and not t.ent_type_ in ("GPE", "NORP") for t in span)
    return is_loaded or qualified or named


def _descriptive(span: Span, m: Mention) -> bool:
    """A description rather than a bare name or a bare generic: "the Maduro regime", "the Venezuelan
    foreign minister", "the democratic opposition" (more than one word, not the actor's name)."""
    content = [t for t in span if t.lower_ not in _EMPTY and not t.is_punct and t.tag_ != "POS"]
    if len(content) < 2 or fold(span.text) in {fold(n) for n in (m.ref.name,)}:
        return False
    return any(t.pos_ == "NOUN" for t in content) or m.method in ("role", "metonym")


def _only_names(words: list[Token], m: Mention) -> bool:
    """Words that are just (part of) the actor's own name."""
    name = set(fold(m.ref.name).split()) | set(fold(m.text).split())
    return all(fold(t.text) in name for t in words)
