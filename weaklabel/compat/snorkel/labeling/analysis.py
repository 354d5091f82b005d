"""``LFAnalysis``: coverage, overlap, conflict and accuracy of LFs from ``L``.

Built on weaklabel's vectorized :func:`weaklabel.analysis.lf_summary`; kept from
Snorkel where its tests pin it: polarities as lists, ``Emp. Acc.`` of 0 (not NaN)
for an LF that never voted on a gold row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from weaklabel.analysis.summary import lf_summary as _lf_summary
from weaklabel.matrix import check_label_array


class LFAnalysis:
    """Statistics of a label matrix.

    Parameters
    ----------
    L : ndarray of shape (n, m)
        Votes, -1 = abstain.
    lfs : list of LabelingFunction, optional
        Names the rows of the summary (in ``L``'s column order).
    """

    def __init__(self, L: Any, lfs: Sequence[Any] | None = None) -> None:
        self._L = check_label_array(L).astype(np.int64)
        self._lf_names = None
        if lfs is not None:
            if len(lfs) != self._L.shape[1]:
                raise ValueError(f"Number of LFs ({len(lfs)}) and number of LF matrix columns "
                                 f"({self._L.shape[1]}) are different")
            self._lf_names = [lf.name for lf in lfs]
        fires = self._L >= 0
        self._fires = fires
        self._n_votes = fires.sum(axis=1)
        lo = np.where(fires, self._L, np.iinfo(np.int64).max).min(axis=1)
        self._conflicted = (self._n_votes > 1) & (lo < self._L.max(axis=1))

    # -- whole-matrix rates ---------------------------------------------------
    def label_coverage(self) -> float:
        """Share of rows with at least one vote."""
        return float((self._n_votes > 0).mean())

    def label_overlap(self) -> float:
        """Share of rows with at least two votes."""
        return float((self._n_votes > 1).mean())

    def label_conflict(self) -> float:
        """Share of rows with two or more different votes."""
        return float(self._conflicted.mean())

    # -- per LF -----------------------------------------------------------------
    def lf_polarities(self) -> list[list[int]]:
        """Sorted classes each LF voted."""
        return [sorted(int(v) for v in np.unique(col[col >= 0])) for col in self._L.T]

    def lf_coverages(self) -> np.ndarray:
        """Share of rows each LF voted on."""
        return cast("np.ndarray", self._fires.mean(axis=0))

    def lf_overlaps(self, normalize_by_coverage: bool = False) -> np.ndarray:
        """Share of rows where the LF and another LF voted (optionally / its coverage)."""
        overlaps = (self._fires & (self._n_votes > 1)[:, None]).mean(axis=0)
        return _safe_divide(overlaps, self.lf_coverages()) if normalize_by_coverage else overlaps

    def lf_conflicts(self, normalize_by_overlaps: bool = False) -> np.ndarray:
        """Share of rows where the LF voted and some LF voted differently (optionally / its overlaps)."""
        conflicts = (self._fires & self._conflicted[:, None]).mean(axis=0)
        return _safe_divide(conflicts, self.lf_overlaps()) if normalize_by_overlaps else conflicts

    def lf_empirical_accuracies(self, Y: Any) -> np.ndarray:
        """Share of each LF's votes that match ``Y`` (0 for an LF with no votes)."""
        Y = np.asarray(Y).astype(np.int64)
        correct = ((self._L == Y[:, None]) & self._fires).sum(axis=0)
        return _safe_divide(correct.astype(float), self._fires.sum(axis=0).astype(float))

    def lf_empirical_probs(self, Y: Any, k: int) -> np.ndarray:
        """P(LF output | Y) from gold: shape (m, k+1, k), output index 0 = abstain."""
        Y = np.asarray(Y).astype(np.int64)
        m = self._L.shape[1]
        out = np.zeros((m, k + 1, k))
        for y in range(k):
            rows = self._L[Y == y]
            if len(rows) == 0:
                continue
            for v in range(-1, k):
                out[:, v + 1, y] = (rows == v).mean(axis=0)
        return out

    def lf_summary(self, Y: Any = None, est_weights: Any = None) -> pd.DataFrame:
        """Snorkel's summary table: Polarity, Coverage, Overlaps, Conflicts and, with ``Y``, Correct, Incorrect, Emp.

        Acc.; with ``est_weights``, Learned Weight.
        """
        df = _lf_summary(self._L, None if Y is None else np.asarray(Y).astype(np.int64),
                         lf_names=self._lf_names,
                         est_weights=None if est_weights is None else np.asarray(est_weights, dtype=float))
        if "Emp. Acc." in df:
            df["Emp. Acc."] = df["Emp. Acc."].fillna(0.0)  # Snorkel reports 0 for a silent LF
        return df


def _safe_divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return cast("np.ndarray", np.nan_to_num(np.asarray(a, dtype=float) / np.asarray(b, dtype=float)))


__all__ = ["LFAnalysis"]
