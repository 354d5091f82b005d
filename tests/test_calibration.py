"""Calibration measures of probabilistic labels (evaluate.calibration_scores) and the
benchmark's calibration table, on hand-computed cases."""

import numpy as np
import pandas as pd
import pytest

from weaklabel import InputError
from weaklabel.bench import harness as B
from weaklabel.evaluate import calibration_scores


def test_by_hand():
    y = np.array([0, 1, 1, -1])
    P = np.array([[0.9, 0.1], [0.3, 0.7], [0.8, 0.2], [0.5, 0.5]])  # the last row has no gold
    r = calibration_scores(y, P)
    assert r["log_loss"] == pytest.approx(-(np.log(0.9) + np.log(0.7) + np.log(0.2)) / 3)
    assert r["brier"] == pytest.approx((0.02 + 0.18 + 1.28) / 3)
    # bins: 0.9 right (bin 9), 0.7 right (bin 7), 0.8 wrong (bin 8): |1-.9| + |1-.7| + |0-.8|
    assert r["ece"] == pytest.approx((0.1 + 0.3 + 0.8) / 3)


def test_perfect_and_zero_probabilities():
    y = np.array([0, 1, 2])
    assert calibration_scores(y, np.eye(3)) == pytest.approx({"log_loss": 0.0, "brier": 0.0, "ece": 0.0})
    worst = calibration_scores(y, np.eye(3)[[1, 2, 0]])
    assert worst["log_loss"] == pytest.approx(-np.log(1e-15)) and worst["brier"] == pytest.approx(2.0)
    assert worst["ece"] == pytest.approx(1.0)


def test_confidence_one_falls_in_the_last_bin_and_bins_are_pooled():
    # two rows at confidence 0.55 (bin 5), one right one wrong: the bin is calibrated-ish (|0.5-0.55|)
    y = np.array([0, 1])
    P = np.array([[0.55, 0.45], [0.55, 0.45]])
    assert calibration_scores(y, P)["ece"] == pytest.approx(0.05)
    assert calibration_scores(np.array([0]), np.array([[1.0, 0.0]]))["ece"] == 0.0


def test_bad_input():
    with pytest.raises(InputError, match="no gold"):
        calibration_scores(np.array([-1]), np.array([[0.5, 0.5]]))
    with pytest.raises(InputError, match="class 2"):
        calibration_scores(np.array([2]), np.array([[0.5, 0.5]]))


def test_summarize_calibration_counts_sets_at_or_below_majority_vote():
    rows = []
    for ds, mv, lm in (("a", 0.2, 0.1), ("b", 0.1, 0.3)):
        for model, ece in (("majority", mv), ("label_model", lm)):
            rows.append({"dataset": ds, "model": model, "seed": 0, "metric": "accuracy", "score": 0.5,
                         "fit_seconds": 0.0, "log_loss": 1.0, "brier": 0.5, "ece": ece})
    t = B.summarize_calibration(pd.DataFrame(rows))
    assert t.loc["label_model", "a"] == "10.0" and t.loc["label_model", "mean"] == "20.0"
    assert t.loc["label_model", "<= MV"] == 1 and t.loc["majority", "<= MV"] == 2
    assert B.summarize_calibration(pd.DataFrame(rows), "log_loss").loc["majority", "a"] == "1.000"
    with pytest.raises(InputError, match="measure"):
        B.summarize_calibration(pd.DataFrame(rows), "auc")
