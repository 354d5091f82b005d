"""Appliers: run labeling functions over data points into a label matrix ``L``.

``LFApplier`` takes any sequence (objects, namespaces, rows of a numpy array);
``PandasLFApplier`` (``pandas.py``) a DataFrame, whose rows reach the LFs as
:class:`DataRow` objects: read with ``x.col`` or ``x["col"]``, and preprocessors may
set new fields. Rows are built straight from the column arrays, which is much
cheaper than ``DataFrame.iterrows``; weaklabel's own (vectorized) LFs in the same
list run once on the whole frame.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, cast

import numpy as np

from weaklabel._rows import DataRow, frame_rows
from weaklabel.labels import ABSTAIN
from weaklabel.lf import check_votes

from ...types import DataPoint
from ...utils.data_operators import check_unique_names


class ApplierMetadata(NamedTuple):
    """What happened during ``apply``.

    ``faults`` counts, per LF name, the data points on which it raised (only under
    ``fault_tolerant=True``).
    """

    faults: dict[str, int]


class _FunctionCaller:
    """Calls one function on one data point; under ``fault_tolerant`` an exception becomes ABSTAIN and is counted."""

    def __init__(self, fault_tolerant: bool) -> None:
        self.fault_tolerant = fault_tolerant
        self.fault_counts: dict[str, int] = defaultdict(int)

    def __call__(self, f: Any, x: DataPoint) -> Any:
        if not self.fault_tolerant:
            return f(x)
        try:
            return f(x)
        except Exception:  # noqa: BLE001 - user code; counted and reported in the metadata
            self.fault_counts[f.name] += 1
            return ABSTAIN


def _progress(items: Iterable[Any], total: int | None, enabled: bool, what: str) -> Iterable[Any]:
    if not enabled:
        return items
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional: no bar, same result
        return items
    return cast("Iterable[Any]", tqdm(items, total=total, desc=what))


def _is_native(lf: Any) -> bool:
    from weaklabel.lf import LabelingFunction as NativeLF

    return isinstance(lf, NativeLF)


class NamedVotes(np.ndarray):
    """The label matrix an applier returns.

    An ndarray in every way (its repr too) that also remembers which LF made each column, so the label
    model's warnings name LFs as the user wrote them rather than by position.
    """

    lf_names: tuple[str, ...] | None

    def __array_finalize__(self, obj: Any) -> None:
        self.lf_names = getattr(obj, "lf_names", None)

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))


def lf_names_of(L: Any) -> tuple[str, ...] | None:
    """Return the LF names an applier's matrix carries, when they still fit its columns."""
    names = getattr(L, "lf_names", None)
    return tuple(names) if names is not None and np.ndim(L) == 2 and len(names) == np.shape(L)[1] else None


def votes_matrix(columns: list[list[Any]], names: Sequence[str], n: int, *, bools: bool = False) -> np.ndarray:
    """Return a validated int64 matrix from per-LF vote lists.

    None, bools and text get clear errors.

    ``bools=True`` (slicing functions) reads True/False as 1/0.
    """
    if not names:
        return np.empty((n, 0), dtype=np.int64)
    if bools:
        columns = [[int(v) if isinstance(v, (bool, np.bool_)) else v for v in col] for col in columns]
    return np.stack([check_votes(name, col, n, None, index=range(n)).astype(np.int64)
                     for name, col in zip(names, columns)], axis=1)


def apply_to_points(points: Iterable[DataPoint], lfs: Sequence[Any], caller: _FunctionCaller, n: int | None,
                    progress_bar: bool) -> list[list[Any]]:
    """Per-LF vote lists, visiting each data point once and running every LF on it."""
    columns: list[list[Any]] = [[] for _ in lfs]
    appends = [c.append for c in columns]
    for x in _progress(points, n, progress_bar, "Applying LFs"):
        for append, lf in zip(appends, lfs):
            append(caller(lf, x))
    return columns


class BaseLFApplier:
    """Holds the LFs of an applier and checks that their names are unique.

    Parameters
    ----------
    lfs : list of LabelingFunction
        Snorkel-style LFs (from this package or Snorkel itself) or weaklabel LFs.
    """

    _use_recarray = False

    def __init__(self, lfs: Sequence[Any]) -> None:
        self._lfs = list(lfs)
        self._lf_names = [lf.name for lf in self._lfs]
        check_unique_names(self._lf_names, "LF")

    def _finish(self, columns: list[list[Any]], n: int, caller: _FunctionCaller,
                return_meta: bool) -> np.ndarray | tuple[np.ndarray, ApplierMetadata]:
        L = votes_matrix(columns, self._lf_names, n, bools=self._use_recarray)
        if self._use_recarray:
            L = np.rec.fromarrays(list(L.T), dtype=[(n, L.dtype) for n in self._lf_names]) if self._lf_names else L
        else:
            named = L.view(NamedVotes)
            named.lf_names = tuple(self._lf_names)
            L = named
        return (L, ApplierMetadata(dict(caller.fault_counts))) if return_meta else L


class LFApplier(BaseLFApplier):
    """Apply LFs to a sequence of data points (objects, namespaces, numpy rows)."""

    def apply(self, data_points: Sequence[DataPoint] | np.ndarray, progress_bar: bool = True,
              fault_tolerant: bool = False,
              return_meta: bool = False) -> np.ndarray | tuple[np.ndarray, ApplierMetadata]:
        """Label matrix of shape (n_points, n_lfs), -1 = abstain.

        Parameters
        ----------
        data_points : sequence or 2-D ndarray
        progress_bar : bool, default True
        fault_tolerant : bool, default False
            Turn exceptions raised by an LF into ABSTAIN (counted in the metadata).
        return_meta : bool, default False
            Also return :class:`ApplierMetadata`.
        """
        caller = _FunctionCaller(fault_tolerant)
        n = len(data_points)
        columns = apply_to_points(data_points, self._lfs, caller, n, progress_bar)
        return self._finish(columns, n, caller, return_meta)


__all__ = ["ApplierMetadata", "BaseLFApplier", "DataRow", "LFApplier", "frame_rows"]
