"""Synthetic label matrices from a known generative model (for recovery tests)."""

from __future__ import annotations

import numpy as np


def sample_L(n: int, accuracies, propensities, class_balance, *, seed: int = 0,
             unipolar: bool = False, correlated: int = 0, copy_prob: float = 0.5):
    """Draw y ~ class_balance; each LF fires with its propensity and votes y with its
    accuracy, else a uniformly random other class. Conditionally independent LFs.

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
