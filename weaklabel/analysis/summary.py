"""LF analysis: Snorkel's ``lf_summary`` columns, computed with NumPy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from .._validation import check_gold
from ..exceptions import InputError
from ..matrix import LabelMatrix, check_label_array


def _row_stats(votes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-row: fires mask (n, m), overlapped rows (>= 2 votes), conflicted rows (>= 2 distinct)."""
    fires = votes >= 0
    n_votes = fires.sum(axis=1)
    lo = np.where(fires, votes, np.int8(127)).min(axis=1)
    hi = votes.max(axis=1)
    return fires, n_votes >= 2, (n_votes >= 2) & (lo != hi)


def coverage(L: Any) -> np.ndarray:
    """Share of rows on which each LF votes, shape (n_lfs,)."""
    votes = check_label_array(L)
    return cast("np.ndarray", (votes >= 0).mean(axis=0))


def lf_summary(L: LabelMatrix | np.ndarray, y: Any = None, *,
               lf_names: Sequence[str] | None = None,
               est_weights: np.ndarray | None = None) -> pd.DataFrame:
    """Per-LF statistics with Snorkel's ``LFAnalysis.lf_summary`` columns.

    Parameters
    ----------
    L : LabelMatrix or ndarray of shape (n_rows, n_lfs)
        Votes, -1 = abstain.
    y : array-like of shape (n_rows,), optional
        Gold labels (-1 = unknown; those rows are left out of Correct/Incorrect).
    lf_names : sequence of str, optional
        Index labels; default: the LabelMatrix's names, else ``0..m-1`` (as Snorkel).
    est_weights : ndarray of shape (n_lfs,), optional
        Adds a "Learned Weight" column (e.g. a label model's ``lf_accuracy_``).

    Returns
    -------
    DataFrame
        ``j``, ``Polarity`` (sorted classes the LF voted), ``Coverage``, ``Overlaps``
        (share of rows where the LF and another LF vote), ``Conflicts`` (share of
        rows where the LF votes and some LF votes differently); with ``y``:
        ``Correct``, ``Incorrect``, ``Emp. Acc.`` (NaN for an LF that never voted
        on a gold row).

    Examples
    --------
    >>> from weaklabel import LabelMatrix
    >>> L = LabelMatrix([[0, -1], [1, 1], [-1, 1]], lf_names=["a", "b"])
    >>> lf_summary(L, y=[0, 1, 0])[["Polarity", "Coverage", "Correct", "Incorrect", "Emp. Acc."]].round(2)
      Polarity  Coverage  Correct  Incorrect  Emp. Acc.
    a   [0, 1]      0.67        2          0        1.0
    b      [1]      0.67        1          1        0.5
    """
    votes = check_label_array(L)
    n, m = votes.shape
    if n == 0:
        raise InputError("L: expected at least one row, got 0")
    if lf_names is None and isinstance(L, LabelMatrix):
        lf_names = L.lf_names
    if lf_names is not None and len(lf_names) != m:
        raise InputError(f"lf_names: expected {m} names, got {len(lf_names)}")
    fires, overlapped, conflicted = _row_stats(votes)
    present = np.stack([(votes == c).any(axis=0) for c in range(max(int(votes.max()) + 1, 0))], axis=1) \
        if votes.max() >= 0 else np.zeros((m, 0), dtype=bool)
    data: dict[str, Any] = {}
    if lf_names is not None:  # as Snorkel: a 'j' column only when rows are named
        data["j"] = np.arange(m)
    data |= {
        "Polarity": [np.flatnonzero(present[j]).tolist() for j in range(m)],
        "Coverage": fires.mean(axis=0),
        "Overlaps": (fires & overlapped[:, None]).mean(axis=0),
        "Conflicts": (fires & conflicted[:, None]).mean(axis=0),
    }
    if y is not None:
        label_space = L.label_space if isinstance(L, LabelMatrix) else None
        gold = check_gold(y, n, label_space=label_space)
        known = gold >= 0
        voted = fires & known[:, None]
        correct = (votes == gold[:, None]) & voted
        n_correct = correct.sum(axis=0)
        n_voted = voted.sum(axis=0)
        data["Correct"] = n_correct
        data["Incorrect"] = n_voted - n_correct
        data["Emp. Acc."] = np.where(n_voted > 0, n_correct / np.maximum(n_voted, 1), np.nan)
    if est_weights is not None:
        w = np.asarray(est_weights, dtype=float)
        if w.shape != (m,):
            raise InputError(f"est_weights: expected shape ({m},), got {w.shape}")
        data["Learned Weight"] = w
    index = list(lf_names) if lf_names is not None else list(range(m))
    return pd.DataFrame(data, index=index)


NO_VOTES = "no label: no LF voted"
TIED = "no label: a tie"


def label_counts(preds: np.ndarray, label_names: Sequence[str], *, no_votes: np.ndarray | None = None) -> pd.Series:
    """Count of each predicted class for printing, and of the rows without a label (-1).

    With ``no_votes`` (a mask of rows no LF voted on) those are told apart from ties; without it they
    are counted together as ``ABSTAIN``.
    """
    preds = np.asarray(preds)
    counts = [int(np.sum(preds == c)) for c in range(len(label_names))]
    missing = preds < 0
    if no_votes is None:
        return pd.Series(counts + [int(missing.sum())], index=[*label_names, "ABSTAIN"], name="count")
    none = int(np.sum(missing & np.asarray(no_votes)))
    return pd.Series(counts + [none, int(missing.sum()) - none], index=[*label_names, NO_VOTES, TIED], name="count")


def wilson_interval(correct: np.ndarray, total: np.ndarray, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion (NaN where ``total`` is 0).

    Parameters
    ----------
    correct, total : ndarray of shape (n,)
    z : float, default 1.96 (95%)

    Returns
    -------
    lo, hi : ndarray of shape (n,)
    """
    correct = np.asarray(correct, dtype=float)
    total = np.asarray(total, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = correct / total
        denom = 1 + z**2 / total
        center = (p + z**2 / (2 * total)) / denom
        half = z * np.sqrt(p * (1 - p) / total + z**2 / (4 * total**2)) / denom
    lo = np.where(total > 0, np.clip(center - half, 0, 1), np.nan)
    hi = np.where(total > 0, np.clip(center + half, 0, 1), np.nan)
    return lo, hi


def lf_report(L: LabelMatrix | np.ndarray, y: Any = None, *, model: Any = None,
              lf_names: Sequence[str] | None = None) -> pd.DataFrame:
    """:func:`lf_summary` plus what Snorkel's summary lacks.

    Adds, when available: Wilson 95% intervals for ``Emp. Acc.`` (``Acc. lo``,
    ``Acc. hi``); per-class ``Precision <c>`` / ``Recall <c>`` against gold; and from a
    fitted label model (no gold needed) ``Est. Acc.``, ``Est. Propensity`` and
    ``Learned Weight`` (the log-odds weight of a vote).

    Parameters
    ----------
    L : LabelMatrix or ndarray of shape (n_rows, n_lfs)
    y : array-like of shape (n_rows,), optional
        Gold, -1 = unknown.
    model : fitted label model, optional
    lf_names : sequence of str, optional

    Returns
    -------
    DataFrame, one row per LF.
    """
    votes = check_label_array(L)
    report = lf_summary(L, y, lf_names=lf_names)
    n, m = votes.shape
    label_space = L.label_space if isinstance(L, LabelMatrix) else None
    if y is not None:
        gold = check_gold(y, n, label_space=label_space)
        lo, hi = wilson_interval(report["Correct"].to_numpy(),
                                 (report["Correct"] + report["Incorrect"]).to_numpy())
        report.insert(report.columns.get_loc("Emp. Acc.") + 1, "Acc. lo", lo)
        report.insert(report.columns.get_loc("Acc. lo") + 1, "Acc. hi", hi)
        k = max(int(votes.max()) + 1, int(gold.max()) + 1, 2)
        names = label_space.names if label_space is not None else [str(c) for c in range(k)]
        known = gold >= 0
        for c in range(k):
            voted_c = (votes == c) & known[:, None]
            right = voted_c & (gold[:, None] == c)
            with np.errstate(invalid="ignore"):  # 0/0 where the LF never voted c on gold: NaN
                report[f"Precision {names[c]}"] = np.where(voted_c.sum(0) > 0, right.sum(0) / voted_c.sum(0), np.nan)
                n_c = (gold == c).sum()
                report[f"Recall {names[c]}"] = right.sum(0) / n_c if n_c else np.nan
    if model is not None:
        from ..models.base import accuracy_weights

        acc = getattr(model, "lf_accuracy_", None)
        if acc is not None and len(acc) == m:
            k = model.cardinality_
            report["Est. Acc."] = acc
            weight = getattr(model, "lf_weight_", None)
            report["Learned Weight"] = weight if weight is not None else accuracy_weights(acc, k)
        prop = getattr(model, "lf_propensity_", None)
        report["Est. Propensity"] = prop if prop is not None else report["Coverage"].to_numpy()
    return report
