"""Slicing-function appliers on Dask."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...labeling.apply.dask import DaskLFApplier, PandasParallelLFApplier


def _as_recarray(S: np.ndarray, names: list[str]) -> np.recarray:
    return np.rec.fromarrays(list(S.T), dtype=[(n, S.dtype) for n in names])


class DaskSFApplier(DaskLFApplier):
    """Apply SFs to a Dask DataFrame (an SF may return 0/1 or a bool)."""

    _use_recarray = True

    def apply(self, df: Any, scheduler: Any = "processes", fault_tolerant: bool = False) -> np.recarray:
        """Return the slice matrix of a Dask frame, as a record array."""
        return _as_recarray(super().apply(df, scheduler=scheduler, fault_tolerant=fault_tolerant), self._lf_names)


class PandasParallelSFApplier(PandasParallelLFApplier):
    """Apply SFs to a pandas DataFrame in parallel Dask partitions (an SF may return a bool)."""

    _use_recarray = True

    def apply(self, df: Any, n_parallel: int = 2, scheduler: Any = "processes",  # type: ignore[override]
              fault_tolerant: bool = False) -> np.recarray:
        """Return the slice matrix of a pandas frame, split into ``n_parallel`` Dask partitions."""
        S = super().apply(df, n_parallel=n_parallel, scheduler=scheduler, fault_tolerant=fault_tolerant)
        return _as_recarray(S, self._lf_names)


__all__ = ["DaskSFApplier", "PandasParallelSFApplier"]
