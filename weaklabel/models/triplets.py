"""Closed-form method of moments in the spirit of FlyingSquid (Fu et al., 2020).

Binary case: map votes to ``s_j in {-1, 0, +1}`` (class 1, abstain, class 0) and
assume ``E[s_j | y] = a_j * y`` with ``y in {-1, +1}`` and LFs independent given y.
Then ``E[s_i s_j] = a_i a_j`` and, for any triplet, ``|a_i| = sqrt(|M_ij M_ik / M_jk|)``.
No iterations: one pass to build the (m x m) second-moment matrix, then triplet
medians. k > 2 runs one binary problem per class (one-vs-rest) and normalises.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exceptions import InputError
from ..matrix import compress
from ._params import Interval
from .base import BaseLabelModel

_EPS = 1e-6


def _triplet_accuracy(S: np.ndarray, c: np.ndarray, *, max_pairs: int,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Per-LF |a_j| by triplet medians, and P(LF fires); S is (patterns, m) in {-1,0,1}."""
    n = c.sum()
    M = (S * c[:, None]).T @ S / n
    fire = (np.abs(S) * c[:, None]).sum(axis=0) / n
    m = S.shape[1]
    a = np.full(m, np.nan)
    for i in range(m):
        others = [j for j in range(m) if j != i and abs(M[i, j]) > _EPS]
        pairs = [(j, k) for x, j in enumerate(others) for k in others[x + 1:] if abs(M[j, k]) > _EPS]
        if len(pairs) > max_pairs:
            pairs = [pairs[t] for t in rng.choice(len(pairs), size=max_pairs, replace=False)]
        if pairs:
            est = [np.sqrt(abs(M[i, j] * M[i, k] / M[j, k])) for j, k in pairs]
            a[i] = float(np.median(est))
    return a, fire


class TripletModel(BaseLabelModel):
    """Method-of-moments label model (FlyingSquid-style triplets), closed form.

    Parameters
    ----------
    cardinality : int, optional
    class_balance : array-like of shape (k,), optional
        Estimated from the LFs' mean votes when omitted.
    prior_accuracy : float, default 0.7
        Used for an LF that shares no triplet with others (too sparse).
    max_pairs : int, default 200
        Triplets sampled per LF (the estimate is their median).
    random_state : int, default 0

    Attributes
    ----------
    lf_accuracy_ovr_ : ndarray of shape (1, n_lfs) for k = 2, (k, n_lfs) for k > 2
        Per binary problem (class 1 vs 0, or class c vs rest): P(vote correct | LF
        votes), clipped to (0.5, 1): LFs are taken as better than random, as
        FlyingSquid does.
    lf_accuracy_ : ndarray of shape (n_lfs,)
        Mean of ``lf_accuracy_ovr_`` over the binary problems.
    class_balance_ : ndarray of shape (k,)
    cardinality_, n_lfs_in_, lf_names_in_, label_space_
        See :class:`BaseLabelModel`.

    Notes
    -----
    The symmetric-accuracy assumption does not hold for unipolar LFs (that only
    vote one class); :class:`LabelModel` handles those.
    """

    _parameter_constraints = {"class_balance": [None, "array-like"],
                              "prior_accuracy": [Interval("real", 0, 1, closed="neither")],
                              "max_pairs": [Interval("int", 1, None)], "random_state": [None, Interval("int")]}

    def __init__(self, *, cardinality: int | None = None, class_balance: Any = None, prior_accuracy: float = 0.7,
                 max_pairs: int = 200, random_state: int = 0) -> None:
        self.cardinality = cardinality
        self.class_balance = class_balance
        self.prior_accuracy = prior_accuracy
        self.max_pairs = max_pairs
        self.random_state = random_state

    def _binary(self, P: np.ndarray, c: np.ndarray, positive: int) -> tuple[np.ndarray, float]:
        """Accuracy per LF and P(y = positive) for 'positive vs rest'."""
        S = np.where(P < 0, 0, np.where(P == positive, 1, -1)).astype(float)
        rng = np.random.default_rng(self.random_state)
        a, fire = _triplet_accuracy(S, c, max_pairs=self.max_pairs, rng=rng)
        acc = np.where(np.isnan(a), self.prior_accuracy, (a / np.maximum(fire, _EPS) + 1) / 2)
        acc = np.clip(acc, 0.5 + 1e-3, 1 - 1e-3)
        # E[s_j] = a_j E[y]  =>  E[y] from LFs with a usable estimate
        mean_s = (S * c[:, None]).sum(axis=0) / c.sum()
        ok = ~np.isnan(a) & (a > 0.05)
        ey = float(np.clip(np.median(mean_s[ok] / a[ok]), -0.98, 0.98)) if ok.any() else 0.0
        return acc, (1 + ey) / 2

    def _fit(self, votes: np.ndarray, y: np.ndarray | None, k: int) -> None:
        vp = compress(votes)
        P, c = vp.patterns, vp.counts.astype(float)
        positives = [1] if k == 2 else list(range(k))
        accs, priors = zip(*(self._binary(P, c, pos) for pos in positives))
        self.lf_accuracy_ovr_ = np.vstack(accs)
        self.lf_accuracy_ = self.lf_accuracy_ovr_.mean(axis=0)
        if self.class_balance is not None:
            cb = np.asarray(self.class_balance, dtype=float)
        elif y is not None and (y >= 0).sum() > 0:
            cb = np.bincount(y[y >= 0], minlength=k) + 1.0
        elif k == 2:
            cb = np.array([1 - priors[0], priors[0]])
        else:
            cb = np.asarray(priors)
        self.class_balance_ = np.clip(cb, 1e-3, None) / np.clip(cb, 1e-3, None).sum()

    def explain_terms(self, votes_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(prior (2,), per-LF terms (n_lfs, 2)) for binary problems; softmax = ``predict_proba``."""
        self._check_fitted()
        if self.cardinality_ != 2:
            raise InputError("TripletModel explains binary problems only (k > 2 is one-vs-rest, not additive)")
        acc = self.lf_accuracy_ovr_[0]
        s = np.where(votes_row < 0, 0, np.where(votes_row == 1, 1, -1))
        terms = np.zeros((votes_row.shape[0], 2))
        terms[:, 1] = s * np.log(acc / (1 - acc))
        p = self.class_balance_[1]
        return np.array([0.0, np.log(p / (1 - p))]), terms

    def _predict_proba(self, votes: np.ndarray) -> np.ndarray:
        k = self.cardinality_
        accs = list(self.lf_accuracy_ovr_)
        positives = [1] if k == 2 else list(range(k))
        log_p = np.zeros((votes.shape[0], k))  # log sigmoid of each one-vs-rest logit
        for pos, acc in zip(positives, accs):
            w = np.log(acc / (1 - acc))
            s = np.where(votes < 0, 0, np.where(votes == pos, 1, -1))
            prior = self.class_balance_[pos]
            log_p[:, pos] = -np.logaddexp(0.0, -(np.log(prior / (1 - prior)) + s @ w))
        if k == 2:
            out = np.exp(log_p)
            out[:, 0] = 1 - out[:, 1]
            return out
        # normalise in log space: every one-vs-rest sigmoid may underflow together
        return np.exp(log_p - np.logaddexp.reduce(log_p, axis=1, keepdims=True))
