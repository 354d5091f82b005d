"""Mappers for PySpark rows, which are immutable: fields are added by building a new Row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .core import Mapper


def _update_spark_fields(x: Any, mapped_fields: Mapping[str, Any]) -> Any:
    from pyspark.sql import Row

    return Row(**{**x.asDict(), **mapped_fields})


def make_spark_mapper(mapper: Mapper) -> Mapper:
    """Let a :class:`Mapper` (``run`` returning new fields) work on ``pyspark.sql.Row``."""
    mapper._update_fields = _update_spark_fields  # type: ignore[method-assign, assignment]  # an instance attribute: no self
    return mapper


__all__ = ["make_spark_mapper"]
