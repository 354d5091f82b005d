"""Synthetic label matrices with known LF conditional probabilities (``snorkel.synthetic``)."""

from __future__ import annotations

import numpy as np


def generate_simple_label_matrix(n: int, m: int, cardinality: int,
                                 abstain_multiplier: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw ``(P, Y, L)``: conditionally independent LFs, uniform classes.

    ``P[j, v, y]`` is P(LF j outputs v - 1 | Y = y) (index 0 = abstain); LFs lean
    toward the right class; ``abstain_multiplier`` scales the abstain weight before
    normalising. Uses NumPy's global random state (seed it with ``np.random.seed``),
    drawing in the same order as Snorkel, so the same seed gives the same matrix.
    """
    P = np.empty((m, cardinality + 1, cardinality))
    for j in range(m):
        p = np.random.rand(cardinality + 1, cardinality)
        p[1:, :] += (cardinality - 1) * np.eye(cardinality)
        p[0, :] *= abstain_multiplier
        P[j] = p @ np.diag(1 / p.sum(axis=0))
    Y = np.random.choice(cardinality, n)
    L = np.empty((n, m), dtype=int)
    for i in range(n):
        for j in range(m):
            L[i, j] = np.random.choice(cardinality + 1, p=P[j, :, Y[i]]) - 1
    return P, Y, L


__all__ = ["generate_simple_label_matrix"]
