"""``snorkel.labeling``: labeling functions, appliers, analysis."""

from .analysis import LFAnalysis
from .apply.core import LFApplier
from .apply.pandas import PandasLFApplier
from .lf.core import LabelingFunction, labeling_function
from .utils import filter_unlabeled_dataframe

__all__ = ["LFAnalysis", "LFApplier", "LabelingFunction", "PandasLFApplier", "filter_unlabeled_dataframe",
           "labeling_function"]
