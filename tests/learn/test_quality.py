import numpy as np
import pandas as pd
import pytest

from weaklabel import InputError, LabelModel, apply_lfs, load_dataset
from weaklabel.learn.quality import find_label_issues, label_issue_scores
from weaklabel.review.queue import rank


def test_finds_flipped_labels_on_tabular_data():
    ds = load_dataset("breast_cancer", split="all")
    y = ds.y.copy()
    rng = np.random.default_rng(0)
    flipped = rng.choice(len(y), size=20, replace=False)
    y[flipped] = 1 - y[flipped]
    found = find_label_issues(ds.df.drop(columns="label"), y, n=20)
    assert len(set(found.index) & set(ds.df.index[flipped])) >= 15


def test_half_of_flipped_youtube_labels_are_in_the_top_k(data_dir):
    """The check: flip 5% of youtube's weak train labels; >= 50% come back in the top k."""
    import lfs.spam as spam

    tr = load_dataset("youtube", split="train", data_dir=data_dir)
    L = apply_lfs(spam.LFS, tr.df, label_space=spam.LABELS)
    weak = LabelModel().fit(L).predict(L, tie_break_policy="random")
    rng = np.random.default_rng(1)
    flipped = rng.choice(len(weak), size=int(0.05 * len(weak)), replace=False)
    noisy = weak.copy()
    noisy[flipped] = 1 - noisy[flipped]
    found = find_label_issues(tr.df, noisy, text_column="text", n=flipped.size)
    hit = len(set(found.index) & set(tr.df.index[flipped])) / flipped.size
    assert hit >= 0.5


def test_scores_feed_the_review_queue_and_errors():
    df = pd.DataFrame({"text": ["free cash now", "win money", "see you", "lunch soon"] * 5})
    y = np.array([1, 1, 0, 0] * 5)
    y[0] = 0  # one wrong label
    s = label_issue_scores(df, y, text_column="text")
    assert np.argmax(s) == 0
    q = rank(np.zeros((20, 1), dtype=int) - 1, "label_issues", scores=s, audit_fraction=0)
    assert q["row_id"].iloc[0] == 0 and q["reason"].iloc[0] == "end model disagrees with this row's label"
    with pytest.raises(InputError, match="at least folds=5"):
        label_issue_scores(df.iloc[:4], y[:4], text_column="text")
