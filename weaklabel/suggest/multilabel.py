"""Suggested LFs for multi-label projects.

Per label, the keywords and shapes that the labeled items carrying it share, as multi-label template
LFs.

Each label is mined as its own two-class problem (the label applies, or not) with the class
miner (:mod:`.mine`, :mod:`.rank`): candidates seen on at least ``min_support`` labeled items
with the label, merged when they fire on the same rows, and kept only where the 95% Wilson lower
bound of their precision clears the label's share of the labeled items, and where the label
applies on more than half the labeled items they fire on (a vote for a label should mostly be
right: the model's cut is 0.5); beside the project's own LFs, the lower bound itself must
clear one half. Only rules that vote a label are kept; the label's absence is
what no rule says. Neighbourhood and threshold rules
are class-only for now, and so is the cross-validated gain: suggestions are ranked by their
lower bound.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._atomic import atomic_path
from ..exceptions import InputError
from .decisions import rule_stem
from .mine import Features
from .rank import Suggestion, _select, _stats


def suggest_multilabel_lfs(df: pd.DataFrame, Y: Any, labels: Sequence[str], *, column: str = "text",
                           per_label: int = 3, min_support: int = 3, existing: Any = None,
                           exclude: Iterable[str] = ()) -> pd.DataFrame:
    """Suggest multi-label LFs from the labeled items of ``Y``.

    Parameters
    ----------
    df : DataFrame
        Every item (labeled and unlabeled); ``column`` holds the text.
    Y : array-like of shape (len(df), k)
        0/1 label sets where the item is labeled, rows of -1 elsewhere.
    labels : sequence of str
    per_label : int, default 3
        Suggestions kept per label at most.
    min_support : int, default 3
        Labeled items with the label a rule must fire on.
    existing : MultiLabelMatrix, optional
        The project's LFs: a rule they already make for a label (an LF voting it on nearly all its
        rows) is left out, and a new rule must be confidently right (lower bound above 0.5).
    exclude : iterable of str
        :func:`~weaklabel.suggest.decisions.rule_key` of rules decided on already.

    Returns
    -------
    DataFrame, one row per suggestion, best lower bound first: ``name``, ``rule``, ``label``,
    ``n``, ``precision``, ``lower``, ``coverage``, ``merged``; the :class:`Suggestion` objects
    (``candidate.label``: the label's index) are in ``.attrs["suggestions"]``.
    """
    from ..multilabel.models import check_label_sets
    from .rank import MERGE_JACCARD

    labels = [str(x) for x in labels]
    Y = check_label_sets(Y, len(df), len(labels))
    if column not in df.columns:
        raise InputError(f"column: {column!r} is not a column of df (it has {list(df.columns)[:10]}); pass the "
                         "text column")
    known = (Y >= 0).all(axis=1)
    if known.sum() < 2 * min_support:
        raise InputError(f"Y: needs at least {2 * min_support} labeled items, got {int(known.sum())}; label more")
    features = Features.of(df[column])
    features.texts = []                      # no neighbourhood rules: class-only for now
    skip = frozenset(exclude)
    found: list[Suggestion] = []
    for j, name in enumerate(labels):
        y = np.where(known, Y[:, j], -1).astype(np.int64)
        if int((y == 1).sum()) < min_support:
            continue
        share = float((y == 1).sum() / known.sum())
        kept = 0
        for c, _n, _p, _lo, merged in _select(features, y, 2, 4 * per_label, min_support, skip, ["", name]):
            if c.label != 1 or kept >= per_label:
                continue
            c.fires = np.asarray(c.lf(column).apply(df)) >= 0        # type: ignore[attr-defined]  # the real LF
            n, p, lo = _stats(c.fires, 1, y)
            # informative (its lower bound clears the label's share) and a vote for the label, not
            # against it: where it fires, the label applies more often than not (a rule at 10% on a
            # 3% label is evidence, but calling it a vote for the label would be wrong 9 times in 10).
            # Beside a suite, confidently so: its lower bound above one half (GoEmotions, 3 draws:
            # with the point estimate, adding suggestions to the hand suite cost 0.1-0.3 micro F1)
            if n < min_support or lo <= share or p <= 0.5 or (existing is not None and lo <= 0.5):
                continue
            if existing is not None and c.fires.any() and _made_already(existing.votes, c.fires, j, len(labels),
                                                                        MERGE_JACCARD):
                continue
            stem = c.name.removeprefix("suggest_") if c.kind == "regex" else rule_stem(c.fields())
            c.name = f"suggest_{stem}_{name.lower()}"
            while c.name in {s.name for s in found}:
                c.name += "_2"
            c.label = j
            found.append(Suggestion(c, name, n, p, lo, float(c.fires.mean()), 0.0, merged=merged))
            kept += 1
    found.sort(key=lambda s: -s.lower)
    table = pd.DataFrame([{"name": s.name, "rule": s.describe().split(": ", 1)[1], "label": s.label_name, "n": s.n,
                           "precision": s.precision, "lower": s.lower, "coverage": s.coverage, "merged": s.merged}
                          for s in found], columns=["name", "rule", "label", "n", "precision", "lower", "coverage",
                                                    "merged"])
    table.attrs["suggestions"] = found
    return table


def _made_already(votes: Any, fires: np.ndarray, label: int, k: int, share: float) -> bool:
    """Whether some existing LF votes ``label`` on at least ``share`` of the rows ``fires`` marks."""
    V = votes.tocsc()[:, label::k]                   # every LF's column for this label
    on = np.asarray((V[np.flatnonzero(fires)] > 0).sum(axis=0)).ravel()
    return bool(on.max(initial=0) >= share * fires.sum())


def multilabel_suggested_lfs(suggestions: Sequence[Suggestion], column: str = "text") -> list[Any]:
    """Return the suggestions as multi-label template LFs (keyword or regex), ready to apply."""
    from ..multilabel import keyword_lf, regex_lf

    out = []
    for s in suggestions:
        c = s.candidate
        if c.kind == "keyword":
            out.append(keyword_lf(*c.terms, labels=s.label_name, column=column, name=s.name))
        else:
            out.append(regex_lf(c.pattern, labels=s.label_name, column=column, name=s.name))
    return out


def write_multilabel_suggestions(path: str | os.PathLike[str], suggestions: Sequence[Suggestion],
                                 labels: Sequence[str], *, column: str = "text", source: str = "") -> Path:
    """Write the suggestions as a multi-label LF module (``LABELS`` and ``LFS``).

    Each LF comes with its evidence as a comment; every value is written with ``repr``.
    """
    col = "" if column == "text" else f", column={column!r}"
    lines = [f'"""Multi-label LFs suggested by weaklabel on {date.today().isoformat()}'
             + (f" from {source}" if source else "") + ".",
             "", "Each LF's comment gives its evidence on the labeled items: edit or delete freely.\"\"\"", "",
             "from weaklabel.multilabel import keyword_lf, regex_lf", "", f"LABELS = {list(labels)!r}", "", "LFS = ["]
    for s in suggestions:
        rule = s.rule()
        lines.append(f"    # {rule['evidence']}")
        target = f"labels={s.label_name!r}{col}, name={s.name!r}"
        if s.candidate.kind == "keyword":
            lines.append(f"    keyword_lf({', '.join(repr(t) for t in s.candidate.terms)}, {target}),")
        else:
            lines.append(f"    regex_lf({s.candidate.pattern!r}, {target}),")
    lines += ["]", ""]
    target_path = Path(path)
    with atomic_path(target_path) as tmp:
        Path(tmp).write_text("\n".join(lines), encoding="utf-8")
    return target_path
