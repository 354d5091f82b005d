"""A user's own files through compare and train: the end model reads the text, not
the id columns, and a held-out file is what gets scored."""

import io

import numpy as np
import pandas as pd
import pytest

from weaklabel.cli import main

POS = ["great flight, friendly crew and on time", "loved the service, smooth boarding today",
       "thanks for the upgrade, great seats and food", "friendly staff, smooth and early landing"]
NEG = ["delayed again, lost my bag and no help", "worst service, rude staff and a late flight",
       "cancelled flight and no refund, awful", "lost luggage, delayed three hours, rude agent"]


def _tweets(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    text = [(POS if c else NEG)[rng.integers(0, 4)] + f" #{i}" for i, c in enumerate(y)]
    ids = 10**8 + rng.permutation(n) * 7919   # all different: a name for each row, not a feature
    return pd.DataFrame({"id": np.arange(n) + seed * 10_000, "tweet_id": ids, "tweet": text,
                         "label": np.where(y == 1, "POS", "NEG")})


@pytest.fixture
def files(tmp_path):
    _tweets(400, 1).to_csv(tmp_path / "train.csv", index=False)
    _tweets(200, 2).to_csv(tmp_path / "test.csv", index=False)
    (tmp_path / "air_lfs.py").write_text(
        "from weaklabel import LabelSpace, keyword_lf\n"
        "LABELS = LabelSpace(['NEG', 'POS'])\n"
        "LFS = [keyword_lf('great', 'friendly', label=LABELS.POS, column='tweet', name='praise'),\n"
        "       keyword_lf('delayed', 'lost', label=LABELS.NEG, column='tweet', name='complaint'),\n"
        "       keyword_lf('rude', 'awful', 'late', label=LABELS.NEG, column='tweet', name='anger')]\n")
    return tmp_path


def test_compare_end_model_reads_the_text_column_not_the_ids(files, capsys):
    """It trained on `id` and `tweet_id` (the numeric columns) and scored about chance."""
    code = main(["compare", str(files / "air_lfs.py"), "--data", str(files / "train.csv"), "--id-column", "id",
                 "--eval-split", str(files / "test.csv"), "--end-model", "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    # on test.csv's gold, from the tweets' words; on the two id columns it was a coin toss
    assert table["end_model_accuracy"].iloc[0] > 0.7


def test_train_scores_a_held_out_file_and_names_it(files, capsys):
    code = main(["train", "--data", str(files / "train.csv"), "--lfs", str(files / "air_lfs.py"),
                 "--id-column", "id", "--eval-split", str(files / "test.csv")])
    out, err = capsys.readouterr()
    assert code == 0, err
    lm_acc, em_acc = (float(x.split()[-1]) for x in out.split("test.csv accuracy: ")[1].splitlines()[0].split(","))
    assert lm_acc > 0.7 and em_acc > 0.7
    # a split name with a data file was read as the same file (train rows scored as "test"), or
    # said "no gold labels": now it says what to give
    code = main(["train", "--data", str(files / "train.csv"), "--lfs", str(files / "air_lfs.py"),
                 "--id-column", "id", "--eval-split", "test"])
    err = capsys.readouterr().err
    assert code == 1 and "'test' is not a file; with a data file, name a held-out file" in err


def test_the_end_model_never_takes_identifiers_as_features():
    from weaklabel.learn.endmodel import EndModel, pick_text_column

    df = _tweets(50, 3)
    assert pick_text_column(df) == "tweet" and pick_text_column(df, "label") == "label"
    assert pick_text_column(df.drop(columns="tweet")) is None
    probs = np.eye(2)[(df["label"] == "POS").astype(int)]
    with pytest.raises(Exception, match="identifiers, integers that are all different, are not features"):
        EndModel().fit(df.drop(columns="tweet"), probs)
