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
    q = rank(Lq, "conflict", audit_fraction=0)
    assert q["row_id"].tolist() == ["r0", "r3"] and (q["source"] == "queue").all()
    assert q["reason"].iloc[0] == "LFs disagree: ham (a) vs spam (b, c)"
    q = rank(Lq, "conflict", audit_fraction=0, label_counts={"r0": 1})
    assert q["row_id"].tolist() == ["r3"]
    q = rank(Lq, "conflict", audit_fraction=0, label_counts={"r0": 1}, overlap=2)
    assert q["row_id"].tolist() == ["r0", "r3"]
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
