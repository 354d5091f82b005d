"""Leases of the expert label store: which expert holds which item, and which items an
expert may be given next. A mixin of :class:`weaklabel.review.store.ExpertLabelStore`."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ..exceptions import InputError
from ._store_schema import check_annotator, db_now, undone_ids


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

    def _blocked(self, c: Any, name: str, overlap: int, now: Any) -> set[str]:
        """Row ids ``name`` may not be given: done by them (labeled or skipped, an undone
        label does not count), or held by ``overlap`` other experts (labels and live leases).

        Three project-wide queries, then set arithmetic: the cost follows the number of
        events, not the length of the queue.
        """
        sa = self._sa
        e, le = self._events, self._leases
        undone = undone_ids(sa, e, self.project)
        blocked = set(c.execute(sa.select(e.c.row_id).where(sa.and_(
            e.c.project == self.project, e.c.annotator == name, e.c.kind.in_(("label", "skip")),
            e.c.id.not_in(undone)))).scalars())
        others: dict[str, int] = {}
        for rid, n in c.execute(sa.select(e.c.row_id, sa.func.count(sa.distinct(e.c.annotator))).where(
                sa.and_(e.c.project == self.project, e.c.kind == "label", e.c.annotator != name,
                        e.c.id.not_in(undone))).group_by(e.c.row_id)):
            others[rid] = others.get(rid, 0) + n
        for rid, n in c.execute(sa.select(le.c.row_id, sa.func.count()).where(sa.and_(
                le.c.project == self.project, le.c.annotator != name, le.c.expires_at >= now))
                .group_by(le.c.row_id)):
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
            if not self.is_sqlite:  # serialise lease assignment per project
                c.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:p))"), {"p": self.project})
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
