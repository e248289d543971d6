"""Score the pipeline against gold annotations (``allegiance eval``).

The corpus is ingested into a temporary database and extracted exactly as a
user's would be; nothing from the gold files reaches the extractors. Scoring
is lenient on surface form and strict on meaning: a gold sentence is found in
the stored text whatever its spacing, and an actor matches when the gold name
is a name of the predicted actor in the knowledge base, the same name with
accents and case folded, or a part of it ("Maduro" = "Nicolás Maduro").
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from allegiance.actors.kb import KnowledgeBase, fold
from allegiance.extraction.events.lexicon import Lexicon, crisis_types
from allegiance.extraction.pipeline import Extractor, extract
from allegiance.reading.clean import strip_inline_teasers
from allegiance.reading.ingest import ingest
from allegiance.store import Store


@dataclass
class PRF:
    tp: int = 0
    pred: int = 0
    gold: int = 0
    #: predictions that match some gold item, when that differs from the gold items found (``tp``)
    tp_pred: int | None = None

    @property
    def precision(self) -> float:
        tp = self.tp if self.tp_pred is None else self.tp_pred
        return tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3),
                "tp": self.tp, "pred": self.pred, "gold": self.gold}


@dataclass
class Report:
    events_type: PRF = field(default_factory=PRF)
    events_full: PRF = field(default_factory=PRF)
    status_correct: int = 0
    status_total: int = 0
    per_type: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    quotes: PRF = field(default_factory=PRF)
    speaker_correct: int = 0
    speaker_total: int = 0
    labels: PRF = field(default_factory=lambda: PRF(tp_pred=0))
    plover_hits: int = 0
    plover_total: int = 0
    gold_sentences_missing: int = 0

    @property
    def status_accuracy(self) -> float:
        return self.status_correct / self.status_total if self.status_total else 0.0

    @property
    def plover_share(self) -> float:
        return self.plover_hits / self.plover_total if self.plover_total else 0.0

    def as_dict(self) -> dict:
        out: dict = {}
        if self.events_type.gold:
            out["events"] = {
                "type": self.events_type.as_dict(), "full_match": self.events_full.as_dict(),
                "status_accuracy": round(self.status_accuracy, 3), "status_evaluated": self.status_total,
                "per_type": {t: p.as_dict() for t, p in sorted(self.per_type.items())},
                "gold_sentences_not_found": self.gold_sentences_missing,
            }
        if self.quotes.gold:
            out["quotes"] = {"quote": self.quotes.as_dict(), "speaker_accuracy": round(
                self.speaker_correct / self.speaker_total if self.speaker_total else 0.0, 3),
                "speaker_evaluated": self.speaker_total}
        if self.labels.gold:
            out["labels"] = self.labels.as_dict()
        if self.plover_total:
            out["plover"] = {"share": round(self.plover_share, 3), "hits": self.plover_hits, "sentences": self.plover_total}
        return out


def locate(text: str, sentence: str) -> tuple[int, int] | None:
    """Where a gold sentence is in the stored text, whatever its spacing, and without the inline
    teaser links the cleaner took out of it."""
    words = strip_inline_teasers(sentence)[0].split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, text)
    if m:
        return m.start(), m.end()
    # the sentence may straddle furniture the cleaner removed: anchor on its first words
    m = re.search(r"\s+".join(re.escape(w) for w in words[:8]), text)
    return (m.start(), m.start() + len(sentence)) if m else None


def same_actor(gold: str | None, pred_id: str | None, pred_name: str | None, kb: KnowledgeBase) -> bool:
    if not gold or not pred_id:
        return not gold and not pred_id
    g, p = fold(gold), fold(pred_name or "")
    if g == p or pred_id.split(":")[-1] == g.replace(" ", "-"):
        return True
    ids = {a.id for a in kb.lookup(gold)}
    first, _, rest = gold.partition(" ")
    country = kb.demonym(first) if rest else None
    if country:  # a group of a nationality ("Venezuelan military officers"): the group, in that country
        ids |= {f"{country}:{a.id}" for a in kb.lookup(rest) if a.kind == "group"}
    metonym = kb.metonym(gold)
    if metonym:
        ids.add(metonym.id)
    if pred_id in ids:
        return True
    # a unit of the gold organisation ("the Venezuelan army" for "Venezuelan armed forces")
    if pred_id in kb and ids & set(kb[pred_id].affiliations):
        return True
    gt, pt = set(g.split()), set(p.split())
    if gt and pt and (gt <= pt or pt <= gt):
        return True
    return fuzz.ratio(g, p) >= 90  # a spelling variant of the same name ("WikiLeak" / "WikiLeaks")


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter > 0 and inter >= 0.5 * min(a[1] - a[0], b[1] - b[0])


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@contextmanager
def ingested(corpus: list[Path]) -> Iterator[Store]:
    """A temporary store holding the corpus, ingested exactly as a user's would be."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "eval.duckdb") as store:
        ingest(corpus, store)
        yield store


@contextmanager
def extracted(corpus: list[Path], kb: KnowledgeBase, processes: int | None = None,
              lexicon: Lexicon | None = None) -> Iterator[Store]:
    """A temporary store holding the corpus, ingested and extracted exactly as a user's would be."""
    with ingested(corpus) as store:
        extract(store, Extractor(kb, lexicon=lexicon), processes=processes)
        yield store


def read_gold(gold_dir: Path, name: str = "events.jsonl") -> list[dict]:
    path = Path(gold_dir) / name
    return _read_jsonl(path) if path.exists() else []


def is_plover(gold: list[dict]) -> bool:
    """PLOVER gold codes one PLOVER type per sentence instead of crisis events."""
    return bool(gold) and "plover" in gold[0]


def evaluate(gold_dirs: list[Path], corpus: list[Path], kb_files: tuple = (), processes: int | None = None,
             lexicon: Lexicon | None = None) -> Report:
    kb = KnowledgeBase.load(*kb_files)
    report = Report()
    with extracted(corpus, kb, processes, lexicon) as store:
        texts = store.article_texts()
        rows = store.events_to_score()
        label_rows = store.author_labels()
        quote_rows = [(doc, quote, sid, sname) for doc, quote, _, _, sid, sname, _ in store.direct_quotes()]
    preds: dict[str, list[tuple]] = defaultdict(list)
    for r in rows:
        preds[r[0]].append(r)
    for gold_dir in gold_dirs:
        labels_file = Path(gold_dir) / "labels.jsonl"
        if labels_file.exists():
            _score_labels(_read_jsonl(labels_file), label_rows, kb, report)
        quotes_file = Path(gold_dir) / "quotes.jsonl"
        if quotes_file.exists():
            _score_quotes(_read_jsonl(quotes_file), quote_rows, kb, report)
        events_file = Path(gold_dir) / "events.jsonl"
        if not events_file.exists():
            continue
        gold = _read_jsonl(events_file)
        if is_plover(gold):
            score_plover(gold, preds, report)
        else:
            score_events(gold, preds, texts, kb, report)
    return report


def _norm_quote(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def quote_match(gold: str, pred: str) -> bool:
    """The same quotation: equal words, or one holding the other and most of its length (a quotation
    split or joined differently at a paragraph break)."""
    g, p = _norm_quote(gold), _norm_quote(pred)
    if not g or not p:
        return False
    if g == p:
        return True
    gs, ps = " ".join(g), " ".join(p)
    if (gs in ps or ps in gs) and min(len(g), len(p)) >= 0.7 * max(len(g), len(p)):
        return True
    common = len(set(g) & set(p))
    return common / max(len(set(g)), len(set(p))) >= 0.8


def _score_quotes(gold: list[dict], rows: list[tuple], kb: KnowledgeBase, report: Report) -> None:
    docs = {g["doc_id"] for g in gold}
    preds = [r for r in rows if r[0] in docs]
    report.quotes.gold += len(gold)
    report.quotes.pred += len(preds)
    used: set[int] = set()
    for g in gold:
        match = next((i for i, r in enumerate(preds) if i not in used and r[0] == g["doc_id"]
                      and quote_match(g["quote"], r[1])), None)
        if match is None:
            continue
        used.add(match)
        report.quotes.tp += 1
        report.speaker_total += 1
        report.speaker_correct += same_actor(g.get("speaker"), preds[match][2], preds[match][3], kb)


def label_match(gold: str, pred: str) -> bool:
    """The same label, with or without a country or title word around it ("U.S. Secretary of State" for
    "Secretary of State")."""
    g, p = " ".join(_norm_quote(gold)), " ".join(_norm_quote(pred))
    if not g or not p:
        return False
    return g == p or (f" {g} " in f" {p} " or f" {p} " in f" {g} ") and min(len(g), len(p)) >= 0.4 * max(len(g), len(p))


def _score_labels(gold: list[dict], rows: list[tuple], kb: KnowledgeBase, report: Report) -> None:
    docs = {g["doc_id"] for g in gold}
    preds = [r for r in rows if r[0] in docs]
    report.labels.gold += len(gold)
    report.labels.pred += len(preds)
    # a label found whole counts for each gold part it holds ("the 30-year-old NSA leaker" for both
    # "30-year-old" and "NSA leaker"): recall counts gold labels found, precision predicted labels that
    # match some gold label
    matched_preds: set[int] = set()
    found = 0
    for g in gold:
        hits = [i for i, r in enumerate(preds) if r[0] == g["doc_id"]
                and label_match(g["label"], r[3]) and same_actor(g["actor"], r[1], r[2], kb)]
        if hits:
            found += 1
            matched_preds.update(hits)
    report.labels.tp += found
    report.labels.tp_pred += len(matched_preds)


def score_plover(gold: list[dict], preds, report: Report) -> None:
    for g in gold:
        report.plover_total += 1
        if g["plover"] in {r[2] for r in preds.get(g["doc_id"], [])}:
            report.plover_hits += 1


class GoldSentences:
    """Where one document's gold sentences are in its stored text, so that a predicted event and a gold
    event are compared by the same sentence key wherever they are matched (scoring, training labels)."""

    def __init__(self, doc_gold: list[dict], text: str):
        self.spans: dict[str, tuple[int, int] | None] = {}
        for g in doc_gold:
            if g["sentence"] not in self.spans:
                self.spans[g["sentence"]] = locate(text, g["sentence"])
        self.keys = list(self.spans)

    @property
    def missing(self) -> int:
        return sum(1 for v in self.spans.values() if v is None)

    def key_of(self, span: tuple[int, int]) -> object:
        for i, s in enumerate(self.keys):
            if self.spans[s] and _overlap(span, self.spans[s]):
                return i
        return ("pred", span[0])

    def gold_events(self, doc_gold: list[dict]) -> dict[tuple, list[dict]]:
        """The gold events by (sentence key, type): the unit type F1 counts."""
        out = defaultdict(list)
        for g in doc_gold:
            out[(self.keys.index(g["sentence"]), g["type"])].append(g)
        return out


def score_events(gold: list[dict], preds, texts: dict[str, str], kb: KnowledgeBase, report: Report) -> None:
    docs = sorted({g["doc_id"] for g in gold})
    crisis = crisis_types()
    for doc_id in docs:
        doc_gold = [g for g in gold if g["doc_id"] == doc_id]
        sentences = GoldSentences(doc_gold, texts.get(doc_id, ""))
        report.gold_sentences_missing += sentences.missing
        key_of = sentences.key_of
        gold_events = sentences.gold_events(doc_gold)
        pred_events = defaultdict(dict)
        for r in preds.get(doc_id, []):
            if r[1] in crisis:
                pred_events[(key_of((r[8], r[9])), r[1])][(r[3], r[5])] = r
        gold_keys, pred_keys = set(gold_events), set(pred_events)
        report.events_type.tp += len(gold_keys & pred_keys)
        report.events_type.gold += len(gold_keys)
        report.events_type.pred += len(pred_keys)
        for t in {k[1] for k in gold_keys | pred_keys}:
            pt = report.per_type[t]
            pt.tp += len({k for k in gold_keys & pred_keys if k[1] == t})
            pt.gold += len({k for k in gold_keys if k[1] == t})
            pt.pred += len({k for k in pred_keys if k[1] == t})
        report.events_full.gold += sum(len(v) for v in gold_events.values())
        report.events_full.pred += sum(len(v) for v in pred_events.values())
        for key, golds in gold_events.items():
            candidates = list(pred_events.get(key, {}).values())
            if not candidates:
                continue
            used: set[int] = set()
            for g in golds:
                match = next((i for i, r in enumerate(candidates) if i not in used
                              and same_actor(g["source"], r[3], r[4], kb) and same_actor(g["target"], r[5], r[6], kb)), None)
                if match is not None:
                    used.add(match)
                    report.events_full.tp += 1
                best = candidates[match] if match is not None else max(
                    candidates, key=lambda r: same_actor(g["source"], r[3], r[4], kb) + same_actor(g["target"], r[5], r[6], kb))
                report.status_total += 1
                report.status_correct += best[7] == g["status"]

