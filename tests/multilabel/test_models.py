"""Multi-label label models and metrics (weaklabel/multilabel): hand-computed fixtures, scikit-learn
parity, hypothesis properties, and GoEmotions with the repository's LF suite."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weaklabel import InputError
from weaklabel.multilabel import (
    AnyVote,
    MultiLabelMatrix,
    MultiLabelModel,
    OneVsRestMajority,
    best_thresholds,
    multilabel_scores,
    one_vs_rest,
    per_label_report,
    wilson,
)

LABELS = ["joy", "love", "anger"]


def _toy():
    # LF a votes joy, b votes love, c votes anger; a and b fire together on 30 items (joy + love)
    votes = ([[{"joy"}, {"love"}, -1]] * 30 + [[{"joy"}, -1, -1]] * 40 + [[-1, {"love"}, -1]] * 20
             + [[-1, -1, {"anger"}]] * 30 + [[-1, -1, -1]] * 10)
    return MultiLabelMatrix.from_sets(votes, LABELS, ["a", "b", "c"])


def test_baselines_by_hand():
    L = MultiLabelMatrix.from_sets([[{"joy"}, {"love"}], [{"joy"}, {"joy": False}], [-1, -1]], LABELS, ["a", "b"])
    assert AnyVote().fit(L).predict(L).tolist() == [[1, 1, 0], [1, 0, 0], [0, 0, 0]]
    # one-vs-rest: b fired on love only on row 0, so it counts against joy there (1 of 2)
    assert one_vs_rest(L, 0).tolist() == [[1, 0], [1, 0], [-1, -1]]
    P = OneVsRestMajority().fit(L).predict_proba(L)
    assert np.allclose(P, [[0.5, 0.5, 0.0], [0.5, 0.0, 0.0], [0.0, 0.0, 0.0]])


def test_the_default_learns_co_occurrence_as_a_prior_over_label_sets():
    L = _toy()
    m = MultiLabelModel().fit(L)
    sets = [tuple(np.flatnonzero(s)) for s in m.sets_]
    assert sets[:4] == [(), (0,), (1,), (2,)] and (0, 1) in sets and (0, 2) not in sets   # only co-voted pairs
    pair = m.set_prior_[sets.index((0, 1))]
    assert pair > 0.15                                  # 30 of the 120 voted items
    P = m.predict_proba(L)
    assert np.allclose(P[:30], P[0]) and P[0, 0] > 0.5 and P[0, 1] > 0.5 and P[0, 2] < 0.1
    assert m.predict(L)[100].tolist() == [0, 0, 1]


def test_the_prior_holds_the_larger_sets_lfs_vote_together_up_to_the_cap():
    votes = [[{"joy"}, {"love"}, {"anger"}]] * 5 + [[{"joy"}, -1, -1]] * 5
    L = MultiLabelMatrix.from_sets(votes, LABELS, ["a", "b", "c"])
    triple = [True, True, True]
    assert triple in MultiLabelModel().fit(L).sets_.tolist()
    capped = MultiLabelModel(max_cardinality=2).fit(L).sets_
    assert triple not in capped.tolist() and capped.sum(axis=1).max() == 2
    assert MultiLabelModel(max_cardinality=1).fit(L).sets_.sum(axis=1).max() == 1
    with pytest.raises(InputError, match="max_cardinality: expected a number of labels >= 1 or None"):
        MultiLabelModel(max_cardinality=0).fit(L)


def test_a_row_without_votes_gets_the_prior_and_is_named():
    L = _toy()
    m = MultiLabelModel().fit(L)
    P = m.predict_proba(L)
    assert np.allclose(P[-10:], m.prior_) and m.no_votes(L)[-10:].all() and not m.no_votes(L)[:-10].any()
    assert np.isclose(m.prior_.sum(), m.set_prior_ @ m.sets_.sum(axis=1))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_marginals_are_probabilities_and_silent_rows_get_only_the_prior(seed):
    rng = np.random.default_rng(seed)
    n, m, k = int(rng.integers(1, 40)), int(rng.integers(1, 5)), int(rng.integers(1, 5))
    labels = [f"l{i}" for i in range(k)]
    votes = [[(set(rng.choice(k, size=int(rng.integers(1, k + 1)), replace=False).tolist())
               if rng.random() < 0.4 else -1) for _ in range(m)] for _ in range(n)]
    L = MultiLabelMatrix.from_sets(votes, labels, [f"f{j}" for j in range(m)])
    model = MultiLabelModel(max_iter=20).fit(L)
    P = model.predict_proba(L)
    assert P.shape == (n, k) and (P >= 0).all() and (P <= 1 + 1e-12).all()
    silent = ~L.covered()
    assert np.allclose(P[silent], model.prior_)


def test_thresholds_tuned_on_gold_pick_the_f1_best_cut():
    P = np.array([[0.9], [0.6], [0.4], [0.2]])
    Y = np.array([[1], [1], [1], [0]])
    # cuts at 0.9 / 0.6 / 0.4 / 0.2 give F1 0.5 / 0.8 / 1.0 / 0.857
    assert best_thresholds(P, Y).tolist() == [0.4]
    L = _toy()
    gold = np.zeros((L.n_rows, 3), dtype=int)
    gold[:70, 0] = 1
    m = MultiLabelModel(thresholds="auto").fit(L, gold)
    assert m.thresholds_.shape == (3,) and not np.allclose(m.thresholds_, 0.5)
    assert MultiLabelModel().fit(L).thresholds_.tolist() == [0.5, 0.5, 0.5]
    with pytest.raises(InputError, match=r"Y: expected an \(130, 3\) 0/1 matrix"):
        MultiLabelModel().fit(L, gold[:5])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_metrics_match_scikit_learn(seed):
    from sklearn.metrics import accuracy_score, f1_score, hamming_loss

    rng = np.random.default_rng(seed)
    # k >= 2: scikit-learn reads a single 0/1 column as a binary target, not a label-indicator matrix
    n, k = int(rng.integers(1, 30)), int(rng.integers(2, 6))
    T, P = rng.integers(0, 2, (n, k)), rng.integers(0, 2, (n, k))
    s = multilabel_scores(T, P)
    assert np.isclose(s["micro_f1"], f1_score(T, P, average="micro", zero_division=0))
    assert np.isclose(s["macro_f1"], f1_score(T, P, average="macro", zero_division=0))
    assert np.isclose(s["hamming_loss"], hamming_loss(T, P))
    assert np.isclose(s["subset_accuracy"], accuracy_score(T, P))
    assert np.isclose(s["cardinality"], P.sum() / n)


def test_per_label_report_has_wilson_intervals():
    lo, hi = wilson(np.array([8]), np.array([10]))
    assert np.allclose([lo[0], hi[0]], [0.4902, 0.9433], atol=1e-4)       # the textbook 8/10 interval
    r = per_label_report([[1, 0], [1, 1], [0, 1]], [[1, 1], [0, 1], [0, 1]], ["a", "b"])
    assert r.loc["a", "precision"] == 1.0 and r.loc["a", "recall"] == 0.5 and r.loc["b", "precision"] == 2 / 3
    assert (r["precision_low"] <= r["precision"]).all() and (r["recall_high"] >= r["recall"]).all()
