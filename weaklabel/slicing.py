"""Slicing functions.

Name the subsets of the data where labels must be good, and measure the label model and the end
model on each.

A slicing function (SF) is written like an LF but answers yes/no: ``f(row) -> bool``
(or, vectorized, a boolean array). Any LF or template also works as a slice: the rows
it votes on (``keyword_lf("http", label=SPAM, name="has_link")``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._validation import repeated
from .analysis.summary import wilson_interval
from .evaluate import metric_scores
from .exceptions import InputError, InputTypeError
from .lf import LabelingFunction, as_labeling_function


class SlicingFunction(LabelingFunction):
    """A named yes/no test on each row: whether the row is in the slice.

    Parameters are those of :class:`~weaklabel.LabelingFunction`; ``func`` returns a
    bool per row (row-wise) or a boolean array (vectorized).
    """

    def __init__(self, name: str, func: Callable[..., Any], *, columns: Sequence[str] | None = None,
                 resources: Mapping[str, Any] | None = None, vectorized: bool = False) -> None:
        if not callable(func):
            raise InputTypeError(f"func: expected a callable, got {type(func).__name__}")
        self.slice_func = func
        def member_rows(df: pd.DataFrame, **res: Any) -> np.ndarray:
            return np.where(np.asarray(func(df, **res), dtype=bool), 0, -1)

        def member_row(row: Any, **res: Any) -> int:
            return 0 if func(row, **res) else -1

        member = member_rows if vectorized else member_row
        super().__init__(name, member, columns=columns, resources=resources, vectorized=vectorized)

    def __repr__(self) -> str:
        """Show the slicing function as its LF would be shown."""
        return super().__repr__().replace("LabelingFunction", "SlicingFunction", 1)


def slicing_function(name: str | None = None, *, columns: Sequence[str] | None = None,
                     resources: Mapping[str, Any] | None = None,
                     vectorized: bool = False) -> Callable[[Callable[..., Any]], SlicingFunction]:
    """Turn ``f(row) -> bool`` into a :class:`SlicingFunction` (a decorator).

    Examples
    --------
    >>> @slicing_function(columns=["text"])
    ... def short_comment(row):
    ...     return len(row.text.split()) < 5
    """
    if callable(name):
        raise InputTypeError("slicing_function must be called: write @slicing_function() (with parentheses)")

    def decorator(f: Callable[..., Any]) -> SlicingFunction:
        sf = SlicingFunction(name or f.__name__, f, columns=columns, resources=resources, vectorized=vectorized)
        sf.__doc__ = f.__doc__
        return sf

    return decorator


def _as_slice(obj: Any) -> LabelingFunction:
    # Snorkel-style SFs (from Snorkel or weaklabel.compat.snorkel) return bools per data point.
    module = type(obj).__module__
    if (module.startswith("snorkel.slicing") or module.startswith("weaklabel.compat.snorkel.slicing")) \
            and hasattr(obj, "name"):
        from ._rows import frame_rows

        return SlicingFunction(obj.name, lambda df, _sf=obj: np.fromiter(
            (bool(_sf(x)) for x in frame_rows(df)), dtype=bool, count=len(df)), vectorized=True)
    return as_labeling_function(obj)


def apply_slices(sfs: Sequence[Any], df: pd.DataFrame) -> pd.DataFrame:
    """Slice membership of every row: a boolean frame, one column per slice.

    Parameters
    ----------
    sfs : sequence of SlicingFunction, LabelingFunction (its voted rows) or Snorkel SFs
    df : DataFrame
    """
    if not sfs:
        raise InputError("sfs: expected at least one slicing function")
    funcs = [_as_slice(sf) for sf in sfs]
    names = [f.name for f in funcs]
    dup = repeated(names)
    if dup:
        raise InputError(f"sfs: duplicate slice names {dup}; give each slice a unique name")
    return pd.DataFrame({f.name: f.apply(df) >= 0 for f in funcs}, index=df.index)


def slice_scores(S: pd.DataFrame, y: Any, preds: Any, *, metrics: Sequence[str] = ("accuracy",),
                 probs: np.ndarray | None = None, k: int | None = None, z: float = 1.96) -> pd.DataFrame:
    """Metrics overall and within each slice, with a Wilson interval for accuracy.

    Parameters
    ----------
    S : DataFrame of bool, from :func:`apply_slices`
    y : array-like of int
        Gold labels, -1 where unknown (those rows are not scored).
    preds : array-like of int
        Predictions, -1 = abstain (left out of every metric but ``coverage``).
    metrics : sequence of str
        Any of :data:`weaklabel.evaluate.METRICS`.
    probs : ndarray, optional
        For ``roc_auc``.
    k : int, optional
        Number of classes (default: from ``y`` and ``preds``).
    z : float, default 1.96

    Returns
    -------
    DataFrame
        One row per slice (``overall`` first): ``rows``, ``gold`` (rows with gold),
        ``scored`` (gold rows with a prediction), each metric, and ``acc_low``/``acc_high``.
    """
    y = np.asarray(y, dtype=np.int64)
    preds = np.asarray(preds, dtype=np.int64)
    if len(S) != len(y) or len(y) != len(preds):
        raise InputError(f"S, y and preds must have one entry per row; got {len(S)}, {len(y)} and {len(preds)}")
    k = k or int(max(y.max(initial=0), preds.max(initial=0))) + 1
    out = {}
    masks = {"overall": np.ones(len(y), dtype=bool), **{c: S[c].to_numpy(dtype=bool) for c in S.columns}}
    for name, mask in masks.items():
        known = mask & (y >= 0)
        scored = known & (preds >= 0)
        row: dict[str, float] = {"rows": int(mask.sum()), "gold": int(known.sum()), "scored": int(scored.sum())}
        if known.any():
            row |= metric_scores(y[mask], preds[mask], k, metrics,
                                 probs=None if probs is None else np.asarray(probs)[mask])
            correct = int((preds[scored] == y[scored]).sum())
            lo, hi = wilson_interval(np.array([correct]), np.array([int(scored.sum())]), z=z)
            row |= {"acc_low": float(lo[0]), "acc_high": float(hi[0])}
        else:
            row |= {m: np.nan for m in metrics} | {"acc_low": np.nan, "acc_high": np.nan}
        out[name] = row
    return pd.DataFrame.from_dict(out, orient="index")


def load_slices(spec: str) -> list[LabelingFunction]:
    """Return the slicing functions of a module (file path or dotted name).

    Its ``SFS`` list, else every :class:`SlicingFunction` (weaklabel's or Snorkel-style) at module
    level.
    """
    from .io.suite import _import

    module = _import(spec, arg="slices")
    if hasattr(module, "SFS"):
        found = list(module.SFS)
    else:
        found = [v for v in vars(module).values()
                 if isinstance(v, SlicingFunction) or type(v).__name__ in ("SlicingFunction", "NLPSlicingFunction")]
    if not found:
        raise InputError(f"slices: module {spec!r} defines no slicing functions; decorate functions with "
                         "@slicing_function() or list them in SFS = [...]")
    return [sf if isinstance(sf, LabelingFunction) else _as_slice(sf) for sf in found]


__all__ = ["SlicingFunction", "apply_slices", "load_slices", "slice_scores", "slicing_function"]
