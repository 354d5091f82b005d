"""Rows for row-wise functions written in Snorkel's style (``x.col`` or ``x["col"]``).

They are built straight from a DataFrame's column arrays: much cheaper than ``DataFrame.iterrows``.
The Snorkel layer's appliers and the adapters in ``lf.py`` and ``slicing.py`` share them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd


class DataRow(dict[str, Any]):
    """One DataFrame row as a Snorkel LF sees it.

    ``x.text`` and ``x["text"]`` both read a field; ``x.polarity = 0.3`` (what a
    preprocessor does) adds one. As on a pandas row, ``x.name`` is the row's index
    label and ``x.index`` the field names.
    """

    __slots__ = ("_name",)

    def __init__(self, items: Iterable[tuple[str, Any]] = (), name: Any = None) -> None:
        super().__init__(items)
        object.__setattr__(self, "_name", name)

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"data point has no field {key!r}; it has {list(self)}") from None

    def __setattr__(self, key: str, value: Any) -> None:
        self[key] = value

    def __delattr__(self, key: str) -> None:
        try:
            del self[key]
        except KeyError:
            raise AttributeError(key) from None

    @property
    def name(self) -> Any:
        """The row's index label (as ``pandas.Series.name``)."""
        return self._name

    @property
    def index(self) -> pd.Index:
        """The field names (as ``pandas.Series.index``)."""
        return pd.Index(list(self))

    def to_dict(self) -> dict[str, Any]:
        return dict(self)

    # -- what a pandas row offers, for LFs written against df.iterrows() rows --------------
    def _series(self) -> pd.Series:
        return pd.Series(dict(self), name=self._name, dtype=object)

    @property
    def values(self) -> Any:  # pandas' property, not dict's method
        """The field values as an array (``pandas.Series.values``)."""
        return self._series().to_numpy()

    def to_numpy(self) -> Any:
        return self._series().to_numpy()

    @property
    def loc(self) -> Any:
        """Label-based access (``x.loc["text"]``, ``x.loc[["a", "b"]]``)."""
        return self._series().loc

    @property
    def iloc(self) -> Any:
        """Position-based access (``x.iloc[0]``)."""
        return self._series().iloc

    def isnull(self) -> pd.Series:
        return self._series().isna()

    isna = isnull

    def notnull(self) -> pd.Series:
        return self._series().notna()

    notna = notnull

    def fillna(self, value: Any) -> DataRow:
        """Return a new row with missing fields set to ``value`` (the row itself is unchanged)."""
        return DataRow(self._series().fillna(value).items(), name=self._name)

    def copy(self) -> DataRow:
        """Return a new row with the same fields and name (not a plain dict)."""
        return DataRow(self.items(), name=self._name)

    def __reduce__(self) -> tuple[Any, ...]:
        return (DataRow, (list(self.items()), self._name))


def frame_rows(df: pd.DataFrame) -> Iterable[DataRow]:
    """Return the rows of ``df`` as :class:`DataRow` objects, built from column arrays.

    Values are typed as on the row a pandas ``df.apply(f, axis=1)`` (Snorkel's applier) hands
    over: NumPy scalars of the columns' common dtype when every column is a NumPy numeric or
    boolean column of one kind (ints and floats meet as float64), Python objects otherwise.
    """
    cols = [str(c) if not isinstance(c, str) else c for c in df.columns]
    if df.shape[1] and all(isinstance(dt, np.dtype) and dt.kind in "biuf" for dt in df.dtypes):
        block = df.to_numpy()
        if block.dtype != object:
            for label, row in zip(df.index.tolist(), block):
                yield DataRow(zip(cols, row), name=label)
            return
    arrays = [df.iloc[:, j].tolist() for j in range(df.shape[1])]
    for label, values in zip(df.index.tolist(), zip(*arrays) if arrays else ([()] * len(df))):
        yield DataRow(zip(cols, values), name=label)
