import shutil

import numpy as np
import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (java not found)", allow_module_level=True)

from weaklabel import LabelModel, apply_lfs, load_dataset

# PySpark 4.3 calls pandas APIs that pandas 3 deprecates; those warnings are Spark's, not ours.
pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning",
                                        "ignore:toPandas attempted Arrow optimization:UserWarning")


@pytest.fixture(scope="module")
def spark():
    import os
    import sys

    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers run this venv's Python

    s = (SparkSession.builder.master("local[2]").appName("weaklabel-test")
         .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
         .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def test_spark_gives_the_serial_matrix_and_probabilities(spark):
    import weaklabel.demo as cancer
    from weaklabel.backends.spark import apply_lfs_spark, fit_spark, predict_spark

    df = load_dataset("breast_cancer", split="all").df.drop(columns="label").reset_index()
    sdf = spark.createDataFrame(df).repartition(4)
    votes = apply_lfs_spark(cancer.LFS, sdf, label_space=cancer.LABELS, keep=["row_id"])
    got = votes.toPandas().sort_values("row_id")
    L = apply_lfs(cancer.LFS, df.set_index("row_id"), label_space=cancer.LABELS)
    names = list(L.lf_names)
    assert np.array_equal(got[names].to_numpy(), L.votes)
    model = fit_spark(LabelModel(), votes, lf_names=names, label_space=cancer.LABELS)
    expected = LabelModel().fit(L).predict_proba(L)
    pred = predict_spark(model, votes, label_names=cancer.LABELS.names).toPandas().sort_values("row_id")
    assert np.allclose(pred[["p_malignant", "p_benign"]].to_numpy(), expected)
    assert set(pred["label"]) <= {"malignant", "benign"}
