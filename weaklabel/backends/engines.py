"""``weaklabel run --engine dask|spark``: the main job on a cluster.

Input: Parquet (a file, a folder or a glob; remote URLs such as ``s3://`` where fsspec
and its filesystem package are installed). Each partition gets the LF suite; the vote
patterns are counted per partition and added up, the label model is fitted once on the
counts (exact for the pattern-fitting models), and labels are written per partition as a
Parquet dataset with the columns of ``labels.csv``, plus ``summary.json``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._atomic import check_out_dir
from .._runfolder import RunWriter, files_manifest
from ..exceptions import InputError, require
from ..io.suite import LFSuite, load_suite
from ..io.tables import labels_frame
from ..models.registry import make_model
from . import ENGINES


def _meta(label_names: list[str]) -> pd.DataFrame:
    cols: dict[str, Any] = {"row_id": pd.Series(dtype="string")}
    cols |= {f"p_{n}": pd.Series(dtype="float64") for n in label_names}
    cols |= {"label": pd.Series(dtype="string"), "confidence": pd.Series(dtype="float64"),
             "source": pd.Series(dtype="string"), "n_votes": pd.Series(dtype="int64"),
             "conflict": pd.Series(dtype=bool), "covered": pd.Series(dtype=bool)}
    return pd.DataFrame(cols)


def _labels_of(votes: np.ndarray, row_ids: Any, est: Any, names: list[str]) -> pd.DataFrame:
    if len(votes) == 0:
        return _meta(names)
    preds, probs = est.predict(votes, tie_break_policy="abstain", return_probs=True)  # no votes: no label
    frame = labels_frame(np.asarray(row_ids, dtype=object), probs, preds, votes, names)
    return frame.astype({"row_id": "string", "label": "string", "source": "string", "n_votes": "int64"})


def run_distributed(engine: str, data: str, lfs: str | LFSuite, *, out: str, id_column: str | None,
                    model: str = "label_model", scheduler: str | None = None, master: str | None = None,
                    fault_tolerant: bool = False) -> dict[str, Any]:
    """Apply, fit and label on Dask or Spark; returns the summary written beside the labels.

    Parameters
    ----------
    engine : {"dask", "spark"}
    data : str
        Parquet file, folder or glob (or a remote URL).
    id_column : str
        A column of unique row ids (required: rows have no global position on a cluster).
    scheduler : str, optional
        A Dask scheduler address; default: a local cluster of 2 worker processes.
    master : str, optional
        A Spark master URL; default ``local[*]``.
    """
    if engine not in ("dask", "spark"):
        raise InputError(f"engine: expected one of {list(ENGINES)}, got {engine!r}")
    if not id_column:
        raise InputError(f"id_column: the {engine} engine needs --id-column, a column of unique row ids "
                         "(rows have no global position on a cluster)")
    suite = load_suite(lfs) if isinstance(lfs, str) else lfs
    names = list(suite.labels.names)
    folder = check_out_dir(out, "out")
    est = make_model(model, cardinality=suite.labels.cardinality)
    t0 = time.perf_counter()
    runner = _run_dask if engine == "dask" else _run_spark
    with RunWriter(folder) as w:   # the previous run stays whole until this one is
        labels = w.path("labels.parquet")
        n_rows, where = runner(data, suite, est, names, labels, id_column,
                               scheduler if engine == "dask" else master, fault_tolerant)
        summary = {"run_id": w.run_id, "engine": engine, "data": str(data), "lfs": suite.name, "model": model,
                   "rows": int(n_rows), "lf_names": list(est.lf_names_in_ or []), "labels": names,
                   "class_balance": dict(zip(names, np.round(est.class_balance_, 6).tolist())),
                   "labels_path": str(folder / "labels.parquet"), "cluster": where,
                   "seconds": round(time.perf_counter() - t0, 3),
                   "files": files_manifest(folder, {"labels": labels.name})}
        w.path("summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        w.commit()
    return summary


def _run_dask(data: str, suite: Any, est: Any, names: list[str], labels: Path, id_column: str, scheduler: str | None,
              fault_tolerant: bool) -> tuple[int, str]:
    dd = require("dask.dataframe", extra="dask", feature="the Dask engine")
    distributed = require("distributed", extra="dask", feature="the Dask engine")
    from .dask import apply_lfs_dask, fit_dask

    cluster = None
    if scheduler:
        client = distributed.Client(scheduler)
    else:
        # quiet unless --verbose: an LF's error reaches the user once, as weaklabel's Error line,
        # not also as each worker's log and traceback
        quiet = not logging.getLogger().isEnabledFor(logging.INFO)
        if quiet:   # the scheduler runs in this process and logs at INFO on its own
            logging.getLogger("distributed").setLevel(logging.CRITICAL)
        # ":0": the scheduler's HTTP routes on a free port (8787 may be taken: another run)
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0",
                                           silence_logs=logging.CRITICAL if quiet else logging.INFO)
        client = distributed.Client(cluster)
    try:
        ddf = dd.read_parquet(data)
        if id_column not in ddf.columns:
            raise InputError(f"id_column: {id_column!r} is not a column of {data}; it has {list(ddf.columns)}")
        # ids as text, set per partition (no global shuffle)
        ddf = ddf.map_partitions(lambda p: p.set_index(p[id_column].astype(str).rename(None)))
        votes = apply_lfs_dask(suite.lfs, ddf, label_space=suite.labels, fault_tolerant=fault_tolerant).persist()
        fit_dask(est, votes, label_space=suite.labels)
        frame = votes.map_partitions(lambda p: _labels_of(p.to_numpy(dtype=np.int8), p.index, est, names),
                                     meta=_meta(names))
        frame.to_parquet(str(labels), write_index=False)
        n = int(votes.shape[0].compute())
        where = client.scheduler.address if hasattr(client.scheduler, "address") else str(client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return n, where


def _run_spark(data: str, suite: Any, est: Any, names: list[str], labels: Path, id_column: str, master: str | None,
               fault_tolerant: bool) -> tuple[int, str]:
    require("pyspark", extra="spark", feature="the Spark engine")
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from .spark import apply_lfs_spark, fit_spark

    spark = SparkSession.builder.master(master or "local[*]").appName("weaklabel").getOrCreate()
    sdf = spark.read.parquet(str(data))
    if id_column not in sdf.columns:
        raise InputError(f"id_column: {id_column!r} is not a column of {data}; it has {sdf.columns}")
    sdf = sdf.withColumn(id_column, F.col(id_column).cast("string"))
    lf_names = [lf.name for lf in suite.lfs]
    votes = apply_lfs_spark(suite.lfs, sdf, label_space=suite.labels, keep=[id_column],
                            fault_tolerant=fault_tolerant).cache()
    fit_spark(est, votes, lf_names=lf_names, label_space=suite.labels)
    schema = T.StructType([T.StructField("row_id", T.StringType(), False)]
                          + [T.StructField(f"p_{n}", T.DoubleType(), False) for n in names]
                          + [T.StructField("label", T.StringType(), False),
                             T.StructField("confidence", T.DoubleType(), False),
                             T.StructField("source", T.StringType(), False),
                             T.StructField("n_votes", T.LongType(), False),
                             T.StructField("conflict", T.BooleanType(), False),
                             T.StructField("covered", T.BooleanType(), False)])

    def labels_of(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for pdf in batches:
            if len(pdf):
                yield _labels_of(pdf[lf_names].to_numpy(dtype=np.int8), pdf[id_column].to_numpy(), est, names)

    votes.mapInPandas(labels_of, schema=schema).write.mode("overwrite").parquet(str(labels))
    n = votes.count()
    votes.unpersist()
    return int(n), str(spark.sparkContext.master)
