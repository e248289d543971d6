"""The learned argument ranker: who acts and who is acted on, chosen among the actors a sentence names.

The rules find an event's source and target by following the parse from its trigger, and fall back on
the nearest actor or a default; on articles they were not written for, only about a third of the events
of the right type get both right. Here each trigger's events become one *slot*: its options for the
source and for the target are the actors the sentence names (pronouns through the antecedent lookup),
the subject of the sentence before, whatever the rules chose (a default such as the ruler is no mention),
and nobody. Each option is described from its own relation to the trigger (dependency path, voice,
order and distance, kind and sector, quotation, what the rules chose) and scored by a logistic model
per role; the slot's events are rebuilt from the best options (``Ranker``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from allegiance.actors.coreference import antecedent
from allegiance.actors.kb import KnowledgeBase
from allegiance.actors.references import ActorRef, ref_for
from allegiance.extraction.events.records import Event
from allegiance.learning.features import trigger_token
from allegiance.learning.model import LinearModel
from allegiance.parsing.syntax import passive

ROLES = ("source", "target")
#: The model's answer for "this option is the event's actor in this role".
YES = "yes"
_PRONOUNS = {"he", "she", "him", "her", "his", "it", "its", "they", "them", "their"}
#: Dependency links an argument is usually reached through; anything else is kept as "other".
_PATH_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "prep", "poss", "compound", "amod", "agent", "xcomp",
              "ccomp", "conj", "advcl", "relcl", "acl", "appos", "dative", "attr", "pcomp", "csubj", "ROOT"}


@dataclass
class Option:
    """One actor (or nobody, ``ref`` None) that could fill a role of a slot."""

    ref: ActorRef | None
    features: dict[str, float]
    #: whether the gold gives this actor in this role (training only)
    gold: bool | None = None


@dataclass
class Slot:
    """The rule events of one trigger and type, with the options for each role."""

    start: int
    trigger_start: int
    etype: str
    events: list[Event]
    options: dict[str, list[Option]] = field(default_factory=dict)


def _dep(tok: Token) -> str:
    return tok.dep_ if tok.dep_ in _PATH_DEPS else "other"


def _ancestors(tok: Token) -> list[Token]:
    out = [tok]
    while out[-1].head.i != out[-1].i and len(out) < 30:
        out.append(out[-1].head)
    return out


def path(trigger: Token, tok: Token) -> tuple[list[str], list[str], Token | None]:
    """The dependency links up from the trigger to the lowest common governor, and down from it to the
    argument's head word; the governor is None when the two are in different sentences."""
    up, down = _ancestors(trigger), _ancestors(tok)
    down_ids = {t.i: k for k, t in enumerate(down)}
    for k, t in enumerate(up):
        if t.i in down_ids:
            j = down_ids[t.i]
            rise = [_dep(x) for x in up[:k]]
            fall = [_dep(x) + (f":{x.lower_}" if x.dep_ == "prep" else "") for x in reversed(down[:j])]
            return rise, fall, t
    return [], [], None


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-7" if n < 8 else "8-15" if n < 16 else "16+"


def option_features(etype: str, trigger: Token | None, tok: Token | None, ref: ActorRef | None,
                    how: set[str], in_quote: bool, trigger_quoted: bool, route: tuple | None = None) -> dict[str, float]:
    """An option's relation to the trigger, named per role and, for the strongest signals, per type."""
    f: dict[str, float] = {"bias": 1.0}
    for h in how:  # rule_this, rule_other, prev_subject, pronoun, attributed, default ...
        f[f"how={h}"] = 1.0
        f[f"how={h}|{etype}"] = 1.0
    if ref is None:
        f["none"] = 1.0
        f[f"none|{etype}"] = 1.0
        if trigger is not None:
            f[f"none|pos={trigger.pos_}"] = 1.0
            f[f"none|passive={passive(trigger)}"] = 1.0
        return f
    f[f"kind={ref.kind}"] = 1.0
    f[f"kind={ref.kind}|{etype}"] = 1.0
    for s in ref.sectors or ():
        f[f"sector={s}"] = 1.0
        f[f"sector={s}|{etype}"] = 1.0
    if ref.provisional:
        f["provisional"] = 1.0
    if in_quote:
        f["in_quote"] = 1.0
    if trigger_quoted:
        f["trigger_quoted"] = 1.0
    if tok is None or trigger is None:
        f["no_token"] = 1.0
        return f
    rise, fall, top = route or path(trigger, tok)
    if top is None:
        f["other_sentence"] = 1.0
        return f
    voice = "passive" if passive(trigger) or passive(trigger.head) else "active"
    f[f"voice={voice}"] = 1.0
    f[f"pos={trigger.pos_}"] = 1.0
    length = len(rise) + len(fall)
    f[f"len={_bucket(length)}"] = 1.0
    if length <= 4:
        p = "^".join(rise) + "|" + "v".join(fall)
        f[f"path={p}"] = 1.0
        f[f"path={p}|{etype}"] = 1.0
        f[f"path={p}|{voice}"] = 1.0
        f[f"path={p}|{trigger.pos_}"] = 1.0
    if fall:
        f[f"last={fall[-1]}"] = 1.0
        f[f"last={fall[-1]}|{voice}"] = 1.0
        f[f"last={fall[-1]}|{etype}"] = 1.0
    f[f"rise={len(rise)}"] = 1.0
    if top.i == trigger.i:
        f["under_trigger"] = 1.0
    elif tok.i == top.i:
        f["governs_trigger"] = 1.0
    f[f"top_pos={top.pos_}"] = 1.0
    side = "before" if tok.i < trigger.i else "after" if tok.i > trigger.i else "on"
    f[f"side={side}"] = 1.0
    f[f"side={side}|{voice}"] = 1.0
    f[f"side={side}|{etype}"] = 1.0
    f[f"dist={_bucket(abs(tok.i - trigger.i))}"] = 1.0
    f["distance"] = min(abs(tok.i - trigger.i), 40) / 40
    return f


def slots_of(ctx, events: list[Event], kb: KnowledgeBase) -> list[Slot]:
    """One slot per trigger and type of the article's rule events, with its options (unlabelled)."""
    doc: Doc = ctx.doc
    groups: dict[tuple, list[Event]] = {}
    for e in events:
        groups.setdefault((e.start, e.trigger_start, e.trigger, e.type), []).append(e)
    reader = _Reader(ctx, kb)
    out = []
    for (start, tstart, trig_text, etype), evs in groups.items():
        trigger = trigger_token(doc, tstart, trig_text) if trig_text else None
        sent = trigger.sent if trigger is not None else doc.char_span(start, evs[0].end, alignment_mode="expand")
        if sent is not None:
            out.append(reader.slot(Slot(start, tstart, etype, evs), trigger, sent))
    return out


def sentence_slots(ctx, events: list[Event], kb: KnowledgeBase) -> dict[int, Slot]:
    """A slot for each sentence where the rules found no event, its main verb taken as the trigger: where
    an event the typing model adds finds its actors. Keyed by the sentence's first character."""
    taken = {e.start for e in events}
    reader = _Reader(ctx, kb)
    return {sent.start_char: reader.slot(Slot(sent.start_char, sent.root.idx, "", []), sent.root, sent)
            for sent in ctx.sentences if sent.start_char not in taken and sent.text.strip()}


class _Reader:
    """The options of slots of one article: the actors of each sentence are gathered once."""

    def __init__(self, ctx, kb: KnowledgeBase):
        self.ctx, self.kb = ctx, kb
        self.article = _article_actors(ctx, kb)
        self.quotes = [q for q in (ctx.quotes or ()) if q.kind == "direct"]
        self.actors: dict[int, list[tuple]] = {}
        self.routes: dict[tuple[int, int], tuple] = {}

    def route(self, trigger: Token | None, tok: Token | None) -> tuple | None:
        """The path between trigger and word (``path``), computed once per pair in the article."""
        if trigger is None or tok is None:
            return None
        key = (trigger.i, tok.i)
        if key not in self.routes:
            self.routes[key] = path(trigger, tok)
        return self.routes[key]

    def quoted(self, char: int) -> bool:
        return any(q.start <= char < q.end for q in self.quotes)

    def slot(self, slot: Slot, trigger: Token | None, sent: Span) -> Slot:
        if sent.start not in self.actors:
            self.actors[sent.start] = _sentence_actors(self.ctx, sent, self.kb, self.article)
        evs, etype = slot.events, slot.etype
        t_quoted = self.quoted(slot.trigger_start)
        occurrences: dict[str, tuple[ActorRef, list[tuple[Token | None, set[str]]]]] = {}
        for ref, tok, how in self.actors[sent.start]:
            occurrences.setdefault(ref.id, (ref, []))[1].append((tok, set(how)))
        for e in evs:
            for r in (e.source, e.target):
                if r is not None and r.id not in occurrences:
                    occurrences[r.id] = (r, [(None, {"default"})])
        # the occurrence nearest the trigger in the parse speaks for the actor, whatever the role
        routes = {}
        for rid, (_, occ) in occurrences.items():
            found = [(o, self.route(trigger, o[0])) for o in occ]
            routes[rid] = min(found, key=lambda x: _closeness(x[1]))
        attributed = {e.attributed_to.id for e in evs if e.attributed_to is not None}
        for role in ROLES:
            other = "target" if role == "source" else "source"
            chosen = {getattr(e, role).id for e in evs if getattr(e, role) is not None}
            chosen_other = {getattr(e, other).id for e in evs if getattr(e, other) is not None}
            opts = []
            for rid, (ref, occ) in occurrences.items():
                (tok, _), route = routes[rid]
                how = set().union(*(o[1] for o in occ))
                how |= {"rule_this"} if rid in chosen else set()
                how |= {"rule_other"} if rid in chosen_other else set()
                how |= {"attributed"} if rid in attributed else set()
                if len(occ) > 1:
                    how.add("repeated")
                opts.append(Option(ref, option_features(etype, trigger, tok, ref, how,
                                                        tok is not None and self.quoted(tok.idx), t_quoted, route)))
            none_how = {"rule_this"} if any(getattr(e, role) is None for e in evs) else set()
            opts.append(Option(None, option_features(etype, trigger, None, None, none_how, False, t_quoted)))
            slot.options[role] = opts
        return slot


def _closeness(route: tuple | None) -> int:
    if route is None:
        return 99
    rise, fall, top = route
    return len(rise) + len(fall) if top is not None else 98


def _sentence_actors(ctx, sent: Span, kb: KnowledgeBase,
                     article: list[tuple[ActorRef, None, tuple[str, ...]]]) -> list[tuple]:
    """The actors a sentence may mean, each occurrence with its head word (None when it has none in the
    sentence): the resolved mentions, the pronouns the antecedent lookup answers for, the states a
    nationality word names ("Russian jets"), the actors of the sentence before (its subject marked),
    and the article's most named actors and its country (often left unsaid as who acts or is acted on)."""
    doc = ctx.doc
    out = []
    for m in ctx.covering:
        if sent.start <= m.token_start < sent.end:
            out.append((m.ref, doc[m.token_start:m.token_end].root, ("mention",)))
    for tok in sent:
        if tok.i in ctx.by_token:
            continue
        if tok.lower_ in _PRONOUNS:
            m = antecedent(doc, tok)
            if m is not None:
                out.append((m.ref, tok, ("pronoun",)))
        elif tok.ent_type_ == "NORP":
            country = kb.demonym(tok.text)
            state = kb.state(country) if country else None
            if state is not None:
                out.append((ref_for(state, tok.text), tok, ("demonym",)))
    idx = next((i for i, s in enumerate(ctx.sentences) if s.start == sent.start), 0)
    if idx > 0:
        prev = ctx.sentences[idx - 1]
        subj = next((c for c in prev.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        for m in ctx.covering:
            if prev.start <= m.token_start < prev.end:
                root = doc[m.token_start:m.token_end].root
                out.append((m.ref, root, ("prev_subject",) if subj is not None and root.i == subj.i else ("prev_sentence",)))
    return out + article


def _article_actors(ctx, kb: KnowledgeBase) -> list[tuple[ActorRef, None, tuple[str, ...]]]:
    """The article's three most named actors, and the state of its country."""
    counts = Counter(m.ref.id for m in ctx.covering)
    first = {}
    for m in ctx.covering:
        first.setdefault(m.ref.id, m.ref)
    out = [(first[rid], None, (f"article_top{k}",)) for k, (rid, _) in enumerate(counts.most_common(3), 1)]
    state = kb.state(ctx.focus) if ctx.focus else None
    if state is not None:
        out.append((ref_for(state, ""), None, ("focus",)))
    return out


class Ranker:
    """The two role models, and how a slot's events are rebuilt from their scores."""

    def __init__(self, source: LinearModel, target: LinearModel, also_at: float = 0.5):
        self.models = {"source": source, "target": target}
        #: a second (third ...) actor of a role is kept when it is this likely: "China, Russia and Cuba"
        self.also_at = also_at

    def probabilities(self, role: str, options: list[Option]) -> list[float]:
        model = self.models[role]
        k = model.classes.index(YES)
        return [float(p[k]) for p in model.scores_many([o.features for o in options])]

    def chosen(self, role: str, options: list[Option]) -> list[ActorRef | None]:
        ps = self.probabilities(role, options)
        order = sorted(range(len(options)), key=lambda i: -ps[i])
        best = order[0]
        if options[best].ref is None:
            return [None]
        return [options[i].ref for i in order if i == best or (ps[i] >= self.also_at and options[i].ref is not None)]

    def rebuild(self, slot: Slot) -> list[tuple[Event, Event]]:
        """The slot's events with the chosen actors, each with the rule event it is made from: the one
        with the same actors, or else the first, which gives everything else (status, date, place)."""
        sources = self.chosen("source", slot.options["source"])
        targets = self.chosen("target", slot.options["target"])
        out = []
        for s in sources:
            for t in [t for t in targets if t is None or s is None or t.id != s.id] or [None]:
                same = next((e for e in slot.events if _id(e.source) == _id(s) and _id(e.target) == _id(t)), None)
                if same is not None:
                    out.append((same, same))
                    continue
                base = slot.events[0]
                eid = hashlib.blake2b(f"{base.event_id}|{_id(s)}|{_id(t)}".encode(), digest_size=8).hexdigest()
                out.append((replace(base, event_id=eid, source=s, target=t), base))
        return out


def _id(ref: ActorRef | None) -> str | None:
    return ref.id if ref is not None else None
