"""Snorkel's type aliases (``snorkel.types``)."""

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, NamedTuple

DataPoint = Any
DataPoints = Sequence[DataPoint]
Field = Any
FieldMap = Mapping[str, Field]
HashingFunction = Callable[[Any], Hashable]
Config = NamedTuple

__all__ = ["Config", "DataPoint", "DataPoints", "Field", "FieldMap", "HashingFunction"]
