"""From probabilistic labels to hard labels.

The tie-break policies every label model's ``predict`` offers, and Snorkel's own "random" tie-break,
reproduced bit for bit.
"""

from __future__ import annotations

import hashlib
from typing import Literal, cast

import numpy as np

from .._validation import check_in_options
from ..exceptions import InputError
from ..labels import ABSTAIN

TieBreakPolicy = Literal["abstain", "random", "true-random", "prior"]
TIE_BREAK_POLICIES: tuple[TieBreakPolicy, ...] = ("abstain", "random", "true-random", "prior")


def snorkel_hash(i: int) -> int:
    """Snorkel's deterministic tie-break hash of a row position (SHA-1 of its decimal form).

    What ``snorkel.utils.probs_to_preds(..., "random")`` uses, and WRENCH with it.
    """
    return int(hashlib.sha1(str(i).encode("utf-8")).hexdigest(), 16)


def snorkel_preds(probs: np.ndarray, tol: float = 1e-5) -> np.ndarray:
    """Take the argmax per row, with ties broken exactly as Snorkel's "random" policy does.

    Ties are within ``tol``; :func:`snorkel_hash` of the row position picks among the tied classes, so
    scores match Snorkel's and WRENCH's. The hash runs on tied rows only.
    """
    tied = np.abs(probs - probs.max(axis=1, keepdims=True)) < tol
    preds = np.argmax(probs, axis=1).astype(np.int64)
    for i in np.flatnonzero(tied.sum(axis=1) > 1).tolist():
        idx = np.flatnonzero(tied[i])
        preds[i] = idx[snorkel_hash(i) % len(idx)]
    return cast("np.ndarray", preds)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """Return a fixed integer hash: 'random' tie-breaks are deterministic per row position."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def probs_to_preds(probs: np.ndarray, *, tie_break_policy: TieBreakPolicy = "abstain",
                   prior: np.ndarray | None = None, tol: float = 1e-5,
                   random_state: int | None = 0) -> np.ndarray:
    """Turn probabilistic labels into hard labels, breaking ties by policy.

    Parameters
    ----------
    probs : ndarray of shape (n_rows, k)
    tie_break_policy : {"abstain", "random", "true-random", "prior"}
        ``abstain`` returns -1; ``random`` picks among tied classes by a fixed hash
        of the row position (deterministic); ``true-random`` draws with
        ``random_state``; ``prior`` picks the tied class with the largest ``prior``.
    prior : ndarray of shape (k,), optional
        Class balance, needed for ``prior``.
    tol : float
        Probabilities within ``tol`` of the row maximum are tied.

    Returns
    -------
    ndarray of int64, shape (n_rows,)
    """
    check_in_options(tie_break_policy, TIE_BREAK_POLICIES, name="tie_break_policy")
    probs = np.asarray(probs, dtype=float)
    n, k = probs.shape
    tied = probs >= probs.max(axis=1, keepdims=True) - tol
    n_tied = tied.sum(axis=1)
    pred = np.argmax(probs, axis=1).astype(np.int64)
    rows = np.flatnonzero(n_tied > 1)
    if rows.size == 0:
        return cast("np.ndarray", pred)
    if tie_break_policy == "abstain":
        pred[rows] = ABSTAIN
        return cast("np.ndarray", pred)
    if tie_break_policy == "prior":
        if prior is None:
            raise InputError("tie_break_policy='prior' needs a fitted class balance")
        score = np.where(tied[rows], np.asarray(prior)[None, :], -np.inf)
        pred[rows] = np.argmax(score, axis=1)
        return cast("np.ndarray", pred)
    if tie_break_policy == "random":
        r = (_splitmix64(rows) % n_tied[rows].astype(np.uint64)).astype(np.int64)
    else:
        rng = np.random.default_rng(random_state)
        r = rng.integers(0, n_tied[rows])
    # position of the r-th tied class in each row
    pred[rows] = np.argmax(np.cumsum(tied[rows], axis=1) == (r + 1)[:, None], axis=1)
    return cast("np.ndarray", pred)
