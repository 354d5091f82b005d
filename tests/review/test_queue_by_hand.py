"""The review queue, computed by hand: every scorer, every strategy's reason, the audit
sample's size, pool and positions, ties, defaults and the checks on arguments."""

import numpy as np
import pandas as pd
import pytest

from weaklabel import InputError, LabelMatrix, LabelSpace, WeakLabelError
from weaklabel.review.queue import (
    conflict_score,
    conflict_weights,
    disagreement_score,
    drawn_at_random,
    entropy_score,
    margin_score,
    rank,
    uncovered_score,
)

NAMES = LabelSpace(["ham", "spam", "eggs"])


def test_drawn_at_random_by_source_and_strategy():
    sources = ["audit", "queue", "import", "app", "queue", "audit"]
    assert drawn_at_random(sources, "conflict").tolist() == [True, False, False, False, False, True]
    assert drawn_at_random(sources, "random").tolist() == [True, True, False, False, True, True]
    assert drawn_at_random(pd.Series(sources), "entropy").tolist() == [True, False, False, False, False, True]


def test_conflict_weights_are_floored_log_odds_of_the_model_accuracies():
    class Fitted:
        lf_accuracy_ = np.array([0.9, 0.5, 0.2])

    # log(a (k-1) / (1-a)) with k = 3: log 18, log 2, log 0.5 -> floored at 0.1
    assert np.allclose(conflict_weights(Fitted(), 3), [np.log(18), np.log(2), 0.1])
    assert conflict_weights(object(), 3) is None  # a model without accuracies: unweighted


def test_conflict_score_clips_negative_weights_at_zero():
    votes = np.array([[0, 1, 1], [2, 2, -1]])
    # row 0: class 0 mass 5, class 1 mass 0 + 1 (the -3 weight counts as 0): 1 against the leader
    assert conflict_score(votes, 3, weights=[5.0, -3.0, 1.0]).tolist() == [1.0, 0.0]
    assert conflict_score(votes, 3).tolist() == [1.0, 0.0]


def test_three_class_scores_by_hand():
    probs = np.array([[0.2, 0.3, 0.5], [0.0, 0.0, 1.0]])
    assert np.allclose(margin_score(probs), [0.8, 0.0])
    h = -(0.2 * np.log(0.2) + 0.3 * np.log(0.3) + 0.5 * np.log(0.5)) / np.log(3)
    assert np.allclose(entropy_score(probs), [h, 0.0])
    mv = np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    assert np.allclose(disagreement_score(probs, mv), [0.5, 0.0])
    assert uncovered_score(np.array([[-1, -1], [0, -1]])).tolist() == [1.0, 0.0]


@pytest.mark.parametrize("scorer", [conflict_score, uncovered_score])
def test_vote_scorers_name_the_votes_in_errors(scorer):
    args = (np.array([[0.5, 1.0]]), 2) if scorer is conflict_score else (np.array([[0.5, 1.0]]),)
    with pytest.raises(WeakLabelError, match=r"^votes"):
        scorer(*args)


@pytest.fixture
def L3():
    votes = np.array([[0, 1, -1], [2, 2, 2], [-1, -1, -1], [1, 1, 0], [0, 0, 0]])
    return LabelMatrix(votes, ["a", "b", "c"], ["r0", "r1", "r2", "r3", "r4"], NAMES)


def test_every_strategy_explains_each_row(L3):
    probs = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8], [0.4, 0.4, 0.2], [0.3, 0.6, 0.1], [0.9, 0.05, 0.05]])
    mv = np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0], [1 / 3, 1 / 3, 1 / 3], [2 / 3, 1 / 3, 0.0], [1.0, 0.0, 0.0]])
    q = rank(L3, "entropy", probs=probs, audit_fraction=0)
    assert q.set_index("row_id").loc["r2", "reason"] == "model unsure: spam 0.40 / ham 0.40"
    q = rank(L3, "margin", probs=probs, audit_fraction=0)
    assert q["row_id"].iloc[0] == "r2" and q["reason"].iloc[0] == "model unsure: spam 0.40 / ham 0.40"
    assert q.set_index("row_id").loc["r0", "reason"] == "model unsure: ham 0.50 / spam 0.30"
    q = rank(L3, "disagreement", probs=probs, mv_probs=mv, audit_fraction=0)
    # total variation: r3 0.367, r0 0.2, r1 0.2 (a tie: row order), r2 0.133, r4 0.1
    assert q["row_id"].tolist() == ["r3", "r0", "r1", "r2", "r4"]
    assert q["reason"].iloc[0] == "label model says spam (0.60), majority vote ham (0.67)"
    assert q["reason"].iloc[2] == "label model says eggs (0.80), majority vote eggs (1.00)"
    q = rank(L3, "label_issues", scores=np.array([0.1, 0.0, 0.0, 0.9, 0.2]), audit_fraction=0)
    assert q["row_id"].tolist() == ["r3", "r4", "r0"]
    assert set(q["reason"]) == {"end model disagrees with this row's label"}
    q = rank(L3, "random", audit_fraction=0)
    assert sorted(q["row_id"]) == ["r0", "r1", "r2", "r3", "r4"] and set(q["reason"]) == {"random sample"}
    q = rank(L3, audit_fraction=0)  # the default strategy is conflict
    assert q["row_id"].tolist() == ["r0", "r3"] and q["score"].tolist() == [1.0, 1.0]
    assert q["reason"].tolist() == ["LFs disagree: ham (a) vs spam (b)", "LFs disagree: spam (a, b) vs ham (c)"]


def test_without_a_label_space_classes_are_numbered_from_the_votes_or_probs():
    votes = np.array([[0, 2, -1], [1, 1, 1]])
    assert rank(votes, audit_fraction=0)["reason"].tolist() == ["LFs disagree: 0 (lf_0) vs 2 (lf_1)"]
    probs = np.array([[0.1, 0.3, 0.6], [0.5, 0.5, 0.0]])
    two_class_votes = np.array([[0, 1, -1], [1, 1, 1]])
    q = rank(two_class_votes, "entropy", probs=probs, audit_fraction=0)
    assert q.set_index("row_id").loc[0, "reason"] == "model unsure: 2 0.60 / 1 0.30"


def test_the_random_strategy_is_reproducible_and_seeded():
    votes = np.zeros((50, 2), dtype=int)
    a, b = rank(votes, "random", audit_fraction=0), rank(votes, "random", audit_fraction=0, random_state=0)
    assert a["row_id"].tolist() == b["row_id"].tolist()
    c = rank(votes, "random", audit_fraction=0, random_state=1)
    assert a["row_id"].tolist() != c["row_id"].tolist()


def test_weights_reorder_the_conflict_queue():
    votes = np.array([[0, 1, -1], [0, 0, 1]])
    assert sorted(rank(votes, audit_fraction=0)["row_id"].tolist()) == [0, 1]  # a tie: either order
    q = rank(votes, audit_fraction=0, weights=np.array([1.0, 3.0, 5.0]))
    assert q["row_id"].tolist() == [1, 0] and q["score"].tolist() == [4.0, 1.0]


def test_ties_are_broken_by_a_seeded_draw_past_the_small_sort_cutoff():
    # rows that tie must come in random order (the model learns from them as a random sample
    # of their vote pattern), reproducibly for one seed, and never across a score step
    scores = np.r_[np.ones(100), np.full(100, 2.0), np.ones(100)]
    q = rank(np.zeros((300, 1), dtype=int), "label_issues", scores=scores, audit_fraction=0)
    ids = q["row_id"].tolist()
    assert sorted(ids[:100]) == list(range(100, 200)) and sorted(ids[100:]) == list(range(100)) + list(range(200, 300))
    assert ids[:100] != list(range(100, 200)) and ids[100:] != list(range(100)) + list(range(200, 300))
    again = rank(np.zeros((300, 1), dtype=int), "label_issues", scores=scores, audit_fraction=0)["row_id"].tolist()
    other = rank(np.zeros((300, 1), dtype=int), "label_issues", scores=scores, audit_fraction=0,
                 random_state=1)["row_id"].tolist()
    assert again == ids and other != ids


@pytest.mark.parametrize("fraction", [1.0, 1.5, -0.1])
def test_audit_fraction_is_a_share_below_one(L3, fraction):
    with pytest.raises(InputError, match="audit_fraction"):
        rank(L3, audit_fraction=fraction)


def test_disagreement_needs_mv_probs(L3):
    with pytest.raises(InputError, match="strategy 'disagreement' needs mv_probs"):
        rank(L3, "disagreement", probs=np.full((5, 3), 1 / 3))


def test_audit_rows_sit_at_evenly_spaced_positions_and_say_so():
    scores = np.arange(100, 0, -1, dtype=float)  # row i ranks i-th
    q = rank(np.zeros((100, 1), dtype=int), "label_issues", scores=scores, audit_fraction=0.1)
    audit = np.flatnonzero(q["source"].to_numpy() == "audit")
    # slots (j + 0.5) * 100 / 10 = 5, 15, ..., 95 among queue slots 0..89 (queue first on a tie)
    assert audit.tolist() == [6, 17, 28, 39, 50, 61, 72, 83, 94, 99]  # one in every 11 after the first
    assert set(q["reason"].iloc[audit]) == {"audit: random sample for unbiased metrics"}
    assert set(q["reason"].drop(index=audit)) == {"end model disagrees with this row's label"}
    # the queue part is the 90 best rows in order; the audit rows come from the rest
    assert q["row_id"].drop(index=audit).tolist() == list(range(90))
    assert all(r >= 90 for r in q["row_id"].iloc[audit])


def test_one_audit_row_sits_in_the_middle():
    scores = np.arange(20, 0, -1, dtype=float)
    q = rank(np.zeros((20, 1), dtype=int), "label_issues", scores=scores, audit_fraction=0.05)
    # slot 0.5 * 20 / 1 = 10, after queue slot 10 (queue first on a tie)
    assert np.flatnonzero(q["source"].to_numpy() == "audit").tolist() == [11]


def test_audit_rows_are_drawn_from_every_row_outside_the_served_queue():
    # n = 10 of 40 rows, half audit: the audit pool is every eligible row but the 5 best,
    # so over seeds the audit rows reach far down the ranking
    scores = np.arange(40, 0, -1, dtype=float)
    seen = set()
    for seed in range(20):
        q = rank(np.zeros((40, 1), dtype=int), "label_issues", scores=scores, n=10, audit_fraction=0.5,
                 random_state=seed)
        assert q["row_id"][q["source"] == "queue"].tolist() == [0, 1, 2, 3, 4]
        seen |= set(q["row_id"][q["source"] == "audit"])
    assert min(seen) == 5 and max(seen) >= 30


def test_label_counts_from_a_series_or_a_mapping_with_any_id_type():
    votes = np.array([[0, 1], [1, 0], [0, 1]])
    L = LabelMatrix(votes, ["a", "b"], np.array([7, 8, 9]))
    for counts in ({"7": 1, 9: 2}, pd.Series({"7": 1, "9": 2})):
        assert rank(L, audit_fraction=0, label_counts=counts)["row_id"].tolist() == [8]
        assert rank(L, audit_fraction=0, label_counts=counts, overlap=2)["row_id"].tolist() == [7, 8]
