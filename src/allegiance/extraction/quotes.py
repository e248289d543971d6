"""Quotations: who said what, in the words of the text.

Two layouts are read:

- **Quotation marks** (“…”, "…", «…», and ‘…’ when it is not an apostrophe): paired within a
  paragraph; a quotation that runs over several paragraphs repeats its opening mark at the start of
  each and closes only at the end. A mark that is never closed is dropped at the end of its
  paragraph, so a stray mark can never swallow the rest of the article. One to three words in marks
  are scare quotes, not quotations.
- **Dashes and bullets** (interview transcripts, translated news): a paragraph opened by "–", "—" or
  "•" is speech. An attribution inside it ("…, – he said", "…, the professor Ana Ruiz said")
  names the speaker and is not part of the quotation; a dash paragraph that asks (ends with "?", or is
  answered by a bullet) is the interviewer's; bullets and the plain paragraphs that follow them are
  the interviewee's.

Speakers are found, in order: the subject of a reporting verb outside the marks in the quotation's
sentence, then in its paragraph (nearest after the quotation first), then the speaker of the
quotation just before, when the paragraph continues it. Speakers are resolved actors; None when the
text does not say.

Indirect speech ("the minister said that the president would resign", "according to the Times, ...")
is kept too, with ``kind="indirect"``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from allegiance.actors.kb import fold
from allegiance.actors.references import HONORIFICS, ActorRef, slug
from allegiance.parsing.nlp import text_of
from allegiance.parsing.syntax import according_to, speech_verb, subject, through

if TYPE_CHECKING:
    from allegiance.extraction.context import ArticleContext
    from allegiance.extraction.events.lexicon import Cues

_OPEN_CLOSE = {"“": "”", "«": "»", "„": "“"}
_DASHES = ("– ", "— ", "- ", "• ", "–", "—", "•")
#: "…, – he said." / "…, – said the Secretary of State." at the end of a dash paragraph
_DASH_ATTRIBUTION = re.compile(r",?\s+[–—-]\s+(?P<attr>[^–—]{2,200})$")
MIN_WORDS = 4
#: Verbs by which one party passes on another's words ("quoted X as saying").
_RELAYING = ("quote", "cite")
#: Dependents that belong to a speaker phrase's own words (not its prepositional phrases).
_NAME_DEPS = ("compound", "appos", "flat", "nmod", "amod", "poss", "det", "acl")


@dataclass
class Quote:
    doc_id: str
    quote_id: str
    kind: str  # direct | indirect
    text: str
    start: int
    end: int
    speaker: ActorRef | None
    cue: str | None
    outlet: str | None = None
    #: the speaker's words as written ("he", "the Secretary of State")
    speaker_mention: str | None = None


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in re.finditer(r"\n+", text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def mark_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the words inside paired quotation marks, marks excluded."""
    found: list[tuple[int, int]] = []
    paras = _paragraphs(text)
    pending: tuple[int, str] | None = None  # an open quotation carried into the next paragraph
    for pi, (a, b) in enumerate(paras):
        open_at, opener, i = None, "", a
        if pending is not None and text[a] == pending[1]:
            open_at, opener, i = pending[0], pending[1], a + 1  # the opening mark repeated: same quotation
        pending = None
        while i < b:
            ch = text[i]
            if open_at is None:
                if ch in _OPEN_CLOSE or ch == '"' or (ch == "‘" and (i == a or not text[i - 1].isalnum())):
                    open_at, opener = i + 1, ch
            elif _closes(text, i, b, opener):
                found.append((open_at, i))
                open_at = None
            elif ch in _OPEN_CLOSE and opener != "‘":
                open_at, opener = i + 1, ch  # a new opening before a close: the first mark was stray
            i += 1
        nxt = paras[pi + 1][0] if pi + 1 < len(paras) else None
        if open_at is not None and nxt is not None and text[nxt] == opener:
            pending = (open_at, opener)
        # otherwise an unclosed mark is dropped here: it never swallows the next paragraph
    return found


def _closes(text: str, i: int, end: int, opener: str) -> bool:
    ch = text[i]
    if opener in _OPEN_CLOSE:
        return ch == _OPEN_CLOSE[opener]
    if opener == '"':
        return ch == '"'
    return ch == "’" and (i + 1 >= end or not text[i + 1].isalnum())  # not an apostrophe


def _clean_bounds(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \n\t“\"«‘":
        s += 1
    while e > s and text[e - 1] in " \n\t,;:”\"»’–—-":
        e -= 1
    return s, e


class QuoteExtractor:
    def __init__(self, cues: Cues) -> None:
        #: verbs that introduce speech (cues.yaml `reported`), the same ones the events stage reads
        self.verbs = cues.speech_verbs

    def __call__(self, ctx: ArticleContext) -> list[Quote]:
        doc, at, text = ctx.doc, ctx.by_token, ctx.text
        quotes: list[Quote] = []
        marked = [(s, e) for s, e in mark_spans(text)]
        covered: list[tuple[int, int]] = []
        # dash and bullet paragraphs first: their marks are part of the speech
        last_speaker: tuple[ActorRef | None, str | None] = (None, None)
        interviewee: tuple[ActorRef | None, str | None] = (None, None)
        paras = _paragraphs(text)
        prev_kind = None
        for pi, (a, b) in enumerate(paras):
            para = text[a:b]
            stripped = para.lstrip()
            lead = len(para) - len(stripped)
            marker = next((d for d in _DASHES if stripped.startswith(d)), None)
            if marker is None:
                if prev_kind == "answer" and interviewee[0] is not None and not _has_speech_verb(doc, a, b, self.verbs):
                    nxt = text[paras[pi + 1][0]:paras[pi + 1][1]].lstrip() if pi + 1 < len(paras) else ""
                    if nxt.startswith(_DASHES):  # a plain paragraph between an answer and the next question
                        s, e = _clean_bounds(text, a, b)
                        quotes.append(self._make(ctx, "direct", s, e, interviewee[0], None, interviewee[1]))
                        covered.append((a, b))
                        continue
                prev_kind = None
                continue
            s = a + lead + len(marker)
            e = b
            nxt = text[paras[pi + 1][0]:paras[pi + 1][1]].lstrip() if pi + 1 < len(paras) else ""
            speaker: tuple[ActorRef | None, str | None]
            cue = None
            if marker.strip() == "•":
                speaker, kind = interviewee, "answer"
            elif stripped.rstrip().endswith("?") or nxt.startswith("•"):
                speaker, kind = (None, None), "question"
            else:
                m = _DASH_ATTRIBUTION.search(text, s, e)
                attribution = self._attribution(ctx, a + lead, b)
                if m and attribution[0] is not None or (m and attribution[1]):
                    e = m.start()
                    speaker, cue = (attribution[0], attribution[1]), attribution[2]
                elif attribution[0] is not None and attribution[3] is not None and attribution[3] > s + 20:
                    e = attribution[3]  # "…, the professor Ana Ruiz said."
                    speaker, cue = (attribution[0], attribution[1]), attribution[2]
                else:
                    speaker = last_speaker
                kind = "speech"
                last_speaker = speaker if speaker[0] is not None else last_speaker
                if speaker[0] is not None:
                    interviewee = speaker
            s, e = _clean_bounds(text, s, e)
            if len(text[s:e].split()) >= 1 and e > s:
                quotes.append(self._make(ctx, "direct", s, e, speaker[0], cue, speaker[1]))
                covered.append((a, b))
            prev_kind = kind
        # quotation marks elsewhere
        prev: Quote | None = None
        for s, e in marked:
            if any(a <= s < b for a, b in covered):
                continue
            s, e = _clean_bounds(text, s, e)
            if len(text[s:e].split()) < MIN_WORDS:
                continue  # scare quotes
            speaker, mention, cue = self._speaker(doc, s, e, marked, at)
            if speaker is None and prev is not None and _continues(text, prev.end, s):
                speaker, mention, cue = prev.speaker, prev.speaker_mention, prev.cue
            q = self._make(ctx, "direct", s, e, speaker, cue, mention)
            quotes.append(q)
            prev = q
        quotes += self._indirect(ctx, marked + covered)
        quotes.sort(key=lambda q: q.start)
        self._carry_over(ctx, quotes)
        return quotes

    def _carry_over(self, ctx: ArticleContext, quotes: list[Quote]) -> None:
        """Speakers written as "he", "she" or "the minister": the person last quoted, if they were quoted
        within the last three paragraphs, else the person named last before the quotation. News
        introduces a speaker once by name and then goes on with pronouns."""
        doc = ctx.doc
        people = sorted((m for m in ctx.covering if m.ref.kind == "person"), key=lambda m: m.start)
        # people who are the subject of something, most often the one a later "he" means
        subjects = [m for m in people if doc[m.token_start:m.token_end].root.dep_ in ("nsubj", "nsubjpass")
                    or doc[m.token_start:m.token_end].root.head.dep_ in ("nsubj", "nsubjpass")]
        last: Quote | None = None
        for q in quotes:
            if q.speaker is None and q.speaker_mention:
                # the closer of: the person quoted last, the person last named as a subject
                options = []
                if last is not None and last.speaker.kind == "person" and text_of(doc).count("\n", last.end, q.start) <= 6:
                    options.append((last.start, last.speaker))
                for pool in (subjects, people):
                    before = [m for m in pool if m.end <= q.start and text_of(doc).count("\n", m.end, q.start) <= 4]
                    if before:
                        options.append((before[-1].start, before[-1].ref))
                        break
                if options:
                    q.speaker = max(options, key=lambda o: o[0])[1]
            if q.speaker is not None:
                last = q

    # -- pieces ------------------------------------------------------------------------

    def _make(self, ctx: ArticleContext, kind: str, s: int, e: int, speaker: ActorRef | None, cue: str | None,
              mention: str | None) -> Quote:
        qid = hashlib.blake2b(f"{ctx.doc_id}|{kind}|{s}|{e}".encode(), digest_size=8).hexdigest()
        return Quote(ctx.doc_id, qid, kind, ctx.text[s:e], s, e, speaker, cue, ctx.outlet, mention)

    def _actor(self, tok: Token, at, doc) -> tuple[ActorRef | None, str | None]:
        """The actor a speaker phrase names: the mention on its head, else a person (then anything)
        named in its own words ("the professor ... Ana Ruiz", not the "Tartu" of her university).
        A pronoun or a description ("the minister") is left for :meth:`_carry_over`; a name the resolver
        did not know becomes a provisional person."""
        if tok.i in at:
            return at[tok.i].ref, at[tok.i].text
        own = [tok, *through(tok, _NAME_DEPS)]
        named = [at[t.i] for t in own if t.i in at]
        people = [m for m in named if m.ref.kind == "person"]
        if people or named:
            m = (people or named)[0]
            return m.ref, m.text
        names = [t for t in sorted(own, key=lambda t: t.i)
                 if t.pos_ == "PROPN" and t.ent_type_ in ("PERSON", "", "ORG") and t.lower_ not in HONORIFICS]
        if names:  # "the professor of Tartu University Ana Ruiz": the name in the phrase
            run = [names[-1]]
            for t in reversed(names[:-1]):
                if t.i == run[0].i - 1:
                    run.insert(0, t)
            name = " ".join(t.text for t in run)
            known = self._known_person(name, at)
            if known is not None:
                return known, name
            kind = "organisation" if run[-1].ent_type_ == "ORG" else "person"
            return ActorRef(f"unknown:{kind}:{slug(name)}", name, name, kind, None, [], provisional=True), name
        return None, " ".join(t.text for t in sorted(own, key=lambda t: t.i))

    @staticmethod
    def _known_person(name: str, at) -> ActorRef | None:
        """A surname that names someone the article has already named in full ("Goldstein")."""
        last = fold(name).split()[-1]
        for m in {id(m): m for m in at.values()}.values():
            if m.ref.kind == "person" and fold(m.ref.name).split()[-1:] == [last]:
                return m.ref
        return None

    def _attribution(self, ctx: ArticleContext, a: int, b: int) -> tuple[ActorRef | None, str | None, str | None, int | None]:
        """The reporting verb and its subject in a dash paragraph, and where the attribution clause starts."""
        doc, at = ctx.doc, ctx.by_token
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None:
            return None, None, None, None
        for tok in reversed(list(span)):
            if speech_verb(tok, self.verbs):
                subj = subject(tok)
                if subj is None:
                    continue
                ref, mention = self._actor(subj, at, doc)
                start = min(t.idx for t in subj.subtree) if subj.i < tok.i else tok.idx
                clause_start = min(start, tok.idx)
                person = self._person_before(ctx, tok, a)
                if ref is None and person is not None:  # the parse lost the name: "…, the professor X said."
                    ref, mention, clause_start = person
                # back up over the comma before the attribution clause
                cut = text_of(doc).rfind(",", a, clause_start)
                return ref, mention, tok.lemma_.lower(), cut if cut > 0 else clause_start
        return None, None, None, None

    def _person_before(self, ctx: ArticleContext, verb: Token, a: int) -> tuple[ActorRef, str, int] | None:
        """The last person named between the last comma before a reporting verb and the verb."""
        at = ctx.by_token
        comma = ctx.text.rfind(",", a, verb.idx)
        for ent in reversed([e for e in ctx.ents_in(verb.sent) if e.label_ == "PERSON" and comma < e.start_char < verb.idx]):
            ref = at[ent.root.i].ref if ent.root.i in at else self._known_person(ent.text, at) or ActorRef(
                f"unknown:person:{slug(ent.text)}", ent.text, ent.text, "person", None, [], provisional=True)
            return ref, ent.text, comma + 1
        return None

    def _speaker(self, doc: Doc, s: int, e: int, marked, at) -> tuple[ActorRef | None, str | None, str | None]:
        """The subject of the reporting verb nearest the quotation, outside any quotation marks, in its
        sentence first and then in its paragraph."""
        text = text_of(doc)
        para_a = text.rfind("\n", 0, s) + 1
        para_b = text.find("\n", e)
        para_b = len(text) if para_b < 0 else para_b
        span = doc.char_span(para_a, para_b, alignment_mode="expand")
        if span is None:
            return None, None, None
        best = None
        for tok in span:
            if not speech_verb(tok, self.verbs):
                continue
            if any(ms <= tok.idx < me for ms, me in marked):
                continue
            subj = subject(tok)
            if subj is None:
                continue
            same_sentence = tok.sent.start_char <= s < tok.sent.end_char or tok.sent.start_char < e <= tok.sent.end_char
            distance = (tok.idx - e) if tok.idx >= e else (s - tok.idx) * 2
            key = (0 if same_sentence else 1, abs(distance))
            if best is None or key < best[0]:
                best = (key, subj, tok)
        if best is None:
            inner = doc.char_span(s, e, alignment_mode="expand")
            if inner is None:
                return None, None, None
            sent = inner[0].sent
            # "according to X": the source of the whole sentence
            for obj in according_to(sent):
                ref, mention = self._actor(obj, at, doc)
                return ref, mention, "according to"
            # a partial quotation inside a sentence about someone: "Maduro congratulated those who led
            # the “defeat of ...”" is Maduro's phrase
            subj = subject(sent.root, ("nsubj",))
            if subj is not None and not any(ms <= sent.root.idx < me for ms, me in marked) and e - s < len(sent.text) * 0.8:
                ref, mention = self._actor(subj, at, doc)
                if ref is not None:
                    return ref, mention, None
            return None, None, None
        ref, mention = self._actor(_relayed(best[2]) or best[1], at, doc)
        return ref, mention, best[2].lemma_.lower()

    def _indirect(self, ctx: ArticleContext, marked) -> list[Quote]:
        """Reported speech without marks: "X said (that) ...", with the reported clause as the content."""
        doc, at = ctx.doc, ctx.by_token
        out = []
        for tok in doc:
            if tok.lemma_.lower() not in self.verbs or tok.pos_ != "VERB":
                continue
            if any(ms <= tok.idx < me for ms, me in marked):
                continue
            comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
            subj = subject(tok)
            if comp is None or subj is None:
                continue
            words = list(comp.subtree)
            s, e = words[0].idx, words[-1].idx + len(words[-1].text)
            if any(ms <= s < me or ms < e <= me for ms, me in marked):
                continue  # the content is (partly) a direct quotation
            while words and words[0].dep_ == "mark":
                words = words[1:]
            if len(words) < MIN_WORDS:
                continue
            s, e = _clean_bounds(text_of(doc), words[0].idx, words[-1].idx + len(words[-1].text))
            ref, mention = self._actor(subj, at, doc)
            out.append(self._make(ctx, "indirect", s, e, ref, tok.lemma_.lower(), mention))
        return out


def _relayed(verb: Token) -> Token | None:
    """The person a relaying verb passes the words on from: "the agency quoted X as saying", "cited X as
    saying" speak X's words, not the agency's."""
    if verb.lemma_.lower() not in _RELAYING:
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    saying = any(c.dep_ == "prep" and c.lower_ == "as" and any(g.lemma_.lower() == "say" for g in c.children)
                 for c in verb.children)
    return obj if obj is not None and saying else None


def _has_speech_verb(doc: Doc, a: int, b: int, verbs) -> bool:
    span = doc.char_span(a, b, alignment_mode="expand")
    return span is not None and any(t.lemma_.lower() in verbs and t.pos_ == "VERB" for t in span)


def _continues(text: str, prev_end: int, start: int) -> bool:
    """A quotation that follows the previous one in the next paragraph, with nothing but marks between."""
    between = text[prev_end:start]
    return len(between) < 12 and "\n" in between

