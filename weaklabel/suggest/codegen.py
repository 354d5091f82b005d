"""Suggestions as ordinary Python.

Template LFs a person can read, edit and commit, each with a comment giving its evidence.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from .._atomic import atomic_path
from .rank import Suggestion


def _line(rule: Mapping[str, Any], column: str) -> str:
    evidence = f"    # {rule['evidence']}\n" if rule.get("evidence") else ""
    col = "" if column == "text" else f", column={column!r}"
    label = f"label=LABELS.index({rule['label']!r}){col}, name={rule['name']!r}"
    if rule["kind"] == "keyword":
        call = f"    keyword_lf({', '.join(repr(t) for t in rule['terms'])}, {label}),"
    elif rule["kind"] == "similar":
        texts = "".join(f"        {t!r},\n" for t in rule["examples"])
        call = f"    similar_lf([\n{texts}    ], threshold={float(rule['threshold'])!r}, {label}),"
    elif rule["kind"] == "threshold":
        label = f"label=LABELS.index({rule['label']!r}), name={rule['name']!r}"
        call = f"    threshold_lf({rule['column']!r}, {rule['op']!r}, {float(rule['value'])!r}, {label}),"
    else:
        call = f"    regex_lf({rule['pattern']!r}, {label}),"
    return f"{evidence}{call}"


def to_python(suggestions: Sequence[Suggestion | Mapping[str, Any]], labels: Sequence[str], *,
              column: str = "text", source: str = "") -> str:
    """Return a module defining ``LABELS`` and ``LFS``, loadable with ``load_suite``.

    The LFS are the suggestions, or rules as the decision log holds them; every value is written with
    ``repr``.
    """
    origin = f" from {source}" if source else ""
    head = [f'"""LFs suggested by weaklabel on {date.today().isoformat()}{origin}.',
            "",
            "Each LF's comment gives its evidence on the labeled rows. Read them, edit them, delete the",
            'ones you disagree with: this is ordinary code."""',
            "",
            "from weaklabel import LabelSpace, keyword_lf, regex_lf, similar_lf, threshold_lf",
            "",
            f"LABELS = LabelSpace({list(labels)!r})",
            "",
            "LFS = ["]
    body = [_line(s.rule() if isinstance(s, Suggestion) else s, column) for s in suggestions]
    return "\n".join(head + body + ["]", ""])


def write_suggestions(path: str | os.PathLike[str], suggestions: Sequence[Suggestion | Mapping[str, Any]],
                      labels: Sequence[str], *,
                      column: str = "text", source: str = "") -> Path:
    """Write :func:`to_python`'s module to ``path`` (atomically)."""
    target = Path(path)
    with atomic_path(target) as tmp:
        Path(tmp).write_text(to_python(suggestions, labels, column=column, source=source), encoding="utf-8")
    return target
