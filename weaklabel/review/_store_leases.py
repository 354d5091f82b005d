"""Leases of the expert label store, and what one expert's keypress reads: which expert holds
which item, which items an expert may be given next, and that expert's own labels and latest
event (read from their events only, not the whole log). A mixin of
:class:`weaklabel.review.store.ExpertLabelStore`."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..exceptions import InputError
from ._store_schema import _row_key, check_annotator, db_now, undone_ids


class _Leases:
    """Needs ``_sa``, ``_events``, ``_leases``, ``project``, ``engine``, ``is_sqlite`` and ``_write``."""

    _sa: Any
    _events: Any
    _leases: Any
    project: str
    engine: Any
    is_sqlite: bool

    if TYPE_CHECKING:  # provided by ExpertLabelStore
        def _write(self) -> AbstractContextManager[Any]: ...

        def _lock_project(self, c: Any) -> None: ...

    def _blocked(self, c: Any, name: str, overlap: int, now: Any) -> set[str]:
        """Row ids ``name`` may not be given: done by them (labeled or skipped, an undone
        label does not count), or held by ``overlap`` other experts (labels and live leases).

        One statement, so one snapshot: on PostgreSQL (read committed) three statements could
        see an expert's label not yet committed and, a moment later, that expert's lease
        already gone with the same commit, and hand the row out again. The cost follows the
        number of events, not the length of the queue.
        """
        sa = self._sa
        e, le = self._events, self._leases
        undone = undone_ids(sa, e, self.project)
        mine = sa.select(e.c.row_id, sa.literal(-1).label("n")).where(sa.and_(
            e.c.project == self.project, e.c.annotator == name, e.c.kind.in_(("label", "skip")),
            e.c.id.not_in(undone)))
        labels = sa.select(e.c.row_id, sa.func.count(sa.distinct(e.c.annotator)).label("n")).where(sa.and_(
            e.c.project == self.project, e.c.kind == "label", e.c.annotator != name,
            e.c.id.not_in(undone))).group_by(e.c.row_id)
        leases = sa.select(le.c.row_id, sa.func.count().label("n")).where(sa.and_(
            le.c.project == self.project, le.c.annotator != name, le.c.expires_at >= now)).group_by(le.c.row_id)
        blocked: set[str] = set()
        others: dict[str, int] = {}
        for rid, n in c.execute(sa.union_all(mine, labels, leases)):
            if n < 0:
                blocked.add(rid)
            else:
                others[rid] = others.get(rid, 0) + n
        return blocked | {rid for rid, n in others.items() if n >= overlap}

    def _available(self, c: Any, candidates: Sequence[Any], name: str, overlap: int, now: Any,
                   first_only: bool = False) -> list[Any]:
        """The candidates ``name`` may be given, in order (see :meth:`lease_next`)."""
        blocked = self._blocked(c, name, overlap, now)
        out = []
        for original in candidates:
            if str(original) not in blocked:
                out.append(original)
                if first_only:
                    break
        return out

    def available(self, candidates: Sequence[Any], annotator: str, *, overlap: int = 1) -> list[Any]:
        """The candidates :meth:`lease_next` could give ``annotator`` now, in order (no lease is taken)."""
        name = check_annotator(annotator)
        if overlap < 1:
            raise InputError(f"overlap: expected >= 1, got {overlap}")
        with self.engine.connect() as c:
            return self._available(c, candidates, name, overlap, db_now(c, self.is_sqlite))

    def lease_next(self, candidates: Sequence[Any], annotator: str, *, ttl_seconds: float = 600,
                   overlap: int = 1) -> Any | None:
        """Claim the first candidate no one else holds; returns its row id (or None).

        A row is available to ``annotator`` when they have not labeled or skipped it
        (an undone label does not count), and fewer than ``overlap`` *other* experts
        have labeled it or hold an unexpired lease on it. Runs in one write transaction,
        so two experts never get the same item (with ``overlap=1``).
        """
        name = check_annotator(annotator)
        if overlap < 1:
            raise InputError(f"overlap: expected >= 1, got {overlap}")
        sa = self._sa
        le = self._leases
        with self._write() as c:
            self._lock_project(c)  # serialise lease assignment per project
            now = db_now(c, self.is_sqlite)  # one clock for every process: the database's
            c.execute(le.delete().where(sa.and_(le.c.project == self.project, le.c.expires_at < now)))
            first = self._available(c, candidates, name, overlap, now, first_only=True)
            if not first:
                return None
            original, rid = first[0], str(first[0])
            held = c.execute(sa.select(le.c.row_id).where(sa.and_(
                le.c.project == self.project, le.c.annotator == name, le.c.row_id == rid))).first()
            if held is not None:  # already leased to this annotator: renew
                c.execute(le.update().where(sa.and_(le.c.project == self.project, le.c.row_id == rid,
                                                    le.c.annotator == name))
                          .values(expires_at=now + timedelta(seconds=ttl_seconds)))
            else:
                c.execute(le.insert().values(project=self.project, row_id=rid, annotator=name,
                                             expires_at=now + timedelta(seconds=ttl_seconds)))
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
        """One expert's labels in force (as :meth:`current_labels` has them for that expert),
        read from that expert's events only: what a keypress needs, at a cost that follows the
        expert's own history, not the whole store's."""
        sa = self._sa
        e = self._events
        name = check_annotator(annotator)
        with self.engine.connect() as c:
            rows = c.execute(sa.select(e.c.id, e.c.row_id, e.c.label, e.c.source).where(sa.and_(
                e.c.project == self.project, e.c.annotator == name, e.c.kind == "label",
                e.c.id.not_in(undone_ids(sa, e, self.project)))).order_by(e.c.id)).all()
        lab = pd.DataFrame(rows, columns=["id", "row_id", "label", "source"])
        lab = lab.assign(annotator=name, adjudication=lab["source"] == "adjudication")
        lab = lab.drop_duplicates(["row_id", "adjudication"], keep="last")
        return lab[["row_id", "annotator", "label", "source", "id"]].reset_index(drop=True)

    def latest_event_id(self, annotator: str) -> int:
        """The id of the expert's latest event (0 if none): where "what they had done when an item
        was shown" ends."""
        sa = self._sa
        e = self._events
        with self.engine.connect() as c:
            return int(c.execute(sa.select(sa.func.coalesce(sa.func.max(e.c.id), 0)).where(sa.and_(
                e.c.project == self.project, e.c.annotator == check_annotator(annotator)))).scalar_one())

    def decided_after(self, row_id: Any, annotator: str, event_id: int) -> bool:
        """Whether the expert labeled or skipped ``row_id`` in an event after ``event_id`` (say, in
        another browser tab, after this one showed the item)."""
        sa = self._sa
        e = self._events
        with self.engine.connect() as c:
            return c.execute(sa.select(e.c.id).where(sa.and_(
                e.c.project == self.project, e.c.annotator == check_annotator(annotator),
                e.c.row_id == _row_key(row_id), e.c.kind.in_(("label", "skip")), e.c.id > int(event_id)))
                .limit(1)).first() is not None

    def labeled_row_count(self) -> int:
        """How many rows have a label in force from any expert (one SQL count)."""
        sa = self._sa
        e = self._events
        with self.engine.connect() as c:
            return int(c.execute(sa.select(sa.func.count(sa.distinct(e.c.row_id))).where(sa.and_(
                e.c.project == self.project, e.c.kind == "label",
                e.c.id.not_in(undone_ids(sa, e, self.project))))).scalar_one())
