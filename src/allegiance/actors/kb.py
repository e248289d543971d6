"""The actor knowledge base: who is who, under every name the press uses.

Actors live in YAML files (``data/actors/*.yaml``) that users extend with
their own (``--kb extra.yaml`` or the ``ALLEGIANCE_KB`` environment variable,
several paths separated by ``:``). A user entry with an existing id is merged
over the built-in one: its scalar fields replace, its lists (aliases, roles,
affiliations) extend. Every state missing from the files is filled in from
pycountry, so any country can be an actor. A key the loader does not know is
an error naming the file, the entry and the key, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pycountry
import yaml
from rapidfuzz import fuzz, process

DATA = Path(__file__).parents[1] / "data" / "actors"
KINDS = ("person", "organisation", "state", "group")
ENV_VAR = "ALLEGIANCE_KB"

_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
TITLES_FILE = Path(__file__).parents[1] / "data" / "titles.yaml"
#: libyaml's loader reads the same YAML as PyYAML's own, ten times faster: the built-in knowledge base took
#: 1.6 s to parse in pure Python, paid by every command that names actors.
_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "Nicolás Maduro" == "nicolas maduro"."""
    text = unicodedata.normalize("NFKD", text.translate(_APOS))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"(?<=\b\w)\.(?=\w\b|\s|$)", "", text)  # U.S. -> us, D.C. -> dc
    text = re.sub(r"[^\w' -]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.removeprefix("the ")


@lru_cache(maxsize=1)
def _titles_spec() -> dict:
    """data/titles.yaml, read once for both the synonyms and the shared titles."""
    return yaml.load(TITLES_FILE.read_text(encoding="utf-8"), Loader=_YAML) or {}


@lru_cache(maxsize=1)
def title_synonyms() -> list[tuple[str, str, re.Pattern]]:
    """(variant, canonical, pattern) triples from data/titles.yaml, longest variant first."""
    pairs = [(fold(v), fold(canonical)) for canonical, variants in _titles_spec().items() if canonical != "shared"
             for v in variants or []]
    return [(v, c, re.compile(rf"\b{re.escape(v)}\b")) for v, c in sorted(pairs, key=lambda p: -len(p[0]))]


@lru_cache(maxsize=1)
def shared_titles() -> frozenset[str]:
    """Titles many people hold at once (data/titles.yaml `shared`)."""
    return frozenset(fold(t) for t in _titles_spec().get("shared") or [])


@lru_cache(maxsize=65536)
def fold_title(title: str) -> str:
    """A title in the knowledge base's words: "Minister of Foreign Affairs" -> "foreign minister"."""
    t = fold(title)
    for variant, canonical, pattern in title_synonyms():
        if variant in t:
            t = pattern.sub(canonical, t)
    return t


class KBError(ValueError):
    """A knowledge-base file is malformed; the message names the file and entry."""


def _date(value, end: bool = False) -> dt.date | None:
    """A role boundary given as YYYY, YYYY-MM or YYYY-MM-DD; an end date covers its whole year or month."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    s = str(value)
    parts = s.split("-")
    try:
        if len(parts) == 1:
            return dt.date(int(parts[0]), 12, 31) if end else dt.date(int(parts[0]), 1, 1)
        if len(parts) == 2:
            y, m = int(parts[0]), int(parts[1])
            if end:
                nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
                return nxt - dt.timedelta(days=1)
            return dt.date(y, m, 1)
        return dt.date.fromisoformat(s)
    except ValueError as exc:
        raise KBError(f"bad date {s!r}") from exc


@dataclass(frozen=True)
class Role:
    title: str
    country: str | None = None
    org: str | None = None
    sector: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    #: where a diplomat serves (a state or organisation id): the ambassador to the UN and the one to
    #: Russia hold the same title for the same country, but not the same office
    posted_to: str | None = None

    def holds_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


#: days after leaving an office during which a vacant office's title still names its last holder
_RECENTLY_LEFT = 7


@dataclass
class Actor:
    id: str
    name: str
    kind: str
    country: str | None = None
    sectors: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    wikidata: str | None = None
    demonyms: list[str] = field(default_factory=list)
    metonyms: list[str] = field(default_factory=list)
    capital: str | None = None
    #: for a national body: the generic group it is, in its country ("military", "police")
    group: str | None = None

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


_SCALARS = ("name", "kind", "country", "wikidata", "capital", "group")
_LISTS = ("sectors", "aliases", "affiliations", "demonyms", "metonyms")
#: Keys for the people who edit the files (why an entry is so, what an office is called locally);
#: the pipeline reads neither, but they are known, so a misspelt key is still caught.
_NOTES = ("note", "local_title")
_ENTRY_KEYS = frozenset({"id", "roles", "note", *_SCALARS, *_LISTS})
_ROLE_KEYS = frozenset({"title", "country", "org", "sector", "from", "to", "posted_to", *_NOTES})


def _unknown_keys(record: dict, known: frozenset[str]) -> list[str]:
    return sorted(str(k) for k in record if k not in known)


def _parse_entry(entry: dict, where: str) -> dict:
    if not isinstance(entry, dict) or not entry.get("id"):
        raise KBError(f"{where}: every entry needs an 'id'")
    unknown = _unknown_keys(entry, _ENTRY_KEYS)
    if unknown:  # a misspelt key would otherwise be dropped without a word
        raise KBError(f"{where}: {entry['id']} has unknown key(s) {', '.join(map(repr, unknown))}")
    out = {k: entry[k] for k in _SCALARS if k in entry}
    for k in _LISTS:
        if k in entry:
            value = entry[k] or []
            if not isinstance(value, list):
                raise KBError(f"{where}: '{k}' of {entry['id']} must be a list")
            out[k] = [str(v) for v in value]
    if "kind" in out and out["kind"] not in KINDS:
        raise KBError(f"{where}: {entry['id']} has kind {out['kind']!r}; expected one of {', '.join(KINDS)}")
    roles = []
    for r in entry.get("roles") or []:
        unknown = _unknown_keys(r, _ROLE_KEYS) if isinstance(r, dict) else []
        if unknown:
            raise KBError(f"{where}: a role of {entry['id']} has unknown key(s) {', '.join(map(repr, unknown))}")
        try:
            roles.append(Role(
                title=fold_title(str(r["title"])), country=r.get("country"), org=r.get("org"), sector=r.get("sector"),
                start=_date(r.get("from")), end=_date(r.get("to"), end=True), posted_to=r.get("posted_to"),
            ))
        except (KeyError, TypeError, KBError) as exc:
            raise KBError(f"{where}: a role of {entry['id']} is malformed ({exc})") from exc
    if roles:
        out["roles"] = roles
    return out


class KnowledgeBase:
    def __init__(self) -> None:
        self.actors: dict[str, Actor] = {}
        self._aliases: dict[str, set[str]] = defaultdict(set)
        self._acronyms: dict[str, set[str]] = defaultdict(set)
        self.metonyms: dict[str, str] = {}
        self.demonyms: dict[str, str] = {}
        self.national: dict[tuple[str, str], str] = {}
        self.titles: set[str] = set()
        self._choices: dict[str, str] = {}
        #: fuzzy lookups already made: the same unknown names recur in every article of a crisis
        self._fuzzy_seen: dict[tuple[str, float], str | None] = {}
        #: (where, actor id, posted_to) of every posting read, checked once all actors are known
        self._postings: list[tuple[str, str, str]] = []

    # -- loading ----------------------------------------------------------------

    @classmethod
    def load(cls, *extra: str | Path, builtin: bool = True) -> KnowledgeBase:
        kb = cls()
        files = sorted(DATA.glob("*.yaml")) if builtin else []
        env = [p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
        for path in [*files, *env, *extra]:
            kb.add_file(Path(path))
        kb._fill_countries()
        kb._check_postings()
        kb._index()
        return kb

    def add_file(self, path: Path) -> None:
        try:
            entries = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML) or []
        except (OSError, yaml.YAMLError) as exc:
            raise KBError(f"cannot read knowledge-base file {path}: {exc}") from exc
        if not isinstance(entries, list):
            raise KBError(f"{path}: expected a list of actors")
        for i, entry in enumerate(entries, start=1):
            self.add(entry, f"{path} entry {i}")

    def add(self, entry: dict, where: str = "entry") -> None:
        data = _parse_entry(entry, where)
        self._postings += [(where, entry["id"], r.posted_to) for r in data.get("roles", []) if r.posted_to]
        existing = self.actors.get(entry["id"])
        if existing is None:
            if "name" not in data or "kind" not in data:
                raise KBError(f"{where}: new actor {entry['id']} needs 'name' and 'kind'")
            self.actors[entry["id"]] = Actor(id=entry["id"], **data)
            return
        for k, v in data.items():  # merge a user entry over the built-in one
            if k in _LISTS or k == "roles":
                setattr(existing, k, [*getattr(existing, k), *[x for x in v if x not in getattr(existing, k)]])
            else:
                setattr(existing, k, v)

    def _check_postings(self) -> None:
        for where, actor_id, post in self._postings:
            if post not in self.actors:
                raise KBError(f"{where}: a role of {actor_id} is posted_to {post!r}, which is no actor's id")
        self._postings.clear()

    def _fill_countries(self) -> None:
        for c in pycountry.countries:
            if c.alpha_3 not in self.actors:
                name = getattr(c, "common_name", None) or c.name
                self.actors[c.alpha_3] = Actor(
                    id=c.alpha_3, name=name, kind="state", country=c.alpha_3, sectors=["GOV"],
                    aliases=[n for n in {c.name, getattr(c, "official_name", c.name)} if n != name],
                )

    def _index(self) -> None:
        self._fuzzy_seen.clear()  # new names may be better matches than those remembered
        for actor in self.actors.values():
            for name in actor.names():
                key = fold(name)
                if not key:
                    continue
                compact = re.sub(r"[.\s]", "", name)
                if len(key.replace(" ", "")) <= 4 and compact.isupper():
                    self._acronyms[compact].add(actor.id)  # "US", "UN", "AU" are case-sensitive
                else:
                    self._aliases[key].add(actor.id)
                self._choices.setdefault(key, actor.id)
            for m in actor.metonyms:
                self.metonyms.setdefault(fold(m), actor.id)
            for d in actor.demonyms:
                self.demonyms.setdefault(fold(d), actor.country or actor.id)
            if actor.group and actor.country:
                self.national[(actor.group, actor.country)] = actor.id
            if actor.kind == "state" and actor.country:
                self.national.setdefault(("government", actor.country), actor.id)
            for role in actor.roles:
                self.titles.add(role.title)

    # -- lookups ----------------------------------------------------------------

    def __getitem__(self, actor_id: str) -> Actor:
        return self.actors[actor_id]

    def __contains__(self, actor_id: str) -> bool:
        return actor_id in self.actors

    def __len__(self) -> int:
        return len(self.actors)

    def lookup(self, text: str) -> list[Actor]:
        """Actors whose name or alias is exactly this text (folded); acronyms must match case."""
        compact = re.sub(r"[.\s]", "", text)
        ids = set(self._acronyms.get(compact, ())) | set(self._aliases.get(fold(text), ()))
        return sorted((self.actors[i] for i in ids), key=lambda a: (a.kind == "group", a.id))

    def metonym(self, text: str) -> Actor | None:
        actor_id = self.metonyms.get(fold(text))
        return self.actors.get(actor_id) if actor_id else None

    def demonym(self, word: str) -> str | None:
        """Country code for "Venezuelan", "Venezuela's", "Venezuela", else None."""
        key = fold(re.sub(r"['’]s?$", "", word))
        if key in self.demonyms:
            return self.demonyms[key]
        states = [a for a in self.lookup(re.sub(r"['’]s?$", "", word)) if a.kind == "state"]
        return states[0].country if states else None

    def state(self, country: str) -> Actor | None:
        return self.actors.get(country)

    def holders(self, title: str, country: str | None, on: dt.date | None, org: str | None = None) -> list[Actor]:
        """Who held a title (in a country or an organisation) on a day."""
        title = fold_title(title)
        if on is None:
            # without the article's date, only a title one person ever held is unambiguous
            ever = [a for a in self.actors.values() if any(
                r.title == title and (country is None or r.country == country) and r.org == org
                for r in a.roles)]
            return ever if len(ever) == 1 else []
        found, dated = [], []
        for actor in self.actors.values():
            for role in actor.roles:
                # without an organisation asked for, the title is the country's own office: "the Venezuelan
                # president" is the head of state, not the president of the electoral council
                if role.title == title and (country is None or role.country == country) and role.org == org \
                        and role.holds_on(on):
                    found.append(actor)
                    if role.start is not None:
                        dated.append(actor)
                    break
        if not found:
            # nobody holds it now: news a few days after someone left an office still names them by it
            # ("Venezuela's military attache has announced his defection")
            found = [a for a in self.actors.values() if any(
                r.title == title and (country is None or r.country == country) and r.org == org
                and r.end is not None and on - dt.timedelta(days=_RECENTLY_LEFT) <= r.end < on for r in a.roles)]
            return found if len(found) == 1 else []
        # a role the knowledge base knows the start of beats one whose dates are unknown
        return dated if on is not None and dated else found

    def fuzzy(self, text: str, cutoff: float = 90) -> Actor | None:
        """Best fuzzy match of a name (misspellings, transliterations) above the cutoff."""
        key = fold(text)
        if len(key) < 4:
            return None
        if (key, cutoff) not in self._fuzzy_seen:
            hit = process.extractOne(key, self._choices.keys(), scorer=fuzz.ratio, score_cutoff=cutoff)
            self._fuzzy_seen[key, cutoff] = self._choices[hit[0]] if hit else None
        found = self._fuzzy_seen[key, cutoff]
        return self.actors[found] if found is not None else None

    def search(self, query: str, limit: int = 20) -> list[tuple[Actor, float]]:
        """Actors for a free-text query, best first (for `allegiance actors QUERY`)."""
        key = fold(query)
        hits = process.extract(key, self._choices.keys(), scorer=fuzz.WRatio, limit=limit * 3)
        seen: dict[str, float] = {}
        for choice, score, _ in hits:
            actor_id = self._choices[choice]
            seen[actor_id] = max(seen.get(actor_id, 0), score)
        ranked = sorted(seen.items(), key=lambda kv: -kv[1])[:limit]
        return [(self.actors[i], s) for i, s in ranked]


@lru_cache(maxsize=8)
def load_kb(extra: tuple[str, ...] = ()) -> KnowledgeBase:
    return KnowledgeBase.load(*extra)
