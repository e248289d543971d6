"""The `allegiance` command line (Typer + Rich).

Exit codes, for scripts: 0 when every input was stored or skipped as
already present, 2 when some inputs failed (the good ones are stored), 1 on a
fatal error (the database cannot be opened, bad options), 130 when interrupted.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from allegiance import __version__
from allegiance.actors.kb import ENV_VAR, KBError, KnowledgeBase
from allegiance.extraction.events.lexicon import Lexicon
from allegiance.extraction.pipeline import Extractor, ExtractSummary, extract
from allegiance.outputs.export import EXPORTS, FORMATS, ExportError, export
from allegiance.reading.clean import Furniture
from allegiance.reading.ingest import ArticleBuilder, IngestSummary, ingest
from allegiance.reading.outlets import Outlets
from allegiance.reading.read import DEFAULT_MAX_BYTES, discover
from allegiance.records import ReadError
from allegiance.store import DEFAULT_DB, Store, StoreError

app = typer.Typer(
    name="allegiance",
    help="Turn news coverage of a political crisis into sourced, structured data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
out = Console()
err = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file.", show_default=True)]
KbOption = Annotated[
    list[Path] | None,
    typer.Option("--kb", help=f"Extra actor knowledge-base file (YAML), merged over the built-in one; also ${ENV_VAR}."),
]


TriggersOption = Annotated[
    list[Path] | None,
    typer.Option("--triggers", help="Extra event trigger file (YAML, the layout of data/events/triggers.yaml), added to the built-in one."),
]


def _fatal(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        out.print(f"allegiance {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """Allegiance: events, allegiances, quotes and framing from crisis news, every fact sourced."""


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (.txt, .html, .htm, .jsonl, .jsonl.gz).")],
    db: DbOption = Path(DEFAULT_DB),
    max_bytes: Annotated[int, typer.Option(help="Largest file (or JSONL record) read, in bytes.")] = DEFAULT_MAX_BYTES,
    furniture: Annotated[list[Path] | None, typer.Option(help="Extra site-furniture patterns (YAML).")] = None,
    outlets: Annotated[list[Path] | None, typer.Option(help="Extra known outlets (YAML).")] = None,
    kb: KbOption = None,
    triggers: TriggersOption = None,
    no_extract: Annotated[bool, typer.Option("--no-extract", help="Only store articles; run `allegiance extract` later.")] = False,
    processes: Annotated[int | None, typer.Option(help="Extraction worker processes [default: every core].")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary; errors only.")] = False,
) -> None:
    """Read, clean, store and extract articles. Re-running adds nothing already stored and resumes an interrupted run."""
    try:
        builder = ArticleBuilder(Furniture.load(*(furniture or [])), Outlets.load(*(outlets or [])))
    except (OSError, ValueError) as exc:
        raise _fatal(f"cannot load pattern files: {exc}") from exc
    knowledge = None if no_extract else _load_kb(kb)
    lexicon = None if no_extract else _load_lexicon(triggers)
    try:
        store = Store(db)
    except StoreError as exc:
        raise _fatal(str(exc)) from exc
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a kill stops as cleanly as Ctrl-C
    total = sum(p.stat().st_size for p in discover(paths) if not isinstance(p, ReadError))
    with store, Progress(
        TextColumn("[bold]ingest"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[n]} articles"),
        TimeRemainingColumn(), console=err, disable=quiet, transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=total or None, n=0)
        count = 0

        def on_article(_):
            nonlocal count
            count += 1
            bar.update(task, n=count)

        summary = ingest(
            paths, store, max_bytes=max_bytes, builder=builder,
            on_bytes=lambda n: bar.advance(task, n), on_article=on_article,
        )
        stored = store.count_articles()
        extracted = None
        if knowledge is not None and not summary.interrupted:
            extracted = _run_extract(store, knowledge, False, processes, quiet, lexicon)
    for e in summary.errors:
        err.print(f"[red]failed[/] {e.where}: {e.reason}", highlight=False, soft_wrap=True)
    if not quiet:
        _print_summary(summary, stored, db)
        if extracted:
            _print_extract(extracted)
    if summary.interrupted or (extracted and extracted.interrupted):
        err.print("[yellow]interrupted[/]: what was stored is consistent; run the same command again to continue.")
        raise typer.Exit(130)
    raise typer.Exit(2 if summary.failed else 0)


def _reader(db: Path) -> Store:
    """The database opened for reading, or a fatal error that says why not (in use, outdated)."""
    try:
        return Store(db, read_only=True)
    except StoreError as exc:
        raise _fatal(str(exc)) from exc


def _load_kb(files: list[Path] | None) -> KnowledgeBase:
    try:
        return KnowledgeBase.load(*(files or []))
    except KBError as exc:
        raise _fatal(str(exc)) from exc


def _find_actor(knowledge: KnowledgeBase, name: str) -> str:
    """The id of the actor a user names on the command line, or a fatal error."""
    hits = knowledge.search(name, 1)
    if not hits or hits[0][1] < 80:
        raise _fatal(f"no actor matching {name!r} in the knowledge base")
    return hits[0][0].id


def _load_lexicon(files: list[Path] | None) -> Lexicon | None:
    """The event lexicon with the user's trigger files added, or None for the built-in one."""
    if not files:
        return None
    try:
        return Lexicon.load(*files)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise _fatal(f"cannot load trigger file: {exc}") from exc


def _run_extract(store: Store, knowledge: KnowledgeBase, force: bool, processes: int | None, quiet: bool,
                 lexicon: Lexicon | None = None) -> ExtractSummary:
    with Progress(
        TextColumn("[bold]extract"), BarColumn(), TextColumn("{task.completed}/{task.total} articles"),
        TimeRemainingColumn(), console=err, disable=quiet, transient=True,
    ) as bar:
        task = bar.add_task("extract", total=None)
        extractor = Extractor(knowledge, lexicon=lexicon)
        return extract(store, extractor, force=force, processes=processes, on_article=lambda _: bar.advance(task))


def _print_extract(summary: ExtractSummary) -> None:
    c = summary.counts
    out.print(
        f"extracted {c.get('extracted', 0)} article(s): {c.get('mentions', 0)} actor mentions, {c.get('events', 0)} events, {c.get('quotes', 0)} quotations"
        + (f"; {c['contested claim groups']} contested claim group(s)" if c.get("contested claim groups") else "")
        + (f"; {c['skipped (non-English)']} non-English article(s) skipped" if c.get("skipped (non-English)") else "")
    )


@app.command("extract")
def extract_cmd(
    db: DbOption = Path(DEFAULT_DB),
    kb: KbOption = None,
    triggers: TriggersOption = None,
    force: Annotated[bool, typer.Option("--force", help="Redo articles already extracted.")] = False,
    processes: Annotated[int | None, typer.Option(help="Extraction worker processes [default: every core].")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Run the extraction stages over stored articles (resumable; skips work already done)."""
    knowledge = _load_kb(kb)
    lexicon = _load_lexicon(triggers)
    if not db.exists():
        raise _fatal(f"no database at {db}; run `allegiance ingest` first")
    try:
        store = Store(db)
    except StoreError as exc:
        raise _fatal(str(exc)) from exc
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a kill stops as cleanly as Ctrl-C
    with store:
        summary = _run_extract(store, knowledge, force, processes, quiet, lexicon)
    if not quiet:
        _print_extract(summary)
    if summary.interrupted:
        err.print("[yellow]interrupted[/]: run the same command again to continue.")
        raise typer.Exit(130)


@app.command("actors")
def actors_cmd(
    query: Annotated[str | None, typer.Argument(help="Name to look up in the knowledge base.")] = None,
    unknown: Annotated[bool, typer.Option("--unknown", help="List actors seen in the database but not in the knowledge base.")] = False,
    as_yaml: Annotated[bool, typer.Option("--yaml", help="With --unknown: print entries ready to add to a --kb file.")] = False,
    db: DbOption = Path(DEFAULT_DB),
    kb: KbOption = None,
    limit: Annotated[int, typer.Option(help="Most rows to show.")] = 20,
) -> None:
    """Search the actor knowledge base, or list the unknown actors the articles mention."""
    if unknown:
        if not db.exists():
            raise _fatal(f"no database at {db}; run `allegiance ingest` first")
        with _reader(db) as store:
            rows = store.unknown_actors(limit)
        if as_yaml:
            print(unknown_yaml(rows), end="")
            return
        table = Table(title="Unknown actors seen in the articles (add them with --kb)", title_justify="left")
        for col in ("provisional id", "name", "kind", "country", "mentions", "articles", "as written"):
            table.add_column(col)
        for actor_id, name, kind, country, n, docs, forms in rows:
            table.add_row(actor_id, name, kind, country or "", str(n), str(docs), "; ".join(forms))
        out.print(table)
        return
    knowledge = _load_kb(kb)
    if not query:
        raise _fatal("give a QUERY to search, or --unknown")
    table = Table(title=f"Actors matching {query!r}", title_justify="left")
    for col in ("id", "name", "kind", "country", "sectors", "roles", "score"):
        table.add_column(col)
    for actor, score in knowledge.search(query, limit):
        roles = "; ".join(
            f"{r.title} ({r.country or r.org or ''}){f' to {r.posted_to}' if r.posted_to else ''} "
            f"{r.start or '?'}–{r.end or ''}" for r in actor.roles[:3]
        )
        table.add_row(actor.id, actor.name, actor.kind, actor.country or "", ",".join(actor.sectors), roles, f"{score:.0f}")
    out.print(table)


@app.command("framing")
def framing_cmd(
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor's labels (a name; looked up in the knowledge base).")] = None,
    db: DbOption = Path(DEFAULT_DB),
    kb: KbOption = None,
    limit: Annotated[int, typer.Option(help="Most labels per outlet.")] = 8,
) -> None:
    """Compare how outlets frame the crisis: labels, quoted camps, loaded language, coup accusations."""
    from collections import defaultdict

    from allegiance.analysis.framing import (
        coup_attribution,
        labels_by_outlet,
        loaded_rates,
        quote_shares,
    )

    knowledge = _load_kb(kb)
    if not db.exists():
        raise _fatal(f"no database at {db}; run `allegiance ingest` first")
    actor_id = _find_actor(knowledge, actor) if actor else None
    with _reader(db) as store:
        labels = labels_by_outlet(store, actor_id)
        shares = quote_shares(store, knowledge)
        rates = loaded_rates(store)
        coups = coup_attribution(store)
    by_outlet = defaultdict(list)
    for r in labels:
        by_outlet[(r.outlet or "(unknown outlet)", r.lean or "")].append(r)
    title = f"Labels for {knowledge[actor_id].name}" if actor_id else "Labels per outlet"
    table = Table(title=title, title_justify="left", show_lines=True)
    for col in ("outlet", "lean", "labels (count)"):
        table.add_column(col)
    for (outlet, lean), rows in sorted(by_outlet.items()):
        shown = "; ".join(f"{r.key}" + (f" ({r.count})" if r.count > 1 else "") + ("" if actor_id else f" → {r.actor}")
                          for r in sorted(rows, key=lambda r: -r.count)[:limit])
        table.add_row(outlet, lean, shown)
    out.print(table)
    table = Table(title="Whose words each outlet quotes (share of direct quotations)", title_justify="left")
    for col in ("outlet", "lean", "camp", "quotes", "share"):
        table.add_column(col)
    for r in shares:
        table.add_row(r.outlet or "(unknown outlet)", r.lean or "", r.key, str(r.count), f"{r.value:.0%}")
    out.print(table)
    table = Table(title="Loaded terms per 1,000 words of author text", title_justify="left")
    cats = list(dict.fromkeys(r.key for r in rates))
    for col in ("outlet", "lean", *cats):
        table.add_column(col)
    per = defaultdict(dict)
    for r in rates:
        per[(r.outlet or "(unknown outlet)", r.lean or "")][r.key] = r.value
    for (outlet, lean), vals in sorted(per.items()):
        table.add_row(outlet, lean, *(f"{vals.get(c, 0):.1f}" for c in cats))
    out.print(table)
    table = Table(title="Who is said to stage a coup, and who says so", title_justify="left", show_lines=True)
    for col in ("said to stage it", "said by", "as", "outlet", "evidence"):
        table.add_column(col)
    for c in coups:
        table.add_row(c.accused or "?", c.accuser or "(the outlet)", f"{c.kind} ({c.status})", c.outlet or "",
                      c.sentence, )
    out.print(table)


@app.command("allegiances")
def allegiances_cmd(
    db: DbOption = Path(DEFAULT_DB),
    at: Annotated[str | None, typer.Option("--at", help="Stances as of this date (YYYY-MM-DD).")] = None,
    principal: Annotated[list[str] | None, typer.Option("--principal", help="A contender for power (name); repeatable.")] = None,
    kb: KbOption = None,
) -> None:
    """Who stands where: every actor's stance toward the contenders, grouped by sector, with sources."""
    import datetime as dt

    from allegiance.analysis.allegiances import allegiances

    knowledge = _load_kb(kb)
    if not db.exists():
        raise _fatal(f"no database at {db}; run `allegiance ingest` first")
    day = None
    if at:
        try:
            day = dt.date.fromisoformat(at)
        except ValueError as exc:
            raise _fatal(f"--at must be a date as YYYY-MM-DD, not {at!r}") from exc
    ids = [_find_actor(knowledge, name) for name in principal or []]
    with _reader(db) as store:
        stances = allegiances(store, knowledge, day, ids or None)
    title = "Who stands where" + (f" on {at}" if at else "")
    table = Table(title=title, title_justify="left", show_lines=False)
    for col in ("group", "actor", "stance", "contender", "since", "status", "sources", "evidence"):
        table.add_column(col)
    for s in stances:
        mark = "[green]with[/]" if s.stance > 0 else "[red]against[/]"
        table.add_row(s.group, s.actor, mark, s.contender, s.since or "", s.status, str(s.num_sources),
                      s.evidence[0].sentence[:120] if s.evidence else "")
    out.print(table)


@app.command("report")
def report_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the report.")] = Path("report.html"),
    db: DbOption = Path(DEFAULT_DB),
    fmt: Annotated[str, typer.Option("--format", "-f", help="html or md.")] = "html",
    country: Annotated[str | None, typer.Option("--country", help="Only events involving this country (ISO alpha-3).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Only events from this date (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Only events up to this date (YYYY-MM-DD).")] = None,
    principal: Annotated[list[str] | None, typer.Option("--principal", help="A contender for power; repeatable.")] = None,
    kb: KbOption = None,
) -> None:
    """Write the situation report: one self-contained HTML file (or Markdown), every row with its evidence."""
    import datetime as dt

    from allegiance.outputs.report import gather, render_html, render_markdown

    if fmt not in ("html", "md"):
        raise _fatal("--format must be html or md")
    knowledge = _load_kb(kb)
    if not db.exists():
        raise _fatal(f"no database at {db}; run `allegiance ingest` first")
    try:
        start = dt.date.fromisoformat(date_from) if date_from else None
        end = dt.date.fromisoformat(date_to) if date_to else None
    except ValueError as exc:
        raise _fatal(f"dates must be YYYY-MM-DD: {exc}") from exc
    ids = [_find_actor(knowledge, name) for name in principal or []]
    with _reader(db) as store:
        data = gather(store, knowledge, country.upper() if country else None, start, end, ids or None)
    text = render_html(data) if fmt == "html" else render_markdown(data)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    out.print(f"report: {output.resolve()}")


CorpusArgument = Annotated[list[Path] | None, typer.Argument(
    help="The articles the gold annotates (files or folders) [with --cv or train: ../shared/corpus, added to].")]
GoldOption = Annotated[list[Path] | None, typer.Option(
    "--gold", help="Gold folder (events.jsonl, quotes.jsonl, labels.jsonl); repeatable. "
                   "With --cv or train, added to the shared seed, dev and train gold.")]


def _gold_and_corpus(gold: list[Path] | None, corpus: list[Path] | None) -> tuple[list[Path], list[Path]]:
    """The shared gold and corpus, with the user's own added (a new crisis annotated in the scheme)."""
    from allegiance.learning.gold_sets import default_corpus, default_gold

    gold_dirs = list(dict.fromkeys([*default_gold(), *(gold or [])]))
    for g in gold_dirs:
        if not g.is_dir():
            raise _fatal(f"no gold folder at {g} (the shared gold is found at ../shared or $ALLEGIANCE_SHARED)")
    return gold_dirs, list(dict.fromkeys([*default_corpus(), *(corpus or [])]))


@app.command("eval")
def eval_cmd(
    corpus: CorpusArgument = None,
    gold: GoldOption = None,
    kb: KbOption = None,
    triggers: TriggersOption = None,
    processes: Annotated[int | None, typer.Option(help="Extraction worker processes [default: every core].")] = None,
    cv: Annotated[int | None, typer.Option("--cv", help="Cross-validate the learned models over K folds of whole "
                                           "articles of the train gold (seed, dev and --gold always trained on) "
                                           "and of the PLOVER gold's records.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score extraction against gold annotations, on a temporary database."""
    from allegiance.evaluation.evaluate import evaluate

    if cv is not None:
        _cv(cv, gold, corpus, kb, as_json)
        return
    if not corpus or not gold:
        raise _fatal("eval needs the corpus and at least one --gold folder (or --cv K)")
    for g in gold:
        if not g.is_dir():
            raise _fatal(f"no gold folder at {g}")
    lexicon = _load_lexicon(triggers)  # a bad file is a clear error before any work
    report = evaluate(gold, corpus, tuple(kb or ()), processes=processes, lexicon=lexicon).as_dict()
    if as_json:
        print(json.dumps(report, indent=2))
        return
    if "events" in report:
        ev = report["events"]
        table = Table(title="Events", title_justify="left")
        for col in ("measure", "precision", "recall", "F1", "tp / pred / gold"):
            table.add_column(col, justify="right" if col != "measure" else "left")
        for label, key in (("type (doc, sentence, type)", "type"), ("full match (type + source + target)", "full_match")):
            m = ev[key]
            table.add_row(label, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", f"{m['tp']} / {m['pred']} / {m['gold']}")
        for t, m in ev["per_type"].items():
            table.add_row(f"  {t}", f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", f"{m['tp']} / {m['pred']} / {m['gold']}")
        out.print(table)
        out.print(f"status accuracy: {ev['status_accuracy']:.3f} over {ev['status_evaluated']} matched gold events")
        if ev["gold_sentences_not_found"]:
            out.print(f"gold sentences not found in the stored text: {ev['gold_sentences_not_found']}")
    if "quotes" in report:
        q = report["quotes"]
        m = q["quote"]
        out.print(f"quotes: F1 {m['f1']:.3f} (P {m['precision']:.3f}, R {m['recall']:.3f}; {m['tp']} / {m['pred']} / {m['gold']}), "
                  f"speaker accuracy {q['speaker_accuracy']:.3f} over {q['speaker_evaluated']} matched quotes")
    if "labels" in report:
        m = report["labels"]
        out.print(f"labels: P {m['precision']:.3f}, R {m['recall']:.3f}, F1 {m['f1']:.3f} ({m['tp']} / {m['pred']} / {m['gold']})")
    if "plover" in report:
        p = report["plover"]
        out.print(f"PLOVER: {p['share']:.3f} of sentences ({p['hits']}/{p['sentences']}) get their gold PLOVER type")


@app.command("train")
def train_cmd(
    corpus: CorpusArgument = None,
    gold: GoldOption = None,
    kb: KbOption = None,
    cv: Annotated[int, typer.Option("--cv", help="Folds of the cross-validation recorded in the model card "
                                    "(0: none).")] = 5,
    models: Annotated[Path | None, typer.Option("--models", help="Where to write the model files "
                                                "[default: the package's models folder].")] = None,
) -> None:
    """Train the event typing and status models on the gold (the shared gold, plus --gold) and write
    them, with their model card, where extraction loads them."""
    from allegiance.learning.gold_sets import folded_gold
    from allegiance.learning.refine import MODELS
    from allegiance.learning.train import train

    gold_dirs, corpus = _gold_and_corpus(gold, corpus)
    directory = models or MODELS
    info = train(corpus, gold_dirs, _load_kb(kb), folded_gold(), cv, directory=directory)
    for d in info["data"]:
        out.print(f"trained on {d['gold']}: {d['articles']} articles, {d['events']} events")
    if info["cross_validation"]:
        learned = info["cross_validation"]["learned"]["pooled"]
        out.print("cross-validated (pooled over folds): " + ", ".join(f"{k} {v:.3f}" for k, v in learned.items()))
    out.print(f"models: {directory.resolve()}")


def _cv(k: int, gold: list[Path] | None, corpus: list[Path] | None, kb: list[Path] | None, as_json: bool) -> None:
    from allegiance.evaluation.cv import run
    from allegiance.learning.gold_sets import folded_gold, plover_gold

    if k < 2:
        raise _fatal("--cv needs at least 2 folds")
    gold_dirs, corpus = _gold_and_corpus(gold, corpus)
    plover = plover_gold() if plover_gold().is_dir() else None
    result = run(corpus, gold_dirs, folded_gold(), k, _load_kb(kb), plover)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    _print_cv(result)


def _print_cv(result: dict) -> None:
    c = result["crisis"]
    out.print(f"Cross-validated on {c['articles']} articles of the train gold, {c['k']} folds of whole articles "
              "(seed, dev and added gold always on the training side). Mean over folds \\[min-max], and pooled "
              "over all held-out articles:")
    table = Table(title_justify="left")
    for col in ("measure", "rules", "learned", "rules pooled", "learned pooled"):
        table.add_column(col, justify="right" if col != "measure" else "left")
    names = (("type F1", "type_f1"), ("  type precision", "type_p"), ("  type recall", "type_r"),
             ("full match F1", "full_f1"), ("status accuracy", "status_acc"))
    for label, key in names:
        cells = [f"{s['spread'][key]['mean']:.3f} [{s['spread'][key]['min']:.3f}-{s['spread'][key]['max']:.3f}]"
                 for s in (c["rules"], c["learned"])]
        table.add_row(label, *cells, *(f"{s['pooled'][key]:.3f}" for s in (c["rules"], c["learned"])))
    out.print(table)
    folds = Table(title="Per fold", title_justify="left")
    for col in ("fold", "type F1 rules / learned", "full match F1", "status accuracy"):
        folds.add_column(col, justify="right")
    for i, (r, m) in enumerate(zip(c["rules"]["folds"], c["learned"]["folds"]), 1):
        folds.add_row(str(i), f"{r['type_f1']:.3f} / {m['type_f1']:.3f}", f"{r['full_f1']:.3f} / {m['full_f1']:.3f}",
                      f"{r['status_acc']:.3f} / {m['status_acc']:.3f}")
    out.print(folds)
    per_type = Table(title="Type F1 per event type (pooled over folds)", title_justify="left")
    for col in ("type", "rules P / R / F1", "learned P / R / F1", "gold"):
        per_type.add_column(col, justify="right" if col != "type" else "left")
    for t, m in c["learned"]["per_type"].items():
        r = c["rules"]["per_type"].get(t, {"precision": 0, "recall": 0, "f1": 0})
        per_type.add_row(t, f"{r['precision']:.2f} / {r['recall']:.2f} / {r['f1']:.2f}",
                         f"{m['precision']:.2f} / {m['recall']:.2f} / {m['f1']:.2f}", str(m["gold"]))
    out.print(per_type)
    if "plover" in result:
        p = result["plover"]
        out.print(f"PLOVER share, {p['k']} folds over {p['articles']} sentences: rules "
                  f"{p['rules']['pooled']['plover_share']:.3f}, learned {p['learned']['pooled']['plover_share']:.3f} "
                  f"[{p['learned']['spread']['plover_share']['min']:.3f}-{p['learned']['spread']['plover_share']['max']:.3f}]")


def unknown_yaml(rows: list[tuple]) -> str:
    """Knowledge-base entries for unknown actors, to be checked and completed by hand."""
    import yaml

    entries = []
    for actor_id, name, kind, country, n, docs, forms in rows:
        entry = {"id": actor_id.split(":")[-1], "name": name, "kind": kind, "country": country, "sectors": [],
                 "aliases": sorted({f for f in forms if f != name})}
        entries.append(entry)
    header = "# Unknown actors seen in the articles: check each entry, fill in sectors, then use with --kb.\n"
    return header + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False)


def _print_summary(summary: IngestSummary, stored: int, db: Path) -> None:
    c = summary.counts
    table = Table(title="Ingest summary", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    for label, key in (
        ("ingested (new)", "new"), ("updated", "updated"), ("already stored, skipped", "unchanged"),
        ("exact duplicates linked", "exact duplicates"), ("near duplicates linked", "near duplicates"),
        ("non-English (stored, flagged)", "non-English"),
    ):
        table.add_row(label, str(c.get(key, 0)))
    table.add_row("failed", f"[red]{summary.failed}[/]" if summary.failed else "0")
    table.add_row("articles in database", str(stored))
    out.print(table)
    if c.get("non-English"):
        out.print(f"{c['non-English']} non-English article(s) are stored and flagged; English-only stages skip them.")
    out.print(f"database: {db}")


@app.command("export")
def export_cmd(
    what: Annotated[str, typer.Argument(help=f"What to export: {', '.join(EXPORTS)}.")],
    db: DbOption = Path(DEFAULT_DB),
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(FORMATS)}.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file (default: standard output).")] = None,
    kb: KbOption = None,
) -> None:
    """Export stored data in the documented field layout."""
    if not db.exists():
        raise _fatal(f"no database at {db}; run `allegiance ingest` first")
    knowledge = _load_kb(kb) if what in EXPORTS and EXPORTS[what].rows is not None else None
    try:
        with _reader(db) as store:
            n = export(store, what, fmt, output, kb=knowledge)
    except (StoreError, ExportError) as exc:
        raise _fatal(str(exc)) from exc
    if output:
        err.print(f"wrote {n} {what} rows to {output}")


if __name__ == "__main__":
    app()
