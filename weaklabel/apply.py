"""apply_lfs: run a suite of LFs over a frame and build the LabelMatrix."""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from collections.abc import Iterable, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from ._runcache import run_scope
from ._validation import check_columns, repeated
from .cache import VoteCache
from .exceptions import FaultWarning, InputError, InputTypeError
from .labels import LabelSpace
from .lf import LabelingFunction, as_labeling_function
from .matrix import ApplyReport, LabelMatrix

log = logging.getLogger(__name__)

# Show a progress bar by default only when the work is large and a person is watching.
_PROGRESS_MIN_CELLS = 2_000_000


def apply_lfs(
    lfs: Iterable[Any],
    df: pd.DataFrame,
    *,
    label_space: LabelSpace | Sequence[str] | None = None,
    id_column: str | None = None,
    fault_tolerant: bool = False,
    progress: bool | None = None,
    n_jobs: int = 1,
    cache: str | os.PathLike[str] | VoteCache | None = None,
) -> LabelMatrix:
    """Apply labeling functions to every row of ``df``.

    Parameters
    ----------
    lfs : iterable of LabelingFunction
        weaklabel LFs or Snorkel ``LabelingFunction`` objects. Names must be unique.
    df : pandas.DataFrame
        The items. Declared LF columns are checked before any LF runs.
    label_space : LabelSpace or list of str, optional
        When given, votes are checked against ``{-1, 0, .., k-1}`` and kept with ``L``.
    id_column : str, optional
        Column holding stable row ids; defaults to the frame's index. Ids must be unique.
    fault_tolerant : bool, default False
        If False, an exception inside an LF raises ``LFError`` naming the LF and the
        row id. If True, the LF abstains on that row, faults are counted per LF, and
        one ``FaultWarning`` summarises them.
    progress : bool, optional
        Show a tqdm bar; by default only for large runs on a terminal.
    n_jobs : int, default 1
        Processes for row-wise LFs (the frame is split into row blocks; vectorized
        LFs run in this process, they are fast already). The result is identical
        to ``n_jobs=1``, bit for bit. -1 = one per CPU.
    cache : path or VoteCache, optional
        Reuse each LF's votes from this folder when neither the LF nor the data it
        reads changed; ``L.apply_report.cache_hits`` / ``cache_misses`` say which.

    Returns
    -------
    LabelMatrix
        ``L.votes`` is int8 of shape (n_rows, n_lfs); ``L.apply_report`` holds seconds
        and faults per LF.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaklabel import keyword_lf
    >>> df = pd.DataFrame({"text": ["check out my channel", "great song", "subscribe to my channel",
    ...                             "love this song"]}, index=["a", "b", "c", "d"])
    >>> L = apply_lfs([keyword_lf("channel", "subscribe", label=1, name="promo"),
    ...                keyword_lf("song", label=0, name="about_song")], df)
    >>> L.votes.tolist()
    [[1, -1], [-1, 0], [1, -1], [-1, 0]]
    >>> L.lf_names, L.row_ids.tolist()
    (('promo', 'about_song'), ['a', 'b', 'c', 'd'])
    """
    lf_list = _check_lfs(lfs)
    label_space = _check_frame_and_labels(df, label_space)
    row_ids = _row_ids(df, id_column)
    _check_declared_columns(lf_list, df)  # fail fast: before any LF spends time

    k = label_space.cardinality if label_space is not None else None
    n, m = len(df), len(lf_list)
    # column-major while LFs fill it (each writes one contiguous column, not every m-th byte);
    # row-major once full, as the models read rows
    votes = np.empty((n, m), dtype=np.int8, order="F")
    report = ApplyReport()
    show = progress if progress is not None else (n * m >= _PROGRESS_MIN_CELLS and sys.stderr.isatty())
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=m, desc="applying LFs", unit="lf")
    store = VoteCache(cache) if cache is not None and not isinstance(cache, VoteCache) else cache
    with run_scope():
        keys, todo = _from_cache(store, lf_list, df, k, votes, report)
        n_jobs = (os.cpu_count() or 1) if n_jobs == -1 else int(n_jobs)
        rowwise = [j for j in todo if not lf_list[j].vectorized]
        if n_jobs > 1 and rowwise and n >= 2 * n_jobs:
            _run_parallel({j: lf_list[j] for j in rowwise}, df, row_ids, k, fault_tolerant, n_jobs, votes, report)
            done = set(rowwise)
            todo = [j for j in todo if j not in done]
            if bar is not None:
                bar.update(len(rowwise))
        for j in todo:
            _run_one(lf_list[j], j, df, row_ids, k, fault_tolerant, votes, report)
            if bar is not None:
                bar.set_postfix_str(lf_list[j].name)
                bar.update(1)
        if store is not None:
            for j in report_misses(lf_list, report):
                store.put(keys[j], votes[:, j])
    if bar is not None:
        bar.close()
    _warn_faults(report)
    log.info("applied %d LFs to %d rows in %.3fs", m, n, sum(report.seconds.values()))
    return LabelMatrix(np.ascontiguousarray(votes), [lf.name for lf in lf_list], row_ids, label_space,
                       apply_report=report)


def _check_frame_and_labels(df: Any, label_space: LabelSpace | Sequence[str] | None) -> LabelSpace | None:
    if not isinstance(df, pd.DataFrame):
        raise InputTypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}; "
                             "wrap records with pd.DataFrame(...)")
    if isinstance(label_space, (list, tuple)):
        label_space = LabelSpace(label_space)
    if label_space is not None and not isinstance(label_space, LabelSpace):
        raise InputTypeError(f"label_space: expected a LabelSpace or list of names, got {label_space!r}")
    if len(df) == 0:
        raise InputError(f"df: expected at least one row, got an empty frame with columns "
                         f"{[str(c) for c in df.columns]}; check the data source or filter")
    return label_space


def _check_declared_columns(lf_list: list[LabelingFunction], df: pd.DataFrame) -> None:
    """Every column any LF declares, checked at once, naming the LFs that need the missing ones."""
    needed: dict[str, list[str]] = {}
    for lf in lf_list:
        for c in lf.columns or ():
            needed.setdefault(c, []).append(lf.name)
    missing = [c for c in needed if c not in df.columns]
    if missing:
        who = sorted({n for c in missing for n in needed[c]})
        check_columns(df, missing, who=f"LF(s) {who}")


def _from_cache(store: VoteCache | None, lf_list: list[LabelingFunction], df: pd.DataFrame, k: int | None,
                votes: np.ndarray, report: ApplyReport) -> tuple[dict[int, str | None], list[int]]:
    """Fill the columns the cache holds; return each LF's cache key and the LFs still to run."""
    keys: dict[int, str | None] = {}
    todo = []
    for j, lf in enumerate(lf_list):
        if store is not None:
            keys[j] = store.key(lf, df, k)
            hit = store.get(keys[j], len(df))
            if hit is not None:
                votes[:, j] = hit
                report.seconds[lf.name], report.faults[lf.name] = 0.0, 0
                report.cache_hits.append(lf.name)
                continue
            report.cache_misses.append(lf.name)
        todo.append(j)
    return keys, todo


def _run_parallel(lfs: dict[int, LabelingFunction], df: pd.DataFrame, row_ids: np.ndarray, k: int | None,
                  fault_tolerant: bool, n_jobs: int, votes: np.ndarray, report: ApplyReport) -> None:
    """Run the row-wise LFs ``lfs`` (column -> LF) in ``n_jobs`` processes, into ``votes``."""
    from .parallel import apply_rowwise_parallel

    cols = list(lfs)
    for i, (col, faults, secs) in apply_rowwise_parallel(
            [lfs[j] for j in cols], df, row_ids, k, fault_tolerant, n_jobs).items():
        j = cols[i]
        votes[:, j] = col
        report.seconds[lfs[j].name], report.faults[lfs[j].name] = secs, faults


def _run_one(lf: LabelingFunction, j: int, df: pd.DataFrame, row_ids: np.ndarray, k: int | None,
             fault_tolerant: bool, votes: np.ndarray, report: ApplyReport) -> None:
    t0 = time.perf_counter()
    votes[:, j], faults = lf._apply(df, row_ids, k, fault_tolerant=fault_tolerant)
    report.seconds[lf.name] = time.perf_counter() - t0
    report.faults[lf.name] = faults


def _warn_faults(report: ApplyReport) -> None:
    faulty = {name: n for name, n in report.faults.items() if n}
    if faulty:
        warnings.warn(
            f"{sum(faulty.values())} LF call(s) raised and abstained (fault_tolerant=True): "
            + ", ".join(f"{name}: {cnt} rows" for name, cnt in faulty.items()),
            FaultWarning, stacklevel=3)


def report_misses(lf_list: list[LabelingFunction], report: ApplyReport) -> list[int]:
    """Columns of the LFs that missed the vote cache and ran without a fault: the ones to cache now."""
    missed = set(report.cache_misses)
    return [j for j, lf in enumerate(lf_list) if lf.name in missed and not report.faults.get(lf.name)]


def _check_lfs(lfs: Iterable[Any]) -> list[LabelingFunction]:
    if isinstance(lfs, (LabelingFunction, str)) or not isinstance(lfs, Iterable):
        raise InputTypeError(f"lfs: expected a list of labeling functions, got {type(lfs).__name__}")
    lf_list = [as_labeling_function(lf) for lf in lfs]
    if not lf_list:
        raise InputError("lfs: got an empty list; write at least one labeling function")
    names = [lf.name for lf in lf_list]
    dupes = repeated(names)
    if dupes:
        raise InputError(
            f"lfs: LF names must be unique (they are the matrix columns), but {dupes} appear more "
            "than once; rename with @labeling_function(name=...) or name=... in the template")
    return lf_list


def _row_ids(df: pd.DataFrame, id_column: str | None) -> np.ndarray:
    if id_column is not None:
        check_columns(df, [id_column], who="id_column")
        ids = df[id_column]
        where = f"column {id_column!r}"
    else:
        ids = df.index.to_series()
        where = "the frame's index"
    if ids.isna().any():
        raise InputError(f"id_column: {where} has missing row ids; every row needs a stable id")
    dup = ids[ids.duplicated()]
    if len(dup):
        raise InputError(
            f"id_column: row ids in {where} must be unique, but {dup.unique()[:5].tolist()} repeat; "
            "pass id_column= with a unique key or reset_index(drop=True)")
    return cast("np.ndarray", ids.to_numpy())
