import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from weaklabel import InputError, LabelMatrix, LabelSpace
from weaklabel.review.queue import (
    conflict_score,
    disagreement_score,
    entropy_score,
    margin_score,
    rank,
    stratified_balance,
    uncovered_score,
)


@pytest.fixture
def Lq():
    votes = np.array([[0, 1, 1], [0, 0, -1], [-1, -1, -1], [1, 0, -1], [1, 1, 1]])
    return LabelMatrix(votes, ["a", "b", "c"], ["r0", "r1", "r2", "r3", "r4"], LabelSpace(["ham", "spam"]))


def test_scores_hand_computed(Lq):
    assert conflict_score(Lq.votes, 2).tolist() == [1, 0, 0, 1, 0]
    assert conflict_score(Lq.votes, 2, weights=np.array([3.0, 1.0, 1.0])).tolist() == [2, 0, 0, 1, 0]
    probs = np.array([[0.5, 0.5], [0.9, 0.1], [1.0, 0.0]])
    assert np.allclose(entropy_score(probs), [1.0, 0.4689956, 0.0], atol=1e-6)
    assert np.allclose(margin_score(probs), [1.0, 0.2, 0.0])
    assert np.allclose(disagreement_score(probs, probs[::-1]), [0.5, 0.0, 0.5])
    assert uncovered_score(Lq.votes).tolist() == [0, 0, 1, 0, 0]


def test_rank_orders_explains_and_skips_labeled_rows(Lq):
    q = rank(Lq, "conflict", audit_fraction=0)      # r0 and r3 tie: either may come first
    assert sorted(q["row_id"]) == ["r0", "r3"] and (q["source"] == "queue").all()
    assert dict(zip(q["row_id"], q["reason"]))["r0"] == "LFs disagree: ham (a) vs spam (b, c)"
    q = rank(Lq, "conflict", audit_fraction=0, label_counts={"r0": 1})
    assert q["row_id"].tolist() == ["r3"]
    q = rank(Lq, "conflict", audit_fraction=0, label_counts={"r0": 1}, overlap=2)
    assert sorted(q["row_id"]) == ["r0", "r3"]
    assert rank(Lq, "uncovered", audit_fraction=0)["reason"].tolist() == ["no LF voted: a gap in the LF suite"]


def test_rank_needs_what_the_strategy_needs(Lq):
    with pytest.raises(InputError, match="strategy 'entropy' needs probs"):
        rank(Lq, "entropy")
    with pytest.raises(InputError, match="strategy: expected one of"):
        rank(Lq, "loudest")


def test_audit_rows_are_random_unlabeled_and_interleaved():
    rng = np.random.default_rng(0)
    votes = rng.integers(-1, 2, size=(400, 5))
    probs = rng.dirichlet([1, 1], size=400)
    q = rank(votes, "entropy", probs=probs, n=100, audit_fraction=0.1)
    assert len(q) == 100 and (q["source"] == "audit").sum() == 10
    assert q["row_id"].is_unique
    first_audit = q.index[q["source"] == "audit"][0]
    assert 0 < first_audit < 15  # spread through the queue, not appended at the end


@settings(max_examples=60, deadline=None)
@given(arrays(np.int8, st.tuples(st.integers(1, 40), st.integers(1, 5)), elements=st.integers(-1, 2)),
       st.sets(st.integers(0, 39)), st.sampled_from(["conflict", "uncovered", "random"]),
       st.floats(0, 0.5))
def test_the_queue_never_returns_labeled_rows(votes, labeled, strategy, audit):
    counts = {i: 1 for i in labeled if i < votes.shape[0]}
    q = rank(votes, strategy, label_counts=counts, audit_fraction=audit)
    assert not set(q["row_id"].tolist()) & set(counts)
    assert q["row_id"].is_unique


def test_ties_are_broken_at_random_so_a_pattern_s_queued_rows_are_a_random_sample_of_it():
    # 200 rows of one conflicting pattern, stored sorted by class: in file order the first 20
    # would all be class 0; drawn at random they mix (the model learns the pattern from them)
    votes = np.array([[0, 1]] * 200 + [[0, 0]] * 50)
    y = np.array([0] * 100 + [1] * 100 + [0] * 50)
    picked = rank(votes, "conflict", audit_fraction=0, n=20, random_state=3)["row_id"].to_numpy(dtype=int)
    assert (picked < 200).all() and 5 <= y[picked].sum() <= 15
    again = rank(votes, "conflict", audit_fraction=0, n=20, random_state=3)["row_id"].to_numpy(dtype=int)
    assert (picked == again).all()     # seeded: the same queue for the same state


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_stratified_balance_is_the_label_shares_when_every_row_is_labeled_and_the_model_s_without(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(1, 60)), int(rng.integers(2, 5))
    votes = rng.integers(-1, k, size=(n, 3))
    probs = rng.dirichlet(np.ones(k), size=n)
    y = rng.integers(0, k, size=n)
    assert np.allclose(stratified_balance(votes, probs, y, model_rows=0.0), np.bincount(y, minlength=k) / n)
    assert np.allclose(stratified_balance(votes, probs, np.full(n, -1)), probs.mean(axis=0))
    some = np.where(rng.random(n) < 0.3, y, -1)
    b = stratified_balance(votes, probs, some)
    assert b.shape == (k,) and np.isclose(b.sum(), 1) and (b >= 0).all()


def test_every_strategy_the_cli_offers_has_one_record_that_ranks_and_explains():
    from weaklabel.review.choices import STRATEGIES
    from weaklabel.review.queue import STRATEGY_RECORDS

    assert tuple(STRATEGY_RECORDS) == STRATEGIES
    L = np.array([[0, 1, -1], [0, 0, 0], [-1, -1, -1], [1, -1, 1]])
    probs = np.array([[0.5, 0.5], [0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    mv = np.array([[0.5, 0.5], [1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    for name, record in STRATEGY_RECORDS.items():
        q = rank(L, name, probs=probs, mv_probs=mv, scores=np.array([0.1, 0.2, 0.3, 0.4]), audit_fraction=0.0,
                 label_names=["HAM", "SPAM"])
        assert len(q) > 0 and q["reason"].str.len().gt(0).all(), name
        for arg in record.needs:                                   # what it needs is asked for by name
            with pytest.raises(InputError, match=arg):
                rank(L, name, **{a: v for a, v in {"probs": probs, "mv_probs": mv, "scores": np.ones(4)}.items()
                                 if a != arg})
    top = rank(L, "conflict", label_names=["HAM", "SPAM"])["reason"].iloc[0]
    assert top == "LFs disagree: HAM (lf_0) vs SPAM (lf_1)"
