"""What experts decided about suggested LFs, stored durably.

An append-only log in the label store's database (table ``suggestion_events``, beside the labels,
SQLite or PostgreSQL).

A *rule* is a plain dict: ``kind`` ("keyword" with ``terms``, "regex" with ``pattern``,
"threshold" with ``column``, ``op`` and ``value``, or "similar" with ``examples`` and a cosine
``threshold``),
``label`` (the class name it votes), ``name`` (the LF's name) and ``evidence`` (a line on the
numbers that backed it). Each event accepts or rejects one rule; an accepted edit also names the
suggestion it came from (``origin``), so neither is proposed again. The latest decision on a
rule is in force: a rejected rule can be accepted later, and the reverse.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import pandas as pd

from ..exceptions import InputError
from .mine import words_limit


class Rule(TypedDict, total=False):
    """A suggested rule as the log stores it and the code writer reads it (JSON-serialisable)."""

    kind: str              # one of KINDS
    label: str             # the class it votes
    name: str              # the LF's name ("" until accepted: then made unique)
    evidence: str          # the numbers that backed it, written as the LF's comment
    terms: list[str]       # keyword
    pattern: str           # regex
    column: str            # threshold
    op: str
    value: float
    examples: list[str]    # similar
    threshold: float


DECISIONS = ("accept", "reject")
KINDS = ("keyword", "regex", "threshold", "similar")
OPS = (">", ">=", "<", "<=")


def rule_key(rule: Mapping[str, Any]) -> str:
    """Return a stable key for a rule: what it matches and the class it votes (not its name)."""
    terms = sorted(str(t).lower() for t in rule.get("terms") or ()) if rule.get("kind") == "keyword" else []
    body = [rule.get("kind"), rule.get("label"), terms, rule.get("pattern") or ""]
    # a neighbourhood is one per class: its examples change with every label, and a rejection
    # of "rows close to the HAM examples" must hold when more HAM examples come
    if rule.get("kind") == "threshold":
        body += [rule.get("column"), rule.get("op"), float(rule.get("value") or 0.0)]
    return hashlib.sha1(json.dumps(body, ensure_ascii=True).encode()).hexdigest()


def describe_rule(rule: Mapping[str, Any]) -> str:
    """Return what a rule matches, as a person reads it: ``free | prize``, ``mean radius > 17``."""
    kind = rule.get("kind")
    if kind == "keyword":
        return " | ".join(str(t) for t in rule.get("terms") or ())
    if kind == "threshold":
        return f"{rule.get('column')} {rule.get('op')} {float(rule.get('value') or 0.0):g}"
    if kind == "similar":
        return (f"close to one of {len(rule.get('examples') or ())} labeled texts of the class "
                f"(TF-IDF cosine >= {float(rule.get('threshold') or 0.0):g})")
    n_words = words_limit(str(rule.get("pattern") or ""))
    return f"at most {n_words} words" if n_words is not None else str(rule.get("pattern") or "")


def rule_stem(rule: Mapping[str, Any]) -> str:
    """Return the readable middle of a suggested LF's name.

    Its longest keyword (the most telling: "love it" rather than "it"), or ``column_gt_value``.
    """
    from ..templates import _slug

    if rule.get("kind") == "keyword":
        return _slug(max((str(t) for t in rule.get("terms") or ("rule",)), key=len))[:40]
    if rule.get("kind") == "threshold":
        op = {">": "gt", ">=": "ge", "<": "lt", "<=": "le"}.get(str(rule.get("op")), "cmp")
        return f"{_slug(str(rule.get('column')))[:30]}_{op}_{_slug(format(float(rule.get('value') or 0.0), 'g'))}"
    if rule.get("kind") == "similar":
        return "similar"
    n_words = words_limit(str(rule.get("pattern") or ""))
    return f"at_most_{n_words}_words" if n_words is not None else "pattern"


def check_rule(rule: Mapping[str, Any], labels: Sequence[str]) -> Rule:
    """Return a clean copy of ``rule``, or an :class:`InputError` that says which part is wrong."""
    kind = rule.get("kind")
    if kind not in KINDS:
        raise InputError(f"rule: kind must be one of {list(KINDS)}, got {kind!r}")
    if rule.get("label") not in labels:
        raise InputError(f"rule: label must be one of the project's classes {list(labels)}, got {rule.get('label')!r}")
    out: Rule = {"kind": str(kind), "label": str(rule["label"]), "name": str(rule.get("name") or ""),
                 "evidence": str(rule.get("evidence") or "")}
    if kind == "keyword":
        raw = rule.get("terms")
        terms = [str(t).strip() for t in (raw if isinstance(raw, (list, tuple)) else [])]
        terms = list(dict.fromkeys(t for t in terms if t))
        if not terms or any(len(t) > 200 for t in terms):
            raise InputError(f"rule: a keyword rule needs one or more keywords of at most 200 characters, got "
                             f"{raw!r}; write them separated by commas")
        out["terms"] = terms
    elif kind == "threshold":
        column, op, value = rule.get("column"), rule.get("op"), rule.get("value")
        if not isinstance(column, str) or not column:
            raise InputError(f"rule: a threshold rule needs the numeric column it compares, got {column!r}")
        if op not in OPS:
            raise InputError(f"rule: op must be one of {list(OPS)}, got {op!r}")
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = float("nan")
        if isinstance(value, bool) or not math.isfinite(number):
            raise InputError(f"rule: a threshold rule needs a finite number to compare {column!r} with, got {value!r}")
        out["column"], out["op"], out["value"] = column, str(op), number
    elif kind == "similar":
        raw = rule.get("examples")
        examples = [str(t) for t in (raw if isinstance(raw, (list, tuple)) else []) if str(t).strip()]
        if not examples or len(examples) > 1000 or any(len(t) > 5000 for t in examples):
            raise InputError(f"rule: a similar rule needs 1 to 1000 example texts of at most 5000 characters, got "
                             f"{len(examples)}")
        threshold = rule.get("threshold")
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
            raise InputError(f"rule: a similar rule's threshold is a cosine in (0, 1], got {threshold!r}")
        out["examples"], out["threshold"] = examples, float(threshold)
    else:
        pattern = str(rule.get("pattern") or "")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InputError(f"rule: pattern {pattern!r} is not a valid regular expression ({exc})") from None
        if not pattern:
            raise InputError("rule: a regex rule needs a pattern, got an empty one")
        out["pattern"] = pattern
    return out


def _table(sa: Any, md: Any) -> Any:
    from ..review._store_schema import event_log

    return event_log(
        sa, md, "suggestion_events",
        sa.Column("rule_key", sa.String(40), nullable=False),
        sa.Column("origin_key", sa.String(40), nullable=True),   # an edit: the suggestion it came from
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("rule", sa.Text, nullable=False),              # the rule as JSON
        sa.Index("ix_suggestion_events_project", "project"),
    )


class SuggestionLog:
    """Experts' decisions on suggested LFs, per project, in the label store's database.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default the class labels' SQLite file.
    project : str, default "default"

    Examples
    --------
    >>> log = SuggestionLog("sqlite:///:memory:", project="spam")
    >>> rule = {"kind": "keyword", "terms": ["free"], "label": "SPAM", "name": "suggest_free_spam"}
    >>> _ = log.decide(rule, "reject", "ana")
    >>> rule_key(rule) in log.decided_keys(), log.accepted()
    (True, [])
    """

    def __init__(self, url: str | None = None, *, project: str = "default", timeout: float = 30.0) -> None:
        import sqlalchemy as sa

        from ..review._store_engine import begin_write, open_tables
        from ..review._store_schema import _check_text, default_url

        self._sa, self._begin = sa, begin_write
        self.url = url or default_url()
        self.project = _check_text(project, "project")
        md = sa.MetaData()
        self._events = _table(sa, md)
        self.engine = open_tables(self, self.url, md, timeout, "suggestion log")

    def decide(self, rule: Mapping[str, Any], decision: str, annotator: str, *,
               origin: Mapping[str, Any] | None = None) -> int:
        """Append ``annotator``'s decision (``"accept"`` or ``"reject"``) on ``rule``; ``origin``.

        The suggestion an accepted edit came from. Returns the event's id.
        """
        from ..review._store_schema import _now, check_annotator

        if decision not in DECISIONS:
            raise InputError(f"decision: expected one of {list(DECISIONS)}, got {decision!r}")
        values = dict(project=self.project, rule_key=rule_key(rule), decision=decision,
                      origin_key=None if origin is None else rule_key(origin),
                      rule=json.dumps(dict(rule), ensure_ascii=False), annotator=check_annotator(annotator),
                      created_at=_now())
        with self._begin(self.engine) as c:
            return int(c.execute(self._events.insert().values(**values)).inserted_primary_key[0])

    def events(self) -> pd.DataFrame:
        """Return the project's log, oldest first (``rule`` decoded)."""
        sa = self._sa
        with self.engine.connect() as c:
            df = pd.read_sql(sa.select(self._events).where(self._events.c.project == self.project)
                             .order_by(self._events.c.id), c)
        df["rule"] = [json.loads(r) for r in df["rule"]]
        return df

    def decided_keys(self) -> set[str]:
        """Keys of every rule decided on, and of every suggestion an accepted edit replaced.

        None of them is proposed again.
        """
        ev = self.events()
        return set(ev["rule_key"]) | set(ev["origin_key"].dropna())

    def accepted(self) -> list[Rule]:
        """Return the rules whose latest decision is accept, in the order they were first accepted."""
        ev = self.events()
        if ev.empty:
            return []
        latest = ev.drop_duplicates("rule_key", keep="last")
        keep = set(latest.loc[latest["decision"] == "accept", "rule_key"])
        first = ev[ev["rule_key"].isin(keep) & (ev["decision"] == "accept")].drop_duplicates("rule_key", keep="first")
        last_rule = dict(zip(latest["rule_key"], latest["rule"]))
        return [last_rule[k] for k in first["rule_key"]]
