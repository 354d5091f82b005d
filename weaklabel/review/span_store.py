"""Expert spans, stored durably: an append-only log of span events in the label store's database.

One event holds one expert's whole answer for one document: the list of spans
``(start, end, type)`` over its tokens (end exclusive). Accepting the model's spans, fixing a
boundary, changing a type and deleting a span all save the document's new list, so the log
reads as the history of each expert's answer, and an ``undo`` event retracts the expert's
latest answer (the previous one is in force again). Nothing is updated or deleted in place.

Each event records the document's version (a hash of its tokens, :func:`doc_version`): an
answer given to other tokens is stale, and readers that know the current tokens flag it rather
than apply its offsets to the wrong words.

The table (``span_events``) lives in the same database as the class labels (SQLite by default,
PostgreSQL by URL) and is created beside them on first use.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..exceptions import InputError
from ..spans.evaluate import span_f1
from ..spans.tags import Span, resolve_overlaps
from ._log_tail import LogTail
from ._store_engine import begin_write, open_tables
from ._store_schema import _check_text, _now, _row_key, check_annotator, check_note, default_url, event_log

SPAN_SOURCES = ("review", "import", "adjudication", "app")


def doc_version(tokens: Sequence[str]) -> str:
    """A document's version: the first 16 hex digits of the SHA-256 of its tokens."""
    return hashlib.sha256("\x1f".join(map(str, tokens)).encode()).hexdigest()[:16]


def _table(sa: Any, md: Any) -> Any:
    return event_log(
        sa, md, "span_events",
        sa.Column("doc_id", sa.String(256), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),            # spans | skip | undo
        sa.Column("spans", sa.Text, nullable=True),                  # JSON [[start, end, type], ...]
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("doc_version", sa.String(64), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("undoes", sa.Integer, nullable=True),
        sa.Column("external_id", sa.String(128), nullable=True),     # e.g. "ls:<project>:<annotation id>"
        sa.Column("external_version", sa.String(64), nullable=True),  # its updated_at: re-imports change nothing
        sa.Index("ix_span_events_project_doc", "project", "doc_id"),
        sa.Index("ix_span_events_project_annotator", "project", "annotator"),
    )


def _decode(rows: pd.DataFrame) -> pd.DataFrame:
    rows["spans"] = [[tuple(x) for x in json.loads(s)] if isinstance(s, str) else None for s in rows["spans"]]
    return rows


def in_force(events: pd.DataFrame, kinds: Sequence[str] = ("spans",)) -> pd.DataFrame:
    """The events of ``kinds`` that no ``undo`` event retracted: what every reader of the log counts."""
    undone = set(events.loc[events["kind"] == "undo", "undoes"].dropna().astype(int))
    return events[events["kind"].isin(list(kinds)) & ~events["id"].isin(undone)]


class SpanStore:
    """Expert span answers per document, in a SQLite or PostgreSQL database.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default ``sqlite:///./weaklabel-labels.db`` (the class labels' file).
    project : str, default "default"
    types : sequence of str
        The entity types an expert may use.
    timeout : float, default 30
        Seconds a SQLite writer waits for another writer's lock.

    Examples
    --------
    >>> store = SpanStore("sqlite:///:memory:", types=["PER", "LOC"])
    >>> _ = store.save("doc-1", [(0, 2, "PER")], "ana", tokens=["Ada", "Lovelace", "said"])
    >>> store.current()[["doc_id", "annotator", "spans"]].to_dict("records")
    [{'doc_id': 'doc-1', 'annotator': 'ana', 'spans': [(0, 2, 'PER')]}]
    """

    def __init__(self, url: str | None = None, *, project: str = "default", types: Sequence[str],
                 timeout: float = 30.0) -> None:
        import sqlalchemy as sa

        self._sa = sa
        self.url = url or default_url()
        self.project = _check_text(project, "project")
        self.types = tuple(str(t) for t in types)
        if not self.types or len(set(self.types)) != len(self.types) or "O" in self.types:
            raise InputError(f"types: expected distinct entity types other than 'O', got {list(types)!r}")
        md = sa.MetaData()
        self._events = _table(sa, md)

        def upgrade(c: Any) -> None:   # a table from an earlier version gains the (nullable) columns added since
            have = {col["name"] for col in sa.inspect(c).get_columns("span_events")}
            for col in self._events.columns:
                if col.name not in have and col.nullable:
                    c.execute(sa.text(f"ALTER TABLE span_events ADD COLUMN {col.name} {col.type.compile(c.dialect)}"))

        self.engine = open_tables(self, self.url, md, timeout, "span store", upgrade)
        # the log as last read, followed through the events written since (see events())
        self._tail = LogTail(self.engine, self._events, self._events.c.project == self.project, _decode)

    def close(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()

    # -- writing ----------------------------------------------------------
    def _check_spans(self, spans: Any, n_tokens: int | None) -> list[Span]:
        if isinstance(spans, (str, bytes)) or not hasattr(spans, "__iter__"):
            raise InputError(f"spans: expected a list of (start, end, type), got {type(spans).__name__}")
        out: list[Span] = []
        for item in spans:
            if not isinstance(item, (tuple, list)) or len(item) != 3:
                raise InputError(f"spans: expected (start, end, type) triples, got {item!r}")
            s, e, t = item
            if isinstance(s, bool) or isinstance(e, bool) or not all(isinstance(v, int) or hasattr(v, "__index__")
                                                                  for v in (s, e)):
                raise InputError(f"spans: start and end must be token offsets (ints), got {item!r}")
            s, e = int(s), int(e)
            if t not in self.types:
                raise InputError(f"spans: type {t!r} of {item!r} is not one of {list(self.types)}")
            if s < 0 or e <= s or (n_tokens is not None and e > n_tokens):
                limit = f" <= {n_tokens}" if n_tokens is not None else ""
                raise InputError(f"spans: {item!r} is not a span of this document (0 <= start < end{limit}; "
                                 "end is exclusive)")
            out.append((s, e, str(t)))
        if len(resolve_overlaps(out)) != len(set(out)):
            raise InputError(f"spans: {out!r} overlap; an expert's answer tags each token at most once")
        return sorted(set(out))

    def save(self, doc_id: Any, spans: Sequence[Sequence[Any]], annotator: str, *,
             tokens: Sequence[str] | None = None, source: str = "review", note: str | None = None,
             external_id: str | None = None) -> int:
        """Append ``annotator``'s answer for a document: all its spans (an empty list: no entity).

        ``tokens`` (the document's tokens) bound the offsets and set ``doc_version``. Returns the
        event's id.
        """
        if source not in SPAN_SOURCES:
            raise InputError(f"source: expected one of {list(SPAN_SOURCES)}, got {source!r}")
        clean = self._check_spans(spans, None if tokens is None else len(tokens))
        values = dict(project=self.project, doc_id=_row_key(doc_id), kind="spans",
                      spans=json.dumps([list(s) for s in clean]), annotator=check_annotator(annotator),
                      source=source, doc_version=None if tokens is None else doc_version(tokens),
                      created_at=_now(), note=check_note(note), external_id=external_id)
        with begin_write(self.engine) as c:
            return int(c.execute(self._events.insert().values(**values)).inserted_primary_key[0])

    def import_external(self, records: Sequence[Mapping[str, Any]], *, origin: str,
                        retract_missing: bool = True) -> dict[str, int]:
        """Bring in answers made in another tool (Label Studio), idempotently.

        Parameters
        ----------
        records : sequence of mappings
            ``doc_id``, ``spans``, ``annotator``, ``external_id`` (unique per answer there, and
            starting with ``origin``), ``version`` (e.g. its ``updated_at``) and optionally
            ``tokens`` (bounds the offsets and sets the document's version).
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
        live = in_force(self.events())
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
            tokens = rec.get("tokens")
            rows.append(dict(project=self.project, doc_id=_row_key(rec["doc_id"]), kind="spans",
                             spans=json.dumps([list(x) for x in self._check_spans(
                                 rec["spans"], None if tokens is None else len(tokens))]),
                             annotator=check_annotator(rec["annotator"]), source="import",
                             doc_version=None if tokens is None else doc_version(tokens), created_at=_now(),
                             external_id=ext, external_version=version))
        gone = live[~live["external_id"].isin(seen)] if retract_missing else live.iloc[:0]
        with begin_write(self.engine) as c:
            if rows:
                c.execute(self._events.insert(), rows)
            for _, row in gone.iterrows():
                c.execute(self._events.insert().values(project=self.project, doc_id=row["doc_id"], kind="undo",
                                                       annotator=row["annotator"], source="import",
                                                       created_at=_now(), undoes=int(row["id"])))
        counts["retracted"] = int(gone["external_id"].nunique())
        return counts

    def retract_external(self, external_ids: Sequence[str]) -> int:
        """Retract every version of the answers imported under these external ids (deleted in the
        other tool); returns how many answers were in force."""
        live = in_force(self.events())
        live = live[live["external_id"].isin([str(e) for e in external_ids])]
        with begin_write(self.engine) as c:
            for _, row in live.iterrows():
                c.execute(self._events.insert().values(project=self.project, doc_id=row["doc_id"], kind="undo",
                                                       annotator=row["annotator"], source="import",
                                                       created_at=_now(), undoes=int(row["id"])))
        return int(live["external_id"].nunique())

    def resolve(self, doc_id: Any, spans: Sequence[Sequence[Any]], lead: str, *,
                tokens: Sequence[str] | None = None, note: str | None = None) -> int:
        """The lead's answer where experts disagree; it outranks theirs in :meth:`gold`."""
        return self.save(doc_id, spans, lead, tokens=tokens, source="adjudication", note=note)

    def skip(self, doc_id: Any, annotator: str, *, tokens: Sequence[str] | None = None) -> int:
        """Record that ``annotator`` passed on a document (no answer; the queue moves on)."""
        values = dict(project=self.project, doc_id=_row_key(doc_id), kind="skip", annotator=check_annotator(annotator),
                      source="review", doc_version=None if tokens is None else doc_version(tokens), created_at=_now())
        with begin_write(self.engine) as c:
            return int(c.execute(self._events.insert().values(**values)).inserted_primary_key[0])

    def skipped(self, annotator: str, events: pd.DataFrame | None = None) -> set[str]:
        """The documents ``annotator`` skipped (skips not undone); ``events``: the log, if read already."""
        skips = in_force(self.events() if events is None else events, ("skip",))
        mine = skips[skips["annotator"] == check_annotator(annotator)]
        return set(mine["doc_id"])

    def undo(self, annotator: str) -> int | None:
        """Retract ``annotator``'s latest answer or skip still in force; returns the undone event's
        id, or None when nothing is left to undo."""
        name = check_annotator(annotator)
        ev = self.events()
        live = in_force(ev[ev["annotator"] == name], ("spans", "skip"))
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
        """The project's whole log, oldest first (``spans`` decoded to lists of tuples).

        The log is append-only, so after the first call only the events written since are read
        and decoded (:class:`~weaklabel.review._log_tail.LogTail`): a keypress on a store of
        30,000 events reads a handful of rows.
        """
        return self._tail.read()

    def current(self, versions: Mapping[Any, str] | None = None, events: pd.DataFrame | None = None) -> pd.DataFrame:
        """The answer in force per (document, annotator, adjudication or not), oldest first.

        ``versions`` (doc id -> :func:`doc_version` of its current tokens) adds a ``stale`` column:
        True where the answer was given to other tokens. ``events``: the log, if read already.
        """
        cur = in_force(self.events() if events is None else events).copy()
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
        return cur[[c for c in ("doc_id", "annotator", "spans", "source", "adjudication", "doc_version",
                                "created_at", "id", "stale") if c in cur.columns]]

    def gold(self, doc_ids: Sequence[Any], versions: Mapping[Any, str] | None = None) -> list[list[Span] | None]:
        """Per document in ``doc_ids``: the spans to treat as true, or None.

        The lead's adjudication if any; else the experts' answer when all who answered agree; else
        None (a dispute waiting for the lead). Stale answers (see :meth:`current`) are ignored.
        """
        cur = self.current(versions)
        if "stale" in cur:
            cur = cur[~cur["stale"]]
        by_doc = {d: g for d, g in cur.groupby("doc_id", sort=False)}
        out: list[list[Span] | None] = []
        for d in map(str, doc_ids):
            g = by_doc.get(d)
            if g is None:
                out.append(None)
                continue
            adj = g[g["adjudication"]]
            if not adj.empty:
                out.append(list(adj.iloc[-1]["spans"]))
                continue
            answers = {tuple(s) for s in g["spans"]}
            out.append(list(next(iter(answers))) if len(answers) == 1 else None)
        return out

    def disagreements(self) -> pd.DataFrame:
        """Documents two or more experts answered differently and no lead has resolved: one row
        per (document, annotator) with their spans, for the lead's view."""
        cur = self.current()
        experts = cur[~cur["adjudication"]]
        resolved = set(cur.loc[cur["adjudication"], "doc_id"])
        differ = [d for d, g in experts.groupby("doc_id", sort=False)
                  if d not in resolved and len({tuple(s) for s in g["spans"]}) > 1]
        return experts[experts["doc_id"].isin(differ)][["doc_id", "annotator", "spans"]].reset_index(drop=True)

    def agreement(self) -> pd.DataFrame:
        """Span-level F1 between each pair of experts over the documents both answered (exact
        match; F1 is symmetric), with the number of shared documents."""
        cur = self.current()
        experts = cur[~cur["adjudication"]]
        names = sorted(experts["annotator"].unique())
        answers = {a: dict(zip(g["doc_id"], g["spans"])) for a, g in experts.groupby("annotator")}
        rows = []
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                shared = sorted(set(answers[a]) & set(answers[b]))
                if shared:
                    sa_, sb_ = [answers[a][d] for d in shared], [answers[b][d] for d in shared]
                    # both found no entity anywhere: full agreement, not F1's 0/0
                    f1 = 1.0 if not any(sa_) and not any(sb_) else span_f1(sa_, sb_)
                    rows.append({"annotator_a": a, "annotator_b": b, "documents": len(shared), "span_f1": f1})
        return pd.DataFrame(rows, columns=["annotator_a", "annotator_b", "documents", "span_f1"])

    def export(self, path: str | os.PathLike[str], ids: Sequence[Any], tokens: Sequence[Sequence[str]], *,
               format: str | None = None) -> tuple[Path, int]:
        """Write the documents that have a gold answer (:meth:`gold`, current tokens only) to
        ``path`` as WRENCH span JSON, BIO CoNLL or a spaCy ``DocBin`` (see
        :func:`weaklabel.spans.export.write_spans`). Returns the path and the number of documents."""
        from ..spans.export import write_spans

        if len(ids) != len(tokens):
            raise InputError(f"tokens: expected one token list per id ({len(ids)}), got {len(tokens)}")
        gold = self.gold(ids, {str(i): doc_version(t) for i, t in zip(ids, tokens)})
        keep = [d for d, g in enumerate(gold) if g is not None]
        out = write_spans(path, [str(ids[d]) for d in keep], [list(tokens[d]) for d in keep],
                          [gold[d] or [] for d in keep], self.types, format=format)
        return out, len(keep)
