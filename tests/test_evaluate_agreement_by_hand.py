"""Agreement statistics and majority vote's pieces, by hand on asymmetric fixtures."""

import numpy as np
import pytest

from weaklabel.evaluate import cohen_kappa, krippendorff_alpha
from weaklabel.models import MajorityVote


def test_kappa_with_raters_that_use_different_classes():
    # a uses classes 0..2, b only 0..1: p_a = (1/2, 1/4, 1/4), p_b = (1/4, 3/4, 0)
    # po = 2/4, pe = 1/8 + 3/16 + 0 = 5/16 -> kappa = (1/2 - 5/16) / (11/16) = 3/11
    assert cohen_kappa([0, 0, 1, 2], [0, 1, 1, 1]) == pytest.approx(3 / 11)
    assert cohen_kappa([0, 1, 1, 1], [0, 0, 1, 2]) == pytest.approx(3 / 11)  # symmetric
    assert cohen_kappa([2, 2, 2], [2, 2, 2]) == 1.0  # one class throughout: perfect agreement


def test_alpha_skips_items_with_one_label_wherever_they_are():
    with_single = np.array([[0, np.nan], [0, 0], [1, 1], [0, 1]])
    assert krippendorff_alpha(with_single) == pytest.approx(1 - 10 / 18)
    # missing labels given as None in a list of lists
    assert krippendorff_alpha([[0, None], [0, 0], [1, 1], [0, 1]]) == pytest.approx(1 - 10 / 18)


def test_alpha_with_three_values_and_three_raters():
    # item 1: (0, 0, 1); item 2: (1, 1, 1); item 3: (2, 2, nan)
    # coincidences: item 1 gives o00 = 2/2 = 1, o01 = o10 = 2/2 = 1; item 2 o11 = 6/2 = 3; item 3 o22 = 2/1 = 2
    # n = 8, n_0 = 2, n_1 = 4, n_2 = 2; D_o = 2/8; D_e = (64 - 4 - 16 - 4) / (8 * 7) = 40/56
    R = np.array([[0, 0, 1], [1, 1, 1], [2, 2, np.nan]])
    assert krippendorff_alpha(R) == pytest.approx(1 - (2 / 8) / (40 / 56))


FEW_LFS = pytest.mark.filterwarnings("ignore::weaklabel.exceptions.LabelModelWarning")  # < 3 LFs: it says so


@FEW_LFS
def test_majority_keeps_a_given_cardinality():
    mv = MajorityVote(cardinality=3).fit(np.array([[0, 1], [1, 1]]))
    assert mv.cardinality_ == 3 and mv.predict_proba(np.array([[0, 1]])).shape == (1, 3)


@FEW_LFS
def test_majority_class_balance_weighs_each_pattern_by_its_rows():
    # patterns: (0, 0) x 3 rows -> class 0; (1, -1) x 1 row -> class 1; (0, 1) x 2 rows -> a tie, half each
    mv = MajorityVote(cardinality=2).fit_patterns(np.array([[0, 0], [1, -1], [0, 1]]), np.array([3, 1, 2]))
    # class 0: 3 + 1 = 4, class 1: 1 + 1 = 2, plus one each (Laplace): (5, 3) / 8
    assert mv.class_balance_.tolist() == [5 / 8, 3 / 8]


@FEW_LFS
def test_majority_with_gold_counts_the_gold_classes():
    mv = MajorityVote(cardinality=3).fit(np.array([[0], [1], [1], [2]]), np.array([1, 1, -1, 0]))
    assert mv.class_balance_ == pytest.approx([2 / 6, 3 / 6, 1 / 6])  # (1, 2, 0) + 1 each


@FEW_LFS
def test_majority_explains_each_vote_as_one():
    mv = MajorityVote(cardinality=3).fit(np.array([[0, 2, -1], [1, 1, 2]]))
    prior, terms = mv.explain_terms(np.array([2, -1, 0]))
    assert prior.tolist() == [0.0, 0.0, 0.0]
    assert terms.tolist() == [[0, 0, 1], [0, 0, 0], [1, 0, 0]]
