"""The seam between the rules and the learned models: revise one article's rule events.

The rules propose events; the typing model decides, for each sentence and each crisis type, whether the
sentence reports an event of that type, from the sentence's words and the rule events proposed in it
(``features.typing_features``). A type it accepts keeps the rule events of that type; when the rules
proposed the sentence's event under another type, the best of those is retyped (its actors kept); when
they proposed nothing, an event without actors is added. A type it rejects drops the rule events of that
type. The status model re-decides each kept event's status from the cues around its trigger. Types
outside the crisis scheme (the PLOVER-only ones) have no gold to learn from and pass through unchanged.
Before either, the argument ranker (``arguments.Ranker``) re-chooses each trigger's source and target
among the actors its sentence names; the rebuilt events keep the features of the rule event they come
from, so the typing and status models read the same features in training and at run time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from allegiance.extraction.events import Event
from allegiance.extraction.events.coding import plover_by_status
from allegiance.extraction.events.lexicon import crisis_types, default_lexicon
from allegiance.extraction.events.records import most_informative
from allegiance.learning.arguments import Ranker, Slot, sentence_slots, slots_of
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
SOURCE_FILE = "event_source.npz"
TARGET_FILE = "event_target.npz"
#: The model card: data, features, learner, settings and cross-validated figures (``train.card``).
CARD_FILE = "card.json"
#: The typing model's answer for "the sentence reports an event of this type".
YES = "yes"


def plover_of(e: Event, etype: str, status: str) -> dict:
    """The PLOVER coding of an event whose type or status a model chose: what is only intended or
    refused is coded by what the saying does, exactly as the rules code it (``coding.plover_by_status``);
    otherwise the act's own code, which a trigger may set (a curfew is REPRESS coded COERCE)."""
    spec = default_lexicon().types[etype]
    act = e.plover_act if etype == e.type else None
    event = plover_by_status(spec, status, e.conditional) or act or spec.plover
    return {"event": event, "mode": spec.mode if etype != e.type else e.plover.get("mode"), "context": spec.context}


class Refiner:
    def __init__(self, typing: LinearModel | None = None, status: LinearModel | None = None,
                 emit_at: float = 0.5, ranker: Ranker | None = None, held: tuple[str, ...] = ("conditional",),
                 adds_only: bool = True):
        self.typing, self.status, self.ranker = typing, status, ranker
        #: the statuses the text states plainly, which the status model leaves alone (``HOLDS``)
        self.held = tuple(held)
        #: how likely a (sentence, type) must be to be reported: below 0.5 when recall is worth more
        #: than precision, as it is for F1 when the rules miss more than they invent
        self.emit_at = emit_at
        #: the typing model only adds events to sentences where the rules found none
        self.adds_only = adds_only
        self.crisis = sorted(crisis_types())

    def __call__(self, ctx, events: list, kb) -> list:
        """The rule events of one article (its ``ArticleContext``), revised; ``kb`` is the extraction's
        knowledge base (the argument ranker reads nationality words through it)."""
        return self.apply(ctx.doc_id, ctx.outlet, sentences_of(ctx.doc),
                          [(e, candidate_features(e, ctx.doc, ctx.quotes)) for e in events],
                          slots_of(ctx, events, kb) if self.ranker is not None else None,
                          sentence_slots(ctx, events, kb) if self.ranker is not None and self.typing is not None
                          else None)

    def apply(self, doc_id: str, outlet: str | None, sentences: list[Sentence], candidates: list[tuple],
              slots: list[Slot] | None = None, unmatched: dict[int, Slot] | None = None) -> list:
        """The revised events of one article, from its sentences, (rule event, features) pairs and,
        for the argument ranker, the rule events' slots and those of the sentences without one."""
        if self.ranker is not None and slots is not None:
            candidates = self.arguments(candidates, slots)
        by_sentence: dict[tuple[int, int], list[tuple]] = {}
        for e, f in candidates:
            by_sentence.setdefault((e.start, e.end), []).append((e, f))
        out = []
        for sent in sentences:
            cands = by_sentence.pop((sent.start, sent.end), [])
            out.extend(self._sentence(doc_id, outlet, sent, cands, (unmatched or {}).get(sent.start)))
        for cands in by_sentence.values():  # an event whose sentence the parse split differently
            out.extend(self._status(e, f) for e, f in cands)
        return sorted(out, key=lambda e: (e.start, e.trigger_start, e.type))

    def arguments(self, candidates: list[tuple], slots: list[Slot]) -> list[tuple]:
        """The rule events with the ranker's sources and targets, each with its rule event's features."""
        features = {id(e): f for e, f in candidates}
        done: set[int] = set()
        out: dict[tuple, tuple] = {}
        for slot in slots:
            for e, base in self.ranker.rebuild(slot):
                done.update(id(x) for x in slot.events)
                key = (e.start, e.type, e.source and e.source.id, e.target and e.target.id)
                if key not in out or out[key][0].confidence < e.confidence:
                    out[key] = (e, features[id(base)])
        kept = [pair for pair in out.values()] + [(e, f) for e, f in candidates if id(e) not in done]
        informative = {id(e) for e in most_informative(e for e, _ in kept)}
        return [(e, f) for e, f in kept if id(e) in informative]

    def _sentence(self, doc_id: str, outlet: str | None, sent: Sentence, cands: list[tuple],
                  unmatched: Slot | None = None) -> list:
        if self.typing is None or (self.adds_only and cands):
            return [self._status(e, f) for e, f in cands]
        out = [e for e, _ in cands if e.type not in self.crisis]
        k = self.typing.classes.index(YES)
        ps = self.typing.scores_many([typing_features(etype, sent.words, cands) for etype in self.crisis])[:, k]
        for etype, p in zip(self.crisis, ps):
            if p < self.emit_at:
                continue
            if self.adds_only:
                e = _sentence_event(doc_id, outlet, sent, etype, float(p))
                if self.ranker is None or unmatched is None:
                    out.append(e)
                else:  # who acts and on whom, among the sentence's actors as seen from its main verb
                    slot = Slot(e.start, unmatched.trigger_start, etype, [e], unmatched.options)
                    out.extend(x for x, _ in self.ranker.rebuild(slot))
                continue
            same = [(e, f) for e, f in cands if e.type == etype]
            if same:
                out.extend(self._status(e, f) for e, f in same)
            elif cands:
                e, f = max(cands, key=lambda pair: pair[0].confidence)
                out.append(self._status(replace(e, confidence=round(p, 2)), f, retyped=etype))
            else:
                out.append(_sentence_event(doc_id, outlet, sent, etype, p))
        return out

    def probability(self, features: dict[str, float]) -> float:
        return float(self.typing.scores(features)[self.typing.classes.index(YES)])

    def _status(self, e, f: dict[str, float], retyped: str | None = None):
        status = e.status
        if self.status is not None and (retyped or e.type) in self.crisis and not any(
                HOLDS[h](e) for h in self.held):
            status = self.status.predict(f)[0]
        if status == e.status and not retyped:
            return e
        # "attributed to" says who claims it: an event the model reads as no longer claimed has no claimant,
        # and so no link to a claim
        attributed = e.attributed_to if status == "claimed" else None
        return replace(e, type=retyped or e.type, status=status, attributed_to=attributed,
                       plover=plover_of(e, retyped or e.type, status))


#: What the status model may leave as the rules read it (``Settings.held``): a consequence announced
#: on an "if"/"unless" stays planned; a claim someone is named as making stays claimed.
HOLDS = {"conditional": lambda e: e.conditional,
         "claims": lambda e: e.status == "claimed" and e.attributed_to is not None}


def _sentence_event(doc_id: str, outlet: str | None, sent: Sentence, etype: str, p: float) -> Event:
    """An event the rules missed: the sentence reports it, who acts is not known."""
    eid = hashlib.blake2b(f"{doc_id}|{sent.start}|learned|{etype}".encode(), digest_size=8).hexdigest()
    spec = default_lexicon().types[etype]
    return Event(doc_id=doc_id, event_id=eid, type=etype, plover={
                     "event": spec.plover, "mode": spec.mode, "context": spec.context}, source=None,
                 target=None, status="occurred", attributed_to=None, date=None, date_precision=None,
                 location=None, location_country=None, sentence=sent.text, start=sent.start, end=sent.end,
                 outlet=outlet, confidence=round(p, 2), trigger="", trigger_start=sent.start)


def load_refiner(directory: Path = MODELS) -> Refiner | None:
    typing, status, card = directory / TYPING_FILE, directory / STATUS_FILE, directory / CARD_FILE
    source, target = directory / SOURCE_FILE, directory / TARGET_FILE
    if not any(p.exists() for p in (typing, status, source, target)):
        return None
    settings = json.loads(card.read_text(encoding="utf-8")).get("settings", {}) if card.exists() else {}
    ranker = Ranker(LinearModel.load(source), LinearModel.load(target), settings.get("also_at", 0.3)) \
        if source.exists() and target.exists() else None
    return Refiner(LinearModel.load(typing) if typing.exists() else None,
                   LinearModel.load(status) if status.exists() else None, settings.get("emit_at", 0.5), ranker,
                   tuple(settings.get("held", ("conditional",))), settings.get("adds_only", True))


@lru_cache(maxsize=1)
def shipped_refiner() -> Refiner | None:
    """The models shipped in the package, loaded once per process; None when none is installed."""
    return load_refiner()
