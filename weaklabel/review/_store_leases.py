"""Leases of the expert label store, and what one expert's keypress reads.

Which expert holds which item, which items an expert may be given next, and that expert's own labels
and latest event (read from their events only, not the whole log). A mixin of
:class:`weaklabel.review.store.ExpertLabelStore`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from ..exceptions import InputError
from ._store_schema import _row_key, check_annotator, db_now, undone_ids

_CHUNK = 500   # rows per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


class _Leases:
    """Leases and per-row counts of the label store, as a mixin.

    Needs ``_sa``, the tables (``_events``, ``_leases``, ``_row_state``, ``_row_totals``, ``_counts``),
    ``project``, ``engine``, ``is_sqlite`` and ``_write``.
    """

    _sa: Any
    _events: Any
    _leases: Any
    _row_state: Any
    _row_totals: Any
    _counts: Any
    _remaining_cache: dict[str, Any]
    _lease_from: dict[tuple[Any, str, int], int]
    _labels_of: dict[str, tuple[int, pd.DataFrame]]
    project: str
    engine: Any
    is_sqlite: bool

    if TYPE_CHECKING:  # provided by ExpertLabelStore
        def _write(self) -> AbstractContextManager[Any]: ...

    # -- the row tables: what the events add up to ------------------------------
    def _refresh_rows(self, c: Any, row_ids: Iterable[str]) -> None:
        """Recompute ``row_state`` and ``row_totals`` for these rows from their events.

        This runs inside the writer's transaction, so readers see events and totals change together.
        Set-based, in chunks: an import of thousands of labels is a few statements, not one per row.
        """
        rows = sorted({str(r) for r in row_ids})
        for i in range(0, len(rows), _CHUNK):
            self._recompute(c, rows[i:i + _CHUNK])

    def _rebuild_rows(self, c: Any) -> None:
        """Build the row tables from every event (a store from before they existed)."""
        sa, e = self._sa, self._events
        c.execute(self._row_state.delete())
        c.execute(self._row_totals.delete())
        c.execute(self._counts.delete())
        for project in c.execute(sa.select(e.c.project).distinct()).scalars().all():
            rows = c.execute(sa.select(e.c.row_id).where(e.c.project == project).distinct()).scalars().all()
            for i in range(0, len(rows), _CHUNK):
                self._recompute(c, rows[i:i + _CHUNK], project=project)

    def _recompute(self, c: Any, rows: list[str], project: str | None = None) -> None:
        sa, rs, rt = self._sa, self._row_state, self._row_totals
        project = project or self.project
        # Plain SQL, to name the index on SQLite: without statistics its planner walks every
        # event of the project by (project, annotator) instead (60 ms at 100,000 events).
        hint = " INDEXED BY ix_events_project_row" if self.is_sqlite else ""
        state = c.execute(sa.text(
            "SELECT row_id, annotator, MAX(CASE WHEN kind = 'label' THEN 1 ELSE 0 END), "
            "MAX(CASE WHEN kind = 'skip' THEN 1 ELSE 0 END) "
            f"FROM label_events{hint} WHERE project = :p AND row_id IN :rows AND kind IN ('label', 'skip') "
            "AND id NOT IN (SELECT undoes FROM label_events WHERE project = :p AND kind = 'undo' "
            "AND row_id IN :rows AND undoes IS NOT NULL) GROUP BY row_id, annotator")
            .bindparams(sa.bindparam("rows", expanding=True)), {"p": project, "rows": rows}).all()
        c.execute(rs.delete().where(sa.and_(rs.c.project == project, rs.c.row_id.in_(rows))))
        gone = c.execute(rt.delete().where(sa.and_(rt.c.project == project, rt.c.row_id.in_(rows)))).rowcount
        added = 0
        if state:
            c.execute(rs.insert(), [{"project": project, "row_id": r, "annotator": a, "labeled": int(lab),
                                     "skipped": int(sk)} for r, a, lab, sk in state])
            totals: dict[str, int] = {}
            for r, _a, lab, _sk in state:
                totals[r] = totals.get(r, 0) + int(lab)
            if any(totals.values()):
                fresh = [{"project": project, "row_id": r, "n_labelers": n} for r, n in totals.items() if n]
                c.execute(rt.insert(), fresh)
                added = len(fresh)
        if added != gone:   # the project's count of labeled rows, kept with the rows
            pc = self._counts
            done = c.execute(pc.update().where(pc.c.project == project)
                             .values(labeled_rows=pc.c.labeled_rows + (added - gone))).rowcount
            if not done:
                c.execute(pc.insert().values(project=project, labeled_rows=added - gone))

    # -- who may be given which row ------------------------------------------------
    def _states(self, c: Any, name: str, now: Any, rows: list[str] | None) -> Any:
        """Read each row's state for ``name`` in one statement, for ``rows`` or every row.

        One statement is one snapshot: on PostgreSQL, a label committed between two reads could otherwise
        free its row for a second expert. Returns (row id, -1) for rows ``name`` labeled or skipped; (row
        id, n) for rows n other experts hold, by labels in force or live leases.
        """
        sa, rs, rt, le = self._sa, self._row_state, self._row_totals, self._leases
        mine = sa.select(rs.c.row_id, sa.literal(-1).label("n")).where(sa.and_(
            rs.c.project == self.project, rs.c.annotator == name, (rs.c.labeled + rs.c.skipped) > 0))
        totals = sa.select(rt.c.row_id, rt.c.n_labelers.label("n")).where(rt.c.project == self.project)
        leases = sa.select(le.c.row_id, sa.func.count().label("n")).where(sa.and_(
            le.c.project == self.project, le.c.annotator != name, le.c.expires_at >= now)).group_by(le.c.row_id)
        if rows is not None:
            mine, totals, leases = (q.where(self._among(col, rows)) for q, col in
                                    ((mine, rs.c.row_id), (totals, rt.c.row_id), (leases, le.c.row_id)))
        return c.execute(sa.union_all(mine, totals, leases))

    def _among(self, col: Any, rows: list[str]) -> Any:
        """``col IN rows``.

        On PostgreSQL one array parameter (``= ANY(:rows)``) instead of one per row: the statement's text
        stays the same whatever the rows, so it is prepared once, and neither SQLAlchemy nor psycopg renders
        and parses 500 placeholders per call.
        """
        if self.is_sqlite:
            return col.in_(rows)
        from sqlalchemy.dialects.postgresql import ARRAY

        return col == self._sa.any_(self._sa.cast(self._sa.bindparam(None, rows, type_=ARRAY(self._sa.String)),
                                                  ARRAY(self._sa.String)))

    def _available(self, c: Any, candidates: Sequence[Any], name: str, overlap: int, now: Any) -> list[Any]:
        """Return the candidates ``name`` may be given, in order (see :meth:`lease_next`).

        Done by them (labeled or skipped; an undone label does not count), or held by ``overlap`` other
        experts (labels in force and live leases), a row is not.
        """
        free = self._free(c, candidates, name, overlap, now, [(0, len(candidates))])
        return [candidates[i] for i in free]

    def _free(self, c: Any, candidates: Sequence[Any], name: str, overlap: int, now: Any,
              spans: list[tuple[int, int]], first: bool = False) -> list[int]:
        """Return the positions of the free candidates within ``spans`` (``[lo, hi)`` ranges, in order).

        With ``first``, only the first one, read a chunk at a time (32 rows, then 128, then 500): a keypress
        costs the rows it looks at, not the size of the store.
        """
        out: list[int] = []
        for lo, hi in spans:
            size = 32 if first else hi - lo
            while lo < hi:
                part = range(lo, min(lo + size, hi))
                keys = [str(candidates[i]) for i in part]
                blocked: set[str] = set()
                others: dict[str, int] = {}
                for rid, k in self._states(c, name, now, keys if first else None):
                    if k < 0:
                        blocked.add(rid)
                    else:
                        others[rid] = others.get(rid, 0) + k
                for i, key in zip(part, keys):
                    if key not in blocked and others.get(key, 0) < overlap:
                        out.append(i)
                        if first:
                            return out
                lo, size = part.stop, min(size * 4, _CHUNK)
        return out

    def available(self, candidates: Sequence[Any], annotator: str, *, overlap: int = 1) -> list[Any]:
        """Return the candidates :meth:`lease_next` could give ``annotator`` now, in order (no lease is taken)."""
        name = check_annotator(annotator)
        if overlap < 1:
            raise InputError(f"overlap: expected >= 1, got {overlap}")
        with self.engine.connect() as c:
            return self._available(c, candidates, name, overlap, db_now(c, self.is_sqlite))

    def remaining(self, candidates: Sequence[Any], annotator: str, *, overlap: int = 1, version: Any = None) -> int:
        """Return ``len(self.available(candidates, annotator, overlap=overlap))``, kept up to date.

        It follows the events written since the last call: a keypress then reads the new events and the live
        leases, not every row of the store.

        The rows labeled by ``overlap`` experts are kept once for every expert; each expert's
        own done rows are read once, then followed through the new events. ``version`` names
        the candidates (the queue's: the same rows in the same order); a new one (a refit's
        queue) is counted against the sets already held, without reading the store again.
        Without a version nothing is kept.
        """
        name = check_annotator(annotator)
        if overlap < 1:
            raise InputError(f"overlap: expected >= 1, got {overlap}")
        sa, e, rs, rt, le = self._sa, self._events, self._row_state, self._row_totals, self._leases
        cache = self._remaining_cache if version is not None else {}
        with self.engine.connect() as c:
            now = db_now(c, self.is_sqlite)
            top = int(c.execute(sa.select(sa.func.coalesce(sa.func.max(e.c.id), 0)).where(
                e.c.project == self.project)).scalar_one())
            if cache.get("overlap") != overlap:
                # the full rows and each expert's done rows do not depend on the queue: read once
                # per overlap, then followed through the events, across refits
                full = set(c.execute(sa.select(rt.c.row_id).where(sa.and_(
                    rt.c.project == self.project, rt.c.n_labelers >= overlap))).scalars())
                cache = {"overlap": overlap, "version": None, "cands": set(), "full": full, "n_full": 0,
                         "top": top, "mine": {}, "n_mine": {}}
            elif top > cache["top"]:
                self._follow(c, cache, overlap)
                cache["top"] = top
            if cache["version"] != version or version is None:   # a new queue: recount within it
                cands = {str(x) for x in candidates}
                cache.update(version=version, cands=cands, n_full=len(cache["full"] & cands),
                             n_mine={a: len((m - cache["full"]) & cands) for a, m in cache["mine"].items()})
            if name not in cache["mine"]:
                # read now: it holds the events up to `top` already, so nothing to follow
                mine = set(c.execute(sa.select(rs.c.row_id).where(sa.and_(
                    rs.c.project == self.project, rs.c.annotator == name,
                    (rs.c.labeled + rs.c.skipped) > 0))).scalars())
                cache["mine"][name] = mine
                cache["n_mine"][name] = len((mine - cache["full"]) & cache["cands"])
            full, mine = cache["full"], cache["mine"][name]
            leased = dict(c.execute(sa.select(le.c.row_id, sa.func.count()).where(sa.and_(
                le.c.project == self.project, le.c.annotator != name, le.c.expires_at >= now))
                .group_by(le.c.row_id)).all())
            open_leased = [r for r in leased if r in cache["cands"] and r not in full and r not in mine]
            totals = dict(c.execute(sa.select(rt.c.row_id, rt.c.n_labelers).where(sa.and_(
                rt.c.project == self.project, rt.c.row_id.in_(open_leased)))).all()) if open_leased else {}
            by_lease = sum(1 for r in open_leased if totals.get(r, 0) + leased[r] >= overlap)
        if version is not None:
            self._remaining_cache = cache
        return cast("int", len(cache["cands"]) - cache["n_full"] - cache["n_mine"][name] - by_lease)

    def _follow(self, c: Any, cache: dict[str, Any], overlap: int) -> None:
        """Bring a :meth:`remaining` cache up to date with the events written since it was read.

        For each row they touched, whether it is now full, and whether each cached expert has now done it.
        """
        sa, e, rs, rt = self._sa, self._events, self._row_state, self._row_totals
        touched = c.execute(sa.select(e.c.row_id).where(sa.and_(
            e.c.project == self.project, e.c.id > cache["top"])).distinct()).scalars().all()
        names = list(cache["mine"])
        for i in range(0, len(touched), _CHUNK):
            chunk = touched[i:i + _CHUNK]
            full_now = set(c.execute(sa.select(rt.c.row_id).where(sa.and_(
                rt.c.project == self.project, rt.c.row_id.in_(chunk), rt.c.n_labelers >= overlap))).scalars())
            done_now: set[tuple[str, str]] = set()
            if names:
                done_now = {(r, a) for r, a in c.execute(sa.select(rs.c.row_id, rs.c.annotator).where(sa.and_(
                    rs.c.project == self.project, rs.c.row_id.in_(chunk), rs.c.annotator.in_(names),
                    (rs.c.labeled + rs.c.skipped) > 0)))}
            for r in chunk:
                counted = int(r in cache["cands"])
                was_full, is_full = r in cache["full"], r in full_now
                if was_full != is_full:
                    (cache["full"].add if is_full else cache["full"].discard)(r)
                    cache["n_full"] += counted * (int(is_full) - int(was_full))
                for a in names:
                    mine = cache["mine"][a]
                    was, now = r in mine, (r, a) in done_now
                    if was != now:
                        (mine.add if now else mine.discard)(r)
                    cache["n_mine"][a] += counted * (int(now and not is_full) - int(was and not was_full))

    def lease_next(self, candidates: Sequence[Any], annotator: str, *, ttl_seconds: float = 600,
                   overlap: int = 1, version: Any = None) -> Any | None:
        """Claim the first candidate no one else holds; returns its row id (or None).

        A row is available to ``annotator`` when they have not labeled or skipped it
        (an undone label does not count), and fewer than ``overlap`` *other* experts
        have labeled it or hold an unexpired lease on it. Runs in one write transaction,
        so two experts never get the same item (with ``overlap=1``).

        ``version`` names the candidates (the same rows in the same order, as for
        :meth:`remaining`). With it, the next call starts reading where this one found its
        row, instead of reading again every row above it that others took (on a busy store
        that is hundreds of rows per keypress). A row above that point that becomes free
        again (a lease given back, an undo elsewhere) comes after the rest, or at the next
        version: it is never lost, since a reading that finds nothing from that point goes
        back to the top.
        """
        name = check_annotator(annotator)
        if overlap < 1:
            raise InputError(f"overlap: expected >= 1, got {overlap}")
        sa = self._sa
        le = self._leases
        key = (version, name, overlap)
        start = self._lease_from.get(key, 0) if version is not None else 0
        start = start if start < len(candidates) else 0
        with self._write() as c:
            now = db_now(c, self.is_sqlite)  # one clock for every process: the database's
            c.execute(le.delete().where(sa.and_(le.c.project == self.project, le.c.expires_at < now)))
            spans = [(start, len(candidates)), (0, start)] if start else [(0, len(candidates))]
            first = self._free(c, candidates, name, overlap, now, spans, first=True)
            if not first:
                self._lease_from.pop(key, None)
                return None
            if version is not None:
                if len(self._lease_from) > 4096:   # hints only: old versions' are dropped wholesale
                    self._lease_from.clear()
                self._lease_from[key] = first[0]
            original, rid = candidates[first[0]], str(candidates[first[0]])
            # one statement: a new lease, or this expert's own renewed
            from sqlalchemy.dialects import postgresql, sqlite

            insert = sqlite.insert if self.is_sqlite else postgresql.insert
            until = now + timedelta(seconds=ttl_seconds)
            c.execute(insert(le).values(project=self.project, row_id=rid, annotator=name, expires_at=until)
                      .on_conflict_do_update(index_elements=[le.c.project, le.c.row_id, le.c.annotator],
                                             set_={"expires_at": until}))
            return original

    def release(self, row_id: Any, annotator: str) -> None:
        """Give a leased item back."""
        sa = self._sa
        le = self._leases
        with self._write() as c:
            c.execute(le.delete().where(sa.and_(le.c.project == self.project, le.c.row_id == str(row_id),
                                                le.c.annotator == check_annotator(annotator))))

    # -- what one expert's keypress reads ---------------------------------
    def current_labels_of(self, annotator: str) -> pd.DataFrame:
        """Return one expert's labels in force, as :meth:`current_labels` has them for that expert.

        They are read from that expert's events only: what a keypress needs, at a cost that follows the
        expert's own history, not the whole store's.
        """
        sa = self._sa
        e = self._events
        name = check_annotator(annotator)
        with self.engine.connect() as c:
            # Every event that changes an expert's labels in force is theirs (an undo or a
            # retraction carries the undone label's annotator): while their latest event id
            # stands, the last answer does (a keypress asks twice: the audit check, the progress).
            top = self._latest_of(c, name)
            hit = self._labels_of.get(name)
            if hit is not None and hit[0] == top:
                return hit[1].copy()
            rows = c.execute(sa.select(e.c.id, e.c.row_id, e.c.label, e.c.source).where(sa.and_(
                e.c.project == self.project, e.c.annotator == name, e.c.kind == "label",
                e.c.id.not_in(undone_ids(sa, e, self.project)))).order_by(e.c.id)).all()
        latest: dict[tuple[str, bool], tuple[Any, ...]] = {}   # the last label per (row, adjudication)
        for ev_id, rid, label, source in rows:
            key = (rid, source == "adjudication")
            latest.pop(key, None)           # re-inserted: the dict keeps the order of the last labels
            latest[key] = (rid, name, label, source, ev_id)
        out = pd.DataFrame(list(latest.values()), columns=["row_id", "annotator", "label", "source", "id"])
        if len(self._labels_of) > 1024:
            self._labels_of.clear()
        self._labels_of[name] = (top, out)
        return out.copy()

    def latest_event_id(self, annotator: str) -> int:
        """Return the id of the expert's latest event (0 if none).

        Where "what they had done when an item was shown" ends.
        """
        with self.engine.connect() as c:
            return self._latest_of(c, check_annotator(annotator))

    def _latest_of(self, c: Any, name: str) -> int:
        sa, e = self._sa, self._events
        return int(c.execute(sa.select(sa.func.coalesce(sa.func.max(e.c.id), 0)).where(sa.and_(
            e.c.project == self.project, e.c.annotator == name))).scalar_one())

    def decided_after(self, row_id: Any, annotator: str, event_id: int) -> bool:
        """Tell whether the expert labeled or skipped ``row_id`` in an event after ``event_id``.

        Say, in another browser tab, after this one showed the item.
        """
        sa = self._sa
        e = self._events
        with self.engine.connect() as c:
            return c.execute(sa.select(e.c.id).where(sa.and_(
                e.c.project == self.project, e.c.annotator == check_annotator(annotator),
                e.c.row_id == _row_key(row_id), e.c.kind.in_(("label", "skip")), e.c.id > int(event_id)))
                .limit(1)).first() is not None

    def labeled_row_count(self) -> int:
        """How many rows have a label in force from any expert (a counter kept with the rows)."""
        sa, pc = self._sa, self._counts
        with self.engine.connect() as c:
            return int(c.execute(sa.select(pc.c.labeled_rows).where(pc.c.project == self.project)).scalar() or 0)
