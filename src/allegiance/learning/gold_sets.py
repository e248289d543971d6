"""Where the project's gold and the articles it annotates are, by default.

They sit in the shared folder beside the repository (``../shared``, or ``$ALLEGIANCE_SHARED``), not in
the package: the gold is development data, and what is shipped is the models trained from it.
"""

from __future__ import annotations

import os
from pathlib import Path


def shared() -> Path:
    return Path(os.environ.get("ALLEGIANCE_SHARED", "../shared"))


def default_gold() -> list[Path]:
    """The crisis gold the shipped models are trained on: seeds, the Venezuela dev set, the world set."""
    gold = shared() / "gold"
    return [gold / "seeds", gold / "venezuela-allsides-dev", gold / "train"]


def folded_gold() -> Path:
    """The gold cross-validation folds over: no rule was written against it."""
    return shared() / "gold" / "train"


def plover_gold() -> Path:
    return shared() / "gold" / "plover-gsr"


def default_corpus() -> list[Path]:
    return [shared() / "corpus"]
