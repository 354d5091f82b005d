"""Mappers: functions from one data point to a new one (``snorkel.map``).

Preprocessors are mappers. A mapper works on a copy of the data point, so an
in-place edit never reaches the caller's object or other LFs; with ``memoize=True``
it caches its output per data point, keyed by the point's values (not its index).
"""

from __future__ import annotations

import copy
import inspect
import pickle
from collections.abc import Callable, Hashable, Mapping
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pandas as pd

from ..types import DataPoint, FieldMap, HashingFunction


def get_parameters(f: Callable[..., Any], allow_args: bool = False, allow_kwargs: bool = False) -> list[str]:
    """Names of ``f``'s positional parameters; refuses ``*args``/``**kwargs`` unless allowed."""
    spec = inspect.getfullargspec(f)
    if not allow_args and spec.varargs is not None:
        raise ValueError(f"Function {f.__name__} should not have *args")
    if not allow_kwargs and spec.varkw is not None:
        raise ValueError(f"Function {f.__name__} should not have **kwargs")
    return list(spec.args)


def is_hashable(obj: Any) -> bool:
    """Whether ``hash(obj)`` works (duck typing: pandas objects raise their own errors)."""
    try:
        hash(obj)
    except Exception:  # noqa: BLE001 - any failure means "not hashable"
        return False
    return True


def get_hashable(obj: Any) -> Hashable:
    """Return a hashable stand-in for a data point's values, for memoization.

    Namespaces, dicts, rows and Series become a frozenset of (field, value) pairs
    (a Series' name, i.e. its index label, is left out), lists and tuples a tuple,
    arrays their bytes.
    """
    if is_hashable(obj):
        return cast("Hashable", obj)
    if isinstance(obj, SimpleNamespace):
        obj = vars(obj)
    if isinstance(obj, (dict, pd.Series)):
        return frozenset((k, get_hashable(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return tuple(get_hashable(v) for v in obj)
    if isinstance(obj, np.ndarray):
        return obj.tobytes()
    raise ValueError(f"Object {obj!r} has no hashing proxy; pass memoize_key= to the mapper")


def _copy(x: DataPoint) -> DataPoint:
    # A pickle round trip copies what deepcopy misses (a dict held by a Series or a
    # namespace); objects that do not pickle fall back to deepcopy.
    try:
        return pickle.loads(pickle.dumps(x))
    except Exception:  # noqa: BLE001
        return copy.deepcopy(x)


class BaseMapper:
    """Shared behaviour of mappers: nesting (``pre``), copying and memoization.

    Parameters
    ----------
    name : str
    pre : list of BaseMapper
        Mappers run, in order, before this one.
    memoize : bool
        Cache outputs per data point.
    memoize_key : callable, optional
        Data point -> hashable cache key; default :func:`get_hashable`.
    """

    def __init__(self, name: str, pre: list[BaseMapper], memoize: bool,
                 memoize_key: HashingFunction | None = None) -> None:
        self.name = name
        self._pre = list(pre)
        self._memoize_key = memoize_key or get_hashable
        self.memoize = memoize
        self.reset_cache()

    def reset_cache(self) -> None:
        """Empty the memoization cache."""
        self._cache: dict[Hashable, DataPoint] = {}

    def _generate_mapped_data_point(self, x: DataPoint) -> DataPoint | None:
        raise NotImplementedError

    def __call__(self, x: DataPoint) -> DataPoint | None:
        """Map a copy of ``x`` (through ``pre`` first); cached when ``memoize``."""
        if self.memoize:
            key = self._memoize_key(x)
            if key in self._cache:  # the cached value may be None
                return self._cache[key]
        out = _copy(x)
        for mapper in self._pre:
            out = mapper(out)
        out = self._generate_mapped_data_point(out)
        if self.memoize:
            self._cache[key] = out
        return out

    def __repr__(self) -> str:
        """Name the mapper and its preprocessors, as Snorkel does."""
        return f"{type(self).__name__} {self.name}, Pre: {self._pre}"


class Mapper(BaseMapper):
    """A mapper defined by a ``run(**fields) -> dict`` method.

    Parameters
    ----------
    name : str
    field_names : mapping, optional
        ``run`` argument -> data point attribute; default: ``run``'s parameter names.
    mapped_field_names : mapping, optional
        ``run`` output key -> attribute set on the data point; default: the keys.
    pre, memoize, memoize_key
        See :class:`BaseMapper`.
    """

    def __init__(self, name: str, field_names: Mapping[str, str] | None = None,
                 mapped_field_names: Mapping[str, str] | None = None, pre: list[BaseMapper] | None = None,
                 memoize: bool = False, memoize_key: HashingFunction | None = None) -> None:
        if field_names is None:
            field_names = {p: p for p in get_parameters(self.run)[1:]}
        self.field_names = field_names
        self.mapped_field_names = mapped_field_names
        super().__init__(name, pre or [], memoize, memoize_key)

    def run(self, **kwargs: Any) -> FieldMap | None:
        """Return the mapping: input fields -> new fields (None drops the data point)."""
        raise NotImplementedError

    def _update_fields(self, x: DataPoint, mapped: FieldMap) -> DataPoint:
        for key, value in mapped.items():
            setattr(x, key, value)
        return x

    def _generate_mapped_data_point(self, x: DataPoint) -> DataPoint | None:
        mapped = self.run(**{arg: getattr(x, attr) for arg, attr in self.field_names.items()})
        if mapped is None:
            return None
        if self.mapped_field_names is not None:
            mapped = {attr: mapped[key] for key, attr in self.mapped_field_names.items()}
        return self._update_fields(x, mapped)


class LambdaMapper(BaseMapper):
    """A mapper from a plain function ``f(x) -> x'`` (it gets a copy, so edits are safe)."""

    def __init__(self, name: str, f: Callable[[DataPoint], DataPoint | None], pre: list[BaseMapper] | None = None,
                 memoize: bool = False, memoize_key: HashingFunction | None = None) -> None:
        self._f = f
        super().__init__(name, pre or [], memoize, memoize_key)

    def _generate_mapped_data_point(self, x: DataPoint) -> DataPoint | None:
        return self._f(x)


class lambda_mapper:  # noqa: N801 - Snorkel's name
    """Decorator: ``@lambda_mapper()`` turns a function into a :class:`LambdaMapper`."""

    _cls: type = LambdaMapper

    def __init__(self, name: str | None = None, pre: list[BaseMapper] | None = None, memoize: bool = False,
                 memoize_key: HashingFunction | None = None) -> None:
        if callable(name):
            raise ValueError("Looks like this decorator is missing parentheses! "
                             f"Write @{type(self).__name__}() instead of @{type(self).__name__}")
        self.name = name
        self.pre = pre
        self.memoize = memoize
        self.memoize_key = memoize_key

    def __call__(self, f: Callable[[DataPoint], DataPoint | None]) -> LambdaMapper:
        """Wrap ``f`` as a :class:`LambdaMapper`."""
        return cast("LambdaMapper", self._cls(name=self.name or f.__name__, f=f, pre=self.pre, memoize=self.memoize,
                         memoize_key=self.memoize_key))
