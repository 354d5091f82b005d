"""Spark backend.

LFs per partition with ``mapInPandas``, pattern counts with ``groupBy``, one exact fit on the
counts, predictions as new columns.

    votes = apply_lfs_spark(LFS, sdf, label_space=LABELS)            # a Spark DataFrame
    model = fit_spark(LabelModel(), votes, label_space=LABELS)
    labeled = predict_spark(model, votes, label_names=LABELS.names)  # + p_<class>, label
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..apply import apply_lfs
from ..exceptions import require
from ..labels import LabelSpace
from ..lf import as_labeling_function

require("pyspark", extra="spark", feature="the Spark backend")

from pyspark.sql import types as T  # noqa: E402


def apply_lfs_spark(lfs: Sequence[Any], sdf: Any, *, label_space: LabelSpace | None = None,
                    keep: Sequence[str] = (), fault_tolerant: bool = False) -> Any:
    """Return a Spark DataFrame of the ``keep`` columns plus one byte column of votes per LF."""
    lf_list = [as_labeling_function(lf) for lf in lfs]
    names = [lf.name for lf in lf_list]
    keep = list(keep)
    schema = T.StructType([sdf.schema[c] for c in keep] + [T.StructField(n, T.ByteType(), False) for n in names])

    def votes_of(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for pdf in batches:
            if len(pdf) == 0:
                continue
            pdf = pdf.reset_index(drop=True)
            L = apply_lfs(lf_list, pdf, label_space=label_space, fault_tolerant=fault_tolerant, progress=False)
            out = pdf[keep].copy()
            for j, n in enumerate(names):
                out[n] = L.votes[:, j]
            yield out

    return sdf.mapInPandas(votes_of, schema=schema)


def pattern_counts(votes_sdf: Any, lf_names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return the unique vote patterns and their counts (a ``groupBy`` on the vote columns)."""
    rows = votes_sdf.groupBy(*lf_names).count().toPandas()
    return rows[list(lf_names)].to_numpy(dtype=np.int8), rows["count"].to_numpy(dtype=np.int64)


def fit_spark(model: Any, votes_sdf: Any, *, lf_names: Sequence[str] | None = None,
              label_space: LabelSpace | None = None) -> Any:
    """Fit ``model`` on the pattern counts of ``votes_sdf`` (exact for pattern-fitting models)."""
    names = list(lf_names) if lf_names is not None else [c for c in votes_sdf.columns
                                                          if isinstance(votes_sdf.schema[c].dataType, T.ByteType)]
    patterns, counts = pattern_counts(votes_sdf, names)
    return model.fit_patterns(patterns, counts, lf_names=names, label_space=label_space)


def predict_spark(model: Any, votes_sdf: Any, *, label_names: Sequence[str]) -> Any:
    """``votes_sdf`` plus ``p_<class>``, ``label`` and ``confidence`` columns."""
    lf_names = list(model.lf_names_in_)
    names = list(label_names)
    schema = T.StructType(list(votes_sdf.schema.fields)
                          + [T.StructField(f"p_{n}", T.DoubleType(), False) for n in names]
                          + [T.StructField("label", T.StringType(), False),
                             T.StructField("confidence", T.DoubleType(), False)])

    def probs_of(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for pdf in batches:
            if len(pdf) == 0:
                continue
            P = model.predict_proba(pdf[lf_names].to_numpy(dtype=np.int8))
            out = pdf.copy()
            for c, n in enumerate(names):
                out[f"p_{n}"] = P[:, c]
            out["label"] = np.asarray(names, dtype=object)[P.argmax(axis=1)]
            out["confidence"] = P.max(axis=1)
            yield out

    return votes_sdf.mapInPandas(probs_of, schema=schema)
