"""``snorkel.slicing.sf``."""

from .core import SlicingFunction, slicing_function

__all__ = ["SlicingFunction", "slicing_function"]
