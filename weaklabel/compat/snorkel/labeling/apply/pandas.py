"""``PandasLFApplier``: LFs over a DataFrame's rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .core import ApplierMetadata, BaseLFApplier, _FunctionCaller, _is_native, apply_to_points, frame_rows


def apply_frame(df: pd.DataFrame, lfs: list[Any], caller: _FunctionCaller, progress_bar: bool) -> list[list[Any]]:
    """Per-LF vote lists on ``df``: weaklabel LFs run once on the whole frame, the others on each row."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}; "
                        "use LFApplier for lists and arrays")
    native = [i for i, lf in enumerate(lfs) if _is_native(lf)]
    rowwise = [i for i in range(len(lfs)) if i not in set(native)]
    columns: list[list[Any]] = [[] for _ in lfs]
    for i in native:
        columns[i] = lfs[i].apply(df).astype(int).tolist()
    if rowwise:
        row_cols = apply_to_points(frame_rows(df), [lfs[i] for i in rowwise], caller, len(df), progress_bar)
        for i, col in zip(rowwise, row_cols):
            columns[i] = col
    return columns


class PandasLFApplier(BaseLFApplier):
    """Apply LFs to each row of a pandas DataFrame.

    Examples
    --------
    >>> from weaklabel.compat.snorkel.labeling import labeling_function
    >>> @labeling_function()
    ... def big(x):
    ...     return 1 if x.num > 42 else -1
    >>> PandasLFApplier([big]).apply(pd.DataFrame({"num": [3, 43]}), progress_bar=False)
    array([[-1],
           [ 1]])
    """

    def apply(self, df: pd.DataFrame, progress_bar: bool = True, fault_tolerant: bool = False,
              return_meta: bool = False) -> np.ndarray | tuple[np.ndarray, ApplierMetadata]:
        """Label matrix of shape (len(df), n_lfs), -1 = abstain; see :meth:`LFApplier.apply`."""
        caller = _FunctionCaller(fault_tolerant)
        columns = apply_frame(df, self._lfs, caller, progress_bar)
        return self._finish(columns, len(df), caller, return_meta)


__all__ = ["PandasLFApplier"]
