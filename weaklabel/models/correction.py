"""Gold correction for the Dawid-Skene family, in two layers fitted on the gold rows.

1. A penalised logistic regression on the LF outcomes with the generative model's log
   joint as offset (``DawidSkene(gold_correction=...)``): it re-weighs each LF outcome,
   one additive term each, so it cannot see how LFs interact.
2. Per vote pattern, the gold rows' label counts mixed with the (corrected) posterior as
   a Dirichlet prior worth ``pattern_prior`` rows (``DawidSkene(pattern_prior=...)``):
   P(y | pattern) = (s q_y + n_y) / (s + n). Where a suite has few LFs, patterns repeat
   and their gold counts estimate what the LFs mean *together* (two correlated LFs that
   agree, one LF outvoted by two that nest), which no per-LF weight can express. Where
   patterns are all distinct it changes nothing.

Both strengths are chosen together by cross-validation on the gold rows, and a layer is
taken only when held-out gold clearly supports it (``select_correction``).

3. A temperature on the final log posterior (``DawidSkene(temperature=...)``), fitted on the
   same cross-validation's held-out posteriors (``fit_temperature``). Correlated LFs make the
   model multiply evidence it has counted once already (breast_cancer, obs: nearly every row
   at 0.99 for 60-70% accuracy); one scalar learned from gold fixes most of that, and it
   cannot change which class is predicted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

import numpy as np

if TYPE_CHECKING:  # scipy loads on first use
    from scipy import sparse

from .base import _log_normalize

GOLD_CORRECTION_GRID = (0.25, 0.5, 1.0, 2.0)  # prior scales (log-odds) tried by gold_correction="auto"
# The model's weight in gold rows, tried by pattern_prior="auto": from 1 (one gold row never
# outweighs the model) to 64 (a pattern's gold moves it only when there is a lot of it).
PATTERN_PRIOR_GRID = (1.0, 4.0, 16.0, 64.0)
MIN_GOLD_FOR_CORRECTION = 50  # ten held-out rows per fold; fewer cannot tell a correction from noise
_CV_FOLDS = 5
# Prior on log(temperature): normal, sd 1 (T within 0.14-7.4 at 95%), so a few gold rows shrink
# it toward 1 (the unsupervised fit); bounds keep the 1-D search finite.
TEMPERATURE_LOG_SD = 1.0
_LOG_T_BOUNDS = (-5.0, 5.0)


def outcome_one_hot(patterns: np.ndarray, k: int) -> sparse.csr_matrix:
    """Sparse (n_patterns, n_lfs * (k + 1)) indicator of LF j's outcome o (column j*(k+1) + o, 0 = abstain)."""
    p, m = patterns.shape
    cols = (patterns.astype(np.int64) + 1 + np.arange(m, dtype=np.int64) * (k + 1)).ravel()
    indptr = np.arange(0, p * m + 1, m, dtype=np.int64)
    from scipy import sparse

    return sparse.csr_matrix((np.ones(p * m), cols, indptr), shape=(p, m * (k + 1)))


def _logits(theta: np.ndarray, offset: np.ndarray, Z: sparse.csr_matrix) -> np.ndarray:
    """Return ``offset + Z @ W + b`` for ``theta`` = (W.ravel(), b)."""
    k = offset.shape[1]
    return cast("np.ndarray", offset + Z @ theta[:-k].reshape(-1, k) + theta[-k:])


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

    return cast("np.ndarray", minimize(objective, np.zeros(n_w + k), jac=True, method="L-BFGS-B").x)


def pattern_keys(votes: np.ndarray, k: int) -> np.ndarray:
    """Return one bytes key per row, so that equal vote patterns compare equal and sort together.

    One byte per vote when the k classes fit in int8.
    """
    v = np.ascontiguousarray(votes, dtype=np.int8 if k < 128 else np.int32)
    return v.view(np.dtype((np.void, v.itemsize * v.shape[1]))).ravel()


def mix_pattern_counts(P: np.ndarray, keys: np.ndarray, gold_keys: np.ndarray, gold_counts: np.ndarray,
                       strength: float) -> np.ndarray:
    """Posteriors ``P`` of rows with ``keys`` mixed with the gold label counts of their vote pattern.

    (s P + n_y) / (s + n). Rows whose pattern has no gold keep ``P``.

    ``gold_keys`` is sorted and unique (``pattern_keys`` of the gold patterns), ``gold_counts``
    their (n_patterns, k) label counts.
    """
    if gold_keys.size == 0:
        return P
    pos = np.minimum(np.searchsorted(gold_keys, keys), gold_keys.size - 1)
    hit = gold_keys[pos] == keys
    if not hit.any():
        return P
    C = gold_counts[pos[hit]]
    out = P.copy()
    out[hit] = (strength * P[hit] + C) / (strength + C.sum(axis=1, keepdims=True))
    return out


def select_correction(offset: np.ndarray, Z: sparse.csr_matrix, group: np.ndarray, covered: np.ndarray,
                      gold: np.ndarray, counts: np.ndarray, seed: int,
                      grid: tuple[tuple[float | None, ...], tuple[float | None, ...]]
                      ) -> tuple[tuple[float | None, float | None], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """((correction scale, pattern prior), held-out posteriors) by 5-fold cross-validation on the gold rows.

    The held-out posteriors of the chosen layers are ``(log P (cells, k), gold label per cell, rows per
    cell)``, one cell per fold and gold pattern: what ``fit_temperature`` learns from.

    ``offset`` is the model's log joint of each gold pattern (a unique (votes, label) pair
    with ``counts`` rows), ``group`` its vote pattern's id and ``covered`` whether any LF
    voted in it (rows without votes are left to the class prior, so the pattern layer
    skips them). ``grid`` is the candidates: correction scales sigma and pattern-prior
    strengths, each list led by ``None``, "off". The caller (``fit_gold_layers``) runs it
    only on 50 or more gold rows.

    A layer is taken only when held-out gold says so clearly, so that a little gold
    cannot pull the model away from its unsupervised fit: its gain in held-out
    log-likelihood over "off" must pass a one-sided paired z test at 5%, Bonferroni-
    corrected for the number of candidates (picking the best of many noisy scores is
    otherwise optimistic), and it must not lower held-out accuracy. Among those that
    pass, the best log-likelihood wins.

    Rows, not patterns, are split into folds (each pattern's count is spread over the
    folds at random), so duplicated rows never sit on both sides of a split.
    """
    from scipy.stats import norm as _norm

    sigmas, strengths = grid
    k = offset.shape[1]
    rng = np.random.default_rng(seed)
    folds = rng.multinomial(counts.astype(np.int64), np.full(_CV_FOLDS, 1.0 / _CV_FOLDS))  # (n, folds)
    keys = [(sigma, s) for sigma in sigmas for s in strengths]
    # per candidate, per (fold, gold pattern) cell: the held-out log posterior and whether its argmax is right
    right: dict[tuple[float | None, float | None], list[np.ndarray]] = {key: [] for key in keys}
    logq: dict[tuple[float | None, float | None], list[np.ndarray]] = {key: [] for key in keys}
    weights = []
    for f in range(_CV_FOLDS):
        held, train = folds[:, f].astype(float), (counts - folds[:, f]).astype(float)
        weights.append(held)
        C = np.zeros((int(group.max()) + 1, k))
        np.add.at(C, (group, gold), train)      # training rows' labels per vote pattern
        c_all = C[group].sum(axis=1)
        for sigma in sigmas:
            theta = None if sigma is None else fit_logit(offset, Z, gold, train, 0.5 / sigma ** 2)
            A = offset if theta is None else _logits(theta, offset, Z)
            _, P = _log_normalize(A)
            for s in strengths:
                Q = P if s is None else np.where(covered[:, None], (s * P + C[group]) / (s + c_all)[:, None], P)
                logq[(sigma, s)].append(np.log(np.maximum(Q, 1e-300)))
                right[(sigma, s)].append((Q.argmax(axis=1) == gold).astype(float))
    w = np.concatenate(weights)
    cells = np.arange(_CV_FOLDS * gold.size), np.tile(gold, _CV_FOLDS)   # (row of the stacked folds, gold)
    loglik = {key: np.concatenate(logq[key])[cells] for key in keys}   # held-out log P(gold) per cell
    off = keys[0]
    ll_off, acc_off = loglik[off], np.concatenate(right[off])
    z_crit = float(_norm.ppf(1 - 0.05 / max(len(keys) - 1, 1)))
    best, best_gain = off, 0.0
    for key in keys[1:]:
        d = loglik[key] - ll_off
        gain = float((w * d).sum())
        se = float(np.sqrt((w * (d - gain / w.sum()) ** 2).sum()))
        acc_gain = float((w * (np.concatenate(right[key]) - acc_off)).sum())
        if se > 0 and gain / se > z_crit and acc_gain >= 0 and gain > best_gain:
            best, best_gain = key, gain
    return best, (np.concatenate(logq[best]), np.tile(gold, _CV_FOLDS), w)


def fit_temperature(log_p: np.ndarray, gold: np.ndarray, weights: np.ndarray) -> float:
    """Fit the temperature ``T`` that maximises the gold rows' likelihood under softmax(log_p / T).

    A normal prior on log T (sd ``TEMPERATURE_LOG_SD``) shrinks it toward 1 when gold is scarce.
    ``log_p`` should be held-out posteriors: in-sample ones (fitted on the same rows) are too sure of
    the gold and would sharpen instead of soften.

    Examples
    --------
    >>> log_p = np.log(np.array([[0.99, 0.01]] * 10))   # sure of class 0, right 6 times in 10
    >>> gold = np.array([0] * 6 + [1] * 4)
    >>> round(fit_temperature(log_p, gold, np.full(10, 100.0)), 1)   # 1000 rows: 0.99 becomes 0.61
    10.7
    >>> round(fit_temperature(log_p, gold, np.ones(10)), 1)          # 10 rows: shrunk toward 1
    4.4
    """
    from scipy.optimize import minimize_scalar

    rows = np.arange(gold.size)
    keep = weights > 0
    centred = log_p - log_p.max(axis=1, keepdims=True)

    def objective(log_t: float) -> float:
        norm, _ = _log_normalize(centred / np.exp(log_t))
        ll = (weights * (centred[rows, gold] / np.exp(log_t) - norm))[keep].sum()
        return float(-ll + 0.5 * (log_t / TEMPERATURE_LOG_SD) ** 2)

    return float(np.exp(minimize_scalar(objective, bounds=_LOG_T_BOUNDS, method="bounded").x))


@dataclass(frozen=True)
class GoldLayers:
    """What the gold rows add on top of EM's fit (the ``*_`` attributes of :class:`DawidSkene` of the same names).

    Attributes
    ----------
    gold_correction : float or None
        The prior scale sigma of the per-LF correction, or None when it is off.
    pattern_prior : float or None
        The pattern layer's strength in pseudo-rows, or None when it is off.
    temperature : float
        The posterior's temperature (1: unchanged).
    correction, correction_bias : ndarray of shape (n_lfs, k + 1, k) and (k,), or None
        The correction's weights, where it is on.
    gold_patterns, gold_pattern_counts : ndarray of shape (n, n_lfs) and (n, k), or None
        The labeled vote patterns and their true classes' row counts, where the pattern layer is on.
    """

    gold_correction: float | None
    pattern_prior: float | None
    temperature: float
    correction: np.ndarray | None = None
    correction_bias: np.ndarray | None = None
    gold_patterns: np.ndarray | None = None
    gold_pattern_counts: np.ndarray | None = None


def fit_gold_layers(offset: np.ndarray, patterns: np.ndarray, counts: np.ndarray, gold: np.ndarray,
                    gold_correction: float | str | None, pattern_prior: float | str | None,
                    seed: int, temperature: float | str | None = None) -> GoldLayers:
    """Fit the gold layers for gold patterns.

    Gold patterns are unique (votes, label) pairs with row ``counts``, whose model log joint is
    ``offset``.
    """
    k = offset.shape[1]
    Z = outcome_one_hot(patterns, k)
    keys, first, group = np.unique(pattern_keys(patterns, k), return_index=True, return_inverse=True)
    covered: np.ndarray = np.asarray((patterns >= 0).any(axis=1))

    def candidates(value: float | str | None, grid: tuple[float, ...]) -> tuple[float | None, ...]:
        return (None, *grid) if value == "auto" else (None if value is None else float(value),)

    sigmas = candidates(gold_correction, GOLD_CORRECTION_GRID)
    strengths = candidates(pattern_prior, PATTERN_PRIOR_GRID)
    sigma, strength = sigmas[0], strengths[0]   # "auto" starts with None (off)
    t = 1.0 if temperature is None or temperature == "auto" else float(temperature)
    if (len(sigmas) * len(strengths) > 1 or temperature == "auto") and counts.sum() >= MIN_GOLD_FOR_CORRECTION:
        (sigma, strength), held_out = select_correction(offset, Z, group, covered, gold, counts, seed,
                                                        (sigmas, strengths))
        if temperature == "auto":
            t = fit_temperature(*held_out)
    layers = GoldLayers(gold_correction=sigma, pattern_prior=strength, temperature=t)
    if sigma is not None:
        theta = fit_logit(offset, Z, gold, counts.astype(float), 0.5 / float(sigma) ** 2)
        n_w = Z.shape[1] * k
        layers = replace(layers, correction=theta[:n_w].reshape(patterns.shape[1], k + 1, k),
                         correction_bias=theta[n_w:])
    if strength is not None:
        C = np.zeros((keys.size, k))
        np.add.at(C, (group, gold), counts)
        keep = covered[first]     # rows without votes keep the class prior
        layers = replace(layers, gold_patterns=patterns[first[keep]].astype(np.int64), gold_pattern_counts=C[keep])
    return layers
