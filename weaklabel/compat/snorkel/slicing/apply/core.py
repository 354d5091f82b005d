"""Slicing-function appliers: a record array ``S`` with one 0/1 field per SF."""

from ...labeling.apply.core import LFApplier
from ...labeling.apply.pandas import PandasLFApplier


class SFApplier(LFApplier):
    """Apply SFs to a sequence of data points; ``S[name]`` is 1 where the point is in the slice."""

    _use_recarray = True


class PandasSFApplier(PandasLFApplier):
    """Apply SFs to each row of a DataFrame."""

    _use_recarray = True


__all__ = ["PandasSFApplier", "SFApplier"]
