import numpy as np
import pytest

from weaklabel import LabelMatrix
from weaklabel.bench.synthetic import sample_L
from weaklabel.models import DawidSkene, LabelModel, LabelModelWarning, MajorityVote
from weaklabel.models.guardrails import near_copies


def test_fewer_than_three_lfs_warns():
    with pytest.warns(LabelModelWarning, match="only 2 LF"):
        model = MajorityVote().fit(np.array([[0, 1], [1, 1], [0, -1]]))
    assert model.warnings_ and "only 2 LF" in model.warnings_[0]


def test_lf_worse_than_random_is_named():
    L, y = sample_L(4000, [0.85, 0.8, 0.8, 0.15], [0.6, 0.6, 0.6, 0.6], [0.5, 0.5], seed=9)
    with pytest.warns(LabelModelWarning, match=r"\['inverted'\] vote against the other LFs"):
        LabelModel().fit(LabelMatrix(L, ["a", "b", "c", "inverted"]))
    gold = np.where(np.arange(4000) < 200, y, -1)  # with gold under it, gold decides
    with pytest.warns(LabelModelWarning, match=r"\['inverted'\] are worse than random on the gold rows"):
        LabelModel(gold_correction=None).fit(LabelMatrix(L, ["a", "b", "c", "inverted"]), gold)


def test_near_copies_are_named():
    L, _ = sample_L(2000, [0.85, 0.8, 0.7], [0.6, 0.6, 0.6], [0.5, 0.5], seed=2)
    L = np.column_stack([L, L[:, 0]])
    assert near_copies(L, ["a", "b", "c", "a2"]) == [("a", "a2", 1.0)]
    with pytest.warns(LabelModelWarning, match=r"a ~ a2 \(Jaccard 1.00\)"):
        LabelModel().fit(LabelMatrix(L, ["a", "b", "c", "a2"]))


def test_model_below_majority_vote_on_gold_warns():
    L, y = sample_L(3000, [0.85, 0.8, 0.75], [0.6, 0.6, 0.6], [0.5, 0.5], seed=4)
    gold = np.where(np.arange(3000) < 300, y, -1)
    with pytest.warns(LabelModelWarning, match="below majority vote on the 300 gold rows"):
        DawidSkene(class_balance=[0.995, 0.005], gold_correction=None, pattern_prior=None).fit(L, gold)


def test_gold_correction_repairs_a_wrong_class_prior():
    # Same bad prior as above: with the default correction the 300 gold rows fix it.
    L, y = sample_L(3000, [0.85, 0.8, 0.75], [0.6, 0.6, 0.6], [0.5, 0.5], seed=4)
    gold = np.where(np.arange(3000) < 300, y, -1)
    bad = DawidSkene(class_balance=[0.995, 0.005], gold_correction=None, pattern_prior=None)
    with pytest.warns(LabelModelWarning):
        bad.fit(L, gold)
    fixed = DawidSkene(class_balance=[0.995, 0.005]).fit(L, gold)
    assert fixed.warnings_ == []
    rest = slice(300, None)
    assert (fixed.predict(L[rest]) == y[rest]).mean() > (bad.predict(L[rest]) == y[rest]).mean() + 0.1


def test_a_clean_fit_has_no_warnings():
    L, y = sample_L(3000, [0.85, 0.8, 0.75, 0.7], [0.6, 0.5, 0.6, 0.4], [0.4, 0.6], seed=5)
    model = LabelModel().fit(L, np.where(np.arange(3000) < 100, y, -1))
    assert model.warnings_ == []


def test_an_lf_accurate_on_gold_is_never_called_worse_than_random(data_dir):
    """keyword_link is 0.945 accurate on youtube's train gold; EM's estimate for it is
    low (its votes are correlated with the other spam LFs), but its agreement with the
    other LFs is no evidence of an inverted rule, so no warning names it."""
    import warnings

    from weaklabel.io.wrench import read_wrench_split

    train = read_wrench_split(data_dir / "youtube", "train")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LabelModel().fit(train.L)
    msgs = [str(w.message) for w in caught if issubclass(w.category, LabelModelWarning)]
    assert not any("worse than random" in m for m in msgs), msgs
    # with a little gold under it, gold speaks: no warning names it at all
    gold = np.full(train.L.n_rows, -1)
    gold[:300] = train.y[:300]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LabelModel().fit(train.L, gold)
    assert not any("keyword_link" in str(w.message) for w in caught), [str(w.message) for w in caught]
