"""ExpertLabelStore: durable, append-only expert label events in a real database.

SQLite by default (a file in the project; WAL, a busy timeout, ``BEGIN IMMEDIATE``
for writes, short-lived connections, ``synchronous=FULL``), PostgreSQL through a
SQLAlchemy URL. Nothing is updated in place: a label, an undo, a skip are each a
new event, so no expert's work is ever overwritten. Leases keep two experts off
the same item at once; ``gold(policy=...)`` resolves the history into one label.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from .._atomic import atomic_path
from ..exceptions import InputError, StoreError
from ..labels import LabelSpace
from ._store_accounts import _Accounts
from ._store_engine import begin_write, make_engine, retry_while_locked
from ._store_imports import _Imports
from ._store_leases import _Leases
from ._store_schema import (
    SCHEMA_VERSION,
    _check_text,
    _now,
    _redact,
    _row_key,
    _tables,
    check_annotator,
    check_note,
    default_url,
    labels_in_force,
    undone_ids,
)
from .choices import GOLD_POLICIES

SOURCES = ("queue", "audit", "import", "adjudication", "app")


class ExpertLabelStore(_Leases, _Imports, _Accounts):
    """Expert labels for one project, in SQLite or PostgreSQL.

    Parameters
    ----------
    url : str, default: a SQLite file in the working directory
        A SQLAlchemy URL (``sqlite:///labels.db``, ``postgresql+psycopg://...``).
    project : str, default "default"
        Several projects can share one database.
    label_space : LabelSpace or list of str, optional
        When given, labels are checked against it (ints or class names).
    timeout : float, default 30
        Seconds a SQLite writer waits for another writer's lock before giving up.

    Examples
    --------
    >>> store = ExpertLabelStore("sqlite:///:memory:")  # doctest: +SKIP
    >>> store.add_label("row-7", 1, annotator="ana")     # doctest: +SKIP
    """

    def __init__(self, url: str | None = None, *, project: str = "default",
                 label_space: LabelSpace | Sequence[str] | None = None, timeout: float = 30.0) -> None:
        import sqlalchemy as sa

        self._sa = sa
        self.url = url or default_url()
        self.project = _check_text(project, "project")
        if label_space is not None and not isinstance(label_space, LabelSpace):
            label_space = LabelSpace(label_space)
        self.label_space = label_space
        (self._md, self._meta, self._events, self._leases, self._accounts, self._sessions, self._row_state,
         self._row_totals, self._counts) = _tables(sa)
        self.is_sqlite = self.url.startswith("sqlite")
        self._remaining_cache: dict[str, Any] = {}   # see remaining()
        self._lease_from: dict[tuple[Any, str, int], int] = {}   # see lease_next()
        self._labels_of: dict[str, tuple[int, pd.DataFrame]] = {}   # see current_labels_of()
        try:
            self.engine = make_engine(self.url, timeout)
            weakref.finalize(self, self.engine.dispose)   # dropped without close(): its connections close
            self._open(timeout)
        except sa.exc.SQLAlchemyError as exc:
            first = str(exc).splitlines()[0]
            low = first.lower()
            if "locked" in low:
                fix = "another process holds the write lock; retry"
            elif "readonly" in low or "read-only" in low or "unable to open database file" in low:
                fix = ("the database file or its folder is read-only or missing: SQLite needs to write the "
                       "file and its -wal/-shm files beside it; use a writable folder")
            elif self.is_sqlite:
                fix = "check the path (is it a SQLite database?)"
            else:
                fix = "check the server address, database name and credentials"
            raise StoreError(f"url: cannot open the label store at {_redact(self.url)} ({exc.__class__.__name__}: "
                             f"{_redact(self.url, first)}); {fix}") from None

    def _write(self) -> AbstractContextManager[Any]:
        """Return a write transaction whose database failures become StoreError (nothing half-saved)."""
        from contextlib import contextmanager

        @contextmanager
        def tx() -> Iterator[Any]:
            try:
                with begin_write(self.engine) as c:
                    self._lock_project(c)   # PostgreSQL: one writer per project at a time, as SQLite has
                    yield c
            except self._sa.exc.OperationalError as exc:
                reason = _redact(self.url, str(exc.orig).splitlines()[0])
                if "readonly" in reason.lower() or "read-only" in reason.lower():
                    raise StoreError(f"the label store at {_redact(self.url)} is read-only ({reason}); nothing "
                                     "was saved: make the file and its folder writable") from exc
                raise StoreError(f"the label store at {_redact(self.url)} is locked or unavailable "
                                 f"({reason}); nothing was saved, retry") from exc
        return tx()

    def _lock_project(self, c: Any) -> None:
        """Hold this project's lock until the transaction ends.

        SQLite needs none: ``BEGIN IMMEDIATE`` already makes one writer at a time. PostgreSQL runs writers
        side by side, so every write transaction takes an advisory lock per project first: leases and keyed
        imports read then write, and each write recomputes its rows' totals from the events, which must not
        interleave (a lost update hands a row to one expert too many).
        """
        if not self.is_sqlite:
            c.execute(self._sa.text("SELECT pg_advisory_xact_lock(hashtext(:p))"), {"p": self.project})

    def close(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()

    def __enter__(self) -> ExpertLabelStore:
        """Return the store itself, to be closed on leaving the block."""
        return self

    def __exit__(self, *exc: Any) -> None:
        """Close the store's connections."""
        self.close()

    # -- schema -----------------------------------------------------------
    def _open(self, timeout: float) -> None:
        """Create or migrate the tables.

        This waits out a second process that opens the same new SQLite file at that moment (see
        :func:`retry_while_locked`).
        """
        retry_while_locked(self._migrate, self.url, timeout)

    def _migrate(self) -> None:
        sa = self._sa
        with begin_write(self.engine) as c:
            if not self.is_sqlite:   # one process creates or migrates the tables; the others wait
                c.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('weaklabel-schema'))"))
            self._md.create_all(c)
            for index in self._events.indexes:   # an older store gains indexes added since
                index.create(c, checkfirst=True)
            row = c.execute(sa.select(self._meta.c.value).where(self._meta.c.key == "schema_version")).first()
            if row is None:
                c.execute(self._meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(f"the label store at {_redact(self.url)} has schema v{row[0]}, newer than this "
                                 f"weaklabel supports (v{SCHEMA_VERSION}); upgrade weaklabel")
            elif int(row[0]) < 2:  # v1 -> v2: two nullable columns; every event is kept as it is
                have = {col["name"] for col in sa.inspect(c).get_columns("label_events")}
                for name, typ in (("external_id", "VARCHAR(128)"), ("external_version", "VARCHAR(64)")):
                    if name not in have:
                        c.execute(sa.text(f"ALTER TABLE label_events ADD COLUMN {name} {typ}"))
                c.execute(self._meta.update().where(self._meta.c.key == "schema_version").values(value="2"))
            if row is not None and int(row[0]) < 3:  # v2 -> v3: build the row tables from the events
                self._rebuild_rows(c)
                c.execute(self._meta.update().where(self._meta.c.key == "schema_version").values(value="3"))
            if row is not None and int(row[0]) < 4:  # v3 -> v4: one nullable column
                if "external_meta" not in {col["name"] for col in sa.inspect(c).get_columns("label_events")}:
                    c.execute(sa.text("ALTER TABLE label_events ADD COLUMN external_meta TEXT"))
                c.execute(self._meta.update().where(self._meta.c.key == "schema_version").values(value="4"))

    @property
    def schema_version(self) -> int:
        """The store's schema version."""
        sa = self._sa
        with self.engine.connect() as c:
            return int(c.execute(sa.select(self._meta.c.value).where(self._meta.c.key == "schema_version")).scalar())

    # -- writing ----------------------------------------------------------
    def _label_int(self, label: Any) -> int:
        if isinstance(label, str):
            if self.label_space is None:
                raise InputError(f"label: got the name {label!r} but the store has no label space; pass an int")
            return self.label_space.index(label)
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)):
            raise InputError(f"label: expected a class index or name, got {label!r}")
        space = self.label_space
        if label < 0 or (space is not None and label >= space.cardinality):
            allowed = f"0..{space.cardinality - 1} ({list(space.names)})" if space is not None else ">= 0"
            raise InputError(f"label: {label} is outside the label space {allowed}")
        return int(label)

    def _insert(self, **values: Any) -> int:
        with self._write() as c:
            res = c.execute(self._events.insert().values(project=self.project, created_at=_now(), **values))
            self._refresh_rows(c, [values["row_id"]])
            return int(res.inserted_primary_key[0])

    def add_label(self, row_id: Any, label: Any, annotator: str, *, source: str = "queue",
                  note: str | None = None, model_version: str | None = None) -> int:
        """Append a label event; returns its id. Releases the annotator's lease on the row."""
        if source not in SOURCES:
            raise InputError(f"source: expected one of {list(SOURCES)}, got {source!r}")
        lab = self._label_int(label)
        name = check_annotator(annotator)
        rid = _row_key(row_id)
        sa = self._sa
        with self._write() as c:
            res = c.execute(self._events.insert().values(
                project=self.project, row_id=rid, kind="label", label=lab, annotator=name, source=source,
                created_at=_now(), note=check_note(note), model_version=model_version))
            c.execute(self._leases.delete().where(sa.and_(self._leases.c.project == self.project,
                                                          self._leases.c.row_id == rid,
                                                          self._leases.c.annotator == name)))
            self._refresh_rows(c, [rid])
            return int(res.inserted_primary_key[0])

    def add_labels(self, records: Iterable[tuple[Any, Any, str]], *, source: str = "import") -> int:
        """Append many ``(row_id, label, annotator)`` events in one transaction; returns the count."""
        rows = []
        for i, rec in enumerate(records):
            if not isinstance(rec, (tuple, list)) or len(rec) != 3:
                raise InputError(f"records: item {i} is {rec!r}; expected (row_id, label, annotator) triples")
            r, lab, a = rec
            rows.append(dict(project=self.project, row_id=_row_key(r), kind="label", label=self._label_int(lab),
                             annotator=check_annotator(a), source=source, created_at=_now()))
        if rows:
            with self._write() as c:
                c.execute(self._events.insert(), rows)
                self._refresh_rows(c, [str(r["row_id"]) for r in rows])
        return len(rows)

    def skip(self, row_id: Any, annotator: str, *, note: str | None = None) -> int:
        """Record that an expert skipped an item (it leaves their queue)."""
        self.release(row_id, annotator)
        return self._insert(row_id=_row_key(row_id), kind="skip", annotator=check_annotator(annotator),
                            source="app", note=check_note(note))

    def undo(self, annotator: str) -> int | None:
        """Undo the annotator's latest label that is still in force; returns the undo event id.

        The label stays in the history; an ``undo`` event retracts it, and the row comes
        back to the annotator's queue.
        """
        done = self.undo_last(annotator)
        return None if done is None else done[0]

    def undo_last(self, annotator: str) -> tuple[int, str] | None:
        """Like :meth:`undo`, returning ``(undo event id, row id)`` (None when nothing to undo)."""
        name = check_annotator(annotator)
        sa = self._sa
        e = self._events
        undone = undone_ids(sa, e, self.project)
        with self._write() as c:
            last = c.execute(sa.select(e.c.id, e.c.row_id).where(sa.and_(
                e.c.project == self.project, e.c.annotator == name, e.c.kind == "label",
                e.c.id.not_in(undone))).order_by(e.c.id.desc()).limit(1)).first()
            if last is None:
                return None
            res = c.execute(e.insert().values(project=self.project, row_id=last.row_id, kind="undo",
                                              annotator=name, source="app", created_at=_now(), undoes=last.id))
            self._refresh_rows(c, [last.row_id])
            return int(res.inserted_primary_key[0]), str(last.row_id)

    # -- reading ----------------------------------------------------------
    def events(self) -> pd.DataFrame:
        """Every event of the project, oldest first."""
        sa = self._sa
        cols = [col.name for col in self._events.columns]
        with self.engine.connect() as c:
            rows = c.execute(sa.select(self._events).where(self._events.c.project == self.project)
                             .order_by(self._events.c.id)).all()
        # tuples, not a dict per row: the log is read whole by refits and exports
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=cols)

    def current_labels(self, *, adjudications: bool = True) -> pd.DataFrame:
        """Labels in force.

        The latest non-undone label per (row, annotator), and a lead's adjudication of a row kept apart from
        their own label on it (``adjudications=False`` leaves adjudications out).
        """
        ev = self.events()
        if ev.empty:
            return pd.DataFrame(columns=["row_id", "annotator", "label", "source", "id"])
        lab = labels_in_force(ev)
        if not adjudications:
            lab = lab[~lab["adjudication"]]
        return lab[["row_id", "annotator", "label", "source", "id"]].reset_index(drop=True)

    def label_counts(self) -> pd.Series:
        """row_id -> number of experts whose label is in force (adjudications aside)."""
        cur = self.current_labels(adjudications=False)
        return cur.groupby("row_id")["annotator"].nunique() if len(cur) else pd.Series(dtype="int64")

    def gold(self, policy: str = "majority") -> pd.Series:
        """One label per row from the history.

        Parameters
        ----------
        policy : {"majority", "latest", "adjudicated"}
            ``majority``: most common label among the experts' labels in force
            (adjudications excluded; ties give -1, unresolved). ``latest``: the most
            recent label in force. ``adjudicated``: a label with
            ``source="adjudication"`` wins, else majority.

        Returns
        -------
        Series indexed by row id (str) -> int label (-1 = unresolved tie).
        """
        if policy not in GOLD_POLICIES:
            raise InputError(f"policy: expected one of {list(GOLD_POLICIES)}, got {policy!r}")
        cur = self.current_labels()
        if cur.empty:
            return pd.Series(dtype="int64", name="label")
        if policy == "latest":
            return cur.sort_values("id").groupby("row_id")["label"].last().astype("int64")

        regular = cur[cur["source"] != "adjudication"]
        # the most common label per row, -1 on a tie: counts per (row, label), vectorised
        counts = regular.groupby(["row_id", "label"]).size().rename("n").reset_index()
        top = counts.groupby("row_id")["n"].transform("max")
        best = counts[counts["n"] == top]
        n_best = best.groupby("row_id")["label"].transform("size")
        out = best.assign(label=best["label"].where(n_best == 1, -1)).drop_duplicates("row_id") \
            .set_index("row_id")["label"].astype("int64")
        if policy == "adjudicated":
            adj = cur[cur["source"] == "adjudication"].sort_values("id").groupby("row_id")["label"].last()
            out = adj.combine_first(out).astype("int64")  # a lead's ruling wins
        return out.rename("label")

    def gold_array(self, row_ids: Sequence[Any] | np.ndarray, policy: str = "majority") -> np.ndarray:
        """Gold aligned to ``row_ids`` (e.g. ``L.row_ids``), -1 where unknown: ready for ``fit(L, y)``."""
        g = self.gold(policy)
        return cast("np.ndarray", pd.Series([str(r) for r in row_ids]).map(g).fillna(-1).astype("int64").to_numpy())

    def agreement(self) -> dict[str, Any]:
        """Inter-annotator agreement on rows labeled by several experts.

        Returns
        -------
        dict with ``kappa`` (DataFrame of pairwise Cohen's kappa, NaN where two experts
        share no row), ``alpha`` (Krippendorff's alpha, nominal; NaN if no row has two
        labels) and ``n_rows_multi`` (rows with >= 2 labels).
        """
        from ..evaluate import cohen_kappa, krippendorff_alpha

        cur = self.current_labels(adjudications=False)  # a lead's ruling is not a rater's label
        if cur.empty:
            return {"kappa": pd.DataFrame(), "alpha": float("nan"), "n_rows_multi": 0}
        wide = cur.pivot(index="row_id", columns="annotator", values="label")
        names = list(wide.columns)
        kappa = pd.DataFrame(np.nan, index=names, columns=names)
        for i, a in enumerate(names):
            kappa.loc[a, a] = 1.0
            for b in names[i + 1:]:
                both = wide[[a, b]].dropna()
                if len(both):
                    kappa.loc[a, b] = kappa.loc[b, a] = cohen_kappa(both[a].to_numpy(int), both[b].to_numpy(int))
        multi = wide[wide.notna().sum(axis=1) >= 2]
        return {"kappa": kappa, "alpha": krippendorff_alpha(multi.to_numpy(float)), "n_rows_multi": len(multi)}

    def export(self, path: str | os.PathLike[str], *, policy: str = "majority") -> Path:
        """Write resolved gold (row_id, label[, label_name], n_experts) to CSV or Parquet, atomically."""
        path = Path(path)
        g = self.gold(policy)
        frame = pd.DataFrame({"row_id": g.index, "label": g.to_numpy()})
        if self.label_space is not None:
            frame["label_name"] = [self.label_space.name(v) if v >= 0 else "" for v in frame["label"]]
        frame["n_experts"] = frame["row_id"].map(self.label_counts()).fillna(0).astype(int)
        if path.suffix.lower() not in (".parquet", ".csv"):
            raise InputError(f"path: export to .csv or .parquet, got {path.suffix or 'no suffix'!r}")
        with atomic_path(path) as tmp:
            if path.suffix.lower() == ".parquet":
                frame.to_parquet(tmp, index=False)
            else:
                from ..io.tables import csv_safe

                csv_safe(frame).to_csv(tmp, index=False)
        return path
