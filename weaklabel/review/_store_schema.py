"""Schema and small helpers of the expert label store (tables, names, URLs)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np

from ..exceptions import InputError

SCHEMA_VERSION = 4  # v2: external_id/external_version on events (idempotent imports);
                    # v3: row_state and row_totals, what each row's events add up to;
                    # v4: external_meta on events, what the other tool knew of a label (JSON)
# Letters of any script (José, Zoë, 李), digits, space and . _ @ - +: email addresses and
# real names, but no markup or control characters.
_NAME_RE = re.compile(r"^[^\W_][\w .@+-]{0,63}$")


def _now() -> datetime:
    return datetime.now(UTC)


def _tables(sa: Any) -> tuple[Any, ...]:
    md = sa.MetaData()
    meta = sa.Table("weaklabel_meta", md, sa.Column("key", sa.String(64), primary_key=True),
                    sa.Column("value", sa.String(256), nullable=False))
    events = sa.Table(
        "label_events", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(128), nullable=False),
        sa.Column("row_id", sa.String(256), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),          # label | undo | skip
        sa.Column("label", sa.Integer, nullable=True),
        sa.Column("annotator", sa.String(64), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("model_version", sa.String(128), nullable=True),
        sa.Column("undoes", sa.Integer, nullable=True),
        # where an imported label came from (e.g. "ls:<project>:<annotation id>") and which
        # version of it (its updated_at): re-importing the same version changes nothing
        sa.Column("external_id", sa.String(128), nullable=True),
        sa.Column("external_version", sa.String(64), nullable=True),
        # what the other tool knew of the label: Label Studio's lead_time, ground_truth, its own
        # created/updated times and the prediction it started from (JSON, a few hundred bytes)
        sa.Column("external_meta", sa.Text, nullable=True),
        sa.Index("ix_events_project_row", "project", "row_id"),
        sa.Index("ix_events_project_annotator", "project", "annotator"),
        # per-keypress reads: label events per row (counts, blocked rows) and undo events
        sa.Index("ix_events_project_kind_row", "project", "kind", "row_id"),
        # the latest event of a project (what changed since a keypress read it) in one seek
        sa.Index("ix_events_project_id", "project", "id"),
    )
    leases = sa.Table(
        "leases", md,
        sa.Column("project", sa.String(128), primary_key=True),
        sa.Column("row_id", sa.String(256), primary_key=True),
        sa.Column("annotator", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    accounts = sa.Table(
        "accounts", md,
        sa.Column("project", sa.String(128), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),        # name_key: one expert per look-alike name
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    sessions = sa.Table(
        "sessions", md,
        sa.Column("id", sa.String(64), primary_key=True),         # sha256 of the browser's token
        sa.Column("project", sa.String(128), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_sessions_project_key", "project", "key"),
    )
    # What the events add up to per (row, expert) and per row, kept up to date in each write's
    # transaction: a keypress reads the rows it looks at, never the whole log.
    row_state = sa.Table(
        "row_state", md,
        sa.Column("project", sa.String(128), primary_key=True),
        sa.Column("row_id", sa.String(256), primary_key=True),
        sa.Column("annotator", sa.String(64), primary_key=True),
        sa.Column("labeled", sa.Integer, nullable=False),     # a label in force (not undone)
        sa.Column("skipped", sa.Integer, nullable=False),     # a skip in force
        sa.Index("ix_row_state_project_annotator", "project", "annotator"),
    )
    row_totals = sa.Table(
        "row_totals", md,
        sa.Column("project", sa.String(128), primary_key=True),
        sa.Column("row_id", sa.String(256), primary_key=True),
        sa.Column("n_labelers", sa.Integer, nullable=False),  # experts with a label in force
        sa.Index("ix_row_totals_project_n", "project", "n_labelers"),
    )
    counts = sa.Table(
        "project_counts", md,
        sa.Column("project", sa.String(128), primary_key=True),
        sa.Column("labeled_rows", sa.Integer, nullable=False),  # rows of row_totals: labeled by anyone
    )
    return md, meta, events, leases, accounts, sessions, row_state, row_totals, counts


def default_url(folder: str | os.PathLike[str] = ".") -> str:
    """``sqlite:///<folder>/weaklabel-labels.db``."""
    return f"sqlite:///{Path(folder).resolve() / 'weaklabel-labels.db'}"


def check_annotator(name: Any) -> str:
    """Annotator names: 1-64 characters of letters (any script), digits, space, ``. _ @ - +``."""
    if not isinstance(name, str) or not _NAME_RE.match(name.strip()):
        raise InputError(f"annotator: expected a name of 1-64 letters, digits, spaces or . _ @ - +, got {name!r}")
    return name.strip()


def check_note(note: Any) -> str | None:
    """Return a label's note: None or text (a NUL byte, which PostgreSQL cannot store, is dropped)."""
    if note is not None and not isinstance(note, str):
        raise InputError(f"note: expected text or None, got {type(note).__name__} {note!r}")
    return None if note is None else note.replace("\x00", "")


def _check_text(value: Any, arg: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 128:
        raise InputError(f"{arg}: expected a non-empty name of at most 128 characters, got {value!r}")
    return value


_SECRET_KEYS = re.compile(r"(pass|pwd|secret|token|key)", re.I)


def _redact(url: str, text: str | None = None) -> str:
    """``url`` (or ``text``, scrubbed of the url's secrets) safe to show.

    The password hidden however it is written (``user:pw@``, ``:pw@``, ``?password=``).
    """
    import sqlalchemy as sa

    secrets_: list[str] = []
    try:
        u = sa.engine.make_url(url)
        if u.password:
            secrets_.append(str(u.password))
        for k, v in u.query.items():
            if _SECRET_KEYS.search(k):
                secrets_ += [v] if isinstance(v, str) else list(v)
        shown = u.set(query={k: ("redacted" if _SECRET_KEYS.search(k) else v) for k, v in u.query.items()}) \
            .render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL sqlalchemy can parse: show only its scheme
        shown = url.split("://", 1)[0] + "://***" if "://" in url else "***"
        secrets_.append(url)
    if text is None:
        return shown
    for sec in secrets_:  # a driver message may quote the password or the whole URL
        if sec:
            text = text.replace(sec, "***")
    return text


MAX_ROW_ID = 256   # the column's width; PostgreSQL enforces it, SQLite would not


def _row_key(row_id: Any) -> str:
    """Return a row id as the store's key (text); None, NaN or a blank id is an error, not "None".

    The same ids are refused on every database: longer than 256 characters, or holding a NUL (which
    PostgreSQL cannot store).
    """
    if row_id is None or (isinstance(row_id, float) and row_id != row_id) or not str(row_id).strip():
        raise InputError(f"row_id: expected the id of an item, got {row_id!r}; every label needs its row's id")
    key = str(row_id.item() if isinstance(row_id, np.generic) else row_id)
    if len(key) > MAX_ROW_ID:
        raise InputError(f"row_id: ids of at most {MAX_ROW_ID} characters can be stored, got one of {len(key)} "
                         f"({key[:40]!r}...); use a shorter id column")
    if "\x00" in key:
        raise InputError(f"row_id: {key[:60]!r} holds a NUL byte, which the label store cannot keep; clean the "
                         "id column")
    return key


def db_now(c: Any, is_sqlite: bool) -> datetime:
    """Return the database server's current time (UTC).

    Leases expire by one clock, not by each process's own (a server running 15 minutes fast must not
    expire others' leases).
    """
    if is_sqlite:
        text = c.exec_driver_sql("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')").scalar()
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
    import sqlalchemy as sa

    value = c.execute(sa.text("SELECT CURRENT_TIMESTAMP")).scalar()
    return cast("datetime", value if value.tzinfo is not None else value.replace(tzinfo=UTC))


def undone_ids(sa: Any, events: Any, project: str) -> Any:
    """Return the SQL subquery: the ids of a project's events that an ``undo`` event retracted."""
    return sa.select(events.c.undoes).where(sa.and_(events.c.project == project, events.c.kind == "undo",
                                                    events.c.undoes.is_not(None)))


def labels_in_force(events: Any) -> Any:
    """Select the label events not undone, the latest per (row, annotator, adjudication or not).

    Oldest first, with an ``adjudication`` column: what every reader of the event log counts.
    """
    ev = events
    undone = set(ev.loc[ev["kind"] == "undo", "undoes"].dropna().astype(int))
    lab = ev[(ev["kind"] == "label") & ~ev["id"].isin(undone)]
    lab = lab.assign(adjudication=lab["source"] == "adjudication")
    lab = lab.sort_values("id").groupby(["row_id", "annotator", "adjudication"], as_index=False).last()
    return lab.sort_values("id").reset_index(drop=True)


def event_log(sa: Any, md: Any, name: str, *columns: Any) -> Any:
    """Return an append-only log table of per-project events.

    ``id`` and ``project``, the kind's own ``columns`` (and indexes), then who (``annotator``) and when
    (``created_at``).
    """
    own = [c for c in columns if isinstance(c, sa.Column)]
    indexes = [c for c in columns if not isinstance(c, sa.Column)]     # after every column they name
    return sa.Table(
        name, md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(128), nullable=False),
        *own,
        sa.Column("annotator", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *indexes,
    )
