"""Expert answers per document, stored durably.

The append-only event log that the span store (:class:`~weaklabel.review.span_store.SpanStore`) and
the label-set store (:class:`~weaklabel.review.label_set_store.LabelSetStore`) share.

One event holds one expert's whole answer for one document (its spans, or its set of labels), a
skip, or an ``undo`` that retracts an earlier event (the answer before it is in force again).
Nothing is updated or deleted in place, so the log reads as the history of each answer.

Each event records the document's version (a hash of its content, :func:`doc_version`): an
answer given to other content is stale, and readers that know the current content flag it rather
than apply it to the wrong text.

A subclass names its table and its answer column, checks answers, and says how two answers
agree; everything else (skips, undo, what is in force, gold, disagreements, imports from another
tool) is here once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import pandas as pd

from ..exceptions import InputError
from ._log_tail import LogTail
from ._store_engine import begin_write, open_tables
from ._store_schema import _check_text, _now, _row_key, check_annotator, check_note, default_url, event_log

SOURCES = ("review", "import", "adjudication", "app")


def doc_version(tokens: Sequence[str]) -> str:
    """Return a document's version: the first 16 hex digits of the SHA-256 of its tokens (or texts)."""
    return hashlib.sha256("\x1f".join(map(str, tokens)).encode()).hexdigest()[:16]


def in_force(events: pd.DataFrame, kinds: Sequence[str]) -> pd.DataFrame:
    """Return the events of ``kinds`` that no ``undo`` event retracted: what every reader of the log counts."""
    undone = set(events.loc[events["kind"] == "undo", "undoes"].dropna().astype(int))
    return events[events["kind"].isin(list(kinds)) & ~events["id"].isin(undone)]


class AnswerLog:
    """The shared log; see the module docstring.

    Subclasses set ``TABLE`` and ``ANSWER`` (the event kind and column that hold an answer, JSON) and
    define :meth:`_check_answer`.
    """

    TABLE: ClassVar[str]
    ANSWER: ClassVar[str]
    WHAT: ClassVar[str] = "answer store"

    def _open(self, url: str | None, project: str, timeout: float) -> None:
        import sqlalchemy as sa

        self._sa = sa
        self.url = url or default_url()
        self.project = _check_text(project, "project")
        md = sa.MetaData()
        table = self.TABLE
        self._events = event_log(
            sa, md, table,
            sa.Column("doc_id", sa.String(256), nullable=False),
            sa.Column("kind", sa.String(16), nullable=False),             # ANSWER | skip | undo
            sa.Column(self.ANSWER, sa.Text, nullable=True),               # JSON
            sa.Column("source", sa.String(32), nullable=False),
            sa.Column("doc_version", sa.String(64), nullable=True),
            sa.Column("note", sa.Text, nullable=True),
            sa.Column("undoes", sa.Integer, nullable=True),
            sa.Column("external_id", sa.String(128), nullable=True),      # e.g. "ls:<project>:<annotation id>"
            sa.Column("external_version", sa.String(64), nullable=True),  # its updated_at: re-imports change nothing
            sa.Index(f"ix_{table}_project_doc", "project", "doc_id"),
            sa.Index(f"ix_{table}_project_annotator", "project", "annotator"),
        )

        def upgrade(c: Any) -> None:   # a table from an earlier version gains the (nullable) columns added since
            have = {col["name"] for col in sa.inspect(c).get_columns(table)}
            for col in self._events.columns:
                if col.name not in have and col.nullable:
                    c.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {col.name} {col.type.compile(c.dialect)}"))

        self.engine = open_tables(self, self.url, md, timeout, self.WHAT, upgrade)
        # the log as last read, followed through the events written since (see events())
        self._tail = LogTail(self.engine, self._events, self._events.c.project == self.project, self._decode_rows)

    def close(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()

    # -- what a subclass says -----------------------------------------------
    def _check_answer(self, answer: Any, context: Any) -> list[Any]:
        """``answer`` checked and normalised (sorted, no duplicates): a JSON-able list."""
        raise NotImplementedError

    def _decode_rows(self, rows: pd.DataFrame) -> pd.DataFrame:
        rows[self.ANSWER] = [[tuple(x) if isinstance(x, list) else x for x in json.loads(s)]
                             if isinstance(s, str) else None for s in rows[self.ANSWER]]
        return rows

    # -- writing ----------------------------------------------------------
    def _append(self, doc_id: Any, answer: list[Any], annotator: str, *, version: str | None, source: str,
                note: str | None = None, external_id: str | None = None) -> int:
        if source not in SOURCES:
            raise InputError(f"source: expected one of {list(SOURCES)}, got {source!r}")
        values = dict(project=self.project, doc_id=_row_key(doc_id), kind=self.ANSWER,
                      annotator=check_annotator(annotator), source=source, doc_version=version,
                      created_at=_now(), note=check_note(note), external_id=external_id)
        values[self.ANSWER] = json.dumps([list(a) if isinstance(a, tuple) else a for a in answer])
        with begin_write(self.engine) as c:
            return int(c.execute(self._events.insert().values(**values)).inserted_primary_key[0])

    def _retract(self, c: Any, rows: pd.DataFrame, source: str) -> None:
        for doc, who, target in zip(rows["doc_id"], rows["annotator"], rows["id"]):
            c.execute(self._events.insert().values(project=self.project, doc_id=doc, kind="undo", annotator=who,
                                                   source=source, created_at=_now(), undoes=int(target)))

    def import_external(self, records: Sequence[Mapping[str, Any]], *, origin: str,
                        retract_missing: bool = True) -> dict[str, int]:
        """Bring in answers made in another tool (Label Studio), idempotently.

        Parameters
        ----------
        records : sequence of mappings
            ``doc_id``, the answer under the store's answer column (``spans`` or ``labels``),
            ``annotator``, ``external_id`` (unique per answer there, and starting with
            ``origin``), ``version`` (e.g. its ``updated_at``) and optionally ``context`` (what
            bounds the answer: a document's tokens) and ``doc_version``.
        origin : str
            The prefix of this source's external ids (e.g. ``"ls:12:"``).
        retract_missing : bool, default True
            The records are the source's whole export: an answer imported before from this origin
            and missing now (deleted there) is retracted, every version of it.

        Returns
        -------
        dict with the counts ``added``, ``updated``, ``unchanged`` and ``retracted``.
        """
        origin = _check_text(origin, "origin")
        live = in_force(self.events(), (self.ANSWER,))
        live = live[live["external_id"].fillna("").str.startswith(origin)]
        latest = {e: g.iloc[-1]["external_version"] for e, g in live.groupby("external_id", sort=False)}
        counts = {"added": 0, "updated": 0, "unchanged": 0, "retracted": 0}
        seen: set[str] = set()
        rows = []
        for i, rec in enumerate(records):
            ext = str(rec.get("external_id", ""))
            if not ext.startswith(origin):
                raise InputError(f"records[{i}]: external_id {ext!r} does not start with origin {origin!r}")
            seen.add(ext)
            version = None if rec.get("version") is None else str(rec["version"])
            known = latest.get(ext)
            # the same version, or an older one delivered late (ISO times compare as text)
            if ext in latest and (known == version or (isinstance(known, str) and version is not None
                                                       and version < known)):
                counts["unchanged"] += 1
                continue
            counts["updated" if ext in latest else "added"] += 1
            answer = self._check_answer(rec[self.ANSWER], rec.get("context"))
            row = dict(project=self.project, doc_id=_row_key(rec["doc_id"]), kind=self.ANSWER,
                       annotator=check_annotator(rec["annotator"]), source="import",
                       doc_version=rec.get("doc_version"), created_at=_now(), external_id=ext,
                       external_version=version)
            row[self.ANSWER] = json.dumps([list(a) if isinstance(a, tuple) else a for a in answer])
            rows.append(row)
        gone = live[~live["external_id"].isin(seen)] if retract_missing else live.iloc[:0]
        with begin_write(self.engine) as c:
            if rows:
                c.execute(self._events.insert(), rows)
            self._retract(c, gone, "import")
        counts["retracted"] = int(gone["external_id"].nunique())
        return counts

    def retract_external(self, external_ids: Sequence[str]) -> int:
        """Retract every version of the answers imported under these external ids (deleted in the other tool).

        Returns how many answers were in force.
        """
        live = in_force(self.events(), (self.ANSWER,))
        live = live[live["external_id"].isin([str(e) for e in external_ids])]
        with begin_write(self.engine) as c:
            self._retract(c, live, "import")
        return int(live["external_id"].nunique())

    def skip(self, doc_id: Any, annotator: str, *, version: str | None = None) -> int:
        """Record that ``annotator`` passed on a document (no answer; the queue moves on)."""
        values = dict(project=self.project, doc_id=_row_key(doc_id), kind="skip", annotator=check_annotator(annotator),
                      source="review", doc_version=version, created_at=_now())
        with begin_write(self.engine) as c:
            return int(c.execute(self._events.insert().values(**values)).inserted_primary_key[0])

    def skipped(self, annotator: str, events: pd.DataFrame | None = None) -> set[str]:
        """Return the documents ``annotator`` skipped (skips not undone); ``events``: the log, if read already."""
        skips = in_force(self.events() if events is None else events, ("skip",))
        mine = skips[skips["annotator"] == check_annotator(annotator)]
        return set(mine["doc_id"])

    def undo(self, annotator: str) -> int | None:
        """Retract ``annotator``'s latest answer or skip still in force.

        Returns the undone event's id, or None when nothing is left to undo.
        """
        name = check_annotator(annotator)
        ev = self.events()
        live = in_force(ev[ev["annotator"] == name], (self.ANSWER, "skip"))
        if live.empty:
            return None
        target = int(live["id"].max())
        row = live[live["id"] == target].iloc[0]
        with begin_write(self.engine) as c:
            c.execute(self._events.insert().values(project=self.project, doc_id=row["doc_id"], kind="undo",
                                                   annotator=name, source=row["source"], created_at=_now(),
                                                   undoes=target))
        return target

    # -- reading ----------------------------------------------------------
    def events(self) -> pd.DataFrame:
        """Return the project's whole log, oldest first (answers decoded from JSON).

        The log is append-only, so after the first call only the events written since are read
        and decoded (:class:`~weaklabel.review._log_tail.LogTail`): a keypress on a store of
        30,000 events reads a handful of rows.
        """
        return self._tail.read()

    def current(self, versions: Mapping[Any, str] | None = None, events: pd.DataFrame | None = None) -> pd.DataFrame:
        """Return the answer in force per (document, annotator, adjudication or not), oldest first.

        ``versions`` (doc id -> :func:`doc_version` of its current content) adds a ``stale``
        column: True where the answer was given to other content. ``events``: the log, if read
        already.
        """
        cur = in_force(self.events() if events is None else events, (self.ANSWER,)).copy()
        cur["adjudication"] = cur["source"] == "adjudication"
        # the latest event of each group, whole (groupby.last would fill a NULL from an older one)
        cur = cur.sort_values("id").drop_duplicates(["doc_id", "annotator", "adjudication"], keep="last")
        cur = cur.reset_index(drop=True)
        if versions is not None:
            known = {str(k): v for k, v in versions.items()}
            now = cur["doc_id"].map(known)
            # stale: the document is known and the answer's version (NULL: unknown) is another;
            # a bool column even when empty (an empty object column used as a mask selects columns)
            cur["stale"] = (now.notna() & cur["doc_version"].notna() & (now != cur["doc_version"])).astype(bool)
        return cur[[c for c in ("doc_id", "annotator", self.ANSWER, "source", "adjudication", "doc_version",
                                "created_at", "id", "stale") if c in cur.columns]]

    def gold(self, doc_ids: Sequence[Any], versions: Mapping[Any, str] | None = None) -> list[list[Any] | None]:
        """Per document in ``doc_ids``: the answer to treat as true, or None.

        The lead's adjudication if any; else the experts' answer when all who answered agree; else
        None (a dispute waiting for the lead). Stale answers (see :meth:`current`) are ignored.
        """
        cur = self.current(versions)
        if "stale" in cur:
            cur = cur[~cur["stale"]]
        # vectorised: a keypress's refit on 43,410 items and 30,000 events reads this (a loop over
        # per-document groups took 8 s)
        adj = cur[cur["adjudication"]].drop_duplicates("doc_id", keep="last")   # current() is oldest first
        experts = cur[~cur["adjudication"]]
        distinct = experts[self.ANSWER].map(tuple).groupby(experts["doc_id"]).nunique()
        agreed = experts[experts["doc_id"].map(distinct).eq(1)].drop_duplicates("doc_id")
        answer = dict(zip(agreed["doc_id"], agreed[self.ANSWER]))
        answer.update(zip(adj["doc_id"], adj[self.ANSWER]))
        return [list(answer[d]) if d in answer else None for d in map(str, doc_ids)]

    def disagreements(self) -> pd.DataFrame:
        """Documents two or more experts answered differently and no lead has resolved.

        One row per (document, annotator) with their answer, for the lead's view.
        """
        cur = self.current()
        experts = cur[~cur["adjudication"]]
        resolved = set(cur.loc[cur["adjudication"], "doc_id"])
        differ = [d for d, g in experts.groupby("doc_id", sort=False)
                  if d not in resolved and len({tuple(s) for s in g[self.ANSWER]}) > 1]
        return experts[experts["doc_id"].isin(differ)][["doc_id", "annotator", self.ANSWER]].reset_index(drop=True)

    def pairs(self) -> list[tuple[str, str, list[list[Any]], list[list[Any]]]]:
        """Per pair of experts (names sorted).

        Their answers to the documents both answered, in the same document order; the base of an agreement
        measure.
        """
        cur = self.current()
        experts = cur[~cur["adjudication"]]
        names = sorted(experts["annotator"].unique())
        answers = {a: dict(zip(g["doc_id"], g[self.ANSWER])) for a, g in experts.groupby("annotator")}
        out = []
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                shared = sorted(set(answers[a]) & set(answers[b]))
                if shared:
                    out.append((a, b, [answers[a][d] for d in shared], [answers[b][d] for d in shared]))
        return out
