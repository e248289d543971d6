"""Strip site furniture from article text while keeping every article paragraph intact.

The cleaner works line by line inside blank-line separated blocks, because
that is the structure copied web pages keep: captions sit in a block with
their photo credit, bylines and datelines sit in the header before the first
real paragraph, teasers for other stories are headline-shaped lines dropped
among paragraphs. Every dropped line is returned with its role so the
metadata stage can read bylines, datelines and signatures from it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from allegiance.parsing.temporal import MONTH_PATTERN
from allegiance.reading.outlets import Outlets, default_outlets

DATA = Path(__file__).parents[1] / "data"

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_TERMINAL = re.compile(r"[.!?:;…\"”’')\]]$")
_LETTER = re.compile(r"[^\W\d_]")
_WEEKDAYS = "mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
#: A line that is only a date (and maybe a time, "Updated:", a zone): a dateline.
DATELINE = re.compile(
    rf"^(?:(?:published|posted|updated|last updated)[: ]+)?(?:(?:{_WEEKDAYS}),? )?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)? (?:{MONTH_PATTERN})\.?,? \d{{4}}|(?:{MONTH_PATTERN})\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    rf"(?:[ ,|•·-]+.*?)?$",
    re.IGNORECASE,
)
_DATE_WORDS = re.compile(rf"\b(?:{MONTH_PATTERN}|{_WEEKDAYS}|updated|published|posted|gmt|utc|[ap]\.?m\.?|e[sd]t|bst|cet)\b\.?|\d+[:.,]?", re.I)
BYLINE = re.compile(r"^[Bb][Yy]\s+(?P<author>[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|da|del|van|von|la|and|&|,)){1,6})\s*$")
#: "CARACAS (Reuters) -", "WASHINGTON --": the start of a lead paragraph, not a headline.
_LEAD_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]+(?:\([^)]*\))?\s*(?:-{1,2}|–|—)\s")
_NAME = re.compile(r"^[A-Z][a-z'’.-]+(?:\s+(?:[A-Z][a-z'’.-]+|[A-Z]\.|de|da|del|van|von|la|bin|al)){1,3}$")
_STOP_NAME = {"The", "A", "An", "In", "On", "No", "Why", "How", "What", "When", "Where", "Who", "This", "That"}
#: A link some sites put after a name: the person's full name glued to headlines of other stories,
#: closed by "MORE" ("... Rex Tillerson Rex Wayne TillersonSteve Schmidt: '...' ... MORE"). The glue
#: (a lower-case letter run straight into a capital) is where the name ends and the teasers begin.
_INLINE_TEASER = re.compile(r"(?P<surname>[A-Z][a-z'’-]*[a-z])(?=[A-Z][\w'’-]*\s)[^\n]{0,600}?\sMORE\b")


#: Longest line that can be site furniture (a byline, a "Read more", a copyright notice). Longer lines are
#: paragraphs; matching the patterns against them is wasted, and on a multi-megabyte line takes minutes.
FURNITURE_CHARS = 1_000


@dataclass
class Furniture:
    credits: list[re.Pattern]
    lines: list[tuple[str, re.Pattern]]
    outlets: Outlets = field(default_factory=default_outlets)

    @classmethod
    def load(cls, *paths: Path) -> Furniture:
        credits: list[re.Pattern] = []
        lines: list[tuple[str, re.Pattern]] = []
        for path in (DATA / "furniture.yaml", *paths):
            spec = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
            credits += [re.compile(p, re.IGNORECASE) for p in spec.get("credit", [])]
            lines += [(item["role"], re.compile(item["pattern"], re.IGNORECASE)) for item in spec.get("lines", [])]
        return cls(credits, lines)

    def role_of(self, line: str) -> tuple[str, re.Match] | None:
        if len(line) > FURNITURE_CHARS:
            return None
        for role, pattern in self.lines:
            m = pattern.fullmatch(line)
            if m:
                return role, m
        return None

    def is_masthead(self, line: str) -> bool:
        return len(line) < 60 and self.outlets.find(line) is not None

    def is_credit(self, line: str) -> bool:
        # credits stand at the end of a line; looking at the tail keeps long paragraphs cheap
        tail = line[-120:]
        return any(p.search(tail) for p in self.credits)


@lru_cache(maxsize=1)
def default_furniture() -> Furniture:
    return Furniture.load()


@dataclass
class Removed:
    line: str
    role: str
    groups: dict[str, str] = field(default_factory=dict)


@dataclass
class Cleaned:
    text: str
    #: the first kept line when it is shaped like a headline, else None
    title: str | None
    #: dropped lines in reading order, with what each was
    removed: list[Removed]
    #: whether a line was in the header zone when dropped (index into removed)
    header_lines: int = 0


def normalise(text: str) -> str:
    """Unicode-normalise and unify whitespace; offsets are taken after this."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def words(line: str) -> list[str]:
    return line.split()


def is_dateline(line: str) -> bool:
    if len(words(line)) > 14 or not DATELINE.match(line):
        return False
    rest = _DATE_WORDS.sub(" ", line)
    return len(re.findall(r"[A-Za-z]{2,}", rest)) <= 2


def is_name_line(line: str) -> bool:
    return bool(_NAME.match(line)) and line.split()[0] not in _STOP_NAME


def _title_shaped(line: str) -> bool:
    """A headline: a few words, not a sentence, not a city dateline or an editor's note."""
    n = len(words(line))
    return 3 <= n <= 30 and not re.search(r"[.:]$", line) and not line.startswith("(") and not _LEAD_DATELINE.match(line)


def _is_body(line: str) -> bool:
    return len(words(line)) >= 12 and bool(_TERMINAL.search(line))


def _headline_shaped(line: str) -> bool:
    """A teaser for another story: a headline-length line with no sentence end."""
    ws = words(line)
    if len(ws) < 6 or _TERMINAL.search(line):
        return False
    if line.isupper() and len(ws) >= 4:
        return True
    return all(w[:1].isupper() for w in ws[:3])


def strip_inline_teasers(line: str) -> tuple[str, list[str]]:
    """The line without the teaser links inside it, and the removed texts. The link repeats the name
    the sentence has just given ("President Trump Donald John TrumpTrump faces ... MORE"): the cut
    starts after the last word equal to the glued surname, within four words back. Without that
    repeated name it is no such link ("MacDonald said it was MORE useful")."""
    removed: list[str] = []
    pos = 0
    while True:
        m = _INLINE_TEASER.search(line, pos)
        if m is None:
            return line, removed
        before = line[:m.start()].split(" ")
        back = next((b for b in range(1, min(5, len(before))) if before[-1 - b] == m.group("surname")), None)
        if back is None:
            pos = m.start() + 1
            continue
        start = m.start() - len(" ".join(before[-back:]))
        removed.append(line[start:m.end()].strip())
        rest = line[m.end():].lstrip()
        joint = "" if not rest or rest[0] in ",.;:!?'’" else " "
        line = line[:start].rstrip() + joint + rest


def clean(text: str, furniture: Furniture | None = None) -> Cleaned:
    furniture = furniture or default_furniture()
    blocks = [b.split("\n") for b in re.split(r"\n[ \t]*\n", normalise(text))]
    kept_blocks: list[list[str]] = []
    removed: list[Removed] = []
    title: str | None = None
    in_header = True  # until the first body paragraph
    after_byline = False  # a byline or dateline was seen in the header
    header_count = 0

    def drop(line: str, role: str, m: re.Match | None = None) -> None:
        nonlocal header_count
        removed.append(Removed(line, role, {k: v for k, v in (m.groupdict() if m else {}).items() if v}))
        if in_header:
            header_count = len(removed)

    for block in blocks:
        lines = [ln for ln in block if ln]
        kept: list[str] = []
        for line in lines:
            line, teasers = strip_inline_teasers(line)
            for teaser in teasers:
                drop(teaser, "teaser")
            if not _LETTER.search(line):
                drop(line, "separator")
                continue
            hit = furniture.role_of(line)
            if hit:
                drop(line, hit[0], hit[1])
                continue
            if furniture.is_credit(line):
                # the caption lines above it in the same block go with it
                while kept and not _is_body(kept[-1]):
                    drop(kept.pop(), "caption")
                drop(line, "credit")
                continue
            if in_header and is_dateline(line):
                drop(line, "dateline")
                after_byline = True
                continue
            if in_header and title is not None:
                m = BYLINE.match(line)
                if m or is_name_line(line):
                    drop(line, "byline", m)
                    after_byline = True
                    continue
                if after_byline and len(words(line)) >= 5 and not _TERMINAL.search(line):
                    drop(line, "teaser")
                    continue
            elif not in_header and _headline_shaped(line):
                drop(line, "teaser")
                continue
            if title is None and in_header:
                if furniture.is_masthead(line):
                    drop(line, "masthead")
                    continue
                if _title_shaped(line):
                    title = line
                else:
                    title = ""  # the text starts with a paragraph, not a headline
            if _is_body(line):
                in_header = False
            kept.append(line)
        if kept:
            kept_blocks.append(kept)
    return Cleaned(
        text="\n\n".join("\n".join(b) for b in kept_blocks),
        title=title or None,
        removed=removed,
        header_lines=header_count,
    )
