"""--model auto: choosing a label model by cross-validated score on gold rows."""

import numpy as np
import pytest

from weaklabel import InputError, LabelMatrix, LabelSpace
from weaklabel.bench.synthetic import sample_L
from weaklabel.models import LabelModel, select_model
from weaklabel.models.select import _expected_accuracy


def test_expected_accuracy_splits_ties():
    probs = np.array([[0.5, 0.5], [0.9, 0.1], [0.2, 0.8], [1 / 3, 1 / 3 + 1e-7, 1 / 3 - 1e-7][:2]])
    assert _expected_accuracy(probs, np.array([1, 0, 0, 0])).tolist() == [0.5, 1.0, 0.0, 0.5]


def test_a_model_that_uses_the_weights_beats_majority_vote_where_lfs_differ():
    # one sharp LF among three coin-flip ones: majority vote is misled, a weighted model is not
    L, y = sample_L(3000, [0.97, 0.55, 0.55, 0.55], [1.0, 0.9, 0.9, 0.9], [0.5, 0.5], seed=1)
    gold = np.where(np.arange(3000) < 300, y, -1)
    sel = select_model(L, gold, candidates=("majority", "label_model", "dawid_skene"))
    assert sel.name != "majority" and sel.table.index[-1] == "majority"
    assert sel.table.loc["majority", "accuracy"] < sel.table.loc[sel.name, "accuracy"] - 0.1
    assert (sel.table["n_gold"] == 300).all() and sel.runner_up in ("label_model", "dawid_skene")
    assert sel.describe().startswith(f"model auto: {sel.name} (cross-validated accuracy")
    assert "runner-up" in sel.describe()


def test_equal_accuracy_goes_to_the_lower_log_loss_whatever_the_order():
    # every model is right on unanimous rows; majority vote's vote shares are 1.0 there (log-loss 0)
    L = np.array([[0, 0, 0], [1, 1, 1]] * 30)
    gold = np.array([0, 1] * 30)
    for order in (("label_model", "majority"), ("majority", "label_model")):
        sel = select_model(L, gold, candidates=order)
        assert sel.name == "majority" and sel.table["accuracy"].tolist() == [1.0, 1.0]
    single = select_model(L, gold, candidates=("majority",))
    assert single.runner_up is None and "runner-up" not in single.describe()


def test_class_names_and_bad_input():
    L = LabelMatrix(np.array([[0, 0, 1], [1, 1, 1]] * 10, dtype=np.int8), label_space=LabelSpace(["no", "yes"]))
    gold = np.array(["no", "yes"] * 10, dtype=object)
    assert select_model(L, gold, candidates=("majority",)).table.loc["majority", "n_gold"] == 20
    with pytest.raises(InputError, match="needs at least 10, got 3"):
        select_model(L, np.r_[[0, 1, 1], np.full(17, -1)])
    with pytest.raises(InputError, match="candidates"):
        select_model(L, gold, candidates=("svm",))


def test_gold_rows_without_votes_teach_the_prior_of_rows_without_votes():
    """Rows no LF fires on are often one class (youtube: ham): random gold rows there say so."""
    rng = np.random.default_rng(0)
    L, y = sample_L(2000, [0.9, 0.85, 0.8], [0.5, 0.5, 0.5], [0.5, 0.5], seed=0)
    silent = rng.random(2000) < 0.3
    L[silent] = -1
    y[silent] = 0                                   # what the LFs miss is all class 0
    gold = np.where(rng.random(2000) < 0.1, y, -1)
    m = LabelModel().fit(L, gold)
    n0 = int(((gold == 0) & silent).sum())
    assert m.uncovered_counts_.tolist() == [n0, 0]
    base = LabelModel().fit(L)
    expected = (np.array([n0, 0]) + 2 * base.prior_) / (n0 + 2)
    assert np.allclose(m.predict_proba(np.full((1, 3), -1))[0], expected, atol=0.05)
    assert m.predict_proba(np.full((1, 3), -1))[0, 0] > 0.9
    prior_term, terms = m.explain_terms(np.full(3, -1))
    assert np.allclose(np.exp(prior_term), m.prior_) and np.allclose(terms, 0)
