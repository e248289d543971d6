"""The DuckDB store: the one place that knows the schema. Stages call its named queries and writes."""

from allegiance.store.core import (
    DEFAULT_DB,
    INTERRUPTS,
    MEMORY_LIMIT,
    Store,
    StoreError,
)
from allegiance.store.schema import MIGRATIONS, migrations

__all__ = ["DEFAULT_DB", "INTERRUPTS", "MEMORY_LIMIT", "MIGRATIONS", "Store", "StoreError", "migrations"]
