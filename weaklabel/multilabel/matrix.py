"""MultiLabelMatrix: the votes of multi-label LFs, per (item, LF, label), stored sparse.

A vote is +1 (the label applies), -1 (it does not) or nothing (abstain). Most LFs vote on a
few labels of a few items, so the votes are a CSR matrix of shape (n_items, n_lfs * n_labels)
holding +1 / -1: column ``j * n_labels + l`` is LF ``j`` on label ``l``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..lf import LabelingFunction, as_labeling_function

if TYPE_CHECKING:
    from scipy import sparse

    from ..cache import VoteCache


@dataclass
class MultiLabelMatrix:
    """Sparse (item, LF, label) votes.

    Attributes
    ----------
    votes : scipy.sparse.csr_matrix of shape (n_items, n_lfs * n_labels), int8
        +1 / -1 where an LF voted on a label of an item; no entry where it abstained.
    lf_names : tuple of str
    labels : tuple of str
    row_ids : ndarray of shape (n_items,)
    """

    votes: sparse.csr_matrix
    lf_names: tuple[str, ...]
    labels: tuple[str, ...]
    row_ids: np.ndarray

    def __post_init__(self) -> None:
        """Check the fields and bring them to their types."""
        self.lf_names = tuple(map(str, self.lf_names))
        self.labels = tuple(map(str, self.labels))
        self.row_ids = np.asarray(self.row_ids)
        if len(set(self.labels)) != len(self.labels) or not self.labels:
            raise InputError(f"labels: expected distinct label names, got {list(self.labels)}")
        n, cols = self.votes.shape
        if cols != len(self.lf_names) * len(self.labels):
            raise InputError(f"votes: {cols} columns for {len(self.lf_names)} LFs x {len(self.labels)} labels")
        if len(self.row_ids) != n:
            raise InputError(f"row_ids: {len(self.row_ids)} ids for {n} rows")
        if self.votes.nnz and not np.isin(self.votes.data, (-1, 1)).all():
            raise InputError("votes: stored values must be +1 (positive) or -1 (negative)")

    @property
    def n_rows(self) -> int:
        """Items."""
        return int(self.votes.shape[0])

    @property
    def n_lfs(self) -> int:
        """Labeling functions."""
        return len(self.lf_names)

    @property
    def n_labels(self) -> int:
        """Labels."""
        return len(self.labels)

    def _fold(self, sign: int) -> np.ndarray:
        """(n_rows, n_labels) counts of ``sign`` votes over LFs."""
        from scipy import sparse

        V = self.votes.tocoo()
        keep = V.data == sign
        return np.asarray(sparse.csr_matrix((np.ones(int(keep.sum())), (V.row[keep], V.col[keep] % self.n_labels)),
                                            shape=(self.n_rows, self.n_labels)).toarray()).astype(np.int64)

    def positive_counts(self) -> np.ndarray:
        """(n_rows, n_labels): how many LFs voted each label positive on each row."""
        return self._fold(1)

    def negative_counts(self) -> np.ndarray:
        """(n_rows, n_labels): how many LFs voted each label negative on each row."""
        return self._fold(-1)

    def covered(self) -> np.ndarray:
        """(n_rows,) bool: some LF voted on some label of the row."""
        return cast("np.ndarray", np.diff(self.votes.indptr) > 0)

    def targets(self) -> np.ndarray:
        """(n_lfs, n_labels) bool: the labels each LF ever votes on (its silence says nothing about the others)."""
        nz = np.zeros(self.n_lfs * self.n_labels, dtype=bool)
        nz[np.unique(self.votes.indices)] = True
        return nz.reshape(self.n_lfs, self.n_labels)

    def lf_label_votes(self, j: int) -> np.ndarray:
        """Dense (n_rows, n_labels) votes of LF ``j`` (0 = abstain)."""
        return np.asarray(self.votes[:, j * self.n_labels:(j + 1) * self.n_labels].toarray(), dtype=np.int8)

    def rows(self, index: Any) -> MultiLabelMatrix:
        """Return the matrix restricted to rows ``index`` (ints or a bool mask)."""
        return MultiLabelMatrix(self.votes[index], self.lf_names, self.labels, self.row_ids[index])

    @classmethod
    def from_sets(cls, votes: Sequence[Sequence[Any]], labels: Sequence[str], lf_names: Sequence[str],
                  row_ids: Sequence[Any] | None = None) -> MultiLabelMatrix:
        """From ``votes[i][j]``.

        LF ``j``'s return value on item ``i`` (ABSTAIN, a label, a set of labels or a ``{label: bool}``
        mapping).

        Examples
        --------
        >>> L = MultiLabelMatrix.from_sets([[{"joy", "love"}, -1], ["joy", {"love": False}]],
        ...                                ["joy", "love"], ["a", "b"])
        >>> L.positive_counts().tolist(), L.negative_counts().tolist()
        ([[1, 1], [1, 0]], [[0, 0], [0, 1]])
        """
        from .lfs import parse_vote

        index = {str(x): i for i, x in enumerate(labels)}
        K = len(index)
        rows, cols, vals = [], [], []
        for i, per_lf in enumerate(votes):
            if len(per_lf) != len(lf_names):
                raise InputError(f"votes: row {i} has {len(per_lf)} votes for {len(lf_names)} LFs")
            for j, v in enumerate(per_lf):
                pos, neg = parse_vote(v, index)
                for lab, sign in [(p, 1) for p in pos] + [(q, -1) for q in neg]:
                    rows.append(i)
                    cols.append(j * K + lab)
                    vals.append(sign)
        return cls(_csr(rows, cols, vals, len(votes), len(lf_names) * K), tuple(lf_names), tuple(labels),
                   np.arange(len(votes)) if row_ids is None else np.asarray(row_ids))


def _csr(rows: Any, cols: Any, vals: Any, n: int, m: int) -> sparse.csr_matrix:
    from scipy import sparse

    M = sparse.coo_matrix((np.asarray(vals, dtype=np.int8), (np.asarray(rows, dtype=np.int64),
                           np.asarray(cols, dtype=np.int64))), shape=(n, m)).tocsr()
    M.sum_duplicates()
    M.data = np.sign(M.data).astype(np.int8)       # one vote per (item, LF, label): a repeat counts once
    M.eliminate_zeros()
    return M


def apply_multilabel_lfs(lfs: Sequence[Any], df: pd.DataFrame, labels: Sequence[str], *,
                         id_column: str | None = None, n_jobs: int = 1,
                         cache: str | os.PathLike[str] | VoteCache | None = None) -> MultiLabelMatrix:
    """Run multi-label LFs over ``df``.

    Templates (:mod:`weaklabel.multilabel.lfs`) run over whole columns; a row-wise
    ``@labeling_function`` runs once per row and may return ABSTAIN, a label, a set of labels
    or a ``{label: bool}`` mapping (see the module docstring).

    Parameters
    ----------
    lfs : sequence of LabelingFunction
    df : DataFrame
    labels : sequence of str
        The label names; LFs may vote by name or by index.
    id_column : str, optional
        Column of row ids (default: the frame's index).
    n_jobs : int, default 1
        Processes for row-wise LFs (row blocks, as :func:`weaklabel.apply_lfs` runs them; the
        result is identical to ``n_jobs=1``). -1 = one per CPU.
    cache : path or VoteCache, optional
        Reuse each LF's votes from this folder when neither the LF, the data it reads nor the
        labels (names and order) changed, as :func:`weaklabel.apply_lfs` does.
    """
    from .._validation import check_columns
    from ..cache import VoteCache

    if not isinstance(df, pd.DataFrame):
        raise InputError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
    labels = [str(x) for x in labels]
    index = {x: i for i, x in enumerate(labels)}
    if len(index) != len(labels) or not labels:
        raise InputError(f"labels: expected distinct label names, got {labels}")
    lf_list: list[LabelingFunction] = [as_labeling_function(f) for f in lfs]
    names = [lf.name for lf in lf_list]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise InputError(f"lfs: two LFs are named {dup!r}; LF names must be unique")
    for lf in lf_list:          # the class LFs' check: missing columns named, with near matches
        check_columns(df, lf.columns or (), who=f"LF {lf.name!r}")
    row_ids = df[id_column].to_numpy() if id_column else df.index.to_numpy()
    n, K = len(df), len(labels)
    store = VoteCache(cache) if cache is not None and not isinstance(cache, VoteCache) else cache
    space = "multilabel:" + "\x1f".join(labels)     # label ids depend on the names and their order

    def well_formed(c: np.ndarray) -> bool:
        return c.ndim == 2 and c.shape[0] == 3 and c.dtype == np.int64 and bool(
            ((c[0] >= 0) & (c[0] < n) & (c[1] >= 0) & (c[1] < K) & np.isin(c[2], (-1, 1))).all())

    n_jobs = (os.cpu_count() or 1) if n_jobs == -1 else int(n_jobs)
    coords: dict[int, np.ndarray] = {}
    keys: dict[int, str | None] = {}
    for j, lf in enumerate(lf_list):
        if store is not None:
            keys[j] = store.key(lf, df, space)
            hit = store.get(keys[j], n, check=well_formed)
            if hit is not None:
                coords[j] = hit
                continue
        coords[j] = _lf_coords(lf, df, index, row_ids, n_jobs)
        if store is not None:
            store.put(keys[j], coords[j])
    rows = [coords[j][0] for j in range(len(lf_list))]
    cols = [j * K + coords[j][1] for j in range(len(lf_list))]
    vals = [coords[j][2] for j in range(len(lf_list))]
    V = _csr(_cat(rows, np.int64), _cat(cols, np.int64), _cat(vals, np.int8), n, len(lf_list) * K)
    return MultiLabelMatrix(V, tuple(names), tuple(labels), row_ids)


def _lf_coords(lf: LabelingFunction, df: pd.DataFrame, index: dict[str, int], row_ids: np.ndarray,
               n_jobs: int) -> np.ndarray:
    """One LF's votes as a (3, n_votes) int64 array: row, label id, sign (+1 / -1)."""
    from .lfs import MultiLabelLF, fires_mask

    parts: list[tuple[np.ndarray, int, int]] = []
    if isinstance(lf, MultiLabelLF):
        hit = np.flatnonzero(fires_mask(lf, df))
        parts = [(hit, _known(lab, index, lf.name), 1) for lab in lf.labels]
    elif lf.vectorized and hasattr(lf, "labels"):        # lexicon_lf: {label: bool array}
        out = lf.func(df[list(lf.columns)] if lf.columns else df, **lf.resources)
        parts = [(np.flatnonzero(np.asarray(mask, dtype=bool)), _known(lab, index, lf.name), 1)
                 for lab, mask in out.items()]
    else:
        frame = df[list(lf.columns)] if lf.columns is not None else df
        if n_jobs > 1 and len(frame) >= 2 * n_jobs:
            from ..parallel import map_row_blocks

            blocks = map_row_blocks(lambda a, b: _rowwise(lf, frame.iloc[a:b], index, row_ids[a:b]), len(frame),
                                    n_jobs)
            return np.concatenate([c + np.array([[start], [0], [0]]) for start, c in blocks], axis=1) \
                if blocks else np.zeros((3, 0), np.int64)
        return _rowwise(lf, frame, index, row_ids)
    if not parts:
        return np.zeros((3, 0), np.int64)
    return np.concatenate([np.vstack([hit, np.full(hit.size, lab), np.full(hit.size, sign)]).astype(np.int64)
                           for hit, lab, sign in parts], axis=1)


def _rowwise(lf: LabelingFunction, frame: pd.DataFrame, index: dict[str, int], row_ids: np.ndarray) -> np.ndarray:
    """Return a row-wise LF over ``frame``: (3, n_votes) coordinates, rows counted from the frame's start."""
    from ..lf import _row_error
    from .lfs import parse_vote

    out: list[tuple[int, int, int]] = []
    for i, row in enumerate(frame.to_dict("records")):
        try:
            pos, neg = parse_vote(lf(row) if lf.vectorized else lf.func(lf._preprocess(_row(row)), **lf.resources),
                                  index)
        except InputError as exc:
            raise InputError(f"LF {lf.name!r} on row {row_ids[i]!r}: {exc}") from None
        except Exception as exc:  # user code
            from ..exceptions import LFError

            raise LFError(_row_error(lf.name, exc, row_ids[i], row), lf_name=lf.name) from exc
        out += [(i, p, 1) for p in pos] + [(i, q, -1) for q in neg]
    return np.array(out, dtype=np.int64).T.reshape(3, len(out))


def _cat(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.empty(0, dtype)


def _known(label: str, index: dict[str, int], lf_name: str) -> int:
    if label not in index:
        raise InputError(f"LF {lf_name!r} votes label {label!r}, which is not among labels {list(index)}")
    return index[label]


def _row(row: dict[str, Any]) -> Any:
    from ..lf import Row

    return Row(row)
