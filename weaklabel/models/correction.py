"""Gold correction for the Dawid-Skene family: a penalised logistic regression on the LF
outcomes with the generative model's log joint as offset, fitted on gold rows, its
strength chosen by cross-validation (see ``DawidSkene(gold_correction=...)``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy loads on first use
    from scipy import sparse

from .base import _log_normalize

GOLD_CORRECTION_GRID = (0.25, 0.5, 1.0, 2.0)  # prior scales (log-odds) tried by gold_correction="auto"
MIN_GOLD_FOR_CORRECTION = 50  # ten held-out rows per fold; fewer cannot tell a correction from noise
_CV_FOLDS = 5


def outcome_one_hot(patterns: np.ndarray, k: int) -> sparse.csr_matrix:
    """Sparse (n_patterns, n_lfs * (k + 1)) indicator of LF j's outcome o (column j*(k+1) + o, 0 = abstain)."""
    p, m = patterns.shape
    cols = (patterns.astype(np.int64) + 1 + np.arange(m, dtype=np.int64) * (k + 1)).ravel()
    indptr = np.arange(0, p * m + 1, m, dtype=np.int64)
    from scipy import sparse

    return sparse.csr_matrix((np.ones(p * m), cols, indptr), shape=(p, m * (k + 1)))


def _logits(theta: np.ndarray, offset: np.ndarray, Z: sparse.csr_matrix) -> np.ndarray:
    """offset + Z @ W + b for ``theta`` = (W.ravel(), b)."""
    k = offset.shape[1]
    return offset + Z @ theta[:-k].reshape(-1, k) + theta[-k:]


def fit_logit(offset: np.ndarray, Z: sparse.csr_matrix, gold: np.ndarray, counts: np.ndarray,
               lam: float) -> np.ndarray:
    """L2-penalised multinomial logistic regression with an offset: logits = offset + Z @ W + b.

    Returns ``theta`` = (W.ravel(), b). Convex, so L-BFGS finds the optimum.
    """
    from scipy.optimize import minimize

    k = offset.shape[1]
    rows, n_w = np.arange(gold.size), Z.shape[1] * k

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        A = _logits(theta, offset, Z)
        norm, P = _log_normalize(A)
        loss = -(counts * (A[rows, gold] - norm)).sum() + lam * (theta @ theta)
        G = P * counts[:, None]
        G[rows, gold] -= counts                           # d loss / d logits
        grad = np.concatenate([np.asarray(Z.T @ G).ravel(), G.sum(axis=0)]) + 2 * lam * theta
        return float(loss), grad

    return minimize(objective, np.zeros(n_w + k), jac=True, method="L-BFGS-B").x


def _log_lik(theta: np.ndarray | None, offset: np.ndarray, Z: sparse.csr_matrix, gold: np.ndarray,
             counts: np.ndarray) -> float:
    """Summed conditional log-likelihood of the gold rows under the (corrected) model."""
    A = offset if theta is None else _logits(theta, offset, Z)
    norm, _ = _log_normalize(A)
    return float((counts * (A[np.arange(gold.size), gold] - norm)).sum())


def select_sigma(offset: np.ndarray, Z: sparse.csr_matrix, gold: np.ndarray, counts: np.ndarray,
                  seed: int) -> float | None:
    """Prior scale of the correction by 5-fold cross-validation on the gold rows; None (no
    correction) unless a correction predicts held-out gold rows better.

    Rows, not patterns, are split into folds (each pattern's count is spread over the
    folds at random), so duplicated rows never sit on both sides of a split.
    """
    if counts.sum() < MIN_GOLD_FOR_CORRECTION:
        return None
    rng = np.random.default_rng(seed)
    folds = rng.multinomial(counts.astype(np.int64), np.full(_CV_FOLDS, 1.0 / _CV_FOLDS))  # (n, folds)
    scores = {}
    for sigma in (None, *GOLD_CORRECTION_GRID):
        total = 0.0
        for f in range(_CV_FOLDS):
            held, train = folds[:, f].astype(float), (counts - folds[:, f]).astype(float)
            theta = None if sigma is None else fit_logit(offset, Z, gold, train, 0.5 / sigma ** 2)
            total += _log_lik(theta, offset, Z, gold, held)
        scores[sigma] = total
    return max(scores, key=lambda s: scores[s])  # dicts keep order: None wins ties
