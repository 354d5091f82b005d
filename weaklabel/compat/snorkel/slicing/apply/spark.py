"""``SparkSFApplier``: slicing functions over a PySpark RDD."""

from ...labeling.apply.spark import SparkLFApplier


class SparkSFApplier(SparkLFApplier):
    """Apply SFs to each row of an RDD; returns a record array with one field per SF."""

    _use_recarray = True


__all__ = ["SparkSFApplier"]
