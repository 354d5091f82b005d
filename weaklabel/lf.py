"""Labeling functions: one type that runs row-wise or on whole columns.

A labeling function (LF) votes a class in ``0 .. k-1`` or ``ABSTAIN`` (-1) for
each row. Row-wise LFs are plain Python ``f(row) -> int``; vectorized LFs take
the frame and return one vote per row. Both answer ``lf(row)`` (explain one item)
and ``lf.apply(df)`` (a whole frame).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._runcache import frame_key
from ._validation import check_columns, describe_values
from .exceptions import InputError, InputTypeError, LFError
from .labels import ABSTAIN, LabelSpace

_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
class Row(dict[str, Any]):
    """One item as seen by a row-wise LF: ``row.text`` and ``row["text"]`` both work."""

    __slots__ = ()

    def __getattr__(self, key: str) -> Any:
        """Return the field ``key`` (``x.text`` as in Snorkel)."""
        try:
            return self[key]
        except KeyError:
            raise AttributeError(
                f"row has no column {key!r}; it holds {list(self)} "
                "(declare the columns the LF reads in columns=[...])"
            ) from None

    def __setattr__(self, key: str, value: Any) -> None:  # what a preprocessor does: x.polarity = ...
        """Set the field ``key``."""
        self[key] = value


class LabelingFunction:
    """A named heuristic that votes a class or abstains on each row.

    Parameters
    ----------
    name : str
        Unique snake_case name; it becomes the LF's column in the label matrix.
    func : callable
        Row-wise: ``func(row, **resources) -> int``. Vectorized:
        ``func(df, **resources) -> array-like of shape (n_rows,)``.
    columns : sequence of str, optional
        Columns the LF reads. They are checked before any LF runs, and a
        row-wise LF sees only these columns (faster, and explicit).
    resources : mapping, optional
        Extra keyword arguments for ``func`` (lexicons, models, thresholds).
    vectorized : bool, default False
        Whether ``func`` takes the whole frame.
    pre : sequence of callables, optional
        Preprocessors for a row-wise LF: each maps a row to a (new) row, in order, before
        ``func`` sees it; e.g. ``@preprocessor`` objects from
        :mod:`weaklabel.compat.snorkel.preprocess` (memoized ones compute once per value).

    Examples
    --------
    >>> lf = LabelingFunction("short", lambda row: 0 if len(row.text) < 5 else -1, columns=["text"])
    >>> lf({"text": "hi"})
    0
    """

    def __init__(
        self,
        name: str,
        func: Callable[..., Any],
        *,
        columns: Sequence[str] | None = None,
        resources: Mapping[str, Any] | None = None,
        vectorized: bool = False,
        pre: Sequence[Callable[[Any], Any]] | None = None,
    ) -> None:
        if not callable(func):
            raise InputTypeError(f"func: expected a callable, got {type(func).__name__}")
        self.pre: tuple[Callable[[Any], Any], ...] = tuple(pre or ())
        if self.pre and vectorized:
            raise InputError("pre: preprocessors run per row; a vectorized LF derives its columns itself")
        bad = [p for p in self.pre if not callable(p)]
        if bad:
            raise InputTypeError(f"pre: expected callables (row -> row), got {bad[0]!r}")
        self.name = check_lf_name(name)
        self.func = func
        if isinstance(columns, str):
            columns = [columns]
        self.columns: tuple[str, ...] | None = tuple(columns) if columns is not None else None
        self.resources: dict[str, Any] = dict(resources or {})
        self.vectorized = bool(vectorized)
        # Templates that match text set these: spans(text) -> [(start, end)] in span_column.
        self.spans: Callable[[str], list[tuple[int, int]]] | None = None
        self.span_column: str | None = None

    # -- identity ---------------------------------------------------------
    @property
    def fingerprint(self) -> str | None:
        """Digest of everything the LF's votes depend on.

        Its name and source, closure cells, defaults, the module-level constants and helpers its code refers
        to (recursively) and its resources, values hashed by their bytes. None when some value cannot be
        covered faithfully: such an LF is never served from the vote cache.
        """
        from ._identity import lf_digest

        return lf_digest(self.name, self.func, {**self.resources, "__pre__": list(self.pre)} if self.pre
                         else self.resources)

    def __repr__(self) -> str:
        """Show the LF's name, whether it is vectorized, and its columns."""
        kind = "vectorized" if self.vectorized else "row-wise"
        cols = list(self.columns) if self.columns is not None else "all"
        return f"LabelingFunction({self.name!r}, {kind}, columns={cols})"

    # -- running ----------------------------------------------------------
    def __call__(self, row: Any) -> int:
        """Vote on one item (a dict, ``pandas.Series`` or namedtuple)."""
        if self.vectorized:
            frame = _row_to_frame(row)
            return int(self.apply(frame)[0])
        if isinstance(row, Mapping) and not isinstance(row, Row):
            row = Row(row)
        elif hasattr(row, "_asdict"):
            row = Row(row._asdict())
        vote = self.func(self._preprocess(row), **self.resources)
        return int(check_votes(self.name, [vote], 1, None, index=[0])[0])

    def apply(self, df: pd.DataFrame, *, label_space: LabelSpace | None = None) -> np.ndarray:
        """Votes on every row of ``df``.

        Returns
        -------
        ndarray of int8, shape (n_rows,)
        """
        if self.columns is not None:
            check_columns(df, self.columns, who=f"LF {self.name!r}")
        k = label_space.cardinality if label_space is not None else None
        votes, _ = self._apply(df, df.index, k, fault_tolerant=False)
        return votes

    def _apply(self, df: pd.DataFrame, row_ids: Sequence[Any] | np.ndarray | pd.Index, k: int | None, *,
               fault_tolerant: bool) -> tuple[np.ndarray, int]:
        """Run on a frame whose columns were checked; return (votes, n_faults)."""
        if self.vectorized:
            return self._apply_vectorized(df, row_ids, k, fault_tolerant)
        return self._apply_rows(df, row_ids, k, fault_tolerant)

    def _apply_vectorized(self, df: pd.DataFrame, row_ids: Any, k: int | None,
                          fault_tolerant: bool) -> tuple[np.ndarray, int]:
        # A copy of just the declared columns (all columns when none are declared): an LF
        # that edits its frame in place cannot change the caller's frame or later LFs' votes.
        # Under pandas' copy-on-write (pandas >= 3) a shallow copy is enough and costs nothing.
        frame = (df[list(self.columns)] if self.columns is not None else df).copy(deep=not _COPY_ON_WRITE)
        object.__setattr__(frame, "_weaklabel_origin", frame_key(df))  # shared per-run caches still hit
        try:
            out = self.func(frame, **self.resources)
        except (Exception, SystemExit) as exc:  # user code (sys.exit too): an LFError
            if fault_tolerant:
                return np.full(len(df), ABSTAIN, dtype=np.int8), len(df)
            raise LFError(
                f"LF {self.name!r} raised {type(exc).__name__}: {exc} (vectorized, on the whole frame)",
                lf_name=self.name,
            ) from exc
        return check_votes(self.name, out, len(df), k, index=row_ids, frame_index=df.index), 0

    def _preprocess(self, row: Any) -> Any:
        for p in self.pre:
            row = p(row)
            if row is None:
                raise LFError(f"preprocessor {getattr(p, 'name', p)!r} of LF {self.name!r} returned None; "
                              "a preprocessor must return the (updated) row", lf_name=self.name)
        return row

    def _apply_rows(self, df: pd.DataFrame, row_ids: Any, k: int | None,
                    fault_tolerant: bool) -> tuple[np.ndarray, int]:
        cols = list(self.columns) if self.columns is not None else list(df.columns)
        arrays = [df[c].tolist() for c in cols]  # Python scalars: natural semantics, fast zip
        func, res = self.func, self.resources
        out: list[Any] = []
        append = out.append
        faults = 0
        # A plain loop over column arrays: ~30x cheaper per row than df.apply(axis=1).
        prep = self._preprocess if self.pre else None
        # an LF that reads no column still votes once per row, on an empty row
        rows = zip(*arrays) if arrays else (() for _ in range(len(df)))
        for i, values in enumerate(rows):
            try:
                row = Row(zip(cols, values))
                append(func(prep(row) if prep else row, **res))
            except (Exception, SystemExit) as exc:  # user code; sys.exit() is a bug there too
                if not fault_tolerant:
                    raise LFError(_row_error(self.name, exc, _py(row_ids[i]), dict(zip(cols, values))),
                                  lf_name=self.name, row_id=_py(row_ids[i])) from exc
                faults += 1
                append(ABSTAIN)
        return check_votes(self.name, out, len(df), k, index=row_ids), faults


def _py(value: Any) -> Any:
    """NumPy scalars as plain Python values, so messages read `8`, not `np.int64(8)`."""
    return value.item() if isinstance(value, np.generic) else value


def _row_error(name: str, exc: BaseException, row_id: Any, row: dict[str, Any]) -> str:
    msg = f"LF {name!r} raised {type(exc).__name__}: {exc} on row id {row_id!r}"
    missing = [c for c, v in row.items() if v is None or (isinstance(v, float) and v != v)]
    if missing:
        msg += (f"; that row has a missing value (NaN/None) in {missing}: fill it "
                f"(df[{missing[0]!r}].fillna('')) or make the LF return ABSTAIN for it")
    return msg + "; pass fault_tolerant=True to abstain on failing rows instead"


def _row_to_frame(row: Any) -> pd.DataFrame:
    if isinstance(row, pd.Series):
        return pd.DataFrame([row.to_dict()], index=[row.name if row.name is not None else 0])
    if hasattr(row, "_asdict"):
        row = row._asdict()
    if isinstance(row, Mapping):
        return pd.DataFrame([dict(row)])
    raise InputTypeError(f"row: expected a dict, pandas Series or namedtuple, got {type(row).__name__}")


def check_lf_name(name: Any) -> str:
    """Check that an LF name is a snake_case identifier usable as a column and key."""
    if not isinstance(name, str) or not _NAME_RE.match(name) or keyword.iskeyword(name):
        raise InputError(
            f"name: LF names must be snake_case identifiers (a-z, 0-9, _; not starting with a digit), "
            f"got {name!r}; e.g. 'keyword_subscribe'"
        )
    return name


_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


def _is_int(v: Any) -> bool:
    """Return an integer vote: int, NumPy integer or an IntEnum member; never a bool."""
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def check_votes(name: str, out: Any, n: int, k: int | None, *, index: Sequence[Any],
                frame_index: pd.Index | None = None) -> np.ndarray:
    """Validate an LF's output and return int8 votes.

    Each failure has its own message: misaligned Series, wrong length or shape,
    bool/float/str/None values, and values outside ``{-1, 0, .., k-1}``.
    """
    if isinstance(out, pd.DataFrame):
        raise LFError(f"LF {name!r} returned a DataFrame; return one vote per row "
                      "(a Series or 1-D array)", lf_name=name)
    if isinstance(out, pd.Series):
        if frame_index is not None and not out.index.equals(frame_index):
            raise LFError(
                f"LF {name!r} returned a Series whose index does not match the frame's index; "
                "votes would be misaligned. Return out.to_numpy() built from df's rows, "
                "or out.reindex(df.index)", lf_name=name)
        out = out.to_numpy()
    if isinstance(out, list):
        bad = next((i for i, v in enumerate(out) if not _is_int(v)), None)
        if bad is not None:
            raise LFError(_bad_type_message(name, out[bad], _py(index[bad])), lf_name=name, row_id=_py(index[bad]))
    arr = np.asarray(out)
    if arr.ndim != 1:
        raise LFError(f"LF {name!r} returned shape {arr.shape}; expected ({n},), one vote per row",
                      lf_name=name)
    if arr.shape[0] != n:
        raise LFError(f"LF {name!r} returned {arr.shape[0]} votes for {n} rows; "
                      "expected exactly one vote per row", lf_name=name)
    if arr.dtype.kind == "O":
        values = arr.tolist()
        bad = next((i for i, v in enumerate(values) if not _is_int(v)), None)
        if bad is not None:
            raise LFError(_bad_type_message(name, arr[bad], _py(index[bad])), lf_name=name, row_id=_py(index[bad]))
        huge = next((i for i, v in enumerate(values) if not -2**63 <= int(v) < 2**63), None)
        if huge is not None:  # would overflow int64 below: name the LF and the row instead
            raise LFError(f"LF {name!r} returned {int(values[huge])} (first at row id {_py(index[huge])!r}); "
                          "return a class index or ABSTAIN (-1)", lf_name=name, row_id=_py(index[huge]))
        arr = np.array([int(v) for v in values], dtype=np.int64)
    if arr.dtype.kind == "b":
        raise LFError(
            f"LF {name!r} returned booleans; expected integer votes (a class or ABSTAIN = -1). "
            "Fix: np.where(mask, LABELS.<class>, ABSTAIN)", lf_name=name)
    if arr.dtype.kind not in "iu":
        raise LFError(
            f"LF {name!r} returned dtype {arr.dtype}; expected integer votes (a class or ABSTAIN = -1). "
            "Fix: use ABSTAIN instead of NaN and cast with .astype(int)", lf_name=name)
    hi = k - 1 if k is not None else 126
    outside = (arr < ABSTAIN) | (arr > hi)
    if outside.any():
        first = int(np.argmax(outside))
        allowed = "{-1, " + ", ".join(str(i) for i in range(k)) + "}" if k is not None else "-1..126"
        raise LFError(
            f"LF {name!r} returned values {describe_values(arr[outside])} outside {allowed}"
            f" (first at row id {_py(index[first])!r}); return a class index or ABSTAIN (-1)",
            lf_name=name, row_id=_py(index[first]))
    return arr.astype(np.int8)


def _bad_type_message(name: str, value: Any, row_id: Any) -> str:
    if value is None:
        hint = "return ABSTAIN (-1) to abstain instead of None"
    elif isinstance(value, (bool, np.bool_)):
        hint = "return a class (e.g. LABELS.spam) or ABSTAIN, not a bool"
    elif isinstance(value, str):
        hint = f"return the class index (e.g. LABELS.{value}) rather than its name"
    elif isinstance(value, (float, np.floating)):
        hint = "return an int class index or ABSTAIN, not a float"
    else:
        hint = "return an int class index or ABSTAIN"
    return (f"LF {name!r} returned {type(value).__name__} {value!r} on row id {row_id!r}; "
            f"expected an int in {{-1, 0, .., k-1}}: {hint}")


def labeling_function(
    name: str | None = None,
    *,
    columns: Sequence[str] | None = None,
    resources: Mapping[str, Any] | None = None,
    vectorized: bool = False,
    pre: Sequence[Callable[[Any], Any]] | None = None,
) -> Callable[[Callable[..., Any]], LabelingFunction]:
    """Turn a function into a :class:`LabelingFunction` (a decorator).

    Parameters
    ----------
    name : str, optional
        Defaults to the function's ``__name__``.
    columns, resources, vectorized, pre
        See :class:`LabelingFunction`.

    Examples
    --------
    >>> @labeling_function(columns=["text"])
    ... def lf_check_out(row):
    ...     return 1 if "check out" in row.text.lower() else ABSTAIN
    """
    if callable(name):
        raise InputTypeError(
            "labeling_function must be called: write @labeling_function() (with parentheses), "
            "or @labeling_function(columns=[...])"
        )

    def decorator(f: Callable[..., Any]) -> LabelingFunction:
        lf = LabelingFunction(name or f.__name__, f, columns=columns, resources=resources,
                              vectorized=vectorized, pre=pre)
        lf.__doc__ = f.__doc__
        return lf

    return decorator


def as_labeling_function(obj: Any) -> LabelingFunction:
    """Accept a weaklabel LF, a ``snorkel.labeling.LabelingFunction`` or one from :mod:`weaklabel.compat.snorkel`."""
    if isinstance(obj, LabelingFunction):
        return obj
    if type(obj).__module__.startswith("weaklabel.compat.snorkel.") and hasattr(obj, "name") and callable(obj):
        # weaklabel's Snorkel-compatible LFs: rows built from column arrays (no iterrows).
        def run_compat(df: pd.DataFrame, _lf: Any = obj) -> np.ndarray:
            from ._rows import frame_rows

            return np.fromiter((_lf(x) for x in frame_rows(df)), dtype=np.int64, count=len(df))

        return LabelingFunction(obj.name, run_compat, vectorized=True)
    if type(obj).__module__.startswith("snorkel.") and hasattr(obj, "name") and callable(obj):
        # Snorkel LFs (and their preprocessors) expect a pandas Series per row, as
        # Snorkel's PandasLFApplier gives them; feed exactly that so votes match.
        def run_snorkel(df: pd.DataFrame, _lf: Any = obj) -> np.ndarray:
            return np.fromiter((_lf(row) for _, row in df.iterrows()), dtype=np.int64, count=len(df))

        return LabelingFunction(obj.name, run_snorkel, vectorized=True)
    raise InputTypeError(
        f"lfs: expected weaklabel LabelingFunctions (use @labeling_function or a template), "
        f"got {type(obj).__name__} {obj!r}"
    )
