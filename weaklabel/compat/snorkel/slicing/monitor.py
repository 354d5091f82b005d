"""``slice_dataframe``: the rows of a frame inside one slice."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .apply.core import PandasSFApplier
from .sf.core import SlicingFunction


def slice_dataframe(data: pd.DataFrame, slicing_function: SlicingFunction) -> pd.DataFrame:
    """Rows of ``data`` on which ``slicing_function`` is true."""
    S = PandasSFApplier([slicing_function]).apply(data, progress_bar=False)
    assert isinstance(S, np.ndarray)  # no metadata asked for
    return data[S[slicing_function.name].astype(bool)]


__all__ = ["slice_dataframe"]
