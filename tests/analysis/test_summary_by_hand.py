"""lf_summary / lf_report columns, coverage, label counts and the Wilson interval, by hand."""

import numpy as np
import pandas as pd
import pytest

from weaklabel import LabelMatrix, LabelSpace
from weaklabel.analysis.summary import coverage, label_counts, lf_report, lf_summary, wilson_interval

SPACE = LabelSpace(["ham", "spam", "eggs"])
VOTES = np.array([[0, 1, -1], [0, -1, -1], [1, 1, -1], [-1, 0, -1], [0, 1, -1]])
GOLD = np.array([0, 0, 1, 2, -1])  # row 4 has no gold; class 2 (eggs) has gold but no vote


def test_coverage_by_hand():
    assert coverage(VOTES).tolist() == [4 / 5, 4 / 5, 0.0]
    assert coverage(np.array([[0, -1], [1, -1], [-1, 2]])).tolist() == [2 / 3, 1 / 3]


def test_label_counts_in_label_order_with_abstains_last():
    counts = label_counts(np.array([1, -1, 0, 1]), ["ham", "spam", "eggs"])
    assert counts.name == "count"
    assert counts.to_dict() == {"ham": 1, "spam": 2, "eggs": 0, "ABSTAIN": 1}
    assert list(counts.index) == ["ham", "spam", "eggs", "ABSTAIN"]


def test_wilson_interval_for_one_right_of_one():
    # p = 1, n = 1: center = (1 + z^2/2) / (1 + z^2), half = z sqrt(z^2/4) / (1 + z^2)
    z = 1.96
    lo, hi = wilson_interval(np.array([1]), np.array([1]))
    assert lo[0] == pytest.approx((1 + z**2 / 2 - z * z / 2) / (1 + z**2)) and hi[0] == pytest.approx(1.0)


def test_learned_weights_are_floats_and_checked():
    s = lf_summary(VOTES, est_weights=[1, 2, 3])
    assert s["Learned Weight"].dtype == np.float64 and s["Learned Weight"].tolist() == [1.0, 2.0, 3.0]


def test_report_columns_by_hand():
    L = LabelMatrix(VOTES, ["a", "b", "c"], label_space=SPACE)
    r = lf_report(L, GOLD, lf_names=["x", "y", "z"])
    assert list(r.index) == ["x", "y", "z"]
    cols = list(r.columns)
    assert cols[cols.index("Emp. Acc."):cols.index("Emp. Acc.") + 3] == ["Emp. Acc.", "Acc. lo", "Acc. hi"]
    # LF a on gold rows 0, 1, 2 votes ham, ham, spam: all right; LF b votes spam on rows 0 (ham) and 2 (spam)
    assert r.loc["x", "Precision ham"] == 1.0 and r.loc["x", "Precision spam"] == 1.0
    assert r.loc["y", "Precision spam"] == 0.5 and r.loc["y", "Precision ham"] == 0.0  # b's ham vote is on eggs
    # recall of class c: its gold rows the LF labeled c, over all gold rows of c (2 ham, 1 spam, 1 eggs)
    assert r.loc["x", "Recall ham"] == 1.0 and r.loc["y", "Recall spam"] == 1.0 and r.loc["y", "Recall ham"] == 0.0
    # eggs: gold has it, no LF votes it -> precision undefined (NaN, a float), recall 0
    assert r["Precision eggs"].dtype == np.float64 and r["Precision eggs"].isna().all()
    assert r["Recall eggs"].tolist() == [0.0, 0.0, 0.0]
    # an LF that never voted: precision NaN for every class
    assert r.loc["z", ["Precision ham", "Precision spam"]].isna().all()


def test_report_reads_gold_given_by_class_name():
    L = LabelMatrix(VOTES, ["a", "b", "c"], label_space=SPACE)
    by_index = lf_report(L, GOLD)
    by_name = lf_report(L, ["ham", "ham", "spam", "eggs", None])
    pd.testing.assert_frame_equal(by_index, by_name)


def test_report_classes_come_from_votes_and_gold():
    # no label space: classes are numbered up to the largest vote or gold class
    r = lf_report(np.array([[0, 2], [1, 0]]), np.array([0, 1]))
    assert {"Precision 2", "Recall 2"} <= set(r.columns)
    r = lf_report(np.array([[0, 1], [1, 0]]), np.array([0, 2]))
    assert {"Precision 2", "Recall 2"} <= set(r.columns)


def test_report_takes_the_models_estimates():
    class Full:
        cardinality_ = 3
        lf_accuracy_ = np.array([0.9, 0.6, 0.5])
        lf_weight_ = np.array([2.0, 0.5, 0.1])
        lf_propensity_ = np.array([0.7, 0.6, 0.1])

    class AccuracyOnly:
        cardinality_ = 3
        lf_accuracy_ = np.array([0.9, 0.6, 0.5])

    class WrongLength:
        cardinality_ = 3
        lf_accuracy_ = np.array([0.9, 0.6])

    r = lf_report(VOTES, model=Full())
    assert r["Est. Acc."].tolist() == [0.9, 0.6, 0.5] and r["Learned Weight"].tolist() == [2.0, 0.5, 0.1]
    assert r["Est. Propensity"].tolist() == [0.7, 0.6, 0.1]
    r = lf_report(VOTES, model=AccuracyOnly())
    assert r["Learned Weight"].to_numpy() == pytest.approx(np.log([0.9 * 2 / 0.1, 0.6 * 2 / 0.4, 0.5 * 2 / 0.5]))
    assert r["Est. Propensity"].tolist() == [0.8, 0.8, 0.0]  # coverage when the model has no propensities
    r = lf_report(VOTES, model=WrongLength())
    assert "Est. Acc." not in r.columns and "Learned Weight" not in r.columns
    r = lf_report(VOTES, model=object())
    assert "Est. Acc." not in r.columns and r["Est. Propensity"].tolist() == [0.8, 0.8, 0.0]
