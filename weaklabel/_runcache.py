"""Per-run memo shared by the LFs of one ``apply_lfs`` call.

Columns converted to Arrow strings, spaCy Docs, ... are computed once per run and
reused by every LF that needs them; outside a run nothing is cached.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

T = TypeVar("T")
_CACHE: ContextVar[dict[Hashable, Any] | None] = ContextVar("weaklabel_run_cache", default=None)


@contextmanager
def run_scope() -> Iterator[None]:
    """Open a fresh cache for the duration of one apply run (nested runs reuse it)."""
    if _CACHE.get() is not None:
        yield
        return
    token = _CACHE.set({})
    try:
        yield
    finally:
        _CACHE.reset(token)


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """Return ``compute()``, memoised under ``key`` while a run scope is open."""
    store = _CACHE.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return cast("T", store[key])


def frame_key(df: Any) -> int:
    """Return the run-cache identity of a frame.

    That of the caller's frame an LF's protected copy was made from (see
    ``LabelingFunction._apply_vectorized``), else the frame's own.
    """
    return cast("int", df.__dict__.get("_weaklabel_origin", id(df)))
