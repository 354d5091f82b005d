"""Appliers that split a frame into partitions and label them in parallel with Dask."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaklabel.exceptions import require

from .core import BaseLFApplier, _FunctionCaller, votes_matrix
from .pandas import apply_frame


def _label_partition(part: pd.DataFrame, lfs: list[Any], names: list[str], fault_tolerant: bool,
                     bools: bool = False) -> np.ndarray:
    caller = _FunctionCaller(fault_tolerant)
    return votes_matrix(apply_frame(part, lfs, caller, False), names, len(part), bools=bools)


class DaskLFApplier(BaseLFApplier):
    """Apply LFs to a Dask DataFrame, one task per partition."""

    def apply(self, df: Any, scheduler: Any = "processes", fault_tolerant: bool = False) -> np.ndarray:
        """Label matrix in the frame's row order.

        Parameters
        ----------
        df : dask.dataframe.DataFrame
        scheduler : str or distributed.Client, default "processes"
            Any Dask scheduler ("threads", "processes", "synchronous", or a client).
        fault_tolerant : bool, default False
        """
        dask = require("dask", extra="dask", feature="DaskLFApplier")
        parts = df.to_delayed()
        # slicing functions (the SF appliers) may return a bool, as Snorkel's tutorials write them
        bools = getattr(self, "_use_recarray", False)
        tasks = [dask.delayed(_label_partition)(p, self._lfs, self._lf_names, fault_tolerant, bools) for p in parts]
        blocks = dask.compute(*tasks, scheduler=scheduler)
        return np.vstack(blocks) if blocks else np.empty((0, len(self._lfs)), dtype=np.int64)


class PandasParallelLFApplier(DaskLFApplier):
    """Apply LFs to a pandas DataFrame in ``n_parallel`` Dask partitions."""

    def apply(self, df: pd.DataFrame, n_parallel: int = 2, scheduler: Any = "processes",  # type: ignore[override]
              fault_tolerant: bool = False) -> np.ndarray:
        """Label matrix of ``df``; ``n_parallel`` must be at least 2 (use PandasLFApplier otherwise)."""
        if n_parallel < 2:
            raise ValueError(f"n_parallel should be >= 2, got {n_parallel}; "
                             "for a single process use PandasLFApplier")
        dd = require("dask.dataframe", extra="dask", feature="PandasParallelLFApplier")
        return super().apply(dd.from_pandas(df, npartitions=n_parallel), scheduler=scheduler,
                             fault_tolerant=fault_tolerant)


__all__ = ["DaskLFApplier", "PandasParallelLFApplier"]
