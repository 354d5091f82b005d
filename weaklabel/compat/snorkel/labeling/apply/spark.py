"""``SparkLFApplier``: LFs over a PySpark RDD of rows."""

from __future__ import annotations

from typing import Any

from .core import BaseLFApplier, _FunctionCaller


def _row_votes(x: Any, lfs: list[Any], fault_tolerant: bool) -> list[int]:
    caller = _FunctionCaller(fault_tolerant)
    return [caller(lf, x) for lf in lfs]


class SparkLFApplier(BaseLFApplier):
    """Apply LFs to each ``pyspark.sql.Row`` of an RDD (``df.rdd``).

    Spark rows are immutable: a preprocessor for them returns a new ``Row``.
    """

    def apply(self, data_points: Any, fault_tolerant: bool = False) -> Any:
        """Label matrix in the RDD's order."""
        lfs, tolerant = self._lfs, fault_tolerant
        rows = data_points.map(lambda x: _row_votes(x, lfs, tolerant)).collect()
        columns = [[r[j] for r in rows] for j in range(len(lfs))]
        return self._finish(columns, len(rows), _FunctionCaller(tolerant), return_meta=False)


__all__ = ["SparkLFApplier"]
