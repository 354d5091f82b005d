"""``weaklabel bench scale``.

Labeling 10M x 50 out of core and on a 2-worker Dask cluster, cached re-apply after editing 1 of 10
LFs, and row-wise LFs with n_jobs=2 vs serial vs Snorkel.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from ..apply import apply_lfs
from ..io.suite import LFSuite
from ..labels import ABSTAIN, LabelSpace
from ..lf import labeling_function
from ..templates import threshold_lf

N_COLS = 10


def threshold_suite(n_lfs: int) -> LFSuite:
    """n_lfs threshold LFs over N_COLS numeric columns (votes class 1 high, class 0 low)."""
    labels = LabelSpace(["neg", "pos"])
    lfs = []
    for j in range(n_lfs):
        col, level = f"x{j % N_COLS}", 0.5 + 0.25 * (j // N_COLS)
        lfs.append(threshold_lf(col, ">", level, label=1, name=f"hi_{j}") if j % 2 == 0 else
                   threshold_lf(col, "<", -level, label=0, name=f"lo_{j}"))
    return LFSuite("bench_thresholds", lfs, labels)


def _tables(n_rows: int, chunk: int, seed: int, ids: bool) -> Iterator[Any]:
    """Return the synthetic items, ``chunk`` rows at a time, as Arrow tables (same draws either way)."""
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    for start in range(0, n_rows, chunk):
        m = min(chunk, n_rows - start)
        y = rng.random(m) < 0.4
        cols = {f"x{c}": (rng.normal(size=m) + np.where(y, 0.8, -0.8)).astype(np.float32) for c in range(N_COLS)}
        table = pa.Table.from_pydict(cols)
        yield table.add_column(0, "id", pa.array(np.arange(start, start + m, dtype=np.int64))) if ids else table


def write_parquet(path: Path, n_rows: int, *, chunk: int = 1_000_000, seed: int = 0) -> None:
    """One Parquet file, one row group per chunk (what the out-of-core run streams)."""
    import pyarrow.parquet as pq

    writer = None
    for table in _tables(n_rows, chunk, seed, ids=False):
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    if writer is not None:
        writer.close()


def write_parquet_parts(folder: Path, n_rows: int, *, chunk: int = 1_000_000, seed: int = 0) -> None:
    """Return the same items as :func:`write_parquet`, one file per chunk and an ``id`` column.

    The partitioned dataset a cluster reads.
    """
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    for i, table in enumerate(_tables(n_rows, chunk, seed, ids=True)):
        pq.write_table(table, folder / f"part-{i:05d}.parquet")


def _child_out_of_core(path: str, n_lfs: int, out: str, chunksize: int) -> dict[str, Any]:
    from ..backends.outofcore import run_out_of_core

    return run_out_of_core(path, threshold_suite(n_lfs), out=out, chunksize=chunksize)


def out_of_core(n_rows: int, n_lfs: int, chunksize: int) -> dict[str, Any]:
    """Apply, fit and label ``n_rows`` x ``n_lfs`` out of core in chunks of ``chunksize``.

    Seconds, rows a second, peak memory.
    """
    with tempfile.TemporaryDirectory(prefix="weaklabel-bench-") as tmp:
        path = Path(tmp) / "big.parquet"
        t0 = time.perf_counter()
        write_parquet(path, n_rows, chunk=chunksize)  # the draws depend on the chunk: same as dask_engine's
        gen = time.perf_counter() - t0
        code = ("import json; from weaklabel.bench.scale import _child_out_of_core; "
                f"print(json.dumps(_child_out_of_core({str(path)!r}, {n_lfs}, {str(Path(tmp) / 'out')!r}, "
                f"{chunksize})))")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if proc.returncode:
            return {"error": proc.stderr.strip().splitlines()[-1]}
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        res["generate_seconds"] = gen
        res["parquet_mb"] = path.stat().st_size / 2**20
        return cast("dict[str, Any]", res)


def _child_dask(folder: str, n_lfs: int, out: str) -> dict[str, Any]:
    from ..backends.engines import run_distributed

    res = run_distributed("dask", folder, threshold_suite(n_lfs), out=out, id_column="id")
    res["client_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return res


def dask_engine(n_rows: int, n_lfs: int, chunksize: int) -> dict[str, Any]:
    """Time `run --engine dask` on a 2-worker LocalCluster.

    It runs over the same items as :func:`out_of_core`, written as one Parquet file per chunk, in a
    child process like the out-of-core run.
    """
    with tempfile.TemporaryDirectory(prefix="weaklabel-bench-") as tmp:
        parts = Path(tmp) / "parts"
        t0 = time.perf_counter()
        write_parquet_parts(parts, n_rows, chunk=chunksize)
        gen = time.perf_counter() - t0
        code = ("import json; from weaklabel.bench.scale import _child_dask; "
                f"print(json.dumps(_child_dask({str(parts)!r}, {n_lfs}, {str(Path(tmp) / 'out')!r})))")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if proc.returncode:
            return {"error": (proc.stderr.strip().splitlines() or ["the child process failed"])[-1]}
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        res["generate_seconds"] = gen
        return cast("dict[str, Any]", res)


def _rowwise_lfs(n: int, edited: int | None = None) -> list[Any]:
    lfs = []
    for j in range(n):
        level = 0.5 + 0.1 * j + (0.05 if j == edited else 0.0)

        def f(row: Any, level: float = level, col: str = f"x{j % N_COLS}") -> int:
            v = row[col]
            return 1 if v > level else (0 if v < -level else ABSTAIN)

        lfs.append(labeling_function(name=f"rule_{j}", columns=[f"x{j % N_COLS}"])(f))
    return lfs


def cached_reapply(n_rows: int = 200_000, n_lfs: int = 10) -> dict[str, Any]:
    """Re-apply an unchanged suite with the vote cache, against the first apply."""
    rng = np.random.default_rng(1)
    df = pd.DataFrame({f"x{c}": rng.normal(size=n_rows) for c in range(N_COLS)})
    with tempfile.TemporaryDirectory(prefix="weaklabel-cache-") as cache:
        t0 = time.perf_counter()
        cold = apply_lfs(_rowwise_lfs(n_lfs), df, cache=cache)
        t1 = time.perf_counter()
        warm = apply_lfs(_rowwise_lfs(n_lfs, edited=3), df, cache=cache)
        t2 = time.perf_counter()
    assert warm.apply_report is not None and cold.apply_report is not None  # apply_lfs always reports
    return {"rows": n_rows, "lfs": n_lfs, "cold_seconds": t1 - t0, "edit_one_seconds": t2 - t1,
            "ratio": (t2 - t1) / (t1 - t0), "recomputed": warm.apply_report.cache_misses,
            "cold_misses": len(cold.apply_report.cache_misses)}


def parallel_rowwise(n_rows: int = 200_000, n_lfs: int = 10) -> dict[str, Any]:
    """Row-wise LFs on one process and on every core, with the votes compared."""
    rng = np.random.default_rng(2)
    df = pd.DataFrame({f"x{c}": rng.normal(size=n_rows) for c in range(N_COLS)})
    lfs = _rowwise_lfs(n_lfs)
    t0 = time.perf_counter()
    serial = apply_lfs(lfs, df)
    t1 = time.perf_counter()
    par = apply_lfs(lfs, df, n_jobs=2)
    t2 = time.perf_counter()
    res: dict[str, Any] = {"rows": n_rows, "lfs": n_lfs, "serial_seconds": t1 - t0, "n_jobs2_seconds": t2 - t1,
           "identical": bool(np.array_equal(serial.votes, par.votes))}
    try:
        import snorkel.labeling as sl

        snk = [sl.LabelingFunction(name=lf.name, f=lf.func) for lf in lfs]
        t3 = time.perf_counter()
        sl.PandasLFApplier(snk).apply(df, progress_bar=False)
        res["snorkel_pandas_seconds"] = time.perf_counter() - t3
        try:
            from snorkel.labeling.apply.dask import PandasParallelLFApplier

            t4 = time.perf_counter()
            PandasParallelLFApplier(snk).apply(df, n_parallel=2)
            res["snorkel_parallel_seconds"] = time.perf_counter() - t4
        except Exception as exc:  # noqa: BLE001 - needs dask; report why it did not run
            res["snorkel_parallel_error"] = f"{type(exc).__name__}: {exc}"
    except ImportError as exc:
        res["snorkel_error"] = str(exc)
    return res
