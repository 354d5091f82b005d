"""The default LabelModel: parameter recovery and 'never below majority vote' on
conditionally independent LFs, with 2, 4 and 10 classes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weaklabel.bench.synthetic import sample_L
from weaklabel.models import DawidSkene, LabelModel, MajorityVote, TripletModel, probs_to_preds


def _acc(model, L, y):
    return np.mean(probs_to_preds(model.predict_proba(L), tie_break_policy="random") == y)


@pytest.mark.slow
@pytest.mark.parametrize("k", [2, 4, 10])
def test_recovers_accuracies_propensities_and_class_balance(k):
    """With the class balance given, the default recovers every LF; DawidSkene (free balance)
    recovers the balance itself. The default holds it uniform unless told (docs/label-model.md)."""
    rng = np.random.default_rng(k)
    m = 12
    acc = rng.uniform(0.55, 0.95, size=m)
    prop = rng.uniform(0.1, 0.6, size=m)
    cb = rng.dirichlet(np.full(k, 3.0))
    L, y = sample_L(200_000, acc, prop, cb, seed=k)
    lm = LabelModel(class_balance=cb).fit(L)
    assert np.abs(lm.lf_accuracy_ - acc).max() < 0.03
    assert np.abs(lm.lf_propensity_ - prop).max() < 0.01
    assert np.abs(DawidSkene().fit(L).class_balance_ - cb).max() < 0.03
    assert _acc(lm, L, y) >= _acc(MajorityVote().fit(L), L, y)


@settings(max_examples=15, deadline=None, derandomize=True)  # statistical: same draws every run
@given(st.integers(2, 6), st.integers(3, 12), st.integers(0, 10_000))
@pytest.mark.filterwarnings("ignore::weaklabel.models.LabelModelWarning")  # LFs at chance are allowed here
def test_never_below_majority_vote_on_independent_lfs(k, m, seed):
    rng = np.random.default_rng(seed)
    acc = rng.uniform(0.5, 0.95, size=m)
    prop = rng.uniform(0.1, 0.7, size=m)
    cb = rng.dirichlet(np.full(k, 2.0))
    L, y = sample_L(20_000, acc, prop, cb, seed=seed)
    # the balance given (as a user who knows it would): see the next test for it unknown
    assert _acc(LabelModel(class_balance=cb).fit(L), L, y) >= _acc(MajorityVote().fit(L), L, y) - 0.005


@pytest.mark.xfail(strict=True, reason="known gap (docs/label-model.md): multi-class LFs and a skewed, "
                   "unknown class balance; the default holds it uniform, as majority vote does, and its "
                   "confusion matrices absorb the difference")
def test_unknown_skewed_balance_with_multi_class_lfs():
    rng = np.random.default_rng(0)
    acc, prop = rng.uniform(0.5, 0.95, size=3), rng.uniform(0.1, 0.7, size=3)
    L, y = sample_L(20_000, acc, prop, rng.dirichlet(np.full(2, 2.0)), seed=0)  # 55.3 against 57.8
    assert _acc(LabelModel().fit(L), L, y) >= _acc(MajorityVote().fit(L), L, y) - 0.005


@pytest.mark.parametrize("k", [2, 3])
def test_triplets_recover_symmetric_accuracies(k):
    acc = np.array([0.9, 0.8, 0.7, 0.85, 0.75])
    prop = np.array([0.6, 0.5, 0.7, 0.4, 0.5])
    L, y = sample_L(100_000, acc, prop, np.full(k, 1 / k), seed=1)
    tm = TripletModel().fit(L)
    if k == 2:
        assert np.abs(tm.lf_accuracy_ - acc).max() < 0.03
        assert abs(tm.class_balance_[1] - 0.5) < 0.03
    assert _acc(tm, L, y) >= _acc(MajorityVote().fit(L), L, y)


def test_triplets_normalise_when_every_one_vs_rest_sigmoid_underflows():
    # Found by the contract fuzz test: all three sigmoids of row 3 fall below 1e-6.
    L = np.array([[2, 2, 2, 2, 2], [2, 2, 2, 2, 2], [0, 0, 1, 2, 2]], dtype=np.int8)
    P = TripletModel().fit(L).predict_proba(L)
    assert np.allclose(P.sum(axis=1), 1) and np.all(np.isfinite(P))
    assert P[2].argmax() == 2  # one-vs-rest logits -21.7, -31.1, -14.0


def test_gold_weight_moves_the_fit_toward_the_gold_rows():
    L, y = sample_L(5000, [0.8, 0.7, 0.65], [0.5, 0.5, 0.5], [0.5, 0.5], seed=3)
    gold = np.full(5000, -1)
    gold[:100] = y[:100]
    a = DawidSkene(gold_weight=10.0).fit(L, gold)  # the default holds the balance uniform
    b = DawidSkene().fit(L, gold)
    emp = np.bincount(y[:100], minlength=2) / 100
    # with weight 10 the class balance moves further toward the gold rows' balance
    assert abs(a.class_balance_ - emp).sum() <= abs(b.class_balance_ - emp).sum()


def test_queue_chosen_gold_does_not_hurt_the_default():
    """Experts label the rows a queue picked from the votes (selection depends on L only):
    with unweighted gold rows that selection is ignorable and the fit stays sound."""
    from weaklabel.review.queue import conflict_score

    L, y = sample_L(20_000, [0.85, 0.75, 0.7, 0.65, 0.8], [0.5, 0.4, 0.5, 0.6, 0.3], [0.6, 0.4], seed=8)
    base = _acc(LabelModel().fit(L), L, y)
    top = np.argsort(-conflict_score(L, 2), kind="stable")[:300]
    gold = np.full(len(y), -1)
    gold[top] = y[top]
    assert _acc(LabelModel().fit(L, gold), L, y) >= base - 0.002


@pytest.mark.filterwarnings("ignore::weaklabel.models.LabelModelWarning")  # the wrong LF is the point
@pytest.mark.parametrize("share", [0.1, 0.2, 0.4])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_always_wrong_one_class_lf_does_not_take_the_model_down(share, seed):
    """Four good one-class LFs, and one that votes 1 on a share of the class-0 rows only.
    Assuming every LF better than random (pooling an LF's two rates when its vote would
    count against its class) collapsed EM here to 0.49 by pooling the good class-0 LFs
    instead; the default must keep above majority vote (0.63-0.75 here)."""
    L, y = sample_L(4000, [0.85, 0.8, 0.75, 0.8], [0.5, 0.5, 0.5, 0.5], [0.5, 0.5], seed=seed, unipolar=True)
    fires = (y == 0) & (np.random.default_rng(seed).random(4000) < share)
    L = np.column_stack([L, np.where(fires, 1, -1)])
    ours, mv = _acc(LabelModel().fit(L), L, y), _acc(MajorityVote().fit(L), L, y)
    assert ours >= mv and ours > 0.74
