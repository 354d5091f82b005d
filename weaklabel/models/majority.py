"""Majority vote: the baseline every label model must beat."""

from __future__ import annotations

import numpy as np

from ..matrix import compress
from ._patterns import vote_counts, vote_shares
from .base import BaseLabelModel


class MajorityVote(BaseLabelModel):
    """Each row's label is the class most LFs voted for.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes; inferred from ``L`` (or its label space) when omitted.

    Attributes
    ----------
    class_balance_ : ndarray of shape (k,)
        Share of each class among majority decisions on covered rows (or among
        gold rows when ``y`` is given); used by ``tie_break_policy="prior"``.
    cardinality_, n_lfs_in_, lf_names_in_, label_space_
        See :class:`BaseLabelModel`.

    Notes
    -----
    ``predict_proba`` is the share of votes per class; a row with no votes is
    uniform, so it is a tie that ``predict``'s ``tie_break_policy`` resolves.
    """

    def __init__(self, *, cardinality: int | None = None) -> None:
        self.cardinality = cardinality

    def _fit(self, votes: np.ndarray, y: np.ndarray | None, k: int) -> None:
        if y is None:
            vp = compress(votes)
            self._fit_patterns(vp.patterns, vp.counts, None, k)
            return
        counts = np.bincount(y[y >= 0], minlength=k) + 1.0  # Laplace: no class gets zero prior
        self.class_balance_ = counts / counts.sum()

    _supports_patterns = True
    is_vote_count = True

    def _fit_patterns(self, patterns: np.ndarray, counts: np.ndarray, gold: np.ndarray | None,  # noqa: ARG002
                      k: int) -> None:   # gold: a vote count learns nothing from it
        c = vote_counts(patterns, k)
        decided = c.max(axis=1, keepdims=True)
        winners = (c == decided) & (decided > 0)
        share = winners / np.maximum(winners.sum(axis=1, keepdims=True), 1)
        balance = (share * counts[:, None]).sum(axis=0) + 1.0  # Laplace: no class gets zero prior
        self.class_balance_ = balance / balance.sum()

    def _predict_proba(self, votes: np.ndarray) -> np.ndarray:
        return vote_shares(votes, self.cardinality_)

    def explain_terms(self, votes_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(prior (k,), per-LF terms (n_lfs, k)): +1 to the class each LF voted.

        They sum to the vote counts, the score majority vote takes the argmax of.
        """
        self._check_fitted()
        terms = np.zeros((votes_row.shape[0], self.cardinality_))
        on = votes_row >= 0
        terms[np.flatnonzero(on), votes_row[on]] = 1.0
        return np.zeros(self.cardinality_), terms
