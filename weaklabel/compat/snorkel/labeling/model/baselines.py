"""Baseline voters (``snorkel.labeling.model.baselines``)."""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from weaklabel.models._patterns import vote_counts

from .base_labeler import BaseLabeler


def _check_L(L: Any, k: int) -> np.ndarray:
    L = np.asarray(L)
    if L.ndim != 2:
        raise ValueError(f"L: expected a 2-D label matrix, got shape {L.shape}")
    if L.size and (L.max() >= k or L.min() < -1):
        raise ValueError(f"L: votes must be in -1..{k - 1} for cardinality={k}; got {int(L.min())}..{int(L.max())}")
    return cast("np.ndarray", L.astype(np.int64))


class RandomVoter(BaseLabeler):
    """Random probabilities for every row (a floor to compare against)."""

    def predict_proba(self, L: np.ndarray) -> np.ndarray:
        """Probabilities of the classes for each row of ``L``."""
        n = np.asarray(L).shape[0]
        p = np.random.rand(n, self.cardinality)
        return cast("np.ndarray", p / p.sum(axis=1, keepdims=True))


class MajorityClassVoter(BaseLabeler):
    """Always the most frequent class of a given class balance."""

    def fit(self, balance: np.ndarray, *args: Any, **kwargs: Any) -> MajorityClassVoter:
        """Store the class balance (its length sets the cardinality)."""
        self.cardinality = len(balance)
        self.balance = np.asarray(balance, dtype=float)
        return self

    def predict_proba(self, L: np.ndarray) -> np.ndarray:
        """Probabilities of the classes for each row of ``L``."""
        if not hasattr(self, "balance"):
            raise ValueError("MajorityClassVoter is not fitted: call fit(balance=...) first")
        n = np.asarray(L).shape[0]
        top = (self.balance == self.balance.max()).astype(float)
        return np.tile(top / top.sum(), (n, 1))


class MajorityLabelVoter(BaseLabeler):
    """Majority vote; needs no fit.

    ``predict_proba`` is one-hot on the majority class, split evenly between tied
    classes (all classes on a row with no votes), as in Snorkel.
    """

    def predict_proba(self, L: np.ndarray) -> np.ndarray:
        """Probabilities of the classes for each row of ``L``."""
        L = _check_L(L, self.cardinality)
        counts = vote_counts(L, self.cardinality)
        top = (counts == counts.max(axis=1, keepdims=True)).astype(float)
        return cast("np.ndarray", top / top.sum(axis=1, keepdims=True))


__all__ = ["MajorityClassVoter", "MajorityLabelVoter", "RandomVoter"]
