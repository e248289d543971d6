"""The `allegiance` command line (Typer + Rich).

Exit codes, for scripts: 0 when every input was stored or skipped as
already present, 2 when some inputs failed (the good ones are stored), 1 on a
fatal error (the database cannot be opened, bad options), 130 when interrupted.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from . import __version__
from .clean import Furniture
from .export import EXPORTS, FORMATS, ExportError, export
from .ingest import ArticleBuilder, IngestSummary, ingest
from .outlets import Outlets
from .read import DEFAULT_MAX_BYTES, discover
from .records import ReadError
from .store import DEFAULT_DB, Store, StoreError

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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary; errors only.")] = False,
) -> None:
    """Read, clean and store articles. Re-running adds nothing already stored and resumes an interrupted run."""
    try:
        builder = ArticleBuilder(Furniture.load(*(furniture or [])), Outlets.load(*(outlets or [])))
    except (OSError, ValueError) as exc:
        raise _fatal(f"cannot load pattern files: {exc}") from exc
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
    for e in summary.errors:
        err.print(f"[red]failed[/] {e.where}: {e.reason}", highlight=False, soft_wrap=True)
    if not quiet:
        _print_summary(summary, stored, db)
    if summary.interrupted:
        err.print("[yellow]interrupted[/]: what was stored is consistent; run the same command again to continue.")
        raise typer.Exit(130)
    raise typer.Exit(2 if summary.failed else 0)


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
) -> None:
    """Export stored data in the documented field layout."""
    if not db.exists():
        raise _fatal(f"no database at {db}; run `allegiance ingest` first")
    try:
        with Store(db, read_only=True) as store:
            n = export(store, what, fmt, output)
    except (StoreError, ExportError) as exc:
        raise _fatal(str(exc)) from exc
    if output:
        err.print(f"wrote {n} {what} rows to {output}")


if __name__ == "__main__":
    app()
