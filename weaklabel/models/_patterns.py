"""Vote-pattern helpers for the EM models.

Which LFs are one-class, exact copies, whether compressing rows to patterns pays, and the sparse
vote one-hot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

if TYPE_CHECKING:  # scipy loads on first use: `import weaklabel` stays light
    from scipy import sparse

from ..matrix import compress


def unipolar_lfs(lf_votes: np.ndarray, share: float = 0.99) -> np.ndarray:
    """LFs that (nearly) only ever vote one class: ``lf_votes[j, l]`` = rows on which LF j voted l.

    A silent LF counts as unipolar. For these LFs all the signal is in *when* they fire.
    """
    total = lf_votes.sum(axis=1)
    return cast("np.ndarray", lf_votes.max(axis=1) >= share * total)


def _mostly_distinct(votes: np.ndarray, sample: int = 20_000) -> bool:
    """Return True when a fixed random sample of rows is >= 95% distinct vote patterns (large L only)."""
    if votes.shape[0] < 10 * sample:
        return False
    rows = np.random.default_rng(0).choice(votes.shape[0], size=sample, replace=False)
    return compress(votes[rows]).counts.size >= 0.95 * sample


def copy_weights(patterns: np.ndarray, lf_votes: np.ndarray | None = None) -> np.ndarray:
    """1 / (number of LFs with an identical column), per LF: a group of exact copies counts as one LF's evidence.

    Only columns with the same votes per class (``lf_votes``, computed here when not
    given) can be equal, so those alone are compared element by element.
    """
    m = patterns.shape[1]
    if lf_votes is None:
        lf_votes = np.stack([(patterns == c).sum(axis=0) for c in range(int(patterns.max()) + 1)], axis=1)
    key = [tuple(row) for row in np.asarray(lf_votes).tolist()]
    group = np.arange(m)
    for j in range(m):
        for i in range(j):
            if group[i] == i and key[i] == key[j] and np.array_equal(patterns[:, i], patterns[:, j]):
                group[j] = i
                break
    sizes = np.bincount(group, minlength=m)
    return 1.0 / sizes[group]


def _one_hot(patterns: np.ndarray, k: int) -> sparse.csr_matrix:
    """Sparse (n_patterns, n_lfs * k) indicator of 'LF j voted class l' (column j*k + l).

    Built straight in CSR form, block by block (row-major nonzeros, no COO sort).
    """
    p, m = patterns.shape
    counts = np.empty(p, dtype=np.int64)
    parts = []
    offsets = (np.arange(m, dtype=np.int32) * k)[None, :]
    step = max(1, (1 << 20) // max(m, 1))  # cache-sized row blocks: no n x m temporaries
    for s in range(0, p, step):
        block = patterns[s:s + step]
        fires = block >= 0
        counts[s:s + step] = fires.sum(axis=1)
        parts.append((block + offsets)[fires])  # int8 + int32 -> int32 codes, row-major
    indices = np.concatenate(parts) if parts else np.zeros(0, np.int32)
    indptr = np.zeros(p + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    if indptr[-1] < 2**31:
        indptr = indptr.astype(np.int32)
    from scipy import sparse

    return sparse.csr_matrix((np.ones(indices.size), indices, indptr), shape=(p, m * k))


def clamp_gold(T: np.ndarray, gold: np.ndarray | None, k: int) -> np.ndarray:
    """Set the posterior of rows with known gold to that class (one-hot), in place."""
    if gold is not None:
        known = gold >= 0
        T[known] = np.eye(k)[gold[known]]
    return T


def vote_counts(votes: np.ndarray, k: int) -> np.ndarray:
    """Return the number of votes per class for each row, shape (n_rows, k)."""
    counts = np.zeros((votes.shape[0], k), dtype=np.float64)
    for c in range(k):
        counts[:, c] = (votes == c).sum(axis=1)
    return counts


def vote_shares(votes: np.ndarray, k: int) -> np.ndarray:
    """Majority vote's probabilities: each class's share of a row's votes; uniform where no LF voted."""
    counts = vote_counts(votes, k)
    total = counts.sum(axis=1, keepdims=True)
    return cast("np.ndarray", np.divide(counts, total, out=np.full_like(counts, 1.0 / k), where=total > 0))


NEST_CONTAIN = 0.95  # share of LF a's rows on which LF b also fires for b to count as implied by a
NEST_MIN_ROWS = 20   # rows LF a must fire on before its containment in b is trusted
_BLOCK = 65_536      # vote patterns per block in nested_pairs


def nested_pairs(patterns: np.ndarray, counts: np.ndarray, unipolar: np.ndarray) -> np.ndarray:
    """Find one-class LFs nested in another and voting against it.

    Returns pairs ``(a, b)`` where one-class LF ``b`` fires on (nearly) every row that LF ``a`` fires
    on, and votes another class there.

    There, b's vote is implied by a firing, whatever the class: P(b votes | a votes, y) is
    about 1 for every y, so it carries no evidence (a keyword rule and a narrower rule
    inside it; thresholds on one score). Counting it anyway double-counts agreeing
    nested rules and makes a narrow rule look wrong wherever the broad rule outvotes it.
    Pairs that agree are left alone: there the broad rule's vote acts as extra weight for
    rows deep inside both (thresholds on one score), which the shared-accuracy vote needs.
    ``b`` must be strictly broader than ``a`` (or, for near-copies, of equal reach and a
    later column), so the pairs never mask both LFs of a pair.

    Returns
    -------
    ndarray of int64, shape (n_pairs, 2)
    """
    w = np.asarray(counts, dtype=np.float64)
    m, k = patterns.shape[1], max(int(patterns.max(initial=-1)) + 1, 1)
    co = np.zeros((m, m))          # co[a, b]: rows where both fire
    per_class = np.zeros((m, k))   # rows where each LF votes each class
    # a block of patterns at a time: no (n_patterns, n_lfs) float temporaries (integer sums: exact)
    for s in range(0, patterns.shape[0], _BLOCK):
        block, wb = patterns[s:s + _BLOCK], w[s:s + _BLOCK]
        fired = (block >= 0).astype(np.float64)
        co += fired.T @ (fired * wb[:, None])
        for c in range(k):
            per_class[:, c] += wb @ (block == c).astype(np.float64)
    n = np.diag(co).copy()
    contained = co >= NEST_CONTAIN * n[:, None]
    idx = np.arange(n.size)
    broader = (n[None, :] > n[:, None]) | ((n[None, :] == n[:, None]) & (idx[None, :] > idx[:, None]))
    ok = contained & broader & (n[:, None] >= NEST_MIN_ROWS) & np.asarray(unipolar)[None, :]
    # b's class (it is one-class) must differ from a's main class
    main = per_class.argmax(axis=1)
    ok &= main[:, None] != main[None, :]
    np.fill_diagonal(ok, False)
    return np.argwhere(ok).astype(np.int64)


def mask_nested(votes: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """``votes`` with LF b's vote removed (ABSTAIN) on the rows where LF a fires, for each pair (a, b)."""
    if pairs.size == 0:
        return votes
    out = votes.copy()
    for a, b in pairs:
        out[votes[:, a] >= 0, b] = -1
    return out
