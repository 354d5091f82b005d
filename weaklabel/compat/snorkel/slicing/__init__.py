"""``snorkel.slicing``: slicing functions, their appliers, and per-slice monitoring.

Snorkel's torch parts (``SliceAwareClassifier``, ``SliceCombinerModule``,
``add_slice_labels``, ``convert_to_slice_tasks``) are not mirrored; score a model per
slice with :meth:`weaklabel.compat.snorkel.analysis.Scorer.score_slices` or
``weaklabel analyze --slices``.
"""

from .apply.core import PandasSFApplier, SFApplier
from .monitor import slice_dataframe
from .sf.core import SlicingFunction, slicing_function

__all__ = ["PandasSFApplier", "SFApplier", "SlicingFunction", "slice_dataframe", "slicing_function"]
