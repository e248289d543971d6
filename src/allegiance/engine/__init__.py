"""Where extraction runs: forked local processes (the default) or a Ray cluster.

Both engines run the same per-article function (``Extractor.tables``: parse, resolve actors, extract,
return flat rows), so they store the same rows with the same ids. ``ray`` is imported only when the
Ray engine is chosen: a laptop install needs nothing beyond the package.
"""

from __future__ import annotations

from enum import Enum


class Engine(str, Enum):
    local = "local"
    ray = "ray"
