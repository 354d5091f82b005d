"""Declared parameter constraints, checked at the start of ``fit`` (scikit-learn's ``_parameter_constraints`` style).

One place per model that says what each parameter accepts, and one message format when a value does
not fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from ..exceptions import InputError


@dataclass(frozen=True)
class Interval:
    """Numbers of ``kind`` ("int" or "real") in [low, high], each end open or closed."""

    kind: str
    low: float | None = None
    high: float | None = None
    closed: str = "both"  # "both", "left", "right" or "neither"

    def accepts(self, v: Any) -> bool:
        if isinstance(v, (bool, np.bool_)):
            return False
        if self.kind == "int" and not isinstance(v, (int, np.integer)):
            return False
        if self.kind == "real" and not isinstance(v, (int, float, np.integer, np.floating)):
            return False
        if isinstance(v, (float, np.floating)) and not math.isfinite(v):
            return False
        lo_ok = self.low is None or (v >= self.low if self.closed in ("both", "left") else v > self.low)
        hi_ok = self.high is None or (v <= self.high if self.closed in ("both", "right") else v < self.high)
        return bool(lo_ok and hi_ok)

    def __str__(self) -> str:
        what = "an int" if self.kind == "int" else "a number"
        if self.low is not None and self.high is not None:
            left = "[" if self.closed in ("both", "left") else "("
            right = "]" if self.closed in ("both", "right") else ")"
            return f"{what} in {left}{self.low}, {self.high}{right}"
        if self.low is not None:
            return f"{what} {'>=' if self.closed in ('both', 'left') else '>'} {self.low}"
        if self.high is not None:
            return f"{what} {'<=' if self.closed in ('both', 'right') else '<'} {self.high}"
        return what

    def bad_value(self) -> Any:
        """Return a value this constraint refuses (for contract tests)."""
        if self.low is not None:
            return self.low - 1 if self.kind == "int" else self.low - 0.5
        if self.high is not None:
            return self.high + 1
        return "not a number"


@dataclass(frozen=True)
class Options:
    """One of a fixed set of values (compared by equality and type: True is not 1)."""

    values: tuple[Any, ...]

    def accepts(self, v: Any) -> bool:
        return any(v == o and type(v) is type(o) or (isinstance(o, bool) and isinstance(v, np.bool_) and v == o)
                   for o in self.values)

    def __str__(self) -> str:
        return "one of " + ", ".join(repr(o) for o in self.values)

    def bad_value(self) -> Any:
        return "not-an-option"


def _accepts(c: Any, v: Any) -> bool:
    if c is None:
        return v is None
    if c == "array-like":
        return v is not None and not isinstance(v, (str, bytes)) and np.ndim(v) >= 1
    return cast("bool", c.accepts(v))


def _describe(c: Any) -> str:
    return "None" if c is None else ("an array-like" if c == "array-like" else str(c))


def validate_params(model: Any) -> None:
    """Check every parameter of ``model`` against its class's ``_parameter_constraints``."""
    for name, allowed in all_constraints(type(model)).items():
        value = getattr(model, name)
        if not any(_accepts(c, value) for c in allowed):
            raise InputError(f"{name}: expected {_join([_describe(c) for c in allowed])}, got {value!r} "
                             f"({type(model).__name__}({name}=...))")


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def all_constraints(cls: type) -> dict[str, list[Any]]:
    """Return the merged constraints of a class: its bases', extended or overridden by its own."""
    out: dict[str, list[Any]] = {}
    for c in reversed(cls.__mro__):
        out.update(getattr(c, "_parameter_constraints", {}) or {})
    return out


def check_class_balance(class_balance: Any, k: int) -> np.ndarray | None:
    """Return a fixed class balance as an array of ``k`` positive shares summing to 1 (None: none given)."""
    if class_balance is None:
        return None
    cb = np.asarray(class_balance, dtype=float)
    if cb.shape != (k,) or np.any(cb <= 0) or not np.isclose(cb.sum(), 1.0):
        raise InputError(f"class_balance: expected {k} positive probabilities summing to 1, got {class_balance!r}")
    return cb
