"""Synthetic label matrices from a known generative model (for recovery tests)."""

from __future__ import annotations

from typing import Any

import numpy as np


def sample_L(n: int, accuracies: Any, propensities: Any, class_balance: Any, *, seed: int = 0,
             unipolar: bool = False, correlated: int = 0, copy_prob: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Draw y ~ class_balance.

    Each LF fires with its propensity and votes y with its accuracy, else a uniformly random other
    class. Conditionally independent LFs.

    With ``unipolar=True`` LF j only ever votes class ``j % k`` and fires with
    probability ``propensity`` when y == that class, ``propensity * (1 - acc) / acc``
    otherwise (so its precision is near ``acc`` for balanced classes).

    ``correlated=c`` makes the last c LFs dependent: LF ``m-c+i`` copies LF ``i``'s
    vote (abstain included) on a ``copy_prob`` share of rows.

    Returns
    -------
    L : ndarray of int8, shape (n, m)
    y : ndarray of int64, shape (n,)
    """
    rng = np.random.default_rng(seed)
    acc = np.asarray(accuracies, float)
    prop = np.asarray(propensities, float)
    cb = np.asarray(class_balance, float)
    k, m = cb.size, acc.size
    y = rng.choice(k, size=n, p=cb)
    L = np.full((n, m), -1, dtype=np.int8)
    for j in range(m):
        if unipolar:
            c = j % k
            p_fire = np.where(y == c, prop[j], prop[j] * (1 - acc[j]) / acc[j])
            L[rng.random(n) < p_fire, j] = c
            continue
        fires = rng.random(n) < prop[j]
        correct = rng.random(n) < acc[j]
        wrong = (y + rng.integers(1, k, size=n)) % k
        L[:, j] = np.where(fires, np.where(correct, y, wrong), -1)
    for i in range(min(correlated, m // 2)):
        j = m - correlated + i
        copy = rng.random(n) < copy_prob
        L[copy, j] = L[copy, i]
    return L, y


REGIMES = ("sparse_unipolar", "nested_thresholds", "class_confusion", "duplicated", "adversarial",
           "one_sided", "weak_multiclass", "low_coverage", "model_lf", "imbalanced")


def one_sided_L(n: int, n_per_class: Any, class_balance: Any, *, seed: int = 0,
                coverage: tuple[float, float] = (0.05, 0.4),
                ratio: tuple[float, float] = (0.1, 0.5)) -> tuple[np.ndarray, np.ndarray]:
    """Independent one-class LFs that are all better than chance (the textbook case).

    LF of class c fires on a ``rate`` ~ U(coverage) share of class-c rows and on
    ``rate * r``, r ~ U(ratio) < 1, of the other rows: firing always raises the odds of c.
    ``n_per_class[c]`` LFs vote class c.

    Returns
    -------
    L : ndarray of int8, shape (n, sum(n_per_class))
    y : ndarray of int64, shape (n,)
    """
    rng = np.random.default_rng(seed)
    cb = np.asarray(class_balance, float)
    y = rng.choice(cb.size, size=n, p=cb)
    cols = []
    for c, count in enumerate(n_per_class):
        for _ in range(int(count)):
            rate, r = rng.uniform(*coverage), rng.uniform(*ratio)
            fire = rng.random(n) < np.where(y == c, rate, rate * r)
            cols.append(np.where(fire, c, -1))
    return np.column_stack(cols).astype(np.int8), y


def regime_L(regime: str, n: int = 3000, k: int = 2, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return a label matrix from one of the regimes real LF suites fall into.

    ``sparse_unipolar``
        2-4 one-class LFs per class, each firing on 2-15% of its class (precision
        0.6-0.95): keyword rules.
    ``nested_thresholds``
        One latent score; LFs vote class 1 above rising thresholds and class 0
        below falling ones (k > 2: windows of rising width around each class's
        centre), so they fire on nested sets of rows (strongly dependent
        abstains: Snorkel's convergence test is of this kind).
    ``class_confusion``
        Full-coverage multi-class LFs whose errors depend on the true class
        (a confusion matrix each): crowd workers, weak classifiers.
    ``duplicated``
        Conditionally independent LFs plus exact copies of the weakest one.
    ``adversarial``
        Independent LFs of accuracy 0.6-0.9 plus a dense LF that is right only
        30% of the time.
    ``one_sided``
        The textbook case: 1-5 independent one-class LFs per class, each better than
        chance (:func:`one_sided_L`), balanced or 30/70 classes.
    ``weak_multiclass``
        Multi-class LFs better than chance (1/k) but right less than half the time.
    ``low_coverage``
        One-class LFs that fire on 0.5-3% of rows.
    ``model_lf``
        A model as an LF (votes on every row, 70-80% right) beside sparse one-class rules.
    ``imbalanced``
        One class ten times as common as the others; one-class LFs.

    Returns
    -------
    L : ndarray of int8, shape (n, m)
    y : ndarray of int64, shape (n,)
    """
    rng = np.random.default_rng(seed)
    if regime == "sparse_unipolar":
        cb = rng.dirichlet(np.full(k, 4.0))
        y = rng.choice(k, size=n, p=cb)
        cols = []
        for c in range(k):
            for _ in range(int(rng.integers(2, 5))):
                rate = rng.uniform(0.02, 0.15)
                prec = rng.uniform(0.6, 0.95)
                # fire on rate of class c; add false fires so that precision is about prec
                false_rate = rate * cb[c] * (1 - prec) / prec / max(1 - cb[c], 1e-9)
                fire = rng.random(n) < np.where(y == c, rate, false_rate)
                cols.append(np.where(fire, c, -1))
        return np.column_stack(cols).astype(np.int8), y
    if regime == "nested_thresholds":
        score = rng.normal(size=n)
        y = (score + rng.normal(scale=0.6, size=n) > 0).astype(np.int64)
        if k > 2:  # k ordered classes: windows of rising width around each class's centre
            score = rng.uniform(0, k, size=n)
            y = np.clip(np.floor(score + rng.normal(scale=0.3, size=n)), 0, k - 1).astype(np.int64)
            cols = [np.where(np.abs(score - (c + 0.5)) < w, c, -1) for c in range(k) for w in (0.25, 0.5, 0.75)]
            return np.column_stack(cols).astype(np.int8), y
        cols = [np.where(score > t, 1, -1) for t in (0.3, 0.7, 1.1, 1.5)]
        cols += [np.where(score < -t, 0, -1) for t in (0.3, 0.7, 1.1, 1.5)]
        return np.column_stack(cols).astype(np.int8), y
    if regime == "class_confusion":
        m = int(rng.integers(4, 8))
        cb = rng.dirichlet(np.full(k, 5.0))
        y = rng.choice(k, size=n, p=cb)
        L = np.empty((n, m), dtype=np.int8)
        for j in range(m):
            conf = rng.dirichlet(np.full(k, 0.7), size=k) + np.eye(k) * rng.uniform(0.5, 2.5)
            conf /= conf.sum(axis=1, keepdims=True)
            u = rng.random(n)[:, None]
            L[:, j] = (u > np.cumsum(conf[y], axis=1)).sum(axis=1)
        return L, y
    if regime == "duplicated":
        acc = rng.uniform(0.6, 0.9, size=5)
        L, y = sample_L(n, acc, rng.uniform(0.3, 0.8, size=5), np.full(k, 1.0 / k), seed=seed)
        weakest = int(np.argmin(acc))
        return np.column_stack([L] + [L[:, weakest]] * 2), y
    if regime == "adversarial":
        acc = np.r_[rng.uniform(0.6, 0.9, size=5), 0.3]
        prop = np.r_[rng.uniform(0.3, 0.8, size=5), 0.9]
        return sample_L(n, acc, prop, np.full(k, 1.0 / k), seed=seed)
    if regime == "one_sided":
        cb = np.full(k, 1.0 / k) if rng.random() < 0.5 else np.r_[0.7, np.full(k - 1, 0.3 / (k - 1))]
        return one_sided_L(n, rng.integers(1, 6, size=k), cb, seed=seed)
    if regime == "weak_multiclass":
        kk = max(k, 3)  # below 50% but above chance needs three classes or more
        m = int(rng.integers(5, 10))
        return sample_L(n, rng.uniform(1.0 / kk + 0.08, 0.5, size=m), rng.uniform(0.3, 0.9, size=m),
                        np.full(kk, 1.0 / kk), seed=seed)
    if regime == "low_coverage":
        return one_sided_L(n, rng.integers(3, 8, size=k), np.full(k, 1.0 / k), seed=seed, coverage=(0.005, 0.03))
    if regime == "model_lf":
        cb = np.full(k, 1.0 / k)
        L, y = one_sided_L(n, rng.integers(2, 5, size=k), cb, seed=seed)
        right = rng.random(n) < rng.uniform(0.7, 0.8)
        model = np.where(right, y, (y + rng.integers(1, k, size=n)) % k).astype(np.int8)
        return np.column_stack([L, model]), y
    if regime == "imbalanced":
        cb = np.r_[10.0, np.ones(k - 1)]
        return one_sided_L(n, rng.integers(2, 5, size=k), cb / cb.sum(), seed=seed)
    raise ValueError(f"regime: expected one of {list(REGIMES)}, got {regime!r}")
