"""Snorkel 0.10's own label-model tests, ported to the default LabelModel.

From snorkel-team/snorkel ``test/labeling/model/test_label_model.py`` (``test_score``,
``test_label_model_sparse``) and ``test/labeling/test_convergence.py``. Each assertion
and expected number is kept; only what needs Snorkel's API is translated:
``get_conditional_probs()`` is ``emission_`` with its last two axes swapped (both
are P(LF outcome | y), abstain first), ``fit(L, n_epochs=..., lr=...)`` is
``fit(L)`` and the LFs are whole-column numpy expressions of the same rules.
"""

import numpy as np
import pandas as pd
import pytest

from weaklabel.compat.snorkel.synthetic.synthetic_data import generate_simple_label_matrix  # Snorkel's draws
from weaklabel.models import LabelModel, LabelModelWarning


def test_score():
    L = np.array([[1, 1, 0], [-1, -1, -1], [1, 0, 1]])
    Y = np.array([1, 0, 1])
    label_model = LabelModel(cardinality=2)
    label_model.fit(L)
    results = label_model.score(L, Y, metrics=["accuracy", "coverage"])
    np.testing.assert_array_almost_equal(label_model.predict(L), np.array([1, -1, 1]))
    results_expected = dict(accuracy=1.0, coverage=2 / 3)
    assert results == results_expected


def test_label_model_sparse():
    np.random.seed(123)
    P, Y, L = generate_simple_label_matrix(10000, 10, 2, abstain_multiplier=1000.0)
    label_model = LabelModel(cardinality=2)
    label_model.fit(L)
    P_lm = label_model.emission_.transpose(0, 2, 1)  # Snorkel: get_conditional_probs()
    np.testing.assert_array_almost_equal(P, P_lm, decimal=2)
    # predicted labels *only on non-abstained data points*
    Y_pred = label_model.predict(L, tie_break_policy="abstain")
    (idx,) = np.where(Y_pred != -1)
    acc = np.where(Y_pred[idx] == Y[idx], 1, 0).sum() / len(idx)
    assert acc >= 0.65
    # no abstain where an LF votes (Snorkel issue #1422)
    assert len(idx) == np.where((L + 1).sum(axis=1) != 0, 1, 0).sum()


def _create_data(n):
    X = np.random.random((n, 2)) * 2 - 1
    Y = (X[:, 0] > X[:, 1] + 0.25).astype(int)
    return pd.DataFrame({"x0": np.random.randint(0, 1000, n), "x1": X[:, 0], "x2": X[:, 1], "y": Y})


def test_labeling_convergence():
    np.random.seed(123)
    df = _create_data(1500)
    above = (df.x1 > df.x2 + 0.25).to_numpy()
    x0 = df.x0.to_numpy()
    cols = [np.where((x0 % 3 == 1) & above, 0, -1)]                       # f: an always-wrong LF
    cols += [np.where((x0 % d == 0) & above, 1, -1) for d in range(2, 9)]   # lf_pos_2..8
    cols += [np.where((x0 % d == 0) & ~above, 0, -1) for d in range(2, 9)]  # lf_neg_2..8
    L_train = np.column_stack(cols)
    assert L_train.shape == (1500, 15)
    label_model = LabelModel(cardinality=2)
    with pytest.warns(LabelModelWarning, match=r"\['lf_0'\] vote against the other LFs"):
        label_model.fit(L_train)  # f votes 0 where the class is 1: weaklabel says so
    Y_lm = label_model.predict_proba(L_train).argmax(axis=1)
    err = np.where(df.y != Y_lm, 1, 0).sum() / 1500
    assert err < 0.06
