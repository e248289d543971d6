"""Commands that read the store: actors, framing, allegiances and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from allegiance.cli.common import (
    DbOption,
    KbOption,
    app,
    fatal,
    find_actor,
    load_kb,
    out,
    reader,
    unknown_yaml,
)
from allegiance.store import DEFAULT_DB


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
            raise fatal(f"no database at {db}; run `allegiance ingest` first")
        with reader(db) as store:
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
    knowledge = load_kb(kb)
    if not query:
        raise fatal("give a QUERY to search, or --unknown")
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

    knowledge = load_kb(kb)
    if not db.exists():
        raise fatal(f"no database at {db}; run `allegiance ingest` first")
    actor_id = find_actor(knowledge, actor) if actor else None
    with reader(db) as store:
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

    knowledge = load_kb(kb)
    if not db.exists():
        raise fatal(f"no database at {db}; run `allegiance ingest` first")
    day = None
    if at:
        try:
            day = dt.date.fromisoformat(at)
        except ValueError as exc:
            raise fatal(f"--at must be a date as YYYY-MM-DD, not {at!r}") from exc
    ids = [find_actor(knowledge, name) for name in principal or []]
    with reader(db) as store:
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
        raise fatal("--format must be html or md")
    knowledge = load_kb(kb)
    if not db.exists():
        raise fatal(f"no database at {db}; run `allegiance ingest` first")
    try:
        start = dt.date.fromisoformat(date_from) if date_from else None
        end = dt.date.fromisoformat(date_to) if date_to else None
    except ValueError as exc:
        raise fatal(f"dates must be YYYY-MM-DD: {exc}") from exc
    ids = [find_actor(knowledge, name) for name in principal or []]
    with reader(db) as store:
        data = gather(store, knowledge, country.upper() if country else None, start, end, ids or None)
    text = render_html(data) if fmt == "html" else render_markdown(data)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    out.print(f"report: {output.resolve()}")


