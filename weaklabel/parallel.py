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


def apply_rowwise_parallel(lfs: list[Any], df: pd.DataFrame, row_ids: np.ndarray, k: int | None,
                           fault_tolerant: bool, n_jobs: int) -> dict[int, tuple[np.ndarray, int, float]]:
    """Votes, faults and summed worker seconds of each row-wise LF (keyed by position in ``lfs``).

    A worker process that dies (a segfault, ``os._exit``, the OOM killer) is traced to
    the LF that killed it by running each LF alone: that LF raises ``LFError``, or with
    ``fault_tolerant`` abstains (a fault) on the rows that kill a worker and votes on the
    others, while the other LFs run as usual.
    """
    from concurrent.futures.process import BrokenProcessPool

    try:
        return _run_pool(lfs, df, row_ids, k, fault_tolerant, n_jobs)
    except BrokenProcessPool:
        pass
    crashing = [j for j in range(len(lfs)) if _crashes(lfs[j], df, row_ids, k, fault_tolerant)]
    if not crashing:  # the crash did not repeat (e.g. memory pressure from running all at once)
        return _run_pool(lfs, df, row_ids, k, fault_tolerant, 1)
    if not fault_tolerant:
        from .exceptions import LFError

        name = lfs[crashing[0]].name
        raise LFError(f"LF {name!r} killed its worker process (it died: a segfault in an extension, "
                      "os._exit or running out of memory); run it with n_jobs=1 to see the error, or pass "
                      "fault_tolerant=True to abstain with it", lf_name=name)
    rest = [j for j in range(len(lfs)) if j not in crashing]
    out = {j: _salvage(lfs[j], df, row_ids, k) for j in crashing}
    if rest:
        done = _run_pool([lfs[j] for j in rest], df, row_ids, k, fault_tolerant, n_jobs)
        out.update({rest[i]: v for i, v in done.items()})
    return out


_CHUNK = 256


def _salvage(lf: Any, df: pd.DataFrame, row_ids: np.ndarray, k: int | None) -> tuple[np.ndarray, int, float]:
    """Votes of an LF that kills worker processes on some rows.

    A child process runs it chunk by chunk and records how far it got in shared memory; when it dies,
    the chunk it died in is rerun row by row to find the rows that kill it. Those abstain (faults);
    every other row keeps its vote. Costs one new process per deadly row (and per chunk that held one).
    """
    ctx = mp.get_context("fork")
    n = len(df)
    shared = ctx.RawArray("b", max(n, 1))
    done = ctx.RawValue("q", 0)
    faults_seen = ctx.RawValue("q", 0)
    votes = np.frombuffer(shared, dtype=np.int8, count=n)
    votes[:] = -1
    t0 = time.perf_counter()

    def run(lo: int, hi: int, step: int) -> None:     # in the child: [lo, hi) in steps, progress after each
        for a in range(lo, hi, step):
            b = min(a + step, hi)
            v, f = lf._apply(df.iloc[a:b], row_ids[a:b], k, fault_tolerant=True)
            votes[a:b] = v
            faults_seen.value += f
            done.value = b

    def child(lo: int, hi: int, step: int) -> tuple[bool, int]:
        """Run rows [lo, hi) in a child; (whether it finished, the row it got to)."""
        done.value = lo
        proc = ctx.Process(target=run, args=(lo, hi, step))
        proc.start()
        proc.join()
        return proc.exitcode == 0, int(done.value)

    deadly, pos = 0, 0
    while pos < n:
        finished, reached = child(pos, n, _CHUNK)
        if finished:
            break
        lo, hi = reached, min(reached + _CHUNK, n)   # it died in this chunk: row by row
        while lo < hi:
            finished, reached = child(lo, hi, 1)
            if finished:
                break
            deadly += 1                                  # the row at `reached` kills it
            lo = reached + 1
        pos = hi
    return votes.copy(), deadly + int(faults_seen.value), time.perf_counter() - t0


def _crashes(lf: Any, df: pd.DataFrame, row_ids: np.ndarray, k: int | None, fault_tolerant: bool) -> bool:
    """Whether this LF alone kills a worker process."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        _run_pool([lf], df, row_ids, k, fault_tolerant, 1)
    except BrokenProcessPool:
        return True
    return False


def _run_pool(lfs: list[Any], df: pd.DataFrame, row_ids: np.ndarray, k: int | None,
              fault_tolerant: bool, n_jobs: int) -> dict[int, tuple[np.ndarray, int, float]]:
    def block(start: int, stop: int) -> list[tuple[np.ndarray, int, float]]:
        part, ids, out = df.iloc[start:stop], row_ids[start:stop], []
        for lf in lfs:
            t0 = time.perf_counter()
            col, faults = lf._apply(part, ids, k, fault_tolerant=fault_tolerant)
            out.append((col, faults, time.perf_counter() - t0))
        return out

    votes = {j: np.empty(len(df), dtype=np.int8) for j in range(len(lfs))}
    faults = dict.fromkeys(range(len(lfs)), 0)
    secs = dict.fromkeys(range(len(lfs)), 0.0)
    for start, results in map_row_blocks(block, len(df), n_jobs):
        for j, (col, f, t) in enumerate(results):
            votes[j][start:start + col.size] = col
            faults[j] += f
            secs[j] += t
    return {j: (votes[j], faults[j], secs[j]) for j in range(len(lfs))}


def _run_fn_block(bounds: tuple[int, int]) -> tuple[int, Any]:
    return bounds[0], _WORK["fn"](*bounds)


def map_row_blocks(fn: Any, n: int, n_jobs: int) -> list[tuple[int, Any]]:
    """Run ``fn(start, stop)`` over row blocks of ``range(n)`` in forked worker processes.

    ``fn`` and what it reads are inherited, not pickled; only its results come back, in block order as
    ``(start, result)`` pairs. A worker that dies raises ``BrokenProcessPool``.
    """
    n_blocks = min(n, n_jobs * 4)
    edges = np.linspace(0, n, n_blocks + 1).astype(int)
    bounds = [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]
    _WORK.update(fn=fn)
    try:
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=mp.get_context("fork")) as pool:
            return list(pool.map(_run_fn_block, bounds))
    finally:
        _WORK.clear()
