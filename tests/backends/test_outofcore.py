import numpy as np
import pandas as pd

from weaklabel import apply_lfs, load_dataset
from weaklabel.backends.outofcore import run_out_of_core
from weaklabel.cli import main
from weaklabel.models import LabelModel


def test_chunked_run_equals_the_in_memory_run(tmp_path):
    import weaklabel.demo as cancer

    df = load_dataset("breast_cancer", split="all").df.drop(columns="label")
    df.reset_index().to_parquet(tmp_path / "cases.parquet", index=False)
    summary = run_out_of_core(tmp_path / "cases.parquet", "weaklabel.demo", out=tmp_path / "out", chunksize=100,
                              id_column="row_id")
    assert summary["rows"] == 569 and summary["chunks"] == 6
    got = pd.read_parquet(tmp_path / "out" / "labels.parquet")
    L = apply_lfs(cancer.LFS, df, label_space=cancer.LABELS)
    expected = LabelModel().fit(L).predict_proba(L)
    assert got["row_id"].tolist() == df.index.tolist()
    assert np.allclose(got[["p_malignant", "p_benign"]].to_numpy(), expected)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name not in ("labels.parquet", "summary.json")]


def test_cli_chunked_run_and_errors(tmp_path, capsys):
    df = load_dataset("breast_cancer", split="all").df.drop(columns="label")
    df.to_parquet(tmp_path / "cases.parquet")
    assert main(["run", "--data", str(tmp_path / "cases.parquet"), "--lfs", "weaklabel.demo", "--chunksize", "200",
                 "--out", str(tmp_path / "o")]) == 0
    assert '"chunks": 3' in capsys.readouterr().out
    assert main(["run", "--data", "breast_cancer", "--lfs", "weaklabel.demo", "--chunksize", "200"]) == 1
    assert "streams Parquet files" in capsys.readouterr().err


def test_ids_repeated_across_chunks_are_refused_like_in_one_chunk(tmp_path):
    import pandas as pd
    import pytest

    from weaklabel import InputError
    from weaklabel.backends.outofcore import run_out_of_core
    from weaklabel.io.suite import load_suite

    cols = sorted({c for lf in load_suite("weaklabel.demo").lfs for c in lf.columns})
    df = pd.DataFrame({"id": ["a", "b", "c", "a"], **{c: [10.0, 20.0, 15.0, 12.0] for c in cols}})
    df.to_parquet(tmp_path / "d.parquet")
    with pytest.raises(InputError, match=r"ids that repeat across chunks \['a'\]"):
        run_out_of_core(tmp_path / "d.parquet", "weaklabel.demo", out=tmp_path / "o", chunksize=2, id_column="id")
    with pytest.raises(InputError, match=r"'nope' is not a column"):
        run_out_of_core(tmp_path / "d.parquet", "weaklabel.demo", out=tmp_path / "o", chunksize=2, id_column="nope")
    run_out_of_core(tmp_path / "d.parquet", "weaklabel.demo", out=tmp_path / "o2", chunksize=2)  # row order: fine
