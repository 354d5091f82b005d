"""Snorkel-style labeling functions: ``f(x, **resources) -> int`` on one data point.

They run on any object with the attributes they read (a row, a namespace, a numpy
row), and through :func:`to_weaklabel` in weaklabel's own ``apply_lfs``, CLI and app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...preprocess.core import BasePreprocessor
from ...types import DataPoint


class LabelingFunction:
    """A named function that votes a class or abstains (-1) on one data point.

    Parameters
    ----------
    name : str
    f : callable
        ``f(x, **resources) -> int``.
    resources : mapping, optional
        Keyword arguments passed to ``f``.
    pre : list of preprocessors, optional
        Run in order on (a copy of) ``x`` before ``f``.
    """

    def __init__(self, name: str, f: Callable[..., int], resources: Mapping[str, Any] | None = None,
                 pre: list[BasePreprocessor] | None = None) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"name: expected a non-empty str, got {name!r}")
        if not callable(f):
            raise TypeError(f"f: expected a callable, got {type(f).__name__}")
        self.name = name
        self._f = f
        self._resources = dict(resources or {})
        self._pre = list(pre or [])

    def _preprocess_data_point(self, x: DataPoint) -> DataPoint:
        for mapper in self._pre:
            x = mapper(x)
            if x is None:
                raise ValueError(f"Preprocessor {mapper.name!r} returned None for LF {self.name!r}; "
                                 "a preprocessor must return the (updated) data point")
        return x

    def __call__(self, x: DataPoint) -> int:
        """Return the LF's vote on ``x`` (after its preprocessors)."""
        return self._f(self._preprocess_data_point(x), **self._resources)

    def __repr__(self) -> str:
        """Name the LF and its preprocessors, as Snorkel does."""
        return f"{type(self).__name__} {self.name}, Preprocessors: {self._pre}"


class labeling_function:  # noqa: N801 - Snorkel's name
    """Decorator: ``@labeling_function(name=None, resources=None, pre=None)``.

    Examples
    --------
    >>> @labeling_function()
    ... def check_out(x):
    ...     return 1 if "check out" in x.text.lower() else -1
    """

    def __init__(self, name: str | None = None, resources: Mapping[str, Any] | None = None,
                 pre: list[BasePreprocessor] | None = None) -> None:
        if callable(name):
            raise ValueError(f"Looks like this decorator is missing parentheses! "
                             f"Write @{type(self).__name__}() instead of @{type(self).__name__}")
        self.name = name
        self.resources = resources
        self.pre = pre

    def __call__(self, f: Callable[..., int]) -> LabelingFunction:
        """Wrap ``f`` as a :class:`LabelingFunction`."""
        return LabelingFunction(name=self.name or f.__name__, f=f, resources=self.resources, pre=self.pre)


__all__ = ["LabelingFunction", "labeling_function"]
