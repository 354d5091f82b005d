"""Metrics against gold labels (NumPy only, no heavy imports)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import numpy as np

from .exceptions import InputError


def _confusion(y: np.ndarray, pred: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(y * k + pred, minlength=k * k).reshape(k, k)


def _f1_from_confusion(cm: np.ndarray) -> np.ndarray:
    tp = np.diag(cm).astype(float)
    fp = cm.sum(axis=0) - tp
    fn = cm.sum(axis=1) - tp
    denom = 2 * tp + fp + fn
    return cast("np.ndarray", np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0))


def _precision(cm: np.ndarray, c: int) -> float:
    col = cm[:, c].sum()
    return float(cm[c, c] / col) if col else 0.0


def _recall(cm: np.ndarray, c: int) -> float:
    row = cm[c].sum()
    return float(cm[c, c] / row) if row else 0.0


def _fbeta(cm: np.ndarray, beta: float) -> float:
    """F-beta of class 1 (the positive class, as in the binary metrics)."""
    p, r = _precision(cm, 1), _recall(cm, 1)
    b2 = beta * beta
    return float((1 + b2) * p * r / (b2 * p + r)) if (b2 * p + r) > 0 else 0.0


def _mcc(cm: np.ndarray) -> float:
    """Matthews correlation, multi-class (Gorodkin's R_K); 0 when undefined."""
    t, p = cm.sum(axis=1).astype(float), cm.sum(axis=0).astype(float)
    c, s = float(np.trace(cm)), float(cm.sum())
    denom = np.sqrt((s * s - p @ p) * (s * s - t @ t))
    return float((c * s - t @ p) / denom) if denom else 0.0


def _ranks(x: np.ndarray) -> np.ndarray:
    """1-based ranks with ties averaged."""
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])
    ends = np.r_[starts[1:], xs.size]
    avg = (starts + ends + 1) / 2.0
    ranks = np.empty(x.size)
    ranks[order] = np.repeat(avg, ends - starts)
    return ranks


def roc_auc(y: np.ndarray, probs: np.ndarray) -> float:
    """Area under the ROC curve: binary on ``probs[:, 1]``, else one-vs-rest macro average.

    NaN when a class has no positive or no negative row.
    """
    y = np.asarray(y, dtype=np.int64)
    probs = np.asarray(probs, dtype=float)
    classes = [1] if probs.shape[1] == 2 else list(range(probs.shape[1]))
    aucs = []
    for c in classes:
        pos = y == c
        n_pos, n_neg = int(pos.sum()), int((~pos).sum())
        if n_pos == 0 or n_neg == 0:
            return float("nan")
        r = _ranks(probs[:, c])
        aucs.append((r[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
    return float(np.mean(aucs))


_METRICS: dict[str, Callable[[np.ndarray, np.ndarray, int], float]] = {
    "accuracy": lambda y, p, k: float(np.mean(y == p)) if y.size else float("nan"),
    # Binary metrics score class 1 as positive (e.g. spam), as WRENCH and Snorkel do.
    "f1": lambda y, p, k: float(_f1_from_confusion(_confusion(y, p, k))[1]),
    "precision": lambda y, p, k: _precision(_confusion(y, p, k), 1),
    "recall": lambda y, p, k: _recall(_confusion(y, p, k), 1),
    "f1_macro": lambda y, p, k: float(_f1_from_confusion(_confusion(y, p, k)).mean()),
    "f1_micro": lambda y, p, k: float(np.mean(y == p)) if y.size else float("nan"),
    "matthews_corrcoef": lambda y, p, k: _mcc(_confusion(y, p, k)),
}

METRICS: tuple[str, ...] = (*_METRICS, "fbeta", "roc_auc", "coverage")


def metric_scores(y: np.ndarray, pred: np.ndarray, k: int,
                  metrics: Sequence[str] = ("accuracy",), *, probs: np.ndarray | None = None,
                  beta: float = 1.0) -> dict[str, float]:
    """Score predictions against gold.

    Rows whose gold is -1 (unknown) are ignored. Rows predicted -1 (abstain) are
    left out of every metric but ``coverage`` (Snorkel's convention); break ties
    with ``tie_break_policy="random"`` to score every row.

    Parameters
    ----------
    y, pred : ndarray of int, shape (n,)
    k : int
        Number of classes.
    metrics : sequence of str
        Any of ``METRICS``. ``fbeta`` is F-beta of class 1 (``beta``, default 1);
        ``roc_auc`` needs ``probs``.
    probs : ndarray of shape (n, k), optional
        Predicted probabilities, for ``roc_auc``.
    beta : float, default 1.0
    """
    if isinstance(metrics, str):
        metrics = (metrics,)
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise InputError(f"metrics: unknown {unknown}; choose from {list(METRICS)}")
    if "roc_auc" in metrics and probs is None:
        raise InputError("metrics: 'roc_auc' needs probs= (the predicted probabilities)")
    y = np.asarray(y, dtype=np.int64)
    pred = np.asarray(pred, dtype=np.int64)
    known = y >= 0
    if not known.any():
        raise InputError("y: no gold labels (all -1); cannot score")
    covered = known & (pred >= 0)
    yk, pk = y[covered], pred[covered]
    out = {}
    for name in metrics:
        if name == "coverage":
            out[name] = float(covered.sum() / known.sum())
        elif name == "fbeta":
            out[name] = _fbeta(_confusion(yk, pk, k), beta)
        elif name == "roc_auc":
            out[name] = roc_auc(yk, np.asarray(probs)[covered])
        else:
            out[name] = _METRICS[name](yk, pk, k)
    return out


CALIBRATION: tuple[str, ...] = ("log_loss", "brier", "ece")


def calibration_scores(y: np.ndarray, probs: np.ndarray, *, n_bins: int = 10) -> dict[str, float]:
    """How well probabilistic labels are calibrated, on the rows with gold (``y >= 0``).

    Parameters
    ----------
    y : ndarray of int, shape (n,)
        Gold, -1 = unknown (ignored).
    probs : ndarray of shape (n, k)
    n_bins : int, default 10
        Equal-width confidence bins for the expected calibration error.

    Returns
    -------
    dict with ``log_loss`` (mean -log p(y), p clipped at 1e-15), ``brier`` (mean squared
    distance to the one-hot gold, summed over classes) and ``ece`` (sum over bins of the
    bin's share of rows times |accuracy - mean confidence| of its argmax).

    Examples
    --------
    >>> r = calibration_scores(np.array([0, 1]), np.array([[0.8, 0.2], [0.4, 0.6]]))
    >>> round(r["brier"], 2), round(r["ece"], 2)
    (0.2, 0.3)
    """
    y = np.asarray(y, dtype=np.int64)
    P = np.asarray(probs, dtype=float)
    known = y >= 0
    if not known.any():
        raise InputError("y: no gold labels (all -1); cannot score calibration")
    y, P = y[known], P[known]
    n, k = P.shape
    if y.max() >= k:
        raise InputError(f"y: holds class {int(y.max())} but probs has {k} columns")
    p_true = P[np.arange(n), y]
    onehot = np.zeros_like(P)
    onehot[np.arange(n), y] = 1.0
    conf = P.max(axis=1)
    right = (P.argmax(axis=1) == y).astype(float)
    bins = np.minimum((conf * n_bins).astype(np.int64), n_bins - 1)
    size = np.bincount(bins, minlength=n_bins)
    gap = np.abs(np.bincount(bins, weights=right, minlength=n_bins) - np.bincount(bins, weights=conf, minlength=n_bins))
    return {"log_loss": float(-np.log(np.clip(p_true, 1e-15, 1.0)).mean()),
            "brier": float(((P - onehot) ** 2).sum(axis=1).mean()),
            "ece": float(gap.sum() / n) if size.sum() else float("nan")}


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa between two raters' labels on the same items (1 = perfect, 0 = chance)."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    if a.size == 0:
        return float("nan")
    k = int(max(a.max(), b.max())) + 1
    po = float(np.mean(a == b))
    pe = float((np.bincount(a, minlength=k) / a.size) @ (np.bincount(b, minlength=k) / b.size))
    if np.isclose(pe, 1.0):  # both raters gave one and the same class throughout: they agree
        return 1.0
    return (po - pe) / (1 - pe)


def krippendorff_alpha(ratings: np.ndarray) -> float:
    """Krippendorff's alpha for nominal labels.

    Parameters
    ----------
    ratings : ndarray of shape (n_items, n_raters)
        Class indices, NaN where a rater did not label the item.
    """
    R = np.asarray(ratings, dtype=float)
    values = np.unique(R[~np.isnan(R)]).astype(int)
    if values.size == 0:
        return float("nan")
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((values.size, values.size))  # coincidence matrix
    for row in R:
        vals = row[~np.isnan(row)].astype(int)
        m = vals.size
        if m < 2:
            continue
        counts = np.zeros(values.size)
        for v in vals:
            counts[index[v]] += 1
        o += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    n = o.sum()
    if n == 0:
        return float("nan")
    nc = o.sum(axis=0)
    d_o = (n - np.trace(o)) / n
    d_e = (n * n - (nc ** 2).sum()) / (n * (n - 1))
    if d_e == 0:  # every pairable label is one value, so nothing disagrees
        return 1.0
    return float(1 - d_o / d_e)
