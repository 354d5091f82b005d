"""The label store's connections: a SQLAlchemy engine per store, set up for SQLite (pragmas,
``BEGIN IMMEDIATE``) or PostgreSQL (pre-pinged pool), and kept safe across ``fork``."""

from __future__ import annotations

import os
import weakref
from typing import Any

# Engines of live stores: a forked child drops their pooled connections (it must open its own,
# never share its parent's). One fork hook for the process, not one per store.
_ENGINES: weakref.WeakSet[Any] = weakref.WeakSet()


def _forget_pools() -> None:
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_pools)


def make_engine(url: str, timeout: float) -> Any:
    """A pooled engine for ``url``: a small pool for files and PostgreSQL (a keypress must not pay
    for a connect and its pragmas several times over), one shared connection for SQLite's
    ``:memory:``."""
    import sqlalchemy as sa
    from sqlalchemy import event
    from sqlalchemy.pool import StaticPool

    if url.startswith("sqlite"):
        memory = ":memory:" in url or url.rstrip("/") in ("sqlite:", "sqlite:/")
        pool: dict[str, Any] = {"poolclass": StaticPool} if memory else {"pool_size": 4, "max_overflow": 16}
        engine = sa.create_engine(url, **pool, connect_args={"timeout": timeout, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")  # first: later pragmas may wait
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # Writers take the write lock up front: no deadlocked upgrades.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:  # pooled, checked before use (a server restart drops connections)
        engine = sa.create_engine(url, pool_size=4, max_overflow=16, pool_pre_ping=True, pool_recycle=1800)
    _ENGINES.add(engine)
    return engine
