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
def test_spark_engine_on_local_2_named_in_weaklabel_toml(parquet_data, local_labels, tmp_path):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime")
    config = tmp_path / "weaklabel.toml"  # no --engine, no --master: the file names both
    config.write_text('[engine]\nname = "spark"\nmaster = "local[2]"\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--config", str(config), "--data", str(parquet_data / "parts"),
                 "--id-column", "id", "--lfs", "lfs/spam.py", "--out", str(out)]) == 0
    _check_same(local_labels, out)
    assert json.loads((out / "summary.json").read_text())["engine"] == "spark"


def test_cluster_engines_need_an_id_column(parquet_data, tmp_path, capsys):
    assert main(["run", "--engine", "dask", "--data", str(parquet_data / "parts"), "--lfs", "lfs/spam.py",
                 "--out", str(tmp_path)]) == 1
    assert "needs --id-column" in capsys.readouterr().err


def _recording(monkeypatch):
    import weaklabel.backends.engines as engines

    calls = []
    monkeypatch.setattr(engines, "run_distributed", lambda engine, *a, **kw: calls.append((engine, kw)) or {})
    return calls


def test_the_engine_flags_win_over_weaklabel_toml(tmp_path, monkeypatch):
    calls = _recording(monkeypatch)
    config = tmp_path / "weaklabel.toml"
    config.write_text('[engine]\nname = "dask"\nscheduler = "tcp://10.0.0.5:8786"\n', encoding="utf-8")
    args = ["run", "--config", str(config), "--data", "x.parquet", "--id-column", "id", "--lfs", "lfs/spam.py",
            "--out", str(tmp_path / "o")]
    assert main(args) == 0
    assert calls[-1][0] == "dask" and calls[-1][1]["scheduler"] == "tcp://10.0.0.5:8786"
    assert main(args + ["--scheduler", "tcp://other:1"]) == 0
    assert calls[-1][1]["scheduler"] == "tcp://other:1"
    assert main(args + ["--engine", "spark", "--master", "local[2]"]) == 0
    assert calls[-1][0] == "spark" and calls[-1][1]["master"] == "local[2]"
    assert len(calls) == 3


@pytest.mark.parametrize("table, message", [
    ('[engine]\nname = "ray"\n', "expected one of ['local', 'dask', 'spark']"),
    ('[engine]\nworkers = "4"\n', "unknown key(s) ['workers']"),
    ('[engine]\nname = 3\n', "must be non-empty strings"),
    ('engine = "dask"\n', "must be a table"),
])
def test_a_bad_engine_table_is_an_error_that_names_it(tmp_path, monkeypatch, capsys, table, message):
    calls = _recording(monkeypatch)
    config = tmp_path / "weaklabel.toml"
    config.write_text(table, encoding="utf-8")
    assert main(["run", "--config", str(config), "--data", "x.parquet", "--lfs", "lfs/spam.py",
                 "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: engine:") and message in err and calls == []


def test_the_engine_table_survives_a_project_save(tmp_path):
    from weaklabel.review.project import Project, engine_settings

    path = tmp_path / "weaklabel.toml"
    Project(name="p", data="items.csv", lfs="lfs/spam.py", engine={"name": "dask"}).save(path)
    assert Project.load(path).engine == {"name": "dask"} and engine_settings(path) == {"name": "dask"}
