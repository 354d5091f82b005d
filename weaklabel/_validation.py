"""One place for input checks and their messages (cf. sklearn.utils.validation).

Public functions validate once at the boundary with these helpers, then call
private workers that trust their inputs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeGuard, cast

import numpy as np

from .exceptions import InputError, InputTypeError, MissingColumnError

if TYPE_CHECKING:
    import pandas as pd

    from .labels import LabelSpace


def describe_values(values: np.ndarray, limit: int = 6) -> str:
    """Short set notation of distinct values, e.g. ``{2, 5}``."""
    uniq = np.unique(values)
    shown = ", ".join(str(v) for v in uniq[:limit].tolist())
    more = f", ... ({uniq.size} distinct)" if uniq.size > limit else ""
    return "{" + shown + more + "}"


def check_cardinality(L: np.ndarray, cardinality: int | None, y: np.ndarray | None = None,
                      *, name: str = "L") -> int:
    """Resolve and check the number of classes ``k`` against the votes (and gold)."""
    seen = int(L.max()) + 1 if L.size else 0
    if y is not None and y.size and cardinality is None and int(y.max()) + 1 > max(2, seen):
        # a gold class no LF ever votes, with no cardinality to say it is real: most likely a typo
        raise InputError(
            f"y: holds class {int(y.max())} but no LF votes above {seen - 1} and no cardinality was given; "
            f"fix the gold label, or pass cardinality={int(y.max()) + 1} if class {int(y.max())} is real")
    if cardinality is not None and not (isinstance(cardinality, bool) or not isinstance(
            cardinality, (int, np.integer)) or cardinality < 2) and y is not None and y.size \
            and int(y.max()) >= cardinality:
        raise InputError(f"y: holds class {int(y.max())} but cardinality={cardinality} allows "
                         f"0..{cardinality - 1}; fix the gold label")
    if y is not None and y.size:
        seen = max(seen, int(y.max()) + 1)
    if cardinality is None:
        return max(2, seen)
    if isinstance(cardinality, bool) or not isinstance(cardinality, (int, np.integer)) or cardinality < 2:
        raise InputError(f"cardinality: expected an integer >= 2, got {cardinality!r}")
    if seen > cardinality:
        raise InputError(
            f"{name}: holds class {seen - 1} but cardinality={cardinality} allows 0..{cardinality - 1}; "
            f"pass cardinality={seen} or fix the labeling functions"
        )
    return int(cardinality)


def check_gold(y: Any, n_rows: int, *, name: str = "y", label_space: LabelSpace | None = None) -> np.ndarray:
    """Return gold labels as int64 with -1 for unknown; names are encoded via ``label_space``."""
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise InputError(f"{name}: expected a 1-D array of length {n_rows}, got shape {arr.shape}")
    if arr.shape[0] != n_rows:
        raise InputError(
            f"{name}: expected one label per row of L ({n_rows}), got {arr.shape[0]}"
        )
    if arr.dtype.kind in "OUS":
        if label_space is None:
            raise InputTypeError(
                f"{name}: got class names {describe_values(arr.astype(str))} but no label space; "
                "pass integer labels or a LabelMatrix with a label_space"
            )
        arr = np.asarray(label_space.encode(arr.tolist()))
    if arr.dtype.kind == "b":
        raise InputTypeError(f"{name}: expected integer labels, got booleans; use .astype(int)")
    if arr.dtype.kind == "f":
        nan = np.isnan(arr)
        if np.isinf(arr).any():
            raise InputError(f"{name}: labels must be -1 (unknown) or 0..k-1, "
                             f"got {describe_values(arr[np.isinf(arr)])}")
        if np.any(arr[~nan] != np.round(arr[~nan])):
            raise InputTypeError(f"{name}: expected integer labels, got fractional values")
        arr = np.where(nan, -1, arr)
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < -1:
        raise InputError(f"{name}: labels must be -1 (unknown) or 0..k-1, got {describe_values(arr[arr < -1])}")
    if label_space is not None and arr.size and arr.max() >= label_space.cardinality:
        bad = arr[arr >= label_space.cardinality]
        raise InputError(f"{name}: labels must be -1 (unknown) or 0..{label_space.cardinality - 1} for "
                         f"{list(label_space.names)}, got {describe_values(bad)}; fix the gold labels")
    return arr


def check_columns(df: pd.DataFrame, columns: Sequence[str], *, who: str) -> None:
    """Raise ``MissingColumnError`` naming the missing columns and near matches."""
    import difflib

    missing = [c for c in columns if c not in df.columns]
    if not missing:
        return
    have = [str(c) for c in df.columns]
    hints = []
    for c in missing:
        close = difflib.get_close_matches(str(c), have, n=1)
        if close:
            hints.append(f"did you mean {close[0]!r} for {c!r}?")
    raise MissingColumnError(
        f"{who} needs column(s) {missing}, but the frame has {have}"
        + (f"; {' '.join(hints)}" if hints else "; rename a column or fix columns=")
    )


def check_in_options(value: Any, options: Sequence[str], *, name: str) -> str:
    """Check a string option, listing the valid choices."""
    if value not in options:
        raise InputError(f"{name}: expected one of {list(options)}, got {value!r}")
    return cast("str", value)


def repeated(values: Iterable[Hashable]) -> list[Any]:
    """Return the values that occur more than once, sorted: what a uniqueness error names."""
    return sorted(v for v, n in Counter(values).items() if n > 1)


def has_gold(y: np.ndarray | None) -> TypeGuard[np.ndarray]:
    """Whether ``y`` holds at least one known label (-1 = unknown)."""
    return y is not None and bool((np.asarray(y) >= 0).any())
