"""Pairwise structure between LFs: overlap, agreement, conflict, Cohen's kappa, phi."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_in_options
from ..matrix import LabelMatrix, check_label_array

PAIRWISE_KINDS = ("overlap", "agreement", "conflict", "kappa", "phi")


def _names(L: Any, m: int, lf_names: Sequence[str] | None) -> list[str]:
    if lf_names is not None:
        return list(lf_names)
    return list(L.lf_names) if isinstance(L, LabelMatrix) else [str(j) for j in range(m)]


def pairwise(L: LabelMatrix | np.ndarray, kind: str = "agreement", *,
             lf_names: Sequence[str] | None = None) -> pd.DataFrame:
    """Return an (n_lfs x n_lfs) matrix of a pairwise statistic.

    Parameters
    ----------
    L : LabelMatrix or ndarray of shape (n_rows, n_lfs)
    kind : {"overlap", "agreement", "conflict", "kappa", "phi"}
        ``overlap``: share of rows where both vote. ``conflict``: share of rows where
        both vote and differ. ``agreement``: among rows where both vote, the share
        that agree (NaN if none). ``kappa``: Cohen's kappa on co-voted rows (chance
        agreement from each LF's vote distribution there). ``phi``: correlation of
        the two LFs' fire indicators (do they fire on the same rows?).

    Returns
    -------
    DataFrame indexed and labelled by LF name; the diagonal holds each LF with itself.
    """
    check_in_options(kind, PAIRWISE_KINDS, name="kind")
    votes = check_label_array(L)
    n, m = votes.shape
    F = (votes >= 0).astype(np.float64)
    both = F.T @ F
    k = int(votes.max()) + 1 if votes.size and votes.max() >= 0 else 1
    # same[i, j] = rows where both vote the same class
    same = np.zeros((m, m))
    onehots = []
    for c in range(k):
        Vc = (votes == c).astype(np.float64)
        onehots.append(Vc)
        same += Vc.T @ Vc
    with np.errstate(invalid="ignore", divide="ignore"):
        if kind == "overlap":
            out = both / n
        elif kind == "conflict":
            out = (both - same) / n
        elif kind == "agreement":
            out = np.where(both > 0, same / both, np.nan)
        elif kind == "kappa":
            po = np.where(both > 0, same / both, np.nan)
            pe = np.zeros((m, m))
            for Vc in onehots:
                a = Vc.T @ F  # a[i, j] = rows where i votes c and j votes anything
                pe += np.where(both > 0, (a / both) * (a.T / both), 0.0)
            out = np.where(np.isclose(pe, 1.0), np.where(np.isclose(po, 1.0), 1.0, np.nan), (po - pe) / (1 - pe))
        else:
            p = F.mean(axis=0)
            cov = both / n - np.outer(p, p)
            sd = np.sqrt(p * (1 - p))
            out = np.where(np.outer(sd, sd) > 0, cov / np.outer(sd, sd), np.nan)
    names = _names(L, m, lf_names)
    return pd.DataFrame(out, index=names, columns=names)


def dependent_pairs(L: LabelMatrix | np.ndarray, *, phi: float = 0.8, agreement: float = 0.95,
                    min_overlap: int = 20, lf_names: Sequence[str] | None = None) -> pd.DataFrame:
    """LF pairs that look like near-duplicates or strong dependencies.

    A pair is flagged when their fire indicators correlate at ``>= phi`` *and* they
    agree on ``>= agreement`` of the ``>= min_overlap`` rows where both vote: such
    LFs count the same evidence twice in a label model that assumes independence.

    Returns
    -------
    DataFrame with columns ``lf_a``, ``lf_b``, ``phi``, ``agreement``, ``overlap_rows``,
    strongest first.
    """
    votes = check_label_array(L)
    ph = pairwise(L, "phi", lf_names=lf_names)
    ag = pairwise(L, "agreement", lf_names=lf_names)
    F = (votes >= 0).astype(np.float64)
    both = F.T @ F
    names = list(ph.index)
    rows = []
    m = len(names)
    for i in range(m):
        for j in range(i + 1, m):
            if both[i, j] >= min_overlap and ph.iat[i, j] >= phi and ag.iat[i, j] >= agreement:
                rows.append({"lf_a": names[i], "lf_b": names[j], "phi": float(ph.iat[i, j]),
                             "agreement": float(ag.iat[i, j]), "overlap_rows": int(both[i, j])})
    return pd.DataFrame(rows, columns=["lf_a", "lf_b", "phi", "agreement", "overlap_rows"]).sort_values(
        "phi", ascending=False, ignore_index=True)
