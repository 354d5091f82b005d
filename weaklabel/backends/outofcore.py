"""Out-of-core labeling: Parquet larger than memory, streamed in chunks.

Pass 1 applies the LFs chunk by chunk (pyarrow batches), keeps each chunk's unique
vote patterns and each row's pattern on disk and adds up vote-pattern counts; the label
model is fitted once on the merged counts (exact for models that fit on patterns). Pass 2
scores each chunk's patterns once, spreads the scores to the rows, and appends to one
Parquet file, committed together with ``summary.json``
(``weaklabel._runfolder``: a kill leaves the previous run or this one). Memory is bounded by
one chunk plus the unique patterns.
"""

from __future__ import annotations

import json
import os
import resource
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._runfolder import RunWriter, files_manifest
from ..apply import apply_lfs
from ..exceptions import InputError
from ..io.suite import LFSuite, load_suite
from ..matrix import compress
from ..models.registry import make_model


def merge_patterns(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Merge (patterns, counts) pairs into one set of unique patterns with summed counts."""
    P = np.concatenate([p for p, _ in parts])
    c = np.concatenate([c for _, c in parts])
    vp = compress(P)
    return vp.patterns, np.bincount(vp.inverse, weights=c, minlength=vp.patterns.shape[0]).astype(np.int64)


def _check_unique_ids(hashes: np.ndarray, chunk_files: list[Path], id_column: str) -> None:
    """Refuse ids repeated across chunks, as one in-memory frame would be refused.

    Candidates come from equal 64-bit hashes; the ids themselves are then compared, so a
    hash collision is never reported as a duplicate.
    """
    order = np.sort(hashes)
    dup_hashes = np.unique(order[1:][order[1:] == order[:-1]])
    if dup_hashes.size == 0:
        return
    seen: dict[str, int] = {}
    for f in chunk_files:
        with np.load(f, allow_pickle=False) as z:
            ids = z["row_ids"].astype(str)
        hit = np.isin(pd.util.hash_array(ids), dup_hashes)
        for rid in ids[hit].tolist():
            seen[rid] = seen.get(rid, 0) + 1
    repeated = sorted(r for r, c in seen.items() if c > 1)
    if repeated:
        raise InputError(f"id_column: {id_column!r} has ids that repeat across chunks {repeated[:5]}; row ids "
                         "must be unique in the whole file")


def run_out_of_core(path: str | os.PathLike[str], lfs: str | LFSuite, *, out: str | os.PathLike[str],
                    chunksize: int = 1_000_000, model: str = "label_model", id_column: str | None = None,
                    fault_tolerant: bool = False) -> dict[str, Any]:
    """Label a Parquet dataset chunk by chunk; writes ``labels.parquet`` and ``summary.json``.

    Parameters
    ----------
    path : path to a Parquet file
    lfs : LF suite (path or module name) or LFSuite
    out : output folder
    chunksize : int, default 1_000_000
        Rows per chunk.
    model : {"label_model", "majority", "dawid_skene"}
        Must support ``fit_patterns``.
    id_column : str, optional
        Row ids; default the global row number.

    Returns
    -------
    dict with rows, chunks, patterns, seconds per phase and peak RSS (MB).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if chunksize < 1:
        raise InputError(f"chunksize: expected a positive number of rows, got {chunksize}")
    src = Path(path)
    if not src.is_file():
        raise InputError(f"data: no such Parquet file {str(src)!r}")
    suite = load_suite(lfs) if isinstance(lfs, str) else lfs
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    pf = pq.ParquetFile(src)
    if id_column is not None and id_column not in pf.schema_arrow.names:
        raise InputError(f"id_column: {id_column!r} is not a column of {str(src)!r}; columns: "
                         f"{pf.schema_arrow.names}")
    t0 = time.perf_counter()
    id_hashes: list[np.ndarray] = []
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    n_rows = 0
    w = RunWriter(out)   # the previous run stays whole until this one is
    # chunk votes go to a scratch folder named like a staged output: removed if this run dies
    with w, tempfile.TemporaryDirectory(prefix=f".stage-{os.getpid()}-{w.run_id[:12]}-chunks", dir=out) as tmpdir:
        chunk_files = []
        for i, batch in enumerate(pf.iter_batches(batch_size=chunksize)):
            df = batch.to_pandas()
            ids = df.pop(id_column).to_numpy() if id_column else np.arange(n_rows, n_rows + len(df))
            if id_column:  # 8 bytes per row to find ids repeated across chunks (one chunk: apply_lfs checks)
                id_hashes.append(pd.util.hash_array(ids.astype(str)))
            df.index = pd.Index(ids, name="row_id")
            L = apply_lfs(suite.lfs, df, label_space=suite.labels, fault_tolerant=fault_tolerant)
            f = Path(tmpdir) / f"chunk{i:06d}.npz"
            vp = compress(L.votes)
            # the chunk's patterns and each row's pattern, not its votes: pass 2 scores each pattern once
            inverse = vp.inverse.astype(np.int32) if vp.patterns.shape[0] < 2**31 else vp.inverse
            np.savez(f, patterns=vp.patterns, inverse=inverse,
                     row_ids=ids if ids.dtype.kind in "iuf" else ids.astype(str))
            chunk_files.append(f)
            parts.append((vp.patterns, vp.counts))
            if len(parts) >= 8:  # keep the running set of patterns small
                parts = [merge_patterns(parts)]
            n_rows += len(df)
        if n_rows == 0:
            raise InputError(f"data: {src} has no rows")
        if id_column:
            _check_unique_ids(np.concatenate(id_hashes), chunk_files, id_column)
        patterns, counts = merge_patterns(parts)
        t1 = time.perf_counter()
        est = make_model(model, cardinality=suite.labels.cardinality)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            est.fit_patterns(patterns, counts, lf_names=[lf.name for lf in suite.lfs], label_space=suite.labels)
        t2 = time.perf_counter()
        names = suite.labels.names
        label_counts = np.zeros(len(names) + 1, dtype=np.int64)
        labels = w.path("labels.parquet")
        writer = None
        try:
            for f in chunk_files:
                with np.load(f, allow_pickle=False) as z:
                    pats, inverse, ids = z["patterns"], z["inverse"], z["row_ids"]
                # every column is a function of the row's vote pattern: computed per pattern, then
                # spread to the rows (a model scores each row from its own votes alone)
                p_probs = est.predict_proba(pats)
                p_n_votes = (pats >= 0).sum(axis=1)
                p_lo = np.where(pats >= 0, pats, 127).min(axis=1)
                p_conflict = (p_n_votes > 0) & (p_lo != pats.max(axis=1))
                probs = p_probs[inverse]
                pred = p_probs.argmax(axis=1)[inverse]
                cols = {"row_id": ids, **{f"p_{n}": probs[:, c] for c, n in enumerate(names)},
                        "label": np.asarray(names, dtype=object)[pred], "confidence": p_probs.max(axis=1)[inverse],
                        "n_votes": p_n_votes[inverse], "conflict": p_conflict[inverse]}
                table = pa.Table.from_pydict(cols)
                writer = writer or pq.ParquetWriter(labels, table.schema)
                writer.write_table(table)
                label_counts[: len(names)] += np.bincount(pred, minlength=len(names))
        finally:
            if writer is not None:
                writer.close()
        t3 = time.perf_counter()
        summary = {"rows": n_rows, "chunks": len(chunk_files), "chunksize": chunksize, "lfs": len(suite.lfs),
                   "patterns": int(patterns.shape[0]), "model": type(est).__name__,
                   "class_balance": est.class_balance_.tolist(),
                   "label_counts": {n: int(c) for n, c in zip(names, label_counts)},
                   "seconds": {"apply_and_count": t1 - t0, "fit": t2 - t1, "predict_and_write": t3 - t2,
                               "total": t3 - t0},
                   "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
        summary |= {"run_id": w.run_id, "files": files_manifest(out, {"labels": labels.name})}
        w.path("summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        w.commit()
    return summary
