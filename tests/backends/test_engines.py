"""`weaklabel run --engine dask|spark` gives the local engine's labels, row for row."""

import json
import shutil

import pandas as pd
import pytest

from weaklabel.cli import main
from weaklabel.io.datasets import load_dataset

from ..conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(not (SHARED_DATA / "youtube").is_dir(), reason="needs ../shared/datasets/youtube")


@pytest.fixture(scope="module")
def parquet_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("pq")
    df = load_dataset("youtube", split="train", data_dir=SHARED_DATA).df[["text"]].reset_index(drop=True)
    df.insert(0, "id", [f"{i:05d}" for i in range(len(df))])  # text ids with leading zeros
    df.to_parquet(root / "all.parquet", index=False)
    (root / "parts").mkdir()
    half = len(df) // 2
    df.iloc[:half].to_parquet(root / "parts" / "a.parquet", index=False)
    df.iloc[half:].to_parquet(root / "parts" / "b.parquet", index=False)
    return root


@pytest.fixture(scope="module")
def local_labels(parquet_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    assert main(["run", "--data", str(parquet_data / "all.parquet"), "--id-column", "id", "--lfs", "lfs/spam.py",
                 "--out", str(out)]) == 0
    return pd.read_csv(out / "labels.csv", dtype={"row_id": str}, keep_default_na=False).set_index("row_id")


def _check_same(local, out):
    got = pd.read_parquet(out / "labels.parquet").set_index("row_id").loc[local.index]
    assert list(got.columns) == list(local.columns)
    assert (got["label"].to_numpy() == local["label"].to_numpy()).all()
    assert abs(got["p_SPAM"].to_numpy() - local["p_SPAM"].to_numpy()).max() < 1e-9
    assert (got["n_votes"].to_numpy() == local["n_votes"].to_numpy()).all()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["rows"] == len(local)


def test_dask_engine_on_a_two_worker_local_cluster(parquet_data, local_labels, tmp_path, capsys):
    pytest.importorskip("distributed")
    assert main(["run", "--engine", "dask", "--data", str(parquet_data / "parts"), "--id-column", "id",
                 "--lfs", "lfs/spam.py", "--out", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["engine"] == "dask"
    _check_same(local_labels, tmp_path)


@pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning",  # PySpark's use of pandas 3, not ours
                            "ignore:toPandas attempted Arrow optimization:UserWarning")
def test_spark_engine_on_local_2(parquet_data, local_labels, tmp_path):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime")
    assert main(["run", "--engine", "spark", "--master", "local[2]", "--data", str(parquet_data / "parts"),
                 "--id-column", "id", "--lfs", "lfs/spam.py", "--out", str(tmp_path)]) == 0
    _check_same(local_labels, tmp_path)


def test_cluster_engines_need_an_id_column(parquet_data, tmp_path, capsys):
    assert main(["run", "--engine", "dask", "--data", str(parquet_data / "parts"), "--lfs", "lfs/spam.py",
                 "--out", str(tmp_path)]) == 1
    assert "needs --id-column" in capsys.readouterr().err
