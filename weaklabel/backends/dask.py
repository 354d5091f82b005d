"""Dask backend: LFs per partition, vote-pattern counts aggregated, one fit, predictions per partition.

Because label models fit on pattern counts, fitting on the aggregated counts is exact:
the model equals the one fitted on the whole matrix in memory.

    votes = apply_lfs_dask(LFS, ddf, label_space=LABELS)
    model = fit_dask(LabelModel(), votes, label_space=LABELS)
    predict_to_parquet(model, votes, "labels/", label_names=LABELS.names)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..apply import apply_lfs
from ..exceptions import InputError, require
from ..labels import LabelSpace
from ..lf import as_labeling_function
from ..matrix import compress
from .outofcore import merge_patterns

require("dask.dataframe", extra="dask", feature="the Dask backend")


def apply_lfs_dask(lfs: Sequence[Any], ddf: Any, *, label_space: LabelSpace | None = None,
                   fault_tolerant: bool = False) -> Any:
    """Return a lazy Dask DataFrame of int8 votes (one column per LF), partitioned like ``ddf``."""
    lf_list = [as_labeling_function(lf) for lf in lfs]
    names = [lf.name for lf in lf_list]
    meta = pd.DataFrame({n: pd.Series(dtype="int8") for n in names})

    def votes_of(pdf: pd.DataFrame) -> pd.DataFrame:
        if len(pdf) == 0:
            return meta.copy()
        L = apply_lfs(lf_list, pdf, label_space=label_space, fault_tolerant=fault_tolerant, progress=False)
        return pd.DataFrame(L.votes, columns=names, index=pdf.index)

    return ddf.map_partitions(votes_of, meta=meta)


def pattern_counts(votes_ddf: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return the unique vote patterns and their counts over all partitions (computed)."""
    names = list(votes_ddf.columns)
    meta = pd.DataFrame({**{n: pd.Series(dtype="int8") for n in names}, "_count": pd.Series(dtype="int64")})

    def per_partition(pdf: pd.DataFrame) -> pd.DataFrame:
        if len(pdf) == 0:
            return meta.copy()
        vp = compress(pdf.to_numpy(dtype=np.int8))
        frame = pd.DataFrame(vp.patterns, columns=names)
        frame["_count"] = vp.counts
        return frame

    parts = votes_ddf.map_partitions(per_partition, meta=meta).compute()
    if parts.empty:
        return np.zeros((0, len(names)), np.int8), np.zeros(0, np.int64)
    return merge_patterns([(parts[names].to_numpy(dtype=np.int8), parts["_count"].to_numpy(np.int64))])


def check_unique_index(ddf: Any) -> None:
    """Refuse an index whose ids repeat (within or across partitions).

    8 bytes per row come back to the client, and candidates from equal hashes are confirmed by value.
    """
    hashes = ddf.index.map_partitions(
        lambda idx: pd.Series(pd.util.hash_array(np.asarray(idx).astype(str))), meta=(None, "uint64")).compute()
    h = np.sort(hashes.to_numpy())
    dup = np.unique(h[1:][h[1:] == h[:-1]])
    if dup.size == 0:
        return
    cand = ddf.index.map_partitions(
        lambda idx: pd.Series(np.asarray(idx).astype(str))[np.isin(pd.util.hash_array(np.asarray(idx).astype(str)),
                                                                     dup)],
        meta=(None, "object")).compute()
    repeated = sorted(cand[cand.duplicated()].unique().tolist())
    if repeated:
        raise InputError(f"row ids repeat across partitions {repeated[:5]}; each row needs a unique id "
                         "(the Dask index)")


def fit_dask(model: Any, votes_ddf: Any, *, label_space: LabelSpace | None = None) -> Any:
    """Fit ``model`` on the aggregated pattern counts of ``votes_ddf``; returns the model.

    Row ids (the index) must be unique across partitions, as in one in-memory frame.
    """
    check_unique_index(votes_ddf)
    patterns, counts = pattern_counts(votes_ddf)
    return model.fit_patterns(patterns, counts, lf_names=list(votes_ddf.columns), label_space=label_space)


def predict_dask(model: Any, votes_ddf: Any, *, label_names: Sequence[str]) -> Any:
    """Return a lazy Dask DataFrame of ``p_<class>`` columns, ``label`` and ``confidence``."""
    names = list(label_names)
    meta = pd.DataFrame({**{f"p_{n}": pd.Series(dtype="float64") for n in names},
                         "label": pd.Series(dtype="string[pyarrow]"), "confidence": pd.Series(dtype="float64")})

    def probs_of(pdf: pd.DataFrame) -> pd.DataFrame:
        if len(pdf) == 0:
            return meta.copy()
        P = model.predict_proba(pdf.to_numpy(dtype=np.int8))
        out = pd.DataFrame(P, columns=[f"p_{n}" for n in names], index=pdf.index)
        out["label"] = pd.array(np.asarray(names, dtype=object)[P.argmax(axis=1)], dtype="string[pyarrow]")
        out["confidence"] = P.max(axis=1)
        return out

    return votes_ddf.map_partitions(probs_of, meta=meta)


def predict_to_parquet(model: Any, votes_ddf: Any, path: str, *, label_names: Sequence[str]) -> None:
    """Write predictions per partition to a Parquet dataset folder (with a ``row_id`` column)."""
    frame = predict_dask(model, votes_ddf, label_names=label_names)
    frame = frame.reset_index()
    frame = frame.rename(columns={frame.columns[0]: "row_id"})
    frame.to_parquet(path, write_index=False)
