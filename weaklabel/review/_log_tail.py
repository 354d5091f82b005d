"""An append-only table read incrementally.

The first read takes every row, each later one only the rows written since, so a reader asked at
every keypress pays for what is new, not for the whole log.

Ids can commit out of order on PostgreSQL (a transaction holds its id until it commits), so on a
server database each read goes back to the highest id read ``REREAD_SECONDS`` ago and skips the
rows it already holds; SQLite has one writer at a time and commits in id order.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pandas as pd

_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3     # always on from pandas 3


class LogTail:
    """The rows of ``table`` where ``where`` holds, oldest first, followed through new rows.

    Parameters
    ----------
    engine : sqlalchemy Engine
    table : sqlalchemy Table with an integer ``id`` primary key
    where : a condition on ``table`` (say, one project's rows)
    decode : called on each batch of new rows (a DataFrame) before it joins the log
    """

    REREAD_SECONDS = 60.0

    def __init__(self, engine: Any, table: Any, where: Any, decode: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
        self.engine, self.table, self.where, self.decode = engine, table, where, decode
        self.in_id_order = engine.dialect.name == "sqlite"
        self._log: pd.DataFrame | None = None
        self._marks: list[tuple[float, int]] = []      # (monotonic time, highest id read then)
        self._lock = threading.Lock()

    def read(self) -> pd.DataFrame:
        """Return the whole log (a copy: a caller's edits never reach the next reader)."""
        import sqlalchemy as sa

        t = self.table
        with self._lock:
            now = time.monotonic()
            start = 0
            if self._log is not None:
                if self.in_id_order:
                    start = self._marks[-1][1]
                else:
                    old = [top for when, top in self._marks if when <= now - self.REREAD_SECONDS]
                    start = old[-1] if old else 0
            with self.engine.connect() as c:
                new = pd.read_sql(sa.select(t).where(sa.and_(self.where, t.c.id > start)).order_by(t.c.id), c)
            log = self._log
            if log is not None:
                new = new[~new["id"].isin(log["id"].iloc[int(log["id"].searchsorted(start, side="right")):])]
            new = self.decode(new.copy())
            if log is None:
                log = new
            elif len(new):
                log = pd.concat([log, new], ignore_index=True)
                if not log["id"].is_monotonic_increasing:      # a late commit below the top
                    log = log.sort_values("id", ignore_index=True)
            self._log = log
            top = int(log["id"].iloc[-1]) if len(log) else 0
            cut = now - self.REREAD_SECONDS
            self._marks = [m for m in self._marks if m[0] <= cut][-1:] + [m for m in self._marks if m[0] > cut]
            self._marks.append((now, top))
            # a view is enough under copy-on-write
            return log.copy(deep=not _COPY_ON_WRITE)
