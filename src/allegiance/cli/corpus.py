"""Commands that fill the store: ingest, extract, and export what it holds."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from allegiance.cli.common import (
    AddressOption,
    DbOption,
    EngineOption,
    KbOption,
    LearnedOption,
    TriggersOption,
    app,
    err,
    fatal,
    load_kb,
    load_lexicon,
    print_extract,
    print_summary,
    reader,
    run_extract,
)
from allegiance.engine import Engine
from allegiance.outputs.export import EXPORTS, FORMATS, ExportError, export
from allegiance.reading.clean import Furniture
from allegiance.reading.ingest import ArticleBuilder, ingest
from allegiance.reading.outlets import Outlets
from allegiance.reading.read import DEFAULT_MAX_BYTES, discover
from allegiance.records import ReadError
from allegiance.store import DEFAULT_DB, Store, StoreError


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (.txt, .html, .htm, .jsonl, .jsonl.gz).")],
    db: DbOption = Path(DEFAULT_DB),
    max_bytes: Annotated[int, typer.Option(help="Largest file (or JSONL record) read, in bytes.")] = DEFAULT_MAX_BYTES,
    furniture: Annotated[list[Path] | None, typer.Option(help="Extra site-furniture patterns (YAML).")] = None,
    outlets: Annotated[list[Path] | None, typer.Option(help="Extra known outlets (YAML).")] = None,
    kb: KbOption = None,
    triggers: TriggersOption = None,
    learned: LearnedOption = True,
    no_extract: Annotated[bool, typer.Option("--no-extract", help="Only store articles; run `allegiance extract` later.")] = False,
    processes: Annotated[int | None, typer.Option(help="Extraction worker processes [default: every core].")] = None,
    engine: EngineOption = Engine.local,
    address: AddressOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary; errors only.")] = False,
) -> None:
    """Read, clean, store and extract articles. Re-running adds nothing already stored and resumes an interrupted run."""
    try:
        builder = ArticleBuilder(Furniture.load(*(furniture or [])), Outlets.load(*(outlets or [])))
    except (OSError, ValueError) as exc:
        raise fatal(f"cannot load pattern files: {exc}") from exc
    knowledge = None if no_extract else load_kb(kb)
    lexicon = None if no_extract else load_lexicon(triggers)
    try:
        store = Store(db)
    except StoreError as exc:
        raise fatal(str(exc)) from exc
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
            extracted = run_extract(store, knowledge, False, processes, quiet, lexicon, learned, engine, address)
    for e in summary.errors:
        err.print(f"[red]failed[/] {e.where}: {e.reason}", highlight=False, soft_wrap=True)
    if not quiet:
        print_summary(summary, stored, db)
        if extracted:
            print_extract(extracted)
    if summary.interrupted or (extracted and extracted.interrupted):
        err.print("[yellow]interrupted[/]: what was stored is consistent; run the same command again to continue.")
        raise typer.Exit(130)
    raise typer.Exit(2 if summary.failed else 0)




@app.command("extract")
def extract_cmd(
    db: DbOption = Path(DEFAULT_DB),
    kb: KbOption = None,
    triggers: TriggersOption = None,
    learned: LearnedOption = True,
    force: Annotated[bool, typer.Option("--force", help="Redo articles already extracted.")] = False,
    processes: Annotated[int | None, typer.Option(help="Extraction worker processes [default: every core].")] = None,
    engine: EngineOption = Engine.local,
    address: AddressOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Run the extraction stages over stored articles (resumable; skips work already done)."""
    knowledge = load_kb(kb)
    lexicon = load_lexicon(triggers)
    if not db.exists():
        raise fatal(f"no database at {db}; run `allegiance ingest` first")
    try:
        store = Store(db)
    except StoreError as exc:
        raise fatal(str(exc)) from exc
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a kill stops as cleanly as Ctrl-C
    with store:
        summary = run_extract(store, knowledge, force, processes, quiet, lexicon, learned, engine, address)
    if not quiet:
        print_extract(summary)
    if summary.interrupted:
        err.print("[yellow]interrupted[/]: run the same command again to continue.")
        raise typer.Exit(130)


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
        raise fatal(f"no database at {db}; run `allegiance ingest` first")
    knowledge = load_kb(kb) if what in EXPORTS and EXPORTS[what].rows is not None else None
    try:
        with reader(db) as store:
            n = export(store, what, fmt, output, kb=knowledge)
    except (StoreError, ExportError) as exc:
        raise fatal(str(exc)) from exc
    if output:
        err.print(f"wrote {n} {what} rows to {output}")


if __name__ == "__main__":
    app()
