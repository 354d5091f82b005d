"""The label-model base class, by hand: the tie-break hash, log-normalisation, every
tie-break policy, what fit and fit_patterns record, and the checks at predict time."""

import numpy as np
import pytest

from weaklabel import InputError, LabelMatrix, LabelSpace, WeakLabelError
from weaklabel.models import DawidSkene, MajorityVote
from weaklabel.models.base import _log_normalize, accuracy_weights
from weaklabel.models.hard_labels import _splitmix64, probs_to_preds

FEW_LFS = pytest.mark.filterwarnings("ignore::weaklabel.exceptions.LabelModelWarning")
M64 = 2**64 - 1


def _splitmix_reference(x: int) -> int:
    """SplitMix64's finaliser on Python integers (Steele, Lea and Flood 2014)."""
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def test_splitmix64_matches_the_reference():
    xs = [0, 1, 2, 7, 1000, 2**40 + 3]
    assert _splitmix64(np.array(xs)).tolist() == [_splitmix_reference(x) for x in xs]
    assert _splitmix_reference(0) == 0xE220A8397B1DCDAF  # SplitMix64's first output from state 0


def test_accuracy_weights_clip_at_a_thousandth():
    w = accuracy_weights(np.array([0.0, 1.0, 0.5, 0.9]), 3)
    assert w == pytest.approx(np.log([1e-3 * 2 / 0.999, 0.999 * 2 / 1e-3, 1.0 * 2 / 1.0, 0.9 * 2 / 0.1]))


@pytest.mark.parametrize("k", [3, 10])
def test_log_normalize_by_hand_and_without_overflow(k):
    base = np.log(np.arange(1, k + 1, dtype=float))
    logT = np.vstack([base + 5.0, base[::-1] - 2.0])
    lse, p = _log_normalize(logT)
    total = k * (k + 1) / 2
    assert lse == pytest.approx([np.log(total) + 5.0, np.log(total) - 2.0])
    assert p[0] == pytest.approx(np.arange(1, k + 1) / total) and p[1] == pytest.approx(np.arange(k, 0, -1) / total)
    for col in range(k):  # a huge logit in any column: no overflow, all mass there
        big = np.zeros((1, k))
        big[0, col] = 800.0
        lse, p = _log_normalize(big)
        assert lse[0] == pytest.approx(800.0) and p[0, col] == pytest.approx(1.0)


def test_every_tie_break_policy_by_hand():
    probs = np.array([[0.5, 0.5, 0.0], [0.4, 0.4, 0.2], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]])
    assert probs_to_preds(probs).tolist() == [-1, -1, 2, 2]  # abstain is the default
    assert probs_to_preds(probs, tie_break_policy="prior", prior=np.array([0.2, 0.7, 0.1])).tolist() == [1, 1, 2, 2]
    assert probs_to_preds(probs, tie_break_policy="prior", prior=np.array([0.6, 0.3, 0.1])).tolist() == [0, 0, 2, 2]
    # random: the r-th tied class, r = splitmix64(row) mod (number tied)
    expected = [[0, 1][_splitmix_reference(0) % 2], [0, 1][_splitmix_reference(1) % 2], 2, 2]
    assert probs_to_preds(probs, tie_break_policy="random").tolist() == expected


def test_true_random_is_seeded_and_differs_from_the_hash():
    probs = np.full((300, 3), 1 / 3)
    a = probs_to_preds(probs, tie_break_policy="true-random")
    assert a.tolist() == probs_to_preds(probs, tie_break_policy="true-random", random_state=0).tolist()
    assert a.tolist() != probs_to_preds(probs, tie_break_policy="true-random", random_state=1).tolist()
    assert a.tolist() != probs_to_preds(probs, tie_break_policy="random").tolist()
    assert set(a.tolist()) == {0, 1, 2}


def test_ties_are_within_tol_and_tol_zero_means_exact():
    probs = np.array([[0.5, 0.5 - 1e-7], [0.5, 0.5]])
    assert probs_to_preds(probs).tolist() == [-1, -1]
    assert probs_to_preds(probs, tol=0.0).tolist() == [0, -1]


def test_prior_policy_needs_a_prior_only_when_something_ties():
    assert probs_to_preds(np.array([[0.2, 0.8]]), tie_break_policy="prior").tolist() == [1]
    with pytest.raises(InputError, match="needs a fitted class balance"):
        probs_to_preds(np.array([[0.5, 0.5]]), tie_break_policy="prior")
    with pytest.raises(WeakLabelError, match="^tie_break_policy"):
        probs_to_preds(np.array([[0.5, 0.5]]), tie_break_policy="coin")


def test_prior_breaks_each_rows_own_tie():
    probs = np.array([[0.5, 0.5, 0.0], [0.4, 0.2, 0.4]])  # tied {0, 1} and {0, 2}
    assert probs_to_preds(probs, tie_break_policy="prior", prior=np.array([0.2, 0.7, 0.1])).tolist() == [1, 0]


def test_log_normalize_rows_of_very_different_scale():
    for k in (3, 10):
        logT = np.zeros((2, k))
        logT[0, 0] = 800.0
        lse, p = _log_normalize(logT)
        assert lse == pytest.approx([800.0, np.log(k)]) and p[1] == pytest.approx(np.full(k, 1 / k))


VOTES = np.array([[0, 1, 0], [1, 1, -1], [0, -1, 0], [1, 0, 1]])
SPACE = LabelSpace(["ham", "spam", "eggs"])


@FEW_LFS
def test_fit_records_what_it_saw():
    L = LabelMatrix(VOTES, ["a", "b", "c"], label_space=SPACE)
    mv = MajorityVote().fit(L)
    assert mv.cardinality_ == 3 and mv.lf_names_in_ == ("a", "b", "c") and mv.label_space_ is SPACE
    assert mv.n_lfs_in_ == 3 and mv.label_names_ == ("ham", "spam", "eggs")
    assert MajorityVote().fit(VOTES).lf_names_in_ is None and MajorityVote().fit(VOTES).cardinality_ == 2
    # gold given by class name, through the label space
    assert MajorityVote().fit(L, ["spam", "spam", None, "ham"]).class_balance_ == pytest.approx([2 / 6, 3 / 6, 1 / 6])
    # gold that is all unknown is no gold: the same fit as without it
    assert MajorityVote().fit(L, [-1] * 4).class_balance_ == pytest.approx(MajorityVote().fit(L).class_balance_)
    assert any("only 2 LF(s)" in w for w in MajorityVote().fit(VOTES[:, :2]).warnings_)


def test_fit_patterns_records_what_it_saw_and_checks_its_input():
    P, c = np.array([[0, 1], [1, -1]]), np.array([3, 1], dtype=np.uint32)
    mv = MajorityVote().fit_patterns(P, c, lf_names=["a", "b"], label_space=SPACE)
    assert mv.cardinality_ == 3 and mv.n_lfs_in_ == 2 and mv.lf_names_in_ == ("a", "b")
    assert mv.label_space_ is SPACE and mv.warnings_ == []
    assert MajorityVote(cardinality=4).fit_patterns(P, c).cardinality_ == 4
    plain = MajorityVote().fit_patterns(P, c)
    assert plain.cardinality_ == 2 and plain.lf_names_in_ is None
    for counts in (np.array([3]), np.array([3.0, 1.0]), np.array([3, 0])):
        with pytest.raises(InputError, match="^counts: expected 2 positive integer row counts"):
            MajorityVote().fit_patterns(P, counts)
    with pytest.raises(InputError, match="^patterns: no LF voted"):
        MajorityVote().fit_patterns(np.array([[-1, -1]]), np.array([2]))
    with pytest.raises(WeakLabelError, match="^patterns"):
        MajorityVote().fit_patterns(np.array([[0.5, 1.0]]), np.array([2]))
    with pytest.raises(WeakLabelError, match="patterns"):
        MajorityVote(cardinality=2).fit_patterns(np.array([[0, 2]]), np.array([2]))


@FEW_LFS
def test_predict_checks_names_and_classes():
    mv = MajorityVote().fit(LabelMatrix(VOTES, ["a", "b", "c"], label_space=SPACE))
    with pytest.raises(InputError, match=r"LF names differ from those seen in fit \('c' != 'b', 'b' != 'c'\)"):
        mv.predict(LabelMatrix(VOTES, ["a", "c", "b"]))
    two = MajorityVote().fit(VOTES)
    with pytest.raises(InputError, match="holds class 2 but the model was fitted with cardinality 2"):
        two.predict(np.array([[2, 0, 0]]))


class SeededVote(MajorityVote):
    def __init__(self, *, cardinality=None, random_state=0):
        self.cardinality = cardinality
        self.random_state = random_state


TIES = np.array([[0, 1, -1], [1, 0, -1], [-1, 0, 1]] * 40)  # every row a tie


@FEW_LFS
def test_predict_draws_true_random_ties_with_the_models_seed_or_zero():
    seeded = SeededVote(random_state=3).fit(TIES)
    probs = seeded.predict_proba(TIES)
    with_3 = probs_to_preds(probs, tie_break_policy="true-random", random_state=3).tolist()
    with_0 = probs_to_preds(probs, tie_break_policy="true-random", random_state=0).tolist()
    assert with_3 != with_0
    assert seeded.predict(TIES, tie_break_policy="true-random").tolist() == with_3
    plain = MajorityVote().fit(TIES)  # no random_state: seed 0, every time
    assert plain.predict(TIES, tie_break_policy="true-random").tolist() == with_0


@FEW_LFS
def test_fit_edges_by_hand():
    with pytest.raises(WeakLabelError, match="^cardinality"):
        MajorityVote(cardinality=1).fit(VOTES)
    with pytest.raises(WeakLabelError, match="^cardinality"):
        MajorityVote(cardinality=1).fit_patterns(np.array([[0, 1]]), np.array([2]))
    assert MajorityVote().fit(np.array([[0, 1, 1]])).cardinality_ == 2          # one row is enough
    assert MajorityVote(cardinality=2).fit(np.array([[0, -1], [-1, 0]])).cardinality_ == 2  # only class 0 voted
    with pytest.raises(InputError, match="^y: holds class 2 but no LF votes above 1"):  # gold is checked too
        MajorityVote().fit(VOTES, [0, 2, -1, -1])
    assert MajorityVote(cardinality=3).fit(VOTES, [0, 2, -1, -1]).cardinality_ == 3
    # gold with only class 0 known still counts as gold: (2, 0) + 1 each
    assert MajorityVote().fit(VOTES, [0, -1, -1, 0]).class_balance_ == pytest.approx([3 / 4, 1 / 4])
    one = MajorityVote().fit_patterns(np.array([[0]]), np.array([5]))  # a single pattern of a single LF
    assert one.cardinality_ == 2 and one.class_balance_ == pytest.approx([6 / 7, 1 / 7])
    assert MajorityVote(cardinality=2).fit_patterns(np.array([[0, -1]]), np.array([3])).n_lfs_in_ == 2


@FEW_LFS
def test_score_reads_gold_names_through_the_matrix_it_is_given():
    mv = MajorityVote().fit(VOTES)  # fitted without a label space
    L = LabelMatrix(VOTES, ["a", "b", "c"], label_space=LabelSpace(["ham", "spam"]))
    assert mv.score(L, ["ham", "spam", "ham", "spam"], metrics=("accuracy", "f1"), tie_break_policy="random") == \
        mv.score(VOTES, [0, 1, 0, 1], metrics=("accuracy", "f1"), tie_break_policy="random")


def test_predict_and_score_pass_the_models_seed_and_gold_names():
    rng = np.random.default_rng(0)
    L = LabelMatrix(rng.integers(-1, 2, size=(200, 3)), ["a", "b", "c"], label_space=LabelSpace(["no", "yes"]))
    ds = DawidSkene(random_state=3).fit(L)
    probs = ds.predict_proba(L)
    assert ds.predict(L, tie_break_policy="true-random").tolist() == \
        probs_to_preds(probs, tie_break_policy="true-random", random_state=3).tolist()
    y = np.where(L.votes[:, 0] == 1, "yes", "no")
    by_name = ds.score(L, y, metrics=("accuracy", "roc_auc"))
    by_index = ds.score(L, (y == "yes").astype(int), metrics=("accuracy", "roc_auc"))
    assert by_name == by_index and 0.5 < by_name["roc_auc"] <= 1.0
