"""The event lexicon: types, triggers and cue words, read from ``data/events/*.yaml``.

Kept apart from the extractor so the vocabulary can be loaded, extended (``--triggers``) and
checked on its own: a phrase is matched as the tokenizer splits it, and a file naming a type that
does not exist is refused on load rather than silently matching nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from allegiance.extraction.wordlists import phrase_words

DATA = Path(__file__).parents[2] / "data" / "events"


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
    #: the phrase says who is held to account ("holds him responsible", "the general is the one responsible"):
    #: that one is the target; whoever holds them so, or says it, the source
    held: bool = False
    #: a hostile noun whose own actor is the accused: "American meddling" accuses the United States
    accused_owner: bool = False
    #: a noun whose "of" phrase names who acts ("the loyalty of the army"); whoever holds it,
    #: the subject of the verb it is the object of, is the target ("the general keeps the loyalty of ...")
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


@dataclass(frozen=True)
class Cues:
    """The cue words of ``cues.yaml`` (matched on lemmas), read once and handed to every stage that
    tests words against them: the events stage and the quotes stage read the same verbs of saying."""

    #: verbs governing an event that deny or refuse it ("refused to", "stopped short of")
    negation_verbs: frozenset[str]
    #: words that deny what they modify, and nouns of intent: read by the learned status features
    negation_particles: frozenset[str]
    plan_nouns: frozenset[str]
    modals: frozenset[str]
    #: verbs governing an event that say it is intended
    plan_verbs: frozenset[str]
    conditionals: frozenset[str]
    conditions: frozenset[str]
    report_verbs: frozenset[str]
    report_phrases: tuple[str, ...]
    #: verbs that introduce speech: the reporting verbs and the others that introduce a quotation
    speech_verbs: frozenset[str]
    not_agent_verbs: frozenset[str]
    spokesperson_titles: frozenset[str]
    state_groups: frozenset[str]
    characterizing: frozenset[str]
    light_nouns: frozenset[str]
    plotting_words: frozenset[str]
    accusing_verbs: frozenset[str]
    answering_verbs: frozenset[str]
    receiving_verbs: frozenset[str]
    collective_nouns: frozenset[str]
    stopping_verbs: frozenset[str]
    demand_nouns: frozenset[str]
    carrier_nouns: frozenset[str]
    undergoing_verbs: frozenset[str]
    topic_preps: frozenset[str]
    #: prepositions whose object only sets the scene (a time, a topic) rather than taking part
    setting_preps: frozenset[str]

    @classmethod
    def read(cls, spec: dict) -> Cues:
        for section in spec.values():
            for key, words in section.items():
                _check_words(words, f"cues.yaml {key}")
        args, reported = spec["arguments"], spec["reported"]

        def words(section: dict, key: str) -> frozenset[str]:
            return frozenset(section[key])

        return cls(
            negation_verbs=words(spec["negation"], "verbs"), modals=words(spec["planned"], "modals"),
            negation_particles=words(spec["negation"], "particles"), plan_nouns=words(spec["planned"], "nouns"),
            plan_verbs=words(spec["planned"], "verbs"), conditionals=words(spec["planned"], "conditionals"),
            conditions=words(spec["planned"], "conditions"), report_verbs=words(reported, "verbs"),
            report_phrases=tuple(p.lower() for p in reported["phrases"]),
            speech_verbs=words(reported, "verbs") | words(reported, "speech_verbs"),
            not_agent_verbs=words(args, "not_agent_verbs"), spokesperson_titles=words(args, "spokesperson_titles"),
            state_groups=words(args, "state_groups"), characterizing=words(args, "characterizing_verbs"),
            light_nouns=words(args, "light_nouns"), plotting_words=words(args, "plotting_words"),
            accusing_verbs=words(args, "accusing_verbs"), answering_verbs=words(args, "answering_verbs"),
            receiving_verbs=words(args, "receiving_verbs"), collective_nouns=words(args, "collective_nouns"),
            stopping_verbs=words(args, "stopping_verbs"), demand_nouns=words(args, "demand_nouns"),
            carrier_nouns=words(args, "carrier_nouns"), undergoing_verbs=words(args, "undergoing_verbs"),
            topic_preps=words(args, "topic_preps"),
            setting_preps=words(args, "setting_preps") | words(args, "topic_preps"))


@dataclass
class Lexicon:
    types: dict[str, TypeSpec]
    by_first: dict[str, list[Trigger]]
    cues: Cues
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
        for name, spec in types.items():
            _check_words(spec.target_preps, f"types.yaml {name}")
        cues = Cues.read(yaml.safe_load((DATA / "cues.yaml").read_text(encoding="utf-8")))
        return cls(types, by_first, cues, ignore)


def _check_words(words, where: str) -> None:
    """YAML reads a bare on/no/yes as a boolean: catch it instead of silently matching nothing."""
    bad = [w for w in words if not isinstance(w, str)]
    if bad:
        raise ValueError(f"{where}: {bad} are not words; quote them (YAML reads on/no/yes as booleans)")


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon.load()


def crisis_types() -> set[str]:
    return {name for name, spec in default_lexicon().types.items() if spec.crisis}
