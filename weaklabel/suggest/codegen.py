"""Suggestions as ordinary Python: template LFs a person can read, edit and commit, each with a
comment giving its evidence."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from .._atomic import atomic_path
from .rank import Suggestion


def _line(s: Suggestion, column: str) -> str:
    c = s.candidate
    gain = "" if s.gain != s.gain else f"; cross-validated gain {s.gain * 100:+.1f} points"
    evidence = (f"    # precision {s.precision:.2f} (95% Wilson lower bound {s.lower:.2f}) on {s.n} labeled rows; "
                f"fires on {s.coverage:.1%} of rows{gain}")
    col = "" if column == "text" else f", column={column!r}"
    if c.kind == "keyword":
        terms = ", ".join(repr(t) for t in c.terms)
        call = f"    keyword_lf({terms}, label=LABELS.index({s.label_name!r}){col}, name={s.name!r}),"
    else:
        call = f"    regex_lf({c.pattern!r}, label=LABELS.index({s.label_name!r}){col}, name={s.name!r}),"
    return f"{evidence}\n{call}"


def to_python(suggestions: Sequence[Suggestion], labels: Sequence[str], *, column: str = "text",
              source: str = "") -> str:
    """A module defining ``LABELS`` and ``LFS`` (the suggestions), loadable with ``load_suite``."""
    origin = f" from {source}" if source else ""
    head = [f'"""LFs suggested by weaklabel suggest on {date.today().isoformat()}{origin}.',
            "",
            "Each LF's comment gives its evidence on the labeled rows. Read them, edit them, delete the",
            'ones you disagree with: this is ordinary code."""',
            "",
            "from weaklabel import LabelSpace, keyword_lf, regex_lf",
            "",
            f"LABELS = LabelSpace({list(labels)!r})",
            "",
            "LFS = ["]
    body = [_line(s, column) for s in suggestions]
    return "\n".join(head + body + ["]", ""])


def write_suggestions(path: str | os.PathLike[str], suggestions: Sequence[Suggestion], labels: Sequence[str], *,
                      column: str = "text", source: str = "") -> Path:
    """Write :func:`to_python`'s module to ``path`` (atomically)."""
    target = Path(path)
    with atomic_path(target) as tmp:
        Path(tmp).write_text(to_python(suggestions, labels, column=column, source=source), encoding="utf-8")
    return target
