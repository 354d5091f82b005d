"""Idempotent imports into the expert label store (a mixin of ``ExpertLabelStore``).

An imported label carries where it came from (``external_id``, e.g. a Label Studio
annotation) and which version (``external_version``, e.g. its ``updated_at``). Importing
the same export again changes nothing; a newer version of an annotation is a new event
that replaces the older; an annotation gone from a full export is retracted (an undo
event), so nothing is ever deleted from the log. The store also keeps which project of the
other tool this one is bound to (:meth:`setting`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from .._validation import repeated
from ..exceptions import InputError
from ._store_schema import _now, _row_key, check_annotator, check_note, undone_ids

SOURCES_IN = ("queue", "audit", "import")


class _Imports:
    """Needs ``_sa``, ``_events``, ``_meta``, ``project``, ``engine``, ``_write`` and ``_label_int``."""

    _sa: Any
    _events: Any
    _meta: Any
    engine: Any
    project: str

    if TYPE_CHECKING:  # provided by ExpertLabelStore
        def _write(self) -> AbstractContextManager[Any]: ...

        def _label_int(self, label: Any) -> int: ...


        def _refresh_rows(self, c: Any, row_ids: Iterable[str]) -> None: ...

    def import_external(self, records: Iterable[dict[str, Any]], *, origin: str,
                        retract_missing: bool = True, ordered: bool = False) -> dict[str, int]:
        """Bring a full export of another tool's annotations in line with the store.

        Parameters
        ----------
        records : iterable of dict
            ``row_id``, ``label``, ``annotator``, ``external_id`` (unique within
            ``origin``), ``version`` (changes when the annotation changes) and,
            optionally, ``source`` ("queue", "audit" or "import"), ``note`` and ``meta``
            (what the other tool knew, e.g. Label Studio's ``lead_time``; kept as JSON).
        origin : str
            A prefix naming the export's home, e.g. ``"ls:42"`` for Label Studio project 42.
        retract_missing : bool, default True
            Undo labels imported earlier from ``origin`` whose annotation is no longer in
            this export (deleted or cancelled there).
        ordered : bool, default False
            For deliveries that may come late, twice or out of order (webhooks), where
            versions are timestamps (Label Studio's ``updated_at``): a record whose version is
            not newer than the newest this annotation ever had (a replay, a late delivery, or
            the creation of an annotation deleted since) is ``stale`` and changes nothing; so
            is one older than another annotation of the same expert on the same row, in force
            from ``origin`` (ties by annotation id). Versions that are not timestamps
            fall back to the unordered rule.

        Returns
        -------
        dict with the counts ``added``, ``updated``, ``unchanged``, ``retracted`` and, with
        ``ordered``, ``stale``.
        """
        if not isinstance(origin, str) or not origin.strip() or len(origin) > 100:
            raise InputError(f"origin: expected a short name for the export's home, got {origin!r}")
        prefix = origin.rstrip(":") + ":"
        rows = self._external_rows(records, prefix)
        e = self._events
        counts = {"added": 0, "updated": 0, "unchanged": 0, "retracted": 0}
        if ordered:
            counts["stale"] = 0
        with self._write() as c:
            latest, live = self._imported_in_force(c, prefix)
            if ordered:
                newest = self._newest_versions(c, prefix)
                in_force: dict[tuple[str, str], Any] = {}  # the newest annotation per (row, expert)
                for ev in latest.values():
                    k, v = (ev.row_id, ev.annotator), _order_key(ev.external_version, ev.external_id)
                    if k not in in_force or v > in_force[k]:
                        in_force[k] = v
            now = _now()
            new = []
            renamed = []   # annotations whose annotator is now known by another name (an id -> an email)
            for r in rows:
                old = latest.pop(r["external_id"], None)
                if old is not None and old.external_version == r["external_version"]:
                    if old.annotator == r["annotator"]:
                        counts["unchanged"] += 1
                        continue
                elif ordered and _stale(r, newest, in_force):
                    counts["stale"] += 1
                    continue
                if old is not None and old.annotator != r["annotator"]:
                    renamed += live[r["external_id"]]   # one person, one label: the old name's goes
                new.append({"project": self.project, "kind": "label", "created_at": now, **r})
                counts["updated" if old is not None else "added"] += 1
            if renamed:
                self._undo_all(c, renamed, now)
            if new:
                c.execute(e.insert(), new)  # one executemany, not a round trip per label
                self._refresh_rows(c, [r["row_id"] for r in new])
            if retract_missing:  # gone from the export: undo every version, so none resurfaces
                counts["retracted"] = self._undo_all(c, [ev for ext in latest for ev in live[ext]], now)
        return counts

    def _external_rows(self, records: Iterable[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
        """Return the records as event rows, each checked (external id, source, sizes the store keeps).

        One export names each external id once.
        """
        rows: list[dict[str, Any]] = []
        for i, rec in enumerate(records):
            ext = rec.get("external_id")
            if ext is None or str(ext) == "":
                raise InputError(f"records: item {i} has no external_id; each imported label needs one")
            source = rec.get("source") or "import"
            if source not in SOURCES_IN:
                raise InputError(f"records: item {i} has source {source!r}; expected one of {list(SOURCES_IN)}")
            key, version = prefix + str(ext), str(rec.get("version") or "")
            if len(key) > 128 or len(version) > 64 or "\x00" in key + version:
                raise InputError(f"records: item {i} has an external id or version the store cannot keep (at most "
                                 f"128 and 64 characters, no NUL): {key[:60]!r}, {version[:40]!r}")
            rows.append({"row_id": _row_key(rec["row_id"]), "label": self._label_int(rec["label"]),
                         "annotator": check_annotator(rec["annotator"]), "source": source,
                         "external_id": key, "external_version": version, "note": check_note(rec.get("note")),
                         "external_meta": _meta_json(rec.get("meta"), i)})
        dup = repeated(r["external_id"] for r in rows)
        if dup:
            raise InputError(f"records: external ids {dup[:5]} appear more than once in one export")
        return rows

    def _imported_in_force(self, c: Any, prefix: str) -> tuple[dict[str, Any], dict[str, list[Any]]]:
        """Label events imported from this origin and not undone.

        Per external id the version in force (the latest), and every event of it still in force.
        """
        sa, e = self._sa, self._events
        undone = undone_ids(sa, e, self.project)
        latest: dict[str, Any] = {}
        live: dict[str, list[Any]] = {}
        for ev in c.execute(sa.select(e.c.id, e.c.row_id, e.c.annotator, e.c.external_id,
                                      e.c.external_version).where(sa.and_(
                e.c.project == self.project, e.c.kind == "label", e.c.external_id.like(prefix + "%"),
                e.c.id.not_in(undone))).order_by(e.c.id)):
            latest[ev.external_id] = ev
            live.setdefault(ev.external_id, []).append(ev)
        return latest, live

    def _newest_versions(self, c: Any, prefix: str) -> dict[str, str]:
        """Return, per external id from this origin (or this one id), the newest version seen.

        That is the newest version any of its label events had, undone ones included (a deleted annotation's
        last version), or a retraction kept (a skip).
        """
        sa, e = self._sa, self._events
        out: dict[str, str] = {}
        for ext, ver in c.execute(sa.select(e.c.external_id, e.c.external_version).where(sa.and_(
                e.c.project == self.project, e.c.kind.in_(("label", "undo")), e.c.external_version.is_not(None),
                e.c.external_id.like(prefix.replace("%", r"\%").replace("_", r"\_") + "%", escape="\\")))):
            if ext not in out or _order_key(ver, ext) > _order_key(out[ext], ext):
                out[ext] = ver
        return out

    def _undo_all(self, c: Any, events: list[Any], now: Any, *, version: str | None = None) -> int:
        """Undo these label events (rows with id, row_id, annotator, external_id).

        Returns how many distinct external ids (annotations) that retracted. ``version``: the retraction's
        own version (kept for ordered deliveries).
        """
        if events:
            c.execute(self._events.insert(), [
                {"project": self.project, "row_id": ev.row_id, "kind": "undo", "annotator": ev.annotator,
                 "source": "import", "created_at": now, "undoes": ev.id, "external_id": ev.external_id,
                 "external_version": version}
                for ev in events])
            self._refresh_rows(c, [ev.row_id for ev in events])
        return len({ev.external_id for ev in events})

    def retract_external(self, external_ids: Iterable[str], *, version: str | None = None) -> int:
        """Undo the labels in force that came from these external ids, every version of each.

        These are, say, annotations deleted in Label Studio. Returns how many annotations.

        With ``version``, the timestamp of an ordered delivery (an annotation skipped in Label
        Studio), an annotation whose newest version is not older stays (a late delivery), and
        the retraction keeps ``version``, so a delivery older than it is stale afterwards.
        """
        ids = [str(x) for x in external_ids]
        if not ids:
            return 0
        sa, e = self._sa, self._events
        with self._write() as c:
            if version is not None and _timestamp(version) is not None:
                newest = {ext: self._newest_versions(c, ext).get(ext) for ext in ids}
                ids = [ext for ext in ids if newest[ext] is None or _timestamp(newest[ext]) is None
                       or _order_key(newest[ext], ext)[:2] < _order_key(version, ext)[:2]]
            rows = c.execute(sa.select(e.c.id, e.c.row_id, e.c.annotator, e.c.external_id).where(sa.and_(
                e.c.project == self.project, e.c.kind == "label", e.c.external_id.in_(ids),
                e.c.id.not_in(undone_ids(sa, e, self.project))))).all()
            return self._undo_all(c, list(rows), _now(), version=version)


    # -- where imports come from: the other tool's project this one is bound to --------
    def setting(self, key: str) -> str | None:
        """Return a value this project keeps in the store (e.g. the Label Studio project it is bound to)."""
        k = self._setting_key(key)
        with self.engine.connect() as c:
            query = self._sa.select(self._meta.c.value).where(self._meta.c.key == k)
            return cast("str | None", c.execute(query).scalar())

    def set_setting(self, key: str, value: str) -> None:
        k = self._setting_key(key)
        with self._write() as c:
            c.execute(self._meta.delete().where(self._meta.c.key == k))
            c.execute(self._meta.insert().values(key=k, value=str(value)[:256]))

    def _setting_key(self, key: str) -> str:
        # one meta table for every project in the database: key it by project, within 64 characters
        return "setting:" + hashlib.sha1(f"{self.project}\n{key}".encode()).hexdigest()

def _timestamp(version: str | None) -> datetime | None:
    try:
        t = datetime.fromisoformat(str(version))
    except ValueError:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=datetime.now().astimezone().tzinfo)


def _meta_json(meta: Any, i: int) -> str | None:
    """Return what the other tool knew of a label, as JSON.

    Its scalar entries (numbers, booleans, strings of at most 64 characters; at most 16, under names of
    at most 32); None when none.
    """
    if meta is None:
        return None
    if not isinstance(meta, dict):
        raise InputError(f"records: item {i} has meta {type(meta).__name__}; expected a dict")
    kept = {str(k): v for k, v in meta.items() if len(str(k)) <= 32 and isinstance(v, (int, float, bool, str))
            and not (isinstance(v, str) and len(v) > 64)}
    return json.dumps(dict(sorted(kept.items())[:16])) if kept else None


def _order_key(version: str | None, external_id: str) -> tuple[Any, ...]:
    """Sort key of an annotation version: its timestamp, then the annotation id (numeric when it is a number).

    Versions that are not timestamps sort first and compare equal.
    """
    tail = str(external_id).rsplit(":", 1)[-1]
    ident = (0, int(tail), "") if tail.isdigit() else (1, 0, tail)
    t = _timestamp(version)
    return (0, 0.0, ident) if t is None else (1, t.timestamp(), ident)


def _stale(rec: dict[str, Any], newest: dict[str, str], in_force: dict[tuple[str, str], Any]) -> bool:
    """Whether an ordered delivery is older than what the store already knows (see :meth:`_Imports.import_external`)."""
    if _timestamp(rec["external_version"]) is None:
        return False
    key = _order_key(rec["external_version"], rec["external_id"])
    seen = newest.get(rec["external_id"])
    if seen is not None and _timestamp(seen) is not None and key[:2] <= _order_key(seen, rec["external_id"])[:2]:
        return True
    other = in_force.get((rec["row_id"], rec["annotator"]))
    return other is not None and other[0] == 1 and key < other
