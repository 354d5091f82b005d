"""Which items an expert should label first, by per-label disagreement.

* ``"conflict"``: the number of labels on which some LF's vote goes against the model's
  decision (an LF voted "joy" and the model says joy does not apply, or an LF voted against a
  label the model applies); ties by ``"entropy"``.
* ``"entropy"``: the sum over labels of the binary entropy of the label's marginal (in bits):
  how unsure the model is of the whole set.
* ``"random"``: a seeded permutation.

Items no LF voted on carry no dispute and come after every item with one (in a seeded random
order): the prior says the same about each of them.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from ..exceptions import InputError
from .matrix import MultiLabelMatrix

STRATEGIES = ("conflict", "entropy", "random")


def disputed_labels(L: MultiLabelMatrix, pred: np.ndarray) -> np.ndarray:
    """(n, k) bool: some LF voted against the model's decision ``pred`` (0/1) on that label."""
    pred = np.asarray(pred)
    if pred.shape != (L.n_rows, L.n_labels):
        raise InputError(f"pred: expected an ({L.n_rows}, {L.n_labels}) 0/1 matrix, got shape {pred.shape}")
    pos, neg = L.positive_counts(), L.negative_counts()
    return cast("np.ndarray", ((pred == 0) & (pos > 0)) | ((pred == 1) & (neg > 0)))


def label_entropy(P: np.ndarray) -> np.ndarray:
    """(n,) sum over labels of the binary entropy (bits) of each marginal."""
    p = np.clip(np.asarray(P, dtype=float), 1e-12, 1 - 1e-12)
    return cast("np.ndarray", -(p * np.log2(p) + (1 - p) * np.log2(1 - p)).sum(axis=1))


def rank_items(L: MultiLabelMatrix, P: np.ndarray, pred: np.ndarray, strategy: str = "conflict", *,
               random_state: int = 0) -> np.ndarray:
    """Item indices, the most disputed first (see the module docstring).

    Parameters
    ----------
    L : MultiLabelMatrix
    P : ndarray of shape (n, k)
        The model's marginals.
    pred : ndarray of shape (n, k)
        The model's 0/1 decisions.
    strategy : {"conflict", "entropy", "random"}
    random_state : int
        Seeds the random order (and the order of items without votes).

    Examples
    --------
    >>> from weaklabel.multilabel import MultiLabelMatrix
    >>> L = MultiLabelMatrix.from_sets([[["a"], ["b"]], [["a"], []], [[], []]], ["a", "b"], ["lf1", "lf2"])
    >>> P = np.array([[0.9, 0.4], [0.9, 0.1], [0.2, 0.2]])
    >>> rank_items(L, P, (P >= 0.5).astype(int)).tolist()   # row 0: lf2 voted b, the model says no
    [0, 1, 2]
    """
    if strategy not in STRATEGIES:
        raise InputError(f"strategy: expected one of {list(STRATEGIES)}, got {strategy!r}")
    rng = np.random.default_rng(random_state)
    n = L.n_rows
    shuffle = rng.permutation(n)
    covered = L.covered()
    if strategy == "random":
        return shuffle
    ent = label_entropy(P)
    keys = [shuffle, -ent]
    if strategy == "conflict":
        keys.append(-disputed_labels(L, pred).sum(axis=1))
    keys.append(~covered)          # the last key sorts first: items with votes before the rest
    return np.lexsort(keys)
