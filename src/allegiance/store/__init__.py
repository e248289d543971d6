"""The DuckDB store: the one place that knows the schema. Stages call its named queries and writes."""

from allegiance.store.core import (
    DEFAULT_DB,
    INTERRUPTS,
    Store,
    StoreError,
    connect,
)
from allegiance.store.schema import MIGRATIONS, migrations

__all__ = ["DEFAULT_DB", "INTERRUPTS", "MIGRATIONS", "Store", "StoreError", "connect", "migrations"]
