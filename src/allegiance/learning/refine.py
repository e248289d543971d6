"""The seam between the rules and the learned models: revise one article's rule events.

The rules propose events; the typing model decides, for each sentence and each crisis type, whether the
sentence reports an event of that type, from the sentence's words and the rule events proposed in it
(``features.typing_features``). A type it accepts keeps the rule events of that type; when the rules
proposed the sentence's event under another type, the best of those is retyped (its actors kept); when
they proposed nothing, an event without actors is added. A type it rejects drops the rule events of that
type. The status model re-decides each kept event's status from the cues around its trigger. Types
outside the crisis scheme (the PLOVER-only ones) have no gold to learn from and pass through unchanged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from allegiance.extraction.events import Event
from allegiance.extraction.events.lexicon import crisis_types, default_lexicon
from allegiance.learning.features import (
    Sentence,
    candidate_features,
    sentences_of,
    typing_features,
)
from allegiance.learning.model import LinearModel

MODELS = Path(__file__).parents[1] / "models"
TYPING_FILE = "event_typing.npz"
STATUS_FILE = "event_status.npz"
#: The model card: data, features, learner, settings and cross-validated figures (``train.card``).
CARD_FILE = "card.json"
#: The typing model's answer for "the sentence reports an event of this type".
YES = "yes"


def plover_of(etype: str, status: str) -> dict:
    """The PLOVER coding of a type the model chose: what is only intended or refused is coded by what
    the saying does, as the type table says (``types.yaml`` ``plover_when_*``)."""
    spec = default_lexicon().types[etype]
    event = (spec.plover_when_negated if status == "negated" else
             spec.plover_when_planned if status == "planned" else None) or spec.plover
    return {"event": event, "mode": spec.mode, "context": spec.context}


class Refiner:
    def __init__(self, typing: LinearModel | None = None, status: LinearModel | None = None,
                 emit_at: float = 0.5):
        self.typing, self.status = typing, status
        #: how likely a (sentence, type) must be to be reported: below 0.5 when recall is worth more
        #: than precision, as it is for F1 when the rules miss more than they invent
        self.emit_at = emit_at
        self.crisis = sorted(crisis_types())

    def __call__(self, ctx, events: list) -> list:
        """The rule events of one article (its ``ArticleContext``), revised."""
        return self.apply(ctx.doc_id, ctx.outlet, sentences_of(ctx.doc),
                          [(e, candidate_features(e, ctx.doc, ctx.quotes)) for e in events])

    def apply(self, doc_id: str, outlet: str | None, sentences: list[Sentence], candidates: list[tuple]) -> list:
        """The revised events of one article, from its sentences and (rule event, features) pairs."""
        by_sentence: dict[tuple[int, int], list[tuple]] = {}
        for e, f in candidates:
            by_sentence.setdefault((e.start, e.end), []).append((e, f))
        out = []
        for sent in sentences:
            cands = by_sentence.pop((sent.start, sent.end), [])
            out.extend(self._sentence(doc_id, outlet, sent, cands))
        for cands in by_sentence.values():  # an event whose sentence the parse split differently
            out.extend(self._status(e, f) for e, f in cands)
        return sorted(out, key=lambda e: (e.start, e.trigger_start, e.type))

    def _sentence(self, doc_id: str, outlet: str | None, sent: Sentence, cands: list[tuple]) -> list:
        if self.typing is None:
            return [self._status(e, f) for e, f in cands]
        out = [e for e, _ in cands if e.type not in self.crisis]
        for etype in self.crisis:
            p = self.probability(typing_features(etype, sent.words, cands))
            if p < self.emit_at:
                continue
            same = [(e, f) for e, f in cands if e.type == etype]
            if same:
                out.extend(self._status(e, f) for e, f in same)
            elif cands:
                e, f = max(cands, key=lambda pair: pair[0].confidence)
                out.append(self._status(replace(e, type=etype, confidence=round(p, 2)), f, retyped=True))
            else:
                out.append(_sentence_event(doc_id, outlet, sent, etype, p))
        return out

    def probability(self, features: dict[str, float]) -> float:
        return float(self.typing.scores(features)[self.typing.classes.index(YES)])

    def _status(self, e, f: dict[str, float], retyped: bool = False):
        status = self.status.predict(f)[0] if self.status is not None and e.type in self.crisis else e.status
        if status == e.status and not retyped:
            return e
        return replace(e, status=status, plover=plover_of(e.type, status))


def _sentence_event(doc_id: str, outlet: str | None, sent: Sentence, etype: str, p: float) -> Event:
    """An event the rules missed: the sentence reports it, who acts is not known."""
    eid = hashlib.blake2b(f"{doc_id}|{sent.start}|learned|{etype}".encode(), digest_size=8).hexdigest()
    return Event(doc_id=doc_id, event_id=eid, type=etype, plover=plover_of(etype, "occurred"), source=None,
                 target=None, status="occurred", attributed_to=None, date=None, date_precision=None,
                 location=None, location_country=None, sentence=sent.text, start=sent.start, end=sent.end,
                 outlet=outlet, confidence=round(p, 2), trigger="", trigger_start=sent.start)


def load_refiner(directory: Path = MODELS) -> Refiner | None:
    typing, status, card = directory / TYPING_FILE, directory / STATUS_FILE, directory / CARD_FILE
    if not typing.exists() and not status.exists():
        return None
    settings = json.loads(card.read_text(encoding="utf-8")).get("settings", {}) if card.exists() else {}
    return Refiner(LinearModel.load(typing) if typing.exists() else None,
                   LinearModel.load(status) if status.exists() else None, settings.get("emit_at", 0.5))


@lru_cache(maxsize=1)
def shipped_refiner() -> Refiner | None:
    """The models shipped in the package, loaded once per process; None when none is installed."""
    return load_refiner()
