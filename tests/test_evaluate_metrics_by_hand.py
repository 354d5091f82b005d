"""F-beta, Matthews correlation and ROC AUC, computed by hand on asymmetric fixtures."""

import numpy as np
import pytest

from weaklabel import InputError
from weaklabel.evaluate import _ranks, metric_scores, roc_auc

# tp = 3, fn = 1, fp = 2, tn = 4: precision 3/5, recall 3/4
Y = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
P = np.array([1, 1, 1, 0, 1, 1, 0, 0, 0, 0])


@pytest.mark.parametrize("beta, expected", [
    (1.0, 2 * 0.6 * 0.75 / (0.6 + 0.75)),            # 0.6667
    (0.5, 1.25 * 0.6 * 0.75 / (0.25 * 0.6 + 0.75)),    # 0.625: precision weighs more
    (2.0, 5 * 0.6 * 0.75 / (4 * 0.6 + 0.75)),          # 0.7143: recall weighs more
])
def test_fbeta_by_hand(beta, expected):
    assert metric_scores(Y, P, 2, ("fbeta",), beta=beta)["fbeta"] == pytest.approx(expected)


def test_fbeta_defaults_to_f1():
    assert metric_scores(Y, P, 2, ("fbeta", "f1")) == pytest.approx({"fbeta": 2 / 3, "f1": 2 / 3})


def test_fbeta_is_zero_when_nothing_is_right():
    assert metric_scores(np.array([1, 0]), np.array([0, 1]), 2, ("fbeta",)) == {"fbeta": 0.0}


def test_matthews_binary_and_multiclass_by_hand():
    # (tp tn - fp fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn)) = (12 - 2) / sqrt(5 * 4 * 6 * 5)
    assert metric_scores(Y, P, 2, ("matthews_corrcoef",))["matthews_corrcoef"] == pytest.approx(10 / np.sqrt(600))
    # 3 classes: trace 4 of s = 6; gold totals t = (2, 2, 2), predicted p = (2, 3, 1)
    # (c s - t.p) / sqrt((s^2 - p.p)(s^2 - t.t)) = (24 - 12) / sqrt((36 - 14)(36 - 12))
    y3, p3 = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 1, 1, 2, 0])
    m = metric_scores(y3, p3, 3, ("matthews_corrcoef", "f1_macro"))
    assert m["matthews_corrcoef"] == pytest.approx(12 / np.sqrt(22 * 24))
    assert m["f1_macro"] == pytest.approx((2 / 4 + 4 / 5 + 2 / 3) / 3)
    # one predicted class: undefined, reported as 0
    assert metric_scores(y3, np.zeros(6, int), 3, ("matthews_corrcoef",)) == {"matthews_corrcoef": 0.0}


def test_roc_auc_counts_ties_as_half():
    # positives 0.35, 0.8, 0.4 against negatives 0.1, 0.4: 4.5 of 6 pairs ordered right
    y = np.array([0, 0, 1, 1, 1])
    p1 = np.array([0.1, 0.4, 0.35, 0.8, 0.4])
    assert roc_auc(y, np.c_[1 - p1, p1]) == pytest.approx(4.5 / 6)
    assert metric_scores(y, (p1 > 0.5).astype(int), 2, ("roc_auc",), probs=np.c_[1 - p1, p1]) == \
        pytest.approx({"roc_auc": 4.5 / 6})


def test_roc_auc_multiclass_is_the_one_vs_rest_mean():
    y = np.array([0, 1, 2, 0])
    probs = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.3, 0.55, 0.15]])
    # class 0: 1.0; class 1: 0.5 beats 0.3 and 0.2 but not 0.55 -> 2/3; class 2: 1.0
    assert roc_auc(y, probs) == pytest.approx((1 + 2 / 3 + 1) / 3)


def test_roc_auc_is_undefined_without_both_outcomes():
    assert np.isnan(roc_auc(np.array([1, 1]), np.array([[0.2, 0.8], [0.6, 0.4]])))
    assert np.isnan(roc_auc(np.array([0, 0]), np.array([[0.2, 0.8], [0.6, 0.4]])))


def test_roc_auc_scores_only_rows_with_gold_and_a_prediction():
    y = np.array([0, 1, -1, 1])
    pred = np.array([0, 1, 1, -1])
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.0, 1.0], [0.99, 0.01]])
    # rows 0 and 1 only: the positive (0.8) beats the negative (0.1)
    assert metric_scores(y, pred, 2, ("roc_auc", "coverage"), probs=probs) == \
        pytest.approx({"roc_auc": 1.0, "coverage": 2 / 3})


def test_roc_auc_needs_probs():
    with pytest.raises(InputError, match="'roc_auc' needs probs="):
        metric_scores(Y, P, 2, ("roc_auc",))


def test_ranks_average_ties_from_one():
    assert _ranks(np.array([0.4, 0.1, 0.4, 0.9, 0.4])).tolist() == [3.0, 1.0, 3.0, 5.0, 3.0]
    assert _ranks(np.array([2.0, 1.0])).tolist() == [2.0, 1.0]
