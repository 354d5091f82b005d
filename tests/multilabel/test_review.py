"""Ranking items for multi-label review by per-label disagreement, by hand and as properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weaklabel.exceptions import InputError
from weaklabel.multilabel import MultiLabelMatrix
from weaklabel.multilabel.review import disputed_labels, label_entropy, rank_items

LABELS = ["a", "b"]


def _L(rows):
    return MultiLabelMatrix.from_sets(rows, LABELS, ["lf1", "lf2"])


def test_disputed_labels_by_hand():
    L = _L([[["a"], {"a": False}], [["b"], -1], [-1, -1]])
    pred = np.array([[1, 0], [0, 0], [0, 0]])
    # row 0: lf2 votes against a, which the model applies; row 1: lf1 votes b, which the model rejects
    assert disputed_labels(L, pred).tolist() == [[True, False], [False, True], [False, False]]
    with pytest.raises(InputError, match="pred"):
        disputed_labels(L, pred[:2])


def test_entropy_by_hand():
    assert label_entropy(np.array([[0.5, 0.5], [1.0, 0.0]])).tolist() == pytest.approx([2.0, 0.0], abs=1e-9)


def test_conflict_then_entropy_then_items_without_votes():
    L = _L([[["a"], -1], [["a"], ["b"]], [-1, -1], [["a"], -1]])
    P = np.array([[0.9, 0.1], [0.9, 0.3], [0.5, 0.5], [0.6, 0.1]])
    pred = (P >= 0.5).astype(int)
    # entropy in bits: row 0 H(.9)+H(.1) = 0.94, row 1 H(.9)+H(.3) = 1.35, row 3 H(.6)+H(.1) = 1.44
    # conflict: row 1 is disputed (b voted, rejected), then rows 3, 0 by entropy; row 2 has no votes
    assert rank_items(L, P, pred, "conflict").tolist() == [1, 3, 0, 2]
    assert rank_items(L, P, pred, "entropy").tolist() == [3, 1, 0, 2]
    assert sorted(rank_items(L, P, pred, "random").tolist()) == [0, 1, 2, 3]
    with pytest.raises(InputError, match="strategy"):
        rank_items(L, P, pred, "margin")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([-1, "a", "b", ("a", "b")]), st.sampled_from([-1, "a", "b"])),
                min_size=1, max_size=20), st.sampled_from(["conflict", "entropy", "random"]), st.integers(0, 5))
def test_a_ranking_is_a_permutation_and_puts_disputes_and_votes_first(rows, strategy, seed):
    L = _L([list(r) for r in rows])
    P = np.random.default_rng(seed).random((L.n_rows, 2))
    pred = (P >= 0.5).astype(int)
    order = rank_items(L, P, pred, strategy, random_state=seed)
    assert sorted(order.tolist()) == list(range(L.n_rows))
    if strategy != "random":
        covered = L.covered()[order]
        assert not covered[covered.sum():].any()          # items with votes before items without
    if strategy == "conflict":
        d = disputed_labels(L, pred).sum(axis=1)[order]
        assert (np.diff(d) <= 0).all()
