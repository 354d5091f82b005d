import numpy as np

from weaklabel.models import MajorityVote, probs_to_preds


def test_majority_vote_hand_computed():
    L = np.array([[0, 0, 1], [1, -1, -1], [-1, -1, -1], [0, 1, -1]])
    mv = MajorityVote().fit(L)
    P = mv.predict_proba(L)
    assert np.allclose(P, [[2 / 3, 1 / 3], [0, 1], [0.5, 0.5], [0.5, 0.5]])
    assert mv.predict(L).tolist() == [0, 1, -1, -1]
    # class balance from decided rows (+1 Laplace): class 0 once, class 1 once
    assert np.allclose(mv.class_balance_, [0.5, 0.5])


def test_prior_tie_break_uses_class_balance_from_gold():
    L = np.array([[0, 1, -1], [-1, -1, -1], [0, -1, -1], [0, -1, -1]])
    mv = MajorityVote().fit(L, y=np.array([1, 1, 1, -1]))
    assert mv.predict(L, tie_break_policy="prior").tolist() == [1, 1, 0, 0]


def test_random_tie_break_is_deterministic_per_row_and_spreads():
    probs = np.full((1000, 2), 0.5)
    a = probs_to_preds(probs, tie_break_policy="random")
    b = probs_to_preds(probs, tie_break_policy="random")
    assert np.array_equal(a, b) and 0.4 < a.mean() < 0.6
    # row i's choice does not depend on the other rows
    assert probs_to_preds(probs[:10], tie_break_policy="random").tolist() == a[:10].tolist()
    c = probs_to_preds(probs, tie_break_policy="true-random", random_state=1)
    assert set(c.tolist()) == {0, 1}
