"""The `allegiance` command line (Typer + Rich).

Exit codes, for scripts: 0 when every input was stored or skipped as
already present, 2 when some inputs failed (the good ones are stored), 1 on a
fatal error (the database cannot be opened, bad options), 130 when interrupted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from allegiance import __version__
from allegiance.actors.kb import ENV_VAR, KBError, KnowledgeBase
from allegiance.engine import Engine
from allegiance.extraction.events.lexicon import Lexicon
from allegiance.extraction.pipeline import Extractor, ExtractSummary, extract
from allegiance.reading.ingest import IngestSummary
from allegiance.store import Store, StoreError

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


LearnedOption = Annotated[bool, typer.Option(
    "--learned/--rules-only", help="Let the shipped learned models revise the rules' events (argument ranker and "
                                   "status model; see docs/learning.md), or keep the rules' events as they are. "
                                   "Articles already extracted are redone only with --force.")]
EngineOption = Annotated[Engine, typer.Option(
    "--engine", help="Where extraction runs: forked local processes, or a Ray cluster (needs the `ray` extra; see docs/scale.md).")]
AddressOption = Annotated[str | None, typer.Option(
    "--address", help="With --engine ray: the cluster to join (e.g. ray://head:10001 or auto) [default: start a local one].")]
TriggersOption = Annotated[
    list[Path] | None,
    typer.Option("--triggers", help="Extra event trigger file (YAML, the layout of data/events/triggers.yaml), added to the built-in one."),
]


def fatal(message: str) -> typer.Exit:
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




def reader(db: Path) -> Store:
    """The database opened for reading, or a fatal error that says why not (in use, outdated)."""
    try:
        return Store(db, read_only=True)
    except StoreError as exc:
        raise fatal(str(exc)) from exc


def load_kb(files: list[Path] | None) -> KnowledgeBase:
    try:
        return KnowledgeBase.load(*(files or []))
    except KBError as exc:
        raise fatal(str(exc)) from exc


def find_actor(knowledge: KnowledgeBase, name: str) -> str:
    """The id of the actor a user names on the command line, or a fatal error."""
    hits = knowledge.search(name, 1)
    if not hits or hits[0][1] < 80:
        raise fatal(f"no actor matching {name!r} in the knowledge base")
    return hits[0][0].id


def load_lexicon(files: list[Path] | None) -> Lexicon | None:
    """The event lexicon with the user's trigger files added, or None for the built-in one."""
    if not files:
        return None
    try:
        return Lexicon.load(*files)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise fatal(f"cannot load trigger file: {exc}") from exc


def run_extract(store: Store, knowledge: KnowledgeBase, force: bool, processes: int | None, quiet: bool,
                lexicon: Lexicon | None = None, learned: bool = True, engine: Engine = Engine.local,
                address: str | None = None) -> ExtractSummary:
    if engine is Engine.local and address:
        raise fatal("--address needs --engine ray")
    with Progress(
        TextColumn("[bold]extract"), BarColumn(), TextColumn("{task.completed}/{task.total} articles"),
        TimeRemainingColumn(), console=err, disable=quiet, transient=True,
    ) as bar:
        task = bar.add_task("extract", total=None)
        if engine is Engine.ray:
            try:
                from allegiance.engine.ray_extract import extract_ray
            except ImportError as exc:
                raise fatal(f"--engine ray needs Ray: pip install 'allegiance[ray]' ({exc})") from exc
            return extract_ray(store, knowledge, Path(f"{store.path}.parts"), lexicon=lexicon, learned=learned,
                               force=force, workers=processes, address=address,
                               on_article=lambda _: bar.advance(task))
        extractor = Extractor(knowledge, lexicon=lexicon, learned=learned)
        return extract(store, extractor, force=force, processes=processes, on_article=lambda _: bar.advance(task))


def print_extract(summary: ExtractSummary) -> None:
    c = summary.counts
    out.print(
        f"extracted {c.get('extracted', 0)} article(s): {c.get('mentions', 0)} actor mentions, {c.get('events', 0)} events, {c.get('quotes', 0)} quotations"
        + (f"; {c['contested claim groups']} contested claim group(s)" if c.get("contested claim groups") else "")
        + (f"; {c['skipped (non-English)']} non-English article(s) skipped" if c.get("skipped (non-English)") else "")
    )


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


def print_summary(summary: IngestSummary, stored: int, db: Path) -> None:
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


