"""The label store's connections.

A SQLAlchemy engine per store, set up for SQLite (pragmas, ``BEGIN IMMEDIATE`` for writers only) or
PostgreSQL (a pool that pings connections that rested), and kept safe across ``fork``.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..exceptions import StoreError

# Engines of live stores: a forked child drops their pooled connections (it must open its own,
# never share its parent's). One fork hook for the process, not one per store.
_ENGINES: weakref.WeakSet[Any] = weakref.WeakSet()


def _forget_pools() -> None:
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_pools)


_WRITE = "weaklabel_write"


@contextmanager
def begin_write(engine: Any) -> Iterator[Any]:
    """Open a write transaction.

    On SQLite it begins ``IMMEDIATE`` (the write lock, taken first); every other transaction is a
    reader's and takes no lock.
    """
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


def make_engine(url: str, timeout: float) -> Any:
    """Return a pooled engine for ``url``.

    A small pool for files and PostgreSQL (a keypress must not pay for a connect and its pragmas several
    times over), one shared connection for SQLite's ``:memory:``.
    """
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
            # Writers (begin_write) take the write lock up front: no deadlocked upgrades. Readers
            # take none: under WAL they read a snapshot while a writer writes, so a long read (a
            # refit reading every event) never holds up a keypress's write.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")
    else:
        engine = sa.create_engine(url, pool_size=4, max_overflow=16, pool_recycle=1800)
        _ping_when_idle(engine)
    _ENGINES.add(engine)
    return engine


PING_AFTER_IDLE = 5.0   # seconds a pooled PostgreSQL connection may rest before it is pinged


def _ping_when_idle(engine: Any) -> None:
    """Ping a pooled connection at checkout only if it rested more than ``PING_AFTER_IDLE`` seconds.

    A server restart or an idle timeout drops connections while they rest, and a dead one is swapped for
    a new one before use. SQLAlchemy's ``pool_pre_ping`` pings at every checkout: a keypress checks out
    about ten, so that was ten more round trips (6 ms of 20).
    """
    import time

    from sqlalchemy import event, exc

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        rested = time.monotonic() - record.info.get("checked_in", time.monotonic())
        if rested > PING_AFTER_IDLE:
            try:
                engine.dialect.do_ping(dbapi_conn)
                dbapi_conn.rollback()
            except Exception as err:  # any failure: the pool opens a new one
                raise exc.DisconnectionError(f"a pooled connection died while idle: {err}") from err

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()


def retry_while_locked(step: Any, url: str, timeout: float) -> Any:
    """Run ``step()``, again while SQLite says "database is locked", for up to ``timeout`` seconds.

    Two connections opening a brand-new SQLite file at once can meet that error without SQLite's
    busy wait: switching the file to WAL needs it whole, and SQLite answers ``SQLITE_BUSY`` at
    once rather than call the busy handler. Any other error, or any error on another database,
    goes straight up.
    """
    import time

    import sqlalchemy as sa

    deadline = time.monotonic() + timeout
    while True:
        try:
            return step()
        except sa.exc.OperationalError as exc:
            if (not url.startswith("sqlite") or "locked" not in str(exc).lower()
                    or time.monotonic() > deadline):
                raise
            time.sleep(0.05)


def open_tables(owner: Any, url: str, metadata: Any, timeout: float, what: str,
                upgrade: Any = None) -> Any:
    """Return an engine on ``url`` with ``metadata``'s tables created, disposed of with ``owner``.

    ``upgrade(connection)`` runs in the same transaction. A database error becomes a :class:`StoreError`
    that names ``what`` could not be opened, and where, without the password.
    """
    import sqlalchemy as sa

    from ._store_schema import _redact

    def create(engine: Any) -> None:
        with begin_write(engine) as c:
            metadata.create_all(c)
            if upgrade is not None:
                upgrade(c)

    try:
        engine = make_engine(url, timeout)
        weakref.finalize(owner, engine.dispose)
        retry_while_locked(lambda: create(engine), url, timeout)
        return engine
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"url: cannot open the {what} at {_redact(url)} ({exc.__class__.__name__}: "
                         f"{_redact(url, str(exc).splitlines()[0])}); check the path or server") from None
