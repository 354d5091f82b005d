"""Weighted majority vote: each LF's vote counts by the log-odds of its accuracy."""

from __future__ import annotations

from typing import cast

import numpy as np

from ..matrix import compress
from ._params import Interval
from ._patterns import vote_counts
from .base import BaseLabelModel, accuracy_weights


class WeightedMajorityVote(BaseLabelModel):
    """Majority vote where LF j's vote weighs ``log(a_j (k-1) / (1 - a_j))``.

    Accuracies ``a_j`` are estimated without gold as the LF's agreement with the
    majority vote of the *other* LFs on rows where they vote (smoothed toward
    ``prior_accuracy``); with gold ``y``, from the gold rows where available.

    Parameters
    ----------
    cardinality : int, optional
    smoothing : float, default 2.0
        Pseudo-votes at ``prior_accuracy`` for each LF.
    prior_accuracy : float, default 0.7

    Attributes
    ----------
    lf_accuracy_ : ndarray of shape (n_lfs,)
    lf_weight_ : ndarray of shape (n_lfs,)
        Log-odds weights used in the vote.
    class_balance_ : ndarray of shape (k,)
        Mean predicted distribution on covered rows (ties prior for ``predict``).
    cardinality_, n_lfs_in_, lf_names_in_, label_space_
        See :class:`BaseLabelModel`.
    """

    _parameter_constraints = {"smoothing": [Interval("real", 0, None)],
                              "prior_accuracy": [Interval("real", 0, 1, closed="neither")]}

    def __init__(self, *, cardinality: int | None = None, smoothing: float = 2.0,
                 prior_accuracy: float = 0.7) -> None:
        self.cardinality = cardinality
        self.smoothing = smoothing
        self.prior_accuracy = prior_accuracy

    def _fit(self, votes: np.ndarray, y: np.ndarray | None, k: int) -> None:
        vp = compress(votes)
        P, c = vp.patterns, vp.counts.astype(float)
        counts = vote_counts(P, k)
        m = P.shape[1]
        agree = np.zeros(m)
        total = np.zeros(m)
        for j in range(m):
            fires = P[:, j] >= 0
            others = counts[fires].copy()
            others[np.arange(others.shape[0]), P[fires, j]] -= 1  # leave LF j out
            has_other = others.sum(axis=1) > 0
            top = others.max(axis=1, keepdims=True)
            winners = (others == top) & has_other[:, None]
            share = winners[np.arange(winners.shape[0]), P[fires, j]] / np.maximum(winners.sum(axis=1), 1)
            agree[j] = (share * c[fires]).sum()
            total[j] = (has_other * c[fires]).sum()
        if y is not None:  # gold beats agreement wherever it exists
            for j in range(m):
                known = (votes[:, j] >= 0) & (y >= 0)
                if known.any():
                    agree[j] = (votes[known, j] == y[known]).sum()
                    total[j] = known.sum()
        s, a0 = float(self.smoothing), float(self.prior_accuracy)
        acc = (agree + s * a0) / (total + s)
        self.lf_accuracy_ = np.clip(acc, 1e-3, 1 - 1e-3)
        self.lf_weight_ = accuracy_weights(acc, k)
        probs = self._predict_proba(votes)
        covered = (votes >= 0).any(axis=1)
        cb = probs[covered].sum(axis=0) + 1.0 if covered.any() else np.ones(k)
        self.class_balance_ = cb / cb.sum()

    def _scores(self, votes: np.ndarray) -> np.ndarray:
        k = self.cardinality_
        out = np.zeros((votes.shape[0], k))
        for c in range(k):
            out[:, c] = ((votes == c) * self.lf_weight_[None, :]).sum(axis=1)
        return out

    def _predict_proba(self, votes: np.ndarray) -> np.ndarray:
        s = self._scores(votes)
        from scipy.special import logsumexp

        return cast("np.ndarray", np.exp(s - logsumexp(s, axis=1, keepdims=True)))

    def explain_terms(self, votes_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(prior (k,), per-LF terms (n_lfs, k)); softmax of their sum = ``predict_proba``."""
        self._check_fitted()
        out = np.zeros((votes_row.shape[0], self.cardinality_))
        on = np.flatnonzero(votes_row >= 0)
        out[on, votes_row[on]] = self.lf_weight_[on]
        return np.zeros(self.cardinality_), out
