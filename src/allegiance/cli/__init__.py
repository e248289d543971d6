"""The `allegiance` command line (Typer + Rich): one module per group of commands, one shared `app`.

Importing a command module registers its commands, in the order `--help` lists them: what fills the
store, what reads it, what measures and trains."""

from allegiance.cli.common import app  # noqa: I001 - the app first: the modules below register their commands on it
from allegiance.cli import corpus  # noqa: E402,F401,I001
from allegiance.cli import analysis  # noqa: E402,F401,I001
from allegiance.cli import evaluation  # noqa: E402,F401,I001
from allegiance.cli import serve  # noqa: E402,F401,I001

__all__ = ["app"]
