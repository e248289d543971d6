"""Known news outlets, by every name they sign with."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parents[1] / "data"


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return re.sub(r"\s+", " ", "".join(c for c in s if not unicodedata.combining(c))).strip().lower()


@dataclass
class Outlet:
    name: str
    wire: bool


class Outlets:
    """Known outlets by every name they sign with."""

    def __init__(self, entries: list[dict]):
        self.by_name: dict[str, Outlet] = {}
        for e in entries:
            outlet = Outlet(e["name"], bool(e.get("wire")))
            for alias in [e["name"], *(e.get("aliases") or [])]:
                key = _fold(alias)
                self.by_name[key] = outlet
                if key.startswith("the "):
                    self.by_name[key[4:]] = outlet

    @classmethod
    def load(cls, *extra: Path) -> Outlets:
        entries: list[dict] = []
        for path in (DATA / "outlets.yaml", *extra):
            entries += yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
        return cls(entries)

    def find(self, text: str) -> Outlet | None:
        key = _fold(text).strip(" .,'’")
        key = re.sub(r"['’]s?$", "", key).strip()
        return self.by_name.get(key) or (self.by_name.get(key[4:]) if key.startswith("the ") else None)


    def find_prefix(self, text: str) -> Outlet | None:
        """The longest leading run of words that names an outlet ("Fox News Sunday" -> Fox News)."""
        ws = text.split()
        for n in range(len(ws), 0, -1):
            found = self.find(" ".join(ws[:n]))
            if found:
                return found
        return None


@lru_cache(maxsize=1)
def default_outlets() -> Outlets:
    return Outlets.load()
