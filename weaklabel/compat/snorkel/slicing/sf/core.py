"""Slicing functions: ``f(x) -> bool`` marks the data points in a slice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...labeling.lf.core import LabelingFunction, labeling_function


class SlicingFunction(LabelingFunction):
    """A named function that says whether a data point is in a slice.

    Same signature as :class:`LabelingFunction`: ``name``, ``f``, ``resources``, ``pre``.
    """


class slicing_function(labeling_function):  # noqa: N801 - Snorkel's name
    """Decorator: ``@slicing_function(name=None, resources=None, pre=None)``."""

    def __call__(self, f: Callable[..., Any]) -> SlicingFunction:
        """Wrap ``f`` as a :class:`SlicingFunction`."""
        return SlicingFunction(name=self.name or f.__name__, f=f, resources=self.resources, pre=self.pre)


__all__ = ["SlicingFunction", "slicing_function"]
