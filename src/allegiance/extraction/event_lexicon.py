"""The event lexicon: types, triggers and cue words, read from ``data/events/*.yaml``.

Kept apart from the extractor so the vocabulary can be loaded, extended (``--triggers``) and
checked on its own: a phrase is matched as the tokenizer splits it, and a file naming a type that
does not exist is refused on load rather than silently matching nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parents[1] / "data" / "events"


@dataclass(frozen=True)
class Trigger:
    words: tuple[str, ...]
    type: str
    pos: str | None = None
    needs: str | None = None
    if_source: tuple[tuple[str, str], ...] = ()
    mode: str | None = None
    weight: float = 0.7
    #: the phrase says the opposite of its type ("rule out" a threat): negated <-> occurred
    invert: bool = False
    #: the phrase is said of the clause's subject ("Maduro is the legitimate president"): the subject is
    #: the target and whoever says it is the source
    predicate: bool = False
    #: the phrase is what a speaker says ("grave consequences", "must step down"): the saying is the
    #: event, so it occurred whatever tense the words are in, and the speaker is the source
    content: bool = False
    plover: str | None = None
    #: an agent noun ("protesters"): an event only where those it names act, as the subject of their
    #: clause; "the deaths of protesters" reports no protest
    agent: bool = False
    #: aid meant for a population: a country named as the recipient stands for its people
    to_people: bool = False
    #: the verb names the act only without a direct object: "demonstrate a desire" shows one
    intransitive: bool = False
    #: only with a target of these kinds: praise of a leader is support, praise of a plan is not
    target_kinds: tuple[str, ...] = ()
    #: the phrase says who is held to account ("holds him responsible", "Maduro is the one responsible"):
    #: that one is the target; whoever holds them so, or says it, the source
    held: bool = False
    #: a hostile noun whose own actor is the accused: "American meddling" accuses the United States
    accused_owner: bool = False
    #: a noun whose "of" phrase names who acts ("the loyalty of the armed forces"); whoever holds it,
    #: the subject of the verb it is the object of, is the target ("Maduro retains the loyalty of ...")
    of_source: bool = False
    #: a direct object, when the verb has one, must be an actor: "fight imperialism" is a figure of speech
    actor_object: bool = False
    #: the type when no target is of `target_kinds`: praise of a leader supports them, praise of a plan
    #: approves it
    otherwise: str | None = None


@dataclass(frozen=True)
class TypeSpec:
    plover: str
    mode: str | None
    context: str | None
    target_preps: tuple[str, ...]
    speech_act: bool
    crisis: bool = False
    default_target: str | None = None
    #: the group (knowledge-base id) that acts when the text names nobody, or only a nationality
    default_source: str | None = None
    #: the type this one becomes when its target is civilians (force used on civilians is repression)
    against_civilians: str | None = None
    #: the type when civilians or the unarmed opposition act (their clash with police is a protest)
    by_civilians: str | None = None
    #: the type when the head of state acts (a coup by the incumbent is a self-coup)
    by_ruler: str | None = None
    #: the type when planning or discussion words govern it (a discussed overthrow is a plot)
    when_plotted: str | None = None
    #: the group (knowledge-base id) through which a state does this: a government represses through
    #: its security forces
    state_acts_through: str | None = None
    #: the type when the leader's own officials or forces do it: they pledge loyalty, states recognise
    by_own_forces: str | None = None
    #: what it gives can be sought or received: the subject of a receiving verb is its target
    received: bool = False
    #: the group (knowledge-base id) it is done to at a protest when the text names nobody, or only
    #: "people": force used at a protest is used on the protesters
    at_protest: str | None = None
    #: the PLOVER event when the act is intended, promised or offered, not done: PLOVER codes a
    #: cooperative act in the future as a statement of intent (AGREE)
    plover_when_planned: str | None = None
    #: the PLOVER event when the act is announced on a condition ("will impose sanctions unless ..."):
    #: a hostile act held over someone is a threat
    plover_when_conditional: str | None = None
    #: the PLOVER event when the act is refused or denied: refusing to cooperate is a rejection (REJECT)
    plover_when_negated: str | None = None
    #: the type when a verb of stopping governs it (`cues.yaml` `arguments.stopping_verbs`): suspended aid
    #: or broken-off talks reduce relations
    when_stopped: str | None = None
    #: the type when what it accepts is a demand (`cues.yaml` `arguments.demand_nouns`): agreeing to the
    #: strikers' demands is a concession
    when_yielding: str | None = None


@dataclass
class Lexicon:
    types: dict[str, TypeSpec]
    by_first: dict[str, list[Trigger]]
    cues: dict
    #: phrases whose words never trigger an event, indexed by first word
    ignore: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def load(cls, *extra: Path) -> Lexicon:
        types = {
            name: TypeSpec(s["plover"], s.get("mode"), s.get("context"), tuple(s.get("target_preps") or ()),
                           bool(s.get("speech_act")), bool(s.get("crisis")), s.get("default_target"),
                           s.get("default_source"), s.get("against_civilians"), s.get("by_civilians"),
                           s.get("by_ruler"), s.get("when_plotted"), s.get("state_acts_through"),
                           s.get("by_own_forces"), bool(s.get("received")), s.get("at_protest"),
                           s.get("plover_when_planned"), s.get("plover_when_conditional"), s.get("plover_when_negated"),
                           s.get("when_stopped"), s.get("when_yielding"))
            for name, s in yaml.safe_load((DATA / "types.yaml").read_text(encoding="utf-8")).items()
        }
        by_first: dict[str, list[Trigger]] = {}
        ignore: dict[str, list[tuple[str, ...]]] = {}
        for path in (DATA / "triggers.yaml", *extra):
            spec = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
            if not isinstance(spec, dict):
                raise ValueError(f"{path}: expected a mapping of event types to lists of phrases")
            for phrase in spec.pop("IGNORE", None) or []:
                words = phrase_words(phrase)
                ignore.setdefault(words[0], []).append(words)
            for etype, entries in spec.items():
                if etype not in types:
                    raise ValueError(f"{path}: unknown event type {etype!r}")
                if not isinstance(entries, list):
                    raise ValueError(f"{path}: {etype} must list phrases")
                for e in entries:
                    e = {"phrase": e} if isinstance(e, str) else e
                    if not isinstance(e, dict) or not phrase_words(e.get("phrase", "")):
                        raise ValueError(f"{path}: {etype}: an entry without a phrase: {e!r}")
                    words = phrase_words(e["phrase"])
                    trig = Trigger(words, etype, e.get("pos"), e.get("needs"),
                                   tuple((e.get("if_source") or {}).items()), e.get("mode"), float(e.get("weight", 0.7)),
                                   bool(e.get("invert")), bool(e.get("predicate")), bool(e.get("content")),
                                   e.get("plover"), bool(e.get("agent")), bool(e.get("to_people")),
                                   bool(e.get("intransitive")), tuple(e.get("target_kinds") or ()),
                                   bool(e.get("held")), bool(e.get("accused_owner")), bool(e.get("of_source")),
                                   bool(e.get("actor_object")), e.get("otherwise"))
                    for other in (trig.otherwise, *dict(trig.if_source).values()):
                        if other is not None and other not in types:
                            raise ValueError(f"{path}: {e['phrase']!r} names an unknown event type {other!r}")
                    by_first.setdefault(words[0], []).append(trig)
        for trigs in by_first.values():
            trigs.sort(key=lambda t: -len(t.words))
        cues = yaml.safe_load((DATA / "cues.yaml").read_text(encoding="utf-8"))
        for name, spec in types.items():
            _check_words(spec.target_preps, f"types.yaml {name}")
        for section in cues.values():
            for key, words in section.items():
                _check_words(words, f"cues.yaml {key}")
        return cls(types, by_first, cues, ignore)


def phrase_words(phrase) -> tuple[str, ...]:
    """A lexicon phrase as the words the tokenizer makes of it: lower-cased, with the hyphen inside a
    word standing alone ("sit-in" is read as "sit - in", so it can match at all)."""
    text = re.sub(r"(?<=\w)-(?=\w)", " - ", str(phrase).replace("’", "'").lower())
    return tuple(text.split())


def _check_words(words, where: str) -> None:
    """YAML reads a bare on/no/yes as a boolean: catch it instead of silently matching nothing."""
    bad = [w for w in words if not isinstance(w, str)]
    if bad:
        raise ValueError(f"{where}: {bad} are not words; quote them (YAML reads on/no/yes as booleans)")


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon.load()


LEXICONS = Path(__file__).parents[1] / "data" / "lexicons"


@lru_cache(maxsize=1)
def hostile_terms() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Hostile loaded terms (data/lexicons/loaded.yaml), indexed by first word, longest first."""
    spec = yaml.safe_load((LEXICONS / "loaded.yaml").read_text(encoding="utf-8"))
    skip = {str(t).lower() for t in spec.get("not_accusations") or []}
    index: dict[str, list[tuple[str, ...]]] = {}
    for cat in spec["categories"].values():
        if cat.get("hostile"):
            for term in cat["terms"]:
                if str(term).lower() in skip:
                    continue
                words = phrase_words(term)
                index.setdefault(words[0], []).append(words)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}


def crisis_types() -> set[str]:
    return {name for name, spec in default_lexicon().types.items() if spec.crisis}
