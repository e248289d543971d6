"""Property-based fuzzing of everything that touches raw input: readers, ingest, cleaning, metadata,
dates, quotations and claims.

Documents are generated or mutated from real articles: truncated UTF-8, UTF-16/32 with byte-order marks,
mixed encodings, NUL bytes, very long lines, unbalanced quotes, deeply nested HTML, RTL and combining
characters. Each must be processed without an uncaught exception and within a time limit, and every
refusal must be in the store's ``errors`` table with its file, line and reason.

``ALLEGIANCE_FUZZ_SCALE`` multiplies the number of examples (``make stress`` runs the 10,000-document
variant); ``ALLEGIANCE_FUZZ_REPORT`` names a JSON file that receives how many documents each test tried.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import signal
import tempfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import SHARED
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from allegiance.actors.kb import KnowledgeBase
from allegiance.analysis.claims import Claim, group, stance
from allegiance.extraction.pipeline import Extractor
from allegiance.parsing.temporal import resolve
from allegiance.reading.clean import clean, normalise
from allegiance.reading.ingest import ingest
from allegiance.reading.metadata import YEARS, infer, parse_date
from allegiance.reading.read import read_file
from allegiance.records import ReadError, SourceRecord
from allegiance.store import Store

SCALE = float(os.environ.get("ALLEGIANCE_FUZZ_SCALE", "1"))
STRESS = SCALE > 1
#: CPU seconds one document may take through a stage; ingest includes reading, cleaning and storing.
LIMIT = {"ingest": 20.0, "clean": 5.0, "date": 1.0, "extract": 20.0}
#: The wall-clock limit, a multiple of the CPU one: only a document that waits on something (never in CPU
#: time) trips it; wall time alone made the stress run fail on a shared machine that gave it 14% of a core.
WALL = 30
#: Longest generated line: 5 MB in the stress run, 200 KB in CI.
LONG_LINE = 5_000_000 if STRESS else 200_000
#: Deepest generated HTML nesting.
DEPTH = 20_000 if STRESS else 2_000
#: Longest text fuzzed through extraction: past the longest article in the corpus (15,000). Extraction time
#: still grows faster than the length (docs/reliability.md), so longer texts would mostly measure that.
EXTRACT_CHARS = 20_000
TRIED: Counter = Counter()


def examples(n: int):
    return settings(max_examples=max(1, int(n * SCALE)), deadline=None, derandomize=not STRESS,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                                         HealthCheck.filter_too_much])


class TooSlow(Exception):
    pass


@contextmanager
def within(seconds: float):
    """Fail the example (instead of hanging the suite) when one document takes more than `seconds` of
    this process's CPU time, so the limit measures the work, not the machine's load."""
    def expire(signum, _):
        clock = "CPU" if signum == signal.SIGPROF else "wall-clock"
        raise TooSlow(f"one document took more than {seconds * (1 if clock == 'CPU' else WALL):g} {clock} seconds")

    old = {sig: signal.signal(sig, expire) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * WALL)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in old.items():
            signal.signal(sig, handler)


def tried(what: str, n: int = 1) -> None:
    """Count the documents a property tried, in the report file as it goes (a long run can be watched)."""
    TRIED[what] += n
    if os.environ.get("ALLEGIANCE_FUZZ_REPORT"):
        Path(os.environ["ALLEGIANCE_FUZZ_REPORT"]).write_text(json.dumps(dict(TRIED), indent=1), encoding="utf-8")


# -- material ---------------------------------------------------------------------------------------

def _real_texts() -> list[str]:
    corpus = SHARED / "corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted((corpus / "seeds").glob("*.txt"))]
    with open(corpus / "venezuela-allsides-dev.jsonl", encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for line in list(fh)[:6]]
    return texts


REAL = _real_texts()
SENTENCES = sorted({s.strip() for t in REAL for s in re.split(r"(?<=[.!?”\"])\s+", t) if 20 < len(s.strip()) < 400})
#: Shapes the cleaner, the metadata stage and the quote finder look for, so the fuzzer reaches them.
TRICKS = [
    "By John Smith", "By MARÍA LÓPEZ and Juan Pérez", "CARACAS (Reuters) -", "January 28, 2019", "28 Jan. 2019 | 10:42 GMT",
    "Updated: 2019-01-28", "Photo: AP", "“He will not leave,” Guaidó said", "\"unclosed quote, said Maduro",
    "« Il faut partir », a dit", "'single quote", "”backwards“", "Follow @reporter on Twitter", "told Breitbart News",
    "Read more: Venezuela crisis explained", "— —", "on Tuesday", "last week", "Dec. 20", "in 2014", "yesterday",
    "The Associated Press contributed to this report.", "MORE", "President Trump Donald John TrumpTrump faces MORE",
]
HOSTILE_CHARS = st.sampled_from(list(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?-'\"()[]{}<>/\\&#%@*"
    "“”‘’«»„‚‹›–—…\t\n\r\x00\x0b\x0c\x1b\u2028\u2029\ufeff\u00ad\u200b\u200d\u2060\u00a0"
    "\u202e\u202d\u200f\u200e\u061c"  # bidi controls
    "مرحباשלוםسلام"  # Arabic and Hebrew letters
    "\u0301\u0308\u0338\u0336\u20dd\u0489"  # combining marks
    "ñéüçøåßœЖжДд中文日本語한국어😀🇻🇪\U0001f9ea\U00010348"
))
hostile_text = st.text(alphabet=HOSTILE_CHARS, max_size=300)
piece = st.one_of(hostile_text, st.sampled_from(SENTENCES), st.sampled_from(TRICKS))
#: Where an edit lands: any integer, taken modulo the length of what it edits (so inside a character too).
position = st.integers(0, 2**32)

# Hypothesis keeps every value a strategy returns for the whole run, so a strategy that returned multi-megabyte
# documents made the stress run grow without bound. The strategies below return recipes (choices, sizes,
# positions and short pieces of text), and the test bodies render them into the documents.


@st.composite
def article_recipe(draw) -> tuple:
    """A generated article, or a real one (by index), and the mutations to apply: see `article`."""
    if draw(st.booleans()):
        base = tuple(draw(st.lists(st.tuples(piece, st.sampled_from([" ", "\n", "\n\n", "", "\r\n"])), min_size=1, max_size=40)))
    else:
        base = draw(st.integers(0, len(REAL) - 1))
    args = {"insert": piece, "quotes": st.integers(1, 5),
            "long": st.tuples(st.sampled_from(["a", "word ", "“", "Maduro said ", "\u0301", "<"]),
                              st.sampled_from([1_000, 50_000, LONG_LINE]))}
    ops = draw(st.lists(st.sampled_from(["cut", "insert", "long", "quotes", "combine", "rtl"]), max_size=4))
    return base, tuple((op, draw(position), draw(args[op]) if op in args else None) for op in ops)


def article(recipe: tuple) -> str:
    base, ops = recipe
    text = REAL[base] if isinstance(base, int) else "".join(p + sep for p, sep in base)
    for op, pos, arg in ops:
        at = pos % (len(text) + 1)
        if op == "cut":
            text = text[:at]
        elif op == "insert":
            text = text[:at] + arg + text[at:]
        elif op == "long":  # one very long line, in a single run of letters or of words
            unit, size = arg
            text = text[:at] + unit * (size // len(unit)) + text[at:]
        elif op == "quotes":
            text = text.replace("”", "", arg)
        elif op == "combine":
            text = "".join(c + "\u0301\u0338" if c.isalpha() else c for c in text[:5000]) + text[5000:]
        elif op == "rtl":
            text = "\u202e" + text[:at] + "\u200f مرحبا \u202c" + text[at:]
    return text


@st.composite
def encoding_recipe(draw) -> tuple:
    """An encoding, where to truncate the bytes (None: whole) and where to put how many NUL bytes."""
    how = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "utf-32", "latin-1", "cp1252", "mixed"]))
    cut = draw(position) if draw(st.booleans()) else None
    nul = (draw(position), draw(st.integers(1, 4))) if draw(st.integers(0, 9)) == 0 else None
    return how, cut, nul


def encoded(text: str, recipe: tuple) -> bytes:
    how, cut, nul = recipe
    if how == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    elif how == "mixed":  # one half UTF-8, the other Latin-1
        half = len(text) // 2
        data = text[:half].encode("utf-8") + text[half:].encode("latin-1", errors="replace")
    elif how in ("latin-1", "cp1252"):
        data = text.encode(how, errors="replace")
    else:
        data = text.encode(how)
    if cut is not None:  # truncated, possibly inside a multi-byte character
        data = data[: cut % (len(data) + 1)]
    if nul is not None:
        at = nul[0] % (len(data) + 1)
        data = data[:at] + b"\x00" * nul[1] + data[at:]
    return data


html_recipe = st.tuples(
    article_recipe(), st.sampled_from([0, 10, 500, DEPTH]), st.sampled_from(["div", "span", "b", "table", "ul"]), st.booleans(),
    piece, st.sampled_from(["", "<script>alert(1)</script>", "<!--", "<![CDATA[", "<meta charset=utf-16>",
                            "<p unclosed attr='x", "</html></html>", "<svg onload=alert(1)>"]))


def html_page(recipe: tuple) -> str:
    body_recipe, depth, tag, close, title, extra = recipe
    body = "".join(f"<p>{p}</p>" for p in article(body_recipe).split("\n\n"))
    return (f"<html><head><title>{title}</title></head><body>{extra}" + f"<{tag}>" * depth + body
            + (f"</{tag}>" * depth if close else "") + "</body></html>")


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | hostile_text,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(hostile_text, kids, max_size=3), max_leaves=6)
GOOD_FIELD = {"text": article_recipe(), "html": html_recipe,
              "published": st.sampled_from(["2019-01-28", "0001-01-01", "9999-12-31", "Jan 5, 2019", "nope"])}


@st.composite
def jsonl_recipe(draw) -> tuple:
    """Lines, each a record (per field: absent, a good value's recipe, or any JSON value) and a mutation."""
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        fields = []
        for key in ("doc_id", "text", "html", "title", "outlet", "published", "url", "extra"):
            kind = draw(st.sampled_from(["absent", "good", "any"]))
            if kind != "absent":
                fields.append((key, kind, draw(GOOD_FIELD.get(key, piece) if kind == "good" else json_value)))
        mutation = draw(st.sampled_from(["none"] * 4 + ["cut", "surrogate", "garbage", "blank", "array", "latin-1"]))
        arg = draw(position) if mutation == "cut" else draw(st.binary(max_size=200)) if mutation == "garbage" else None
        lines.append((tuple(fields), draw(st.booleans()), mutation, arg))
    return tuple(lines), draw(st.sampled_from([b"\n", b"", b"\r\n"]))


def jsonl_lines(recipe: tuple) -> bytes:
    render = {"text": article, "html": html_page}
    lines = []
    for fields, ascii_only, mutation, arg in recipe[0]:
        if mutation == "garbage":
            lines.append(arg.replace(b"\n", b""))
            continue
        if mutation == "blank":
            lines.append(b"   ")
            continue
        record = {key: render[key](value) if kind == "good" and key in render else value for key, kind, value in fields}
        line = json.dumps(record, ensure_ascii=ascii_only).encode("utf-8")
        if mutation == "cut":
            line = line[: arg % (len(line) + 1)]
        elif mutation == "surrogate" and b'"text": "' in line:
            line = line.replace(b'"text": "', b'"text": "\\ud800', 1)
        elif mutation == "array":
            line = b"[" + line + b"]"
        elif mutation == "latin-1":
            line = json.dumps(record, ensure_ascii=False).encode("latin-1", errors="replace")
        lines.append(line)
    return b"\n".join(lines) + recipe[1]


input_file = st.one_of(
    st.tuples(st.just("txt"), article_recipe(), encoding_recipe()),
    st.tuples(st.just("html"), html_recipe, encoding_recipe()),
    st.tuples(st.just("jsonl"), jsonl_recipe(), st.none()),
    st.tuples(st.just("jsonl.gz"), jsonl_recipe(), st.none() | position))


def input_bytes(recipe: tuple) -> tuple[str, bytes]:
    """A file's format and its bytes."""
    fmt, content, how = recipe
    if fmt == "txt":
        return fmt, encoded(article(content), how)
    if fmt == "html":
        return fmt, encoded(html_page(content), how)
    data = jsonl_lines(content)
    if fmt == "jsonl.gz":
        data = gzip.compress(data)
        if how is not None:  # truncated
            data = data[: how % (len(data) + 1)]
    return fmt, data


# -- properties -------------------------------------------------------------------------------------

@examples(80)
@given(recipes=st.lists(input_file, min_size=1, max_size=4))
def test_every_input_is_stored_or_refused_with_file_line_and_reason(recipes):
    tried("ingested files", len(recipes))
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, (fmt, data) in enumerate(map(input_bytes, recipes)):
            path = Path(tmp) / f"doc{i}.{fmt}"
            path.write_bytes(data)
            paths.append(path)
        with Store(":memory:") as store, within(LIMIT["ingest"] * len(recipes)):
            summary = ingest([tmp], store)
            stored = set(store.con.execute("SELECT origin, line FROM articles").fetchall())
            refused = store.con.execute("SELECT origin, line, reason FROM errors").fetchall()
        assert not summary.interrupted and len(refused) == summary.failed
        assert all(reason.strip() for _, _, reason in refused)
        refused_at = {(o, ln) for o, ln, _ in refused}
        seen: dict[str, str] = {}  # doc_id -> source hash, over the whole run as ingest keeps it
        for path in paths:
            for item in read_file(path):
                where = (item.origin, item.line)
                assert item.origin == str(path)
                if isinstance(item, ReadError):
                    assert (item.origin, item.line, item.reason) in refused
                    if path.suffix != ".gz" and "jsonl" in path.name:
                        assert item.line is not None  # a JSONL refusal names its line
                    continue
                assert isinstance(item, SourceRecord)
                same_again = seen.get(item.doc_id) == item.source_hash  # an identical record repeated: skipped
                seen.setdefault(item.doc_id, item.source_hash)
                assert where in stored or where in refused_at or same_again, where


@examples(150)
@given(recipe=article_recipe())
def test_cleaning_and_metadata_only_remove_and_read(recipe):
    tried("cleaned texts")
    text = article(recipe)
    with within(LIMIT["clean"]):
        cleaned = clean(text)
        meta = infer(cleaned)
    words = re.compile(r"\w+")  # words, not tokens: dropping an inline teaser may glue a comma to a word
    assert set(words.findall(cleaned.text)) <= set(words.findall(normalise(text)))  # only furniture dropped
    if meta.published is not None:
        assert meta.published.year in YEARS
    for value in (meta.title, meta.author):
        assert value is None or value.strip()


@examples(300)
@given(value=st.one_of(hostile_text, piece, json_value, st.dates(), st.datetimes(),
                       st.builds("{}-{:02d}-{:02d}".format, st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99))),
       text=st.one_of(piece, hostile_text), published=st.none() | st.dates(dt.date(YEARS.start, 1, 1), dt.date(YEARS.stop - 1, 12, 31)))
def test_dates_parse_and_resolve_or_say_none(value, text, published):
    tried("dates", 2)
    with within(LIMIT["date"]):
        day = parse_date(value)
        resolved = resolve(text, published)
    assert day is None or day.year in YEARS
    if resolved is not None:
        shape = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}[resolved.precision]
        assert re.fullmatch(shape, resolved.date)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(KnowledgeBase.load())


@examples(30)
@given(recipe=article_recipe(),
       published=st.none() | st.dates(dt.date(YEARS.start, 1, 1), dt.date(YEARS.stop - 1, 12, 31)).map(str))
def test_quotes_events_and_claims_come_from_the_text(extractor, recipe, published):
    text = article(recipe)
    assume(0 < len(text) <= EXTRACT_CHARS)
    tried("extracted texts")
    text = clean(text).text or text  # extraction reads stored (cleaned) text
    with within(LIMIT["extract"]):
        (doc_id, tables), = extractor.tables([("fuzz", text, published, None)])
        claims = [Claim(q["quote_id"], doc_id, q["speaker_name"], q["speaker_id"], q["quote"], stance(q["quote"], q["cue"]),
                        q["start"], q["end"], text[max(0, q["start"] - 300):q["start"]]) for q in tables["quotes"]]
        grouped = group(claims)
    for q in tables["quotes"]:
        assert 0 <= q["start"] < q["end"] <= len(text) and q["quote"] == text[q["start"]:q["end"]]
    for row in tables["events"] + tables["labels"] + tables["mentions"]:
        assert 0 <= row["start"] <= row["end"] <= len(text)
    assert len(grouped) == len(claims)


def test_the_time_limit_stops_a_document_that_spins():
    """The limit is on CPU time, so a loaded machine cannot trip it, and a spinning stage still can."""
    with pytest.raises(TooSlow, match="CPU"), within(0.2):
        while True:
            pass
