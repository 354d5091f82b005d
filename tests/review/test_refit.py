"""How the review loop's refits learn from expert labels (weaklabel/review/refit.py)."""

import numpy as np

from weaklabel.bench.synthetic import sample_L
from weaklabel.models import LabelModel
from weaklabel.review.queue import rank, stratified_balance
from weaklabel.review.refit import fit_to_expert_labels


def _queue_labels(L, y, strategy, n, probs=None):
    q = rank(L, strategy, probs=probs, audit_fraction=0, n=n)
    rows = q["row_id"].to_numpy(dtype=int)
    y_fit = np.full(len(y), -1)
    y_fit[rows] = y[rows]
    return y_fit


def test_random_rows_feed_every_gold_layer():
    L, y = sample_L(3000, [0.85, 0.8, 0.7, 0.75], [0.5, 0.4, 0.4, 0.3], [0.7, 0.3], seed=4)
    y_fit = np.where(np.random.default_rng(0).random(len(y)) < 0.05, y, -1)
    m = fit_to_expert_labels("label_model", L, y_fit, True, cardinality=2)
    ref = LabelModel(cardinality=2).fit(L, y_fit)
    assert np.allclose(m.predict_proba(L), ref.predict_proba(L))


def test_queue_rows_set_the_balance_by_pattern_not_by_their_own_shares():
    # one-class LFs on a 85/15 set: the conflict queue's rows are about half positive, so their
    # raw share would pull the balance the wrong way
    L, y = sample_L(4000, [0.85, 0.8, 0.8, 0.75], [0.6, 0.5, 0.5, 0.4], [0.85, 0.15], seed=2, unipolar=True)
    y_fit = _queue_labels(L, y, "conflict", 60)
    m = fit_to_expert_labels("label_model", L, y_fit, False, cardinality=2)
    assert m.structure_.regime == "one_class"
    assert m.gold_correction_ is None and m.temperature_ == 1.0
    first = LabelModel(cardinality=2, gold_correction=None, temperature=None).fit(L, y_fit)
    assert np.allclose(m.class_balance_, stratified_balance(L, first.predict_proba(L), y_fit))
    truth = np.bincount(y) / len(y)
    queue_share = np.bincount(y[y_fit >= 0], minlength=2) / (y_fit >= 0).sum()
    assert abs(m.class_balance_[1] - truth[1]) < abs(queue_share[1] - truth[1])


def test_in_the_weighted_vote_regime_queue_rows_stay_out_of_em():
    L, y = sample_L(3000, [0.7, 0.6, 0.6, 0.55, 0.5, 0.6], [0.6] * 6, [0.4, 0.3, 0.3], seed=5, unipolar=True)
    y_fit = _queue_labels(L, y, "conflict", 50)
    m = fit_to_expert_labels("label_model", L, y_fit, False, cardinality=3)
    assert m.structure_.regime == "weighted_vote" and m.gold_weight == 0.0
    assert m.get_params()["class_balance"] is None
