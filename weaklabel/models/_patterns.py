"""Vote-pattern helpers for the EM models: which LFs are one-class, exact copies,
whether compressing rows to patterns pays, and the sparse vote one-hot."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy loads on first use: `import weaklabel` stays light
    from scipy import sparse

from ..matrix import compress


def unipolar_lfs(lf_votes: np.ndarray, share: float = 0.99) -> np.ndarray:
    """LFs that (nearly) only ever vote one class: ``lf_votes[j, l]`` = rows on which LF j voted l.

    A silent LF counts as unipolar. For these LFs all the signal is in *when* they fire.
    """
    total = lf_votes.sum(axis=1)
    return lf_votes.max(axis=1) >= share * total


def _mostly_distinct(votes: np.ndarray, sample: int = 20_000) -> bool:
    """True when a fixed random sample of rows is >= 95% distinct vote patterns (large L only)."""
    if votes.shape[0] < 10 * sample:
        return False
    rows = np.random.default_rng(0).choice(votes.shape[0], size=sample, replace=False)
    return compress(votes[rows]).counts.size >= 0.95 * sample


def copy_weights(patterns: np.ndarray, lf_votes: np.ndarray | None = None) -> np.ndarray:
    """1 / (number of LFs with an identical column), per LF: a group of exact copies
    counts as one LF's evidence.

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
    """Number of votes per class for each row, shape (n_rows, k)."""
    counts = np.zeros((votes.shape[0], k), dtype=np.float64)
    for c in range(k):
        counts[:, c] = (votes == c).sum(axis=1)
    return counts
