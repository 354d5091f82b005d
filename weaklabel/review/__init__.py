"""The review loop.

Which items first (``queue``), the session an expert works in (``session``), the durable label store
(``store`` and its ``_store_*`` parts), the project file (``project``), sign-in (``access``) and the
app's tables (``tables``).

Names load on first use, so ``import weaklabel`` never pulls in SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {"ReviewSession": "session", "ExpertLabelStore": "store", "StoreError": "store",
         "Project": "project", "rank": "queue", "STRATEGIES": "queue"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_LAZY)
