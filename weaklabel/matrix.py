"""LabelMatrix: the votes of m LFs on n rows, with names, row ids and classes."""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from ._atomic import atomic_path
from ._validation import describe_values, repeated
from .exceptions import InputError, InputTypeError
from .labels import ABSTAIN, LabelSpace


@dataclass(frozen=True)
class VotePatterns:
    """Unique rows of a label matrix with their multiplicities.

    Attributes
    ----------
    patterns : ndarray of int8, shape (n_patterns, n_lfs)
    counts : ndarray of int64, shape (n_patterns,)
    inverse : ndarray of intp, shape (n_rows,)
        ``patterns[inverse]`` rebuilds the matrix.
    """

    patterns: np.ndarray
    counts: np.ndarray
    inverse: np.ndarray


def compress(votes: np.ndarray) -> VotePatterns:
    """Compress a vote array into unique patterns.

    Each row becomes one 64-bit key and a 1-D ``np.unique`` groups them (an order
    of magnitude faster than ``np.unique(axis=0)``). Narrow matrices pack rows
    exactly; wide ones hash them, and the grouping is verified (a collision, odds
    ~n^2 / 2^65, falls back to the exact row-wise unique).
    """
    n, m = votes.shape
    if n == 0:
        return VotePatterns(votes.copy(), np.zeros(0, np.int64), np.zeros(0, np.intp))
    base = int(votes.max()) + 2
    exact = m * np.log2(base) < 62
    weights: np.ndarray
    if exact:
        weights = base ** np.arange(m, dtype=np.int64)
    else:  # random odd weights; the product wraps mod 2^64: a hash
        weights = np.bitwise_or(np.random.default_rng(0x5EED).integers(1, 2**63 - 1, size=m, dtype=np.int64), 1)
    keys = np.empty(n, dtype=np.int64)
    step = max(1, (1 << 22) // m)  # cache-sized blocks: no n x m int64 temporary
    with np.errstate(over="ignore"):
        for s in range(0, n, step):
            keys[s:s + step] = (votes[s:s + step].astype(np.int64) + 1) @ weights
    _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True,
                                          return_counts=True)
    patterns = votes[first]
    inverse = inverse.reshape(-1)
    if not exact and not all(np.array_equal(patterns[inverse[s:s + step]], votes[s:s + step])
                             for s in range(0, n, step)):
        patterns, inverse, counts = np.unique(votes, axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
    return VotePatterns(np.ascontiguousarray(patterns), counts.astype(np.int64), inverse)


@dataclass
class ApplyReport:
    """What happened while applying LFs: seconds and faults per LF.

    Attributes
    ----------
    seconds : dict of str to float
    faults : dict of str to int
        Rows on which the LF raised and (with ``fault_tolerant=True``) abstained.
    cache_hits, cache_misses : list of str
        LFs whose votes came from / went to the vote cache.
    """

    seconds: dict[str, float] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    cache_hits: list[str] = field(default_factory=list)
    cache_misses: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """Seconds and faults per LF (and whether the cache served it), one row per LF."""
        frame = pd.DataFrame({"seconds": pd.Series(self.seconds), "faults": pd.Series(self.faults)})
        if self.cache_hits or self.cache_misses:
            frame["cached"] = [name in self.cache_hits for name in frame.index]
        return frame


class LabelMatrix:
    """Votes of ``n_lfs`` labeling functions on ``n_rows`` rows.

    Parameters
    ----------
    votes : array-like of shape (n_rows, n_lfs)
        Integers, -1 = abstain. Stored as int8.
    lf_names : sequence of str, optional
        Defaults to ``lf_0 .. lf_{m-1}``.
    row_ids : array-like of shape (n_rows,), optional
        Stable ids used to join rows everywhere. Defaults to ``0 .. n-1``.
    label_space : LabelSpace, optional

    Notes
    -----
    ``np.asarray(L)`` gives the int8 votes, so a LabelMatrix goes wherever Snorkel
    expects ``L``.

    Examples
    --------
    >>> L = LabelMatrix([[0, -1], [1, 1], [-1, 1]], lf_names=["a", "b"])
    >>> L.shape, L.row_ids.tolist()
    ((3, 2), [0, 1, 2])
    >>> L.column("b").tolist()
    [-1, 1, 1]
    >>> np.asarray(L).dtype
    dtype('int8')
    """

    def __init__(self, votes: Any, lf_names: Sequence[str] | None = None,
                 row_ids: Any = None, label_space: LabelSpace | None = None,
                 apply_report: ApplyReport | None = None) -> None:
        v = check_label_array(votes, name="votes")
        n, m = v.shape
        names = tuple(lf_names) if lf_names is not None else tuple(f"lf_{j}" for j in range(m))
        if len(names) != m:
            raise InputError(f"lf_names: expected {m} names (one per column of votes), got {len(names)}")
        dupes = repeated(names)
        if dupes:
            raise InputError(f"lf_names: LF names must be unique, {dupes} appear more than once")
        ids = np.arange(n) if row_ids is None else np.asarray(row_ids)
        if ids.shape != (n,):
            raise InputError(f"row_ids: expected {n} ids (one per row), got shape {ids.shape}")
        if label_space is not None:
            if not isinstance(label_space, LabelSpace):
                label_space = LabelSpace(label_space)
            if v.size and v.max() >= label_space.cardinality:
                raise InputError(
                    f"votes: hold class {int(v.max())} but label_space {list(label_space.names)} "
                    f"allows 0..{label_space.cardinality - 1}")
        v = np.ascontiguousarray(v)
        v.flags.writeable = False  # shared by models and views; copy to edit
        self.votes = v
        self.lf_names = names
        self.row_ids = ids
        self.label_space = label_space
        self.apply_report = apply_report

    # -- array protocol ---------------------------------------------------
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Return the votes as a NumPy array (``np.asarray(L)``), cast to ``dtype`` if given."""
        return self.votes if dtype is None else self.votes.astype(dtype)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, LFs)."""
        return self.votes.shape

    @property
    def n_rows(self) -> int:
        """Rows (items)."""
        return cast("int", self.votes.shape[0])

    @property
    def n_lfs(self) -> int:
        """Labeling functions (columns)."""
        return cast("int", self.votes.shape[1])

    @property
    def cardinality(self) -> int | None:
        """Classes in the label space, None without one."""
        return self.label_space.cardinality if self.label_space is not None else None

    def __len__(self) -> int:
        """Return the number of rows."""
        return self.n_rows

    def __repr__(self) -> str:
        """Show the shape, the coverage and the labels."""
        cov = float((self.votes != ABSTAIN).any(axis=1).mean()) if self.n_rows else 0.0
        return (f"LabelMatrix({self.n_rows} rows x {self.n_lfs} LFs, coverage={cov:.3f}, "
                f"labels={list(self.label_space.names) if self.label_space else None})")

    def _repr_html_(self) -> str:
        """Return a notebook's view.

        The shape and coverage, then each LF's coverage and the classes it votes (the first 50 LFs). Names
        are HTML-escaped.
        """
        import html

        v = self.votes
        fired = v != ABSTAIN
        names = self.label_space.names if self.label_space is not None else None
        rows = []
        for j, lf in enumerate(self.lf_names[:50]):
            classes = np.unique(v[fired[:, j], j]).tolist()
            shown = ", ".join(names[c] if names is not None and 0 <= c < len(names) else str(c) for c in classes)
            rows.append(f"<tr><td>{html.escape(str(lf))}</td><td>{fired[:, j].mean() if self.n_rows else 0:.3f}"
                        f"</td><td>{html.escape(shown)}</td></tr>")
        more = f"<p>... and {self.n_lfs - 50} more LFs</p>" if self.n_lfs > 50 else ""
        cov = float(fired.any(axis=1).mean()) if self.n_rows else 0.0
        labels = html.escape(", ".join(names)) if names is not None else "-"
        return (f"<p><b>LabelMatrix</b>: {self.n_rows} rows x {self.n_lfs} LFs, coverage {cov:.3f}, "
                f"labels: {labels}</p><table><tr><th>LF</th><th>coverage</th><th>votes</th></tr>"
                + "".join(rows) + f"</table>{more}")

    def __eq__(self, other: object) -> bool:
        """Compare votes, LF names, row ids and label space."""
        return (isinstance(other, LabelMatrix) and self.lf_names == other.lf_names
                and np.array_equal(self.votes, other.votes)
                and np.array_equal(self.row_ids, other.row_ids)
                and self.label_space == other.label_space)

    __hash__ = None  # type: ignore[assignment]

    # -- conversion -------------------------------------------------------
    def to_numpy(self) -> np.ndarray:
        """Return a writable int64 copy, the dtype Snorkel's applier returns."""
        return self.votes.astype(np.int64)

    def to_frame(self) -> pd.DataFrame:
        """Votes as a DataFrame: one column per LF, indexed by row id."""
        return pd.DataFrame(self.votes, columns=list(self.lf_names),
                            index=pd.Index(self.row_ids, name="row_id"))

    def column(self, lf: str | int) -> np.ndarray:
        """Votes of one LF, by name or position."""
        return self.votes[:, self.lf_index(lf)]

    def lf_index(self, lf: str | int) -> int:
        """Column of an LF given by name or index (negative counts from the end)."""
        if isinstance(lf, (int, np.integer)) and not isinstance(lf, bool):
            if not -self.n_lfs <= lf < self.n_lfs:
                raise InputError(f"lf: index {lf} outside 0..{self.n_lfs - 1}")
            return int(lf) % self.n_lfs
        try:
            return self.lf_names.index(lf)
        except ValueError:
            raise InputError(f"lf: no LF named {lf!r}; LFs are {list(self.lf_names)}") from None

    def take(self, rows: Any) -> LabelMatrix:
        """Return a LabelMatrix of the selected rows (boolean mask or positions)."""
        return LabelMatrix(self.votes[rows], self.lf_names, self.row_ids[rows], self.label_space)

    def select_lfs(self, lfs: Sequence[str | int]) -> LabelMatrix:
        """Return a LabelMatrix of the selected LF columns, in the given order."""
        idx = [self.lf_index(x) for x in lfs]
        return LabelMatrix(self.votes[:, idx], [self.lf_names[j] for j in idx], self.row_ids,
                           self.label_space)

    def patterns(self) -> VotePatterns:
        """Return the unique vote patterns with counts (label models fit on these)."""
        return compress(self.votes)

    # -- persistence ------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write a compressed ``.npz`` (no pickles: safe to load from others)."""
        path = Path(path)
        ids = self.row_ids
        if ids.dtype.kind not in "iuf":
            ids = ids.astype(str)
        arrays: dict[str, np.ndarray] = {"votes": self.votes, "lf_names": np.array(self.lf_names, dtype=str),
                                         "row_ids": ids}
        if self.label_space is not None:
            arrays["labels"] = np.array(self.label_space.names, dtype=str)
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as allow_pickle
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> LabelMatrix:
        """Read a matrix written by :meth:`save`."""
        try:
            _check_npz_sizes(path)
            with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as z:  # our handle: never leaked
                labels = LabelSpace(z["labels"].tolist()) if "labels" in z.files else None
                return cls(z["votes"], z["lf_names"].tolist(), z["row_ids"], labels)
        except FileNotFoundError:
            raise
        except (KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile, NotImplementedError,
                RuntimeError, zlib.error) as exc:  # a damaged zip raises all of these
            raise InputError(f"path: {str(path)!r} is not a weaklabel label matrix file ({exc})") from exc


def check_label_array(L: Any, *, name: str = "L") -> np.ndarray:
    """Return ``L`` (a LabelMatrix or array-like) as a 2-D int8 array.

    Raises ``InputError``/``InputTypeError`` naming ``name`` when ``L`` is not a
    2-D integer matrix with values >= -1.
    """
    if isinstance(L, LabelMatrix):
        return L.votes
    if hasattr(L, "toarray") and callable(L.toarray):  # scipy.sparse, Snorkel habit
        L = L.toarray()
    try:
        arr = np.asarray(L)
    except Exception as exc:  # ragged lists and the like
        raise InputTypeError(
            f"{name}: expected a 2-D integer array or LabelMatrix, got {type(L).__name__} ({exc})"
        ) from exc
    if arr.ndim != 2:
        raise InputError(
            f"{name}: expected a 2-D array of shape (n_rows, n_lfs), got {arr.ndim}-D shape "
            f"{arr.shape}; for one LF use L.reshape(-1, 1)"
        )
    if arr.dtype.kind == "b":
        raise InputTypeError(
            f"{name}: expected integer votes in {{-1, 0, .., k-1}}, got booleans; "
            "convert with np.where(mask, label, -1)"
        )
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and arr.size and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise InputTypeError(
                f"{name}: expected integer votes in {{-1, 0, .., k-1}}, got dtype {arr.dtype}; "
                "use -1 for abstain instead of NaN and cast with .astype(int)"
            )
    if arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        if lo < -1:
            raise InputError(
                f"{name}: votes must be -1 (abstain) or a class 0..k-1, got "
                f"{describe_values(arr[arr < -1])}"
            )
        if hi > 126:
            raise InputError(f"{name}: votes must be < 127 (int8 storage), got max {hi}")
    return arr.astype(np.int8, copy=False)


def _check_npz_sizes(path: str | os.PathLike[str]) -> None:
    """Refuse an .npz whose array headers claim more data than the file holds.

    This runs before anything is allocated (a 539-byte file must not ask for 931 GiB).
    """
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not info.filename.endswith(".npy"):
                continue
            with zf.open(info) as fh:
                version = np.lib.format.read_magic(fh)
                shape, _, dtype = (np.lib.format.read_array_header_1_0(fh) if version == (1, 0)
                                   else np.lib.format.read_array_header_2_0(fh))
                header_end = fh.tell()
            claimed = int(np.prod(shape, dtype=object)) * dtype.itemsize
            if claimed > info.file_size - header_end:
                raise InputError(f"path: {str(path)!r} is damaged: {info.filename} claims shape {shape} "
                                 f"({claimed:,} bytes) but holds {info.file_size - header_end:,}")
