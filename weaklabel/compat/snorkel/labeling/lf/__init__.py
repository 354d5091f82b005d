"""``snorkel.labeling.lf``."""

from .core import LabelingFunction, labeling_function

__all__ = ["LabelingFunction", "labeling_function"]
