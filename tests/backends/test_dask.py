import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from weaklabel import LabelModel, apply_lfs, load_dataset  # noqa: E402
from weaklabel.backends.dask import apply_lfs_dask, fit_dask, predict_dask, predict_to_parquet  # noqa: E402


@pytest.fixture(scope="module")
def client():
    import dask

    # fork, not spawn: a spawned worker re-imports the test runner's __main__, which other
    # tests (Streamlit's AppTest) may have replaced
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                     silence_logs=50) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.mark.usefixtures("client")
def test_dask_gives_the_serial_matrix_and_probabilities(tmp_path):
    import weaklabel.demo as cancer

    df = load_dataset("breast_cancer", split="all").df.drop(columns="label")
    ddf = dd.from_pandas(df, npartitions=4)
    votes = apply_lfs_dask(cancer.LFS, ddf, label_space=cancer.LABELS)
    L = apply_lfs(cancer.LFS, df, label_space=cancer.LABELS)
    assert np.array_equal(votes.compute().to_numpy(), L.votes)
    model = fit_dask(LabelModel(), votes, label_space=cancer.LABELS)
    expected = LabelModel().fit(L).predict_proba(L)
    probs = predict_dask(model, votes, label_names=cancer.LABELS.names).compute()
    assert np.allclose(probs[["p_malignant", "p_benign"]].to_numpy(), expected)
    predict_to_parquet(model, votes, str(tmp_path / "labels"), label_names=cancer.LABELS.names)
    back = pd.read_parquet(tmp_path / "labels")
    assert len(back) == 569 and set(back["label"]) <= {"malignant", "benign"}
    assert sorted(back["row_id"].tolist()) == df.index.tolist()


@pytest.mark.usefixtures("client")
def test_ids_repeated_across_partitions_are_refused():
    import weaklabel.demo as cancer
    from weaklabel import InputError

    df = load_dataset("breast_cancer", split="all").df.drop(columns="label").iloc[:40]
    df.index = [f"r{i % 30}" for i in range(40)]  # r0..r9 appear twice, in different partitions
    votes = apply_lfs_dask(cancer.LFS, dd.from_pandas(df, npartitions=4, sort=False), label_space=cancer.LABELS)
    with pytest.raises(InputError, match=r"row ids repeat across partitions \['r0', 'r1'"):
        fit_dask(LabelModel(), votes, label_space=cancer.LABELS)


def test_an_lf_error_on_dask_is_one_error_line_without_worker_logs(tmp_path):
    import subprocess
    import sys

    pytest.importorskip("distributed")
    (tmp_path / "bad_lfs.py").write_text(
        "from weaklabel import LabelSpace, labeling_function\n"
        "LABELS = LabelSpace(['HAM', 'SPAM'])\n"
        "@labeling_function(columns=['text'])\n"
        "def boom(x):\n"
        "    raise ValueError('boom on purpose')\n"
        "LFS = [boom]\n")
    pd.DataFrame({"id": ["a", "b"], "text": ["x", "y"]}).to_parquet(tmp_path / "d.parquet")
    proc = subprocess.run([sys.executable, "-m", "weaklabel", "run", "--engine", "dask", "--data",
                           str(tmp_path / "d.parquet"), "--id-column", "id", "--lfs", str(tmp_path / "bad_lfs.py"),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "Error: LF 'boom' raised ValueError: boom on purpose on row id 'a'; pass fault_tolerant=True to abstain on "
        "failing rows instead"], proc.stderr
