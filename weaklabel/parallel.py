"""Process-parallel row-wise LFs: row blocks across worker processes (fork), int8 back.

Workers inherit the LFs and the frame through fork (nothing is pickled but the
votes), so closures and lambdas work; memory stays bounded by one block of votes
per task.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

_WORK: dict[str, Any] = {}


def _run_block(bounds: tuple[int, int]) -> tuple[int, list[tuple[np.ndarray, int, float]]]:
    start, stop = bounds
    lfs, df, row_ids, k, tolerant = (_WORK[key] for key in ("lfs", "df", "row_ids", "k", "tolerant"))
    block = df.iloc[start:stop]
    out = []
    for lf in lfs:
        t0 = time.perf_counter()
        votes, faults = lf._apply(block, row_ids[start:stop], k, fault_tolerant=tolerant)
        out.append((votes, faults, time.perf_counter() - t0))
    return start, out


def apply_rowwise_parallel(lfs: list, df: pd.DataFrame, row_ids: np.ndarray, k: int | None,
                           fault_tolerant: bool, n_jobs: int) -> dict[int, tuple[np.ndarray, int, float]]:
    """Votes, faults and summed worker seconds of each row-wise LF (keyed by position in ``lfs``)."""
    n = len(df)
    n_blocks = min(n, n_jobs * 4)  # a few blocks per worker balances uneven rows
    edges = np.linspace(0, n, n_blocks + 1).astype(int)
    bounds = [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]
    _WORK.update(lfs=lfs, df=df, row_ids=row_ids, k=k, tolerant=fault_tolerant)
    votes = {j: np.empty(n, dtype=np.int8) for j in range(len(lfs))}
    faults = dict.fromkeys(range(len(lfs)), 0)
    secs = dict.fromkeys(range(len(lfs)), 0.0)
    try:
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=mp.get_context("fork")) as pool:
            for start, results in pool.map(_run_block, bounds):
                for j, (col, f, t) in enumerate(results):
                    votes[j][start:start + col.size] = col
                    faults[j] += f
                    secs[j] += t
    finally:
        _WORK.clear()
    return {j: (votes[j], faults[j], secs[j]) for j in range(len(lfs))}
