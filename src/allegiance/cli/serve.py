"""`allegiance serve`: the JSON API and the dashboard over a store, read-only, on this machine by default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from allegiance.cli.common import DbOption, KbOption, app, err, fatal, load_kb
from allegiance.store import DEFAULT_DB


@app.command("serve")
def serve_cmd(
    db: DbOption = Path(DEFAULT_DB),
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it to this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    kb: KbOption = None,
) -> None:
    """Serve the dashboard and the JSON API (docs at /docs) over a database. Ingests may run meanwhile:
    the server answers from a snapshot it renews once each ingest has finished (docs/serve.md)."""
    import uvicorn

    from allegiance.serve.app import create_app

    if not db.exists():
        raise fatal(f"no database at {db}; create one with `allegiance ingest FILES --db {db}`")
    err.print(f"Allegiance dashboard: http://{host}:{port}/   API docs: http://{host}:{port}/docs   (Ctrl-C stops)",
              highlight=False, soft_wrap=True)
    uvicorn.run(create_app(db, load_kb(kb)), host=host, port=port, log_level="warning")
