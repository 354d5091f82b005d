import numpy as np
import pandas as pd
import pytest

from weaklabel import InputError, LabelModel, NotFittedError, apply_lfs, load_dataset
from weaklabel.learn.endmodel import EndModel


def test_tabular_end_model_generalises_past_lf_coverage():
    import weaklabel.demo as cancer

    tr, te = load_dataset("breast_cancer"), load_dataset("breast_cancer", split="test")
    L = apply_lfs(cancer.LFS, tr.df, label_space=cancer.LABELS)
    probs = LabelModel().fit(L).predict_proba(L)
    covered = (L.votes >= 0).any(axis=1)
    em = EndModel().fit(tr.df, probs, covered=covered)
    assert em.n_train_rows_ == covered.sum() < len(tr.df)
    assert "label" not in em.feature_columns_
    assert em.score(te.df, te.y)["accuracy"] > 0.9


def test_weighted_mode_expands_rows_and_hard_mode_filters_by_confidence():
    df = pd.DataFrame({"text": ["free money", "win cash now", "see you soon", "lunch at noon"] * 5})
    probs = np.tile([[0.1, 0.9], [0.3, 0.7], [0.8, 0.2], [0.55, 0.45]], (5, 1))
    weighted = EndModel(text_column="text").fit(df, probs)
    assert weighted.predict(pd.DataFrame({"text": ["free cash", "see you at lunch"]})).tolist() == [1, 0]
    hard = EndModel(text_column="text", mode="hard", min_confidence=0.75).fit(df, probs)
    assert hard.n_train_rows_ == 10
    assert hard.predict_proba(df).shape == (20, 2)


def test_end_model_errors():
    df = pd.DataFrame({"text": ["a", "b"]})
    with pytest.raises(InputError, match=r"expected shape \(2, k\)"):
        EndModel(text_column="text").fit(df, np.ones((3, 2)))
    with pytest.raises(InputError, match="fewer than two classes"):
        EndModel(text_column="text", mode="hard").fit(df, np.array([[0.9, 0.1], [0.8, 0.2]]))
    with pytest.raises(NotFittedError):
        EndModel(text_column="text").predict(df)
    with pytest.raises(InputError, match="mode: expected one of"):
        EndModel(text_column="text", mode="soft").fit(df, np.array([[0.9, 0.1], [0.2, 0.8]]))


def test_youtube_end_model_beats_its_label_model(data_dir):
    import lfs.spam as spam

    tr = load_dataset("youtube", split="train", data_dir=data_dir)
    te = load_dataset("youtube", split="test", data_dir=data_dir)
    L = apply_lfs(spam.LFS, tr.df, label_space=spam.LABELS)
    lm = LabelModel().fit(L)
    lm_acc = lm.score(apply_lfs(spam.LFS, te.df, label_space=spam.LABELS), te.y,
                      tie_break_policy="random")["accuracy"]
    em = EndModel(text_column="text").fit(tr.df, lm.predict_proba(L), covered=(L.votes >= 0).any(axis=1))
    # 0.936 against the label model's 0.884 (0.944 with the previous default, whose labels
    # were better here; README, "From labels to a model")
    assert em.score(te.df, te.y)["accuracy"] >= max(lm_acc + 0.03, 0.93)
