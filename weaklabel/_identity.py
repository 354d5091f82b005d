"""What an LF's votes depend on, as one digest: the vote cache's key.

An LF reads more than its own source: module-level constants, helper functions
(and what *they* read), closure cells, default arguments and resources. The digest
covers all of it, values hashed by their bytes (a ``repr`` elides the middle of a
large array). When a value cannot be hashed faithfully, there is no digest and the
LF is never served from the cache: when in doubt, miss.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
import sys
import types
from typing import Any

import numpy as np
import pandas as pd

_MAX_DEPTH = 8


class Unhashable(Exception):
    """A value the digest cannot cover faithfully."""


def _code_names(code: types.CodeType) -> set[str]:
    """Global (and attribute) names a code object and its nested code objects refer to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _module_is_users(mod: types.ModuleType) -> bool:
    """Return True for a module from the user's files (not the standard library or site-packages)."""
    path = getattr(mod, "__file__", None)
    if not path or mod.__name__ in sys.builtin_module_names:
        return False
    return not any(part in path for part in ("site-packages", "dist-packages")) and \
        not path.startswith(sys.base_prefix)


def _feed(h: Any, value: Any, depth: int, seen: dict[int, Any]) -> None:
    if depth > _MAX_DEPTH:
        raise Unhashable("nested too deep")
    t = type(value)
    h.update(f"<{t.__module__}.{t.__qualname__}>".encode())
    if _feed_value(h, value, depth, seen):
        return
    if id(value) in seen:  # a cycle or a shared object: its content is already in the digest
        h.update(b"<seen>")
        return
    # Keyed by id, holding the object: a temporary (the dict of an object's state) freed
    # mid-digest would hand its id to the next one, which would then read as seen.
    seen[id(value)] = value
    if _feed_container(h, value, depth, seen) or _feed_code(h, value, depth, seen):
        return
    target = None if inspect.isroutine(value) else (getattr(value, "_f", None) or getattr(value, "func", None))
    if target is not None and callable(target):  # Snorkel LFs and similar wrappers
        _feed(h, target, depth + 1, seen)
    state = getattr(value, "__dict__", None)
    if state is None:
        raise Unhashable(f"cannot see inside a {t.__qualname__}")
    _feed(h, {k: v for k, v in state.items() if not k.startswith("__")}, depth + 1, seen)


def _feed_value(h: Any, value: Any, depth: int, seen: dict[int, Any]) -> bool:
    """Values hashed by what they hold (scalars, arrays, patterns, pandas objects); False for others."""
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes, range, slice)):
        h.update(repr(value).encode())
    elif isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            for item in value.ravel().tolist():
                _feed(h, item, depth + 1, seen)
        else:
            h.update(f"{value.dtype.str}{value.shape}".encode())
            h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, re.Pattern):
        h.update(repr((value.pattern, value.flags)).encode())
    elif isinstance(value, np.generic):
        h.update(repr(value.item()).encode())
    elif isinstance(value, (pd.DataFrame, pd.Series, pd.Index)):
        h.update(repr(getattr(value, "dtypes", value.dtype)).encode())
        h.update(pd.util.hash_pandas_object(value, index=not isinstance(value, pd.Index)).to_numpy().tobytes())
        if isinstance(value, pd.DataFrame):
            h.update(repr(list(value.columns)).encode())
    else:
        return False
    return True


def _feed_container(h: Any, value: Any, depth: int, seen: dict[int, Any]) -> bool:
    """Feed a container's items in a stable order.

    Lists and tuples in order; sets and dicts in an order of their own (sorted item digests).
    """
    if isinstance(value, (list, tuple)):
        for item in value:
            _feed(h, item, depth + 1, seen)
        return True
    if isinstance(value, (set, frozenset, dict)):
        parts = []
        for item in (value.items() if isinstance(value, dict) else value):
            sub = hashlib.sha256()
            for part in (item if isinstance(value, dict) else (item,)):
                _feed(sub, part, depth + 1, seen)
            parts.append(sub.digest())
        for p in sorted(parts):
            h.update(p)
        return True
    return False


def _feed_code(h: Any, value: Any, depth: int, seen: dict[int, Any]) -> bool:
    """Modules, partials, functions, builtins and classes.

    By name, and by source where it is the user's own; False for other objects.
    """
    if isinstance(value, types.ModuleType):
        h.update(value.__name__.encode())
        if _module_is_users(value):  # the user's own helper module: its whole source
            try:
                h.update(inspect.getsource(value).encode())
            except (OSError, TypeError) as exc:
                raise Unhashable(f"no source for module {value.__name__}") from exc
        else:
            h.update(str(getattr(value, "__version__", "")).encode())
    elif isinstance(value, functools.partial):
        _feed(h, value.func, depth + 1, seen)
        _feed(h, value.args, depth + 1, seen)
        _feed(h, value.keywords, depth + 1, seen)
    elif inspect.isfunction(value) or inspect.ismethod(value):
        _feed_function(h, value, depth, seen)
    elif inspect.isbuiltin(value) or inspect.isclass(value):
        h.update(f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}".encode())
        if inspect.isclass(value) and _module_is_users(sys.modules.get(value.__module__, types)):
            try:
                h.update(inspect.getsource(value).encode())
            except (OSError, TypeError) as exc:
                raise Unhashable(f"no source for class {value.__qualname__}") from exc
    else:
        return False
    return True


def _feed_function(h: Any, func: Any, depth: int, seen: dict[int, Any]) -> None:
    """Source, closure cells, defaults, and every module-level name the code refers to.

    For a bound method, also the state of the object it is bound to (a fitted model's ``predict_proba``
    votes by its coefficients, which a refit changes in place).
    """
    owner = getattr(func, "__self__", None)
    if inspect.ismethod(func) and owner is not None and not isinstance(owner, (type, types.ModuleType)):
        _feed(h, owner, depth + 1, seen)
    func = getattr(func, "__func__", func)
    try:
        h.update(inspect.getsource(func).encode())
    except (OSError, TypeError):
        h.update(func.__code__.co_code)
        h.update(repr(func.__code__.co_consts).encode())
    for cell in func.__closure__ or ():
        try:
            _feed(h, cell.cell_contents, depth + 1, seen)
        except ValueError:  # an empty cell
            h.update(b"<empty>")
    _feed(h, func.__defaults__ or (), depth + 1, seen)
    _feed(h, func.__kwdefaults__ or {}, depth + 1, seen)
    mod = sys.modules.get(getattr(func, "__module__", "") or "")
    if mod is not None and (mod.__name__.split(".")[0] == "weaklabel" or not _module_is_users(mod)):
        # library code (ours or installed): its internals are fixed by the installed version
        from . import __version__

        h.update(f"{mod.__name__}:{getattr(mod, '__version__', __version__)}".encode())
        return
    glb = func.__globals__
    for name in sorted(_code_names(func.__code__)):
        if name in glb:
            h.update(name.encode())
            _feed(h, glb[name], depth + 1, seen)


def lf_digest(name: str, func: Any, resources: dict[str, Any]) -> str | None:
    """sha256 of everything the LF's votes depend on, or None when something cannot be covered."""
    h = hashlib.sha256(name.encode())
    try:
        if inspect.isfunction(func) or inspect.ismethod(func):
            _feed_function(h, func, 0, {})
        else:
            _feed(h, func, 0, {})
        _feed(h, resources, 0, {})
    except (Unhashable, RecursionError):
        return None
    return h.hexdigest()
