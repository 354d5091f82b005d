"""``make_spark_preprocessor``: a preprocessor for PySpark rows."""

from ..map.spark import make_spark_mapper as make_spark_preprocessor

__all__ = ["make_spark_preprocessor"]
