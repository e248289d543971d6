"""What the analysis and the outputs know about event types and actor sectors, read from the data files.

Which types show a stance toward a contender, which are coups, what colour the report gives them, which
sectors make an actor part of the government or of the opposition: all of it lives in
``data/events/types.yaml`` and ``data/sectors.yaml``, so a new type or sector is an edit to data, not to
several modules. Both files are read once per process. A key this module does not know is an error
naming the file and the key: a misspelt flag would otherwise be silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"
TYPES_FILE = DATA / "events" / "types.yaml"
SECTORS_FILE = DATA / "sectors.yaml"

#: Keys of types.yaml that extraction reads (extraction/events/lexicon.py); accepted and ignored here.
_EXTRACTION_KEYS = frozenset({
    "crisis", "plover", "mode", "context", "target_preps", "speech_act", "default_target", "default_source",
    "against_civilians", "by_civilians", "by_ruler", "when_plotted", "state_acts_through", "by_own_forces",
    "received", "at_protest", "plover_when_planned", "plover_when_conditional", "plover_when_negated",
    "when_stopped", "when_yielding",
})
_TYPE_KEYS = frozenset({"allegiance", "coup", "coup_words", "key_event", "colour"})
_SECTOR_KEYS = frozenset({"label", "group", "camp", "international"})
_SECTORS_FILE_KEYS = frozenset({"sectors", "groups", "precedence"})
_STANCES = {"with": 1, "against": -1}


class OntologyError(ValueError):
    """A data file holds something this module cannot read: fatal, with the file and the key."""


@dataclass(frozen=True)
class EventType:
    name: str
    #: +1: the source stands with the target; -1: against; 0: the event says nothing of allegiance
    allegiance: int
    coup: bool
    #: words that make an event of this type, in its sentence, an accusation of a coup
    coup_words: tuple[str, ...]
    key_event: bool
    colour: str | None


@dataclass(frozen=True)
class Sector:
    code: str
    label: str
    group: str | None
    camp: str | None
    international: bool


@dataclass(frozen=True)
class Ontology:
    types: dict[str, EventType]
    sectors: dict[str, Sector]
    #: allegiance groups in display order
    groups: tuple[str, ...]
    group_precedence: tuple[str, ...]
    camp_precedence: tuple[str, ...]

    def type_names(self, **flags) -> list[str]:
        """Names of the types whose flags have these values, e.g. ``type_names(coup=True)``."""
        return [t.name for t in self.types.values() if all(getattr(t, k) == v for k, v in flags.items())]

    def allegiance_types(self) -> list[str]:
        return [t.name for t in self.types.values() if t.allegiance]

    def coup_accusations(self) -> dict[str, tuple[str, ...]]:
        return {t.name: t.coup_words for t in self.types.values() if t.coup_words}


def _unknown(path: Path, where: str, keys, known) -> None:
    extra = sorted(set(keys) - known)
    if extra:
        raise OntologyError(f"{path}: {where}: unknown key {extra[0]!r}")


def _read(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise OntologyError(f"{path}: expected a mapping")
    return data


def load_types(path: Path = TYPES_FILE) -> dict[str, EventType]:
    types = {}
    for name, spec in _read(path).items():
        if not isinstance(spec, dict):
            raise OntologyError(f"{path}: {name}: expected a mapping of keys")
        _unknown(path, name, spec, _EXTRACTION_KEYS | _TYPE_KEYS)
        stance = spec.get("allegiance")
        if stance is not None and stance not in _STANCES:
            raise OntologyError(f"{path}: {name}: allegiance must be one of {', '.join(_STANCES)}, not {stance!r}")
        types[name] = EventType(name, _STANCES.get(stance, 0), bool(spec.get("coup")),
                                tuple(str(w).lower() for w in spec.get("coup_words") or ()),
                                bool(spec.get("key_event")), spec.get("colour"))
    return types


def load_sectors(path: Path = SECTORS_FILE) -> tuple[dict[str, Sector], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    data = _read(path)
    _unknown(path, "top level", data, _SECTORS_FILE_KEYS)
    groups = tuple(data.get("groups") or ())
    sectors = {}
    for code, spec in (data.get("sectors") or {}).items():
        _unknown(path, code, spec, _SECTOR_KEYS)
        if spec.get("group") is not None and spec["group"] not in groups:
            raise OntologyError(f"{path}: {code}: group {spec['group']!r} is not one of the listed groups")
        sectors[code] = Sector(code, spec.get("label", code), spec.get("group"), spec.get("camp"),
                               bool(spec.get("international")))
    precedence = data.get("precedence") or {}
    _unknown(path, "precedence", precedence, {"group", "camp"})
    group_order = tuple(precedence.get("group") or ())
    camp_order = tuple(precedence.get("camp") or ())
    for code, s in sectors.items():
        if s.group and s.group not in group_order:
            raise OntologyError(f"{path}: {code}: group {s.group!r} has no place in precedence.group")
        if s.camp and s.camp not in camp_order:
            raise OntologyError(f"{path}: {code}: camp {s.camp!r} has no place in precedence.camp")
    return sectors, groups, group_order, camp_order


@lru_cache(maxsize=1)
def ontology() -> Ontology:
    sectors, groups, group_order, camp_order = load_sectors()
    return Ontology(load_types(), sectors, groups, group_order, camp_order)
