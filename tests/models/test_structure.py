"""LabelModel chooses its structure from L; rows without votes get the prior and no label."""

import warnings

import numpy as np
import pytest

from weaklabel.bench.synthetic import REGIMES, regime_L, sample_L
from weaklabel.models import DawidSkene, LabelModel, MajorityVote, WeightedMajorityVote, probs_to_preds
from weaklabel.models._patterns import unipolar_lfs


def test_unipolar_lfs_by_vote_share():
    votes = np.array([[100, 0], [99, 1], [90, 10], [0, 0]])  # rows: LFs, cols: votes per class
    assert unipolar_lfs(votes).tolist() == [True, True, False, True]


@pytest.mark.parametrize("unipolar,k,regime", [(False, 2, "confusion"), (False, 3, "confusion"),
                                               (True, 2, "one_class"), (True, 3, "weighted_vote")])
def test_regime_follows_the_kind_of_lfs(unipolar, k, regime):
    L, _ = sample_L(2000, [0.8, 0.75, 0.7, 0.85, 0.8, 0.7], [0.3] * 6, np.full(k, 1 / k), seed=1,
                    unipolar=unipolar)
    lm = LabelModel().fit(L)
    assert lm.structure_.regime == regime
    assert lm.structure_.abstain_mask.tolist() == [unipolar or regime == "one_class"] * 6 or regime != "confusion"
    if regime == "weighted_vote":
        assert np.allclose(lm.class_balance_, 1 / k)  # classes a priori equally likely


def test_fixed_parameters_override_the_choice():
    L, _ = sample_L(1000, [0.8, 0.75, 0.7], [0.5] * 3, [0.5, 0.5], seed=2)
    lm = LabelModel(confusion="one_coin", model_abstains=True, smoothing=3.0).fit(L)
    assert lm.structure_.confusion == "one_coin" and lm.structure_.smoothing == 3.0
    assert lm.structure_.abstain_mask.all()
    with pytest.raises(ValueError, match="confusion"):
        DawidSkene(confusion="auto").fit(L)  # only LabelModel chooses
    with pytest.raises(ValueError, match="model_abstains"):
        LabelModel(model_abstains="sometimes").fit(L)


def test_no_votes_no_label():
    L = np.array([[0, 0, -1], [1, 1, 1], [1, -1, 1], [0, 0, 0], [-1, -1, -1], [0, -1, 0]] * 20)
    lm = LabelModel().fit(L)
    probs = lm.predict_proba(L)
    uncovered = (L < 0).all(axis=1)
    assert np.allclose(probs[uncovered], lm.class_balance_)
    assert (lm.predict(L)[uncovered] == -1).all()                              # abstain policy
    assert (lm.predict(L, tie_break_policy="random")[~uncovered] >= 0).all()
    prior, terms = lm.explain_terms(L[4])
    assert np.allclose(terms, 0)


def test_abstains_of_multi_class_lfs_carry_no_class_signal():
    """A worker who skips more items of one class must not move the posterior by skipping."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 3000)
    L = np.where(rng.random((3000, 5)) < 0.8, y[:, None], 1 - y[:, None])
    L[(y == 1) & (rng.random(3000) < 0.5), 0] = -1  # LF 0 skips half of class 1
    lm = LabelModel().fit(L)
    e = lm.emission_[0]
    assert abs(e[0, 0] - e[1, 0]) < 1e-9  # P(abstain | y) the same for both classes


def _acc(model, L, y):
    return np.mean([(probs_to_preds(model.predict_proba(L), tie_break_policy="true-random",
                                    random_state=s) == y).mean() for s in range(3)])


_WEAK = pytest.mark.xfail(strict=True, reason="known gap (docs/label-model.md): multi-class LFs right 40-50% "
                          "of the time; full confusion matrices are too loose there (-1.6 points on average)")


@pytest.mark.parametrize("regime", [pytest.param(r, marks=_WEAK) if r == "weak_multiclass" else r for r in REGIMES])
@pytest.mark.parametrize("k", [2, 3])
def test_default_is_never_below_majority_vote_in_expectation(regime, k):
    """Mean over draws: at most 1 point below majority vote in any regime (measured: level
    on nested thresholds and sparse one-class LFs with 3 classes, 1 to 15 points ahead on
    the others)."""
    diffs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in range(6):
            L, y = regime_L(regime, 2000, k, seed=seed)
            diffs.append(_acc(LabelModel().fit(L), L, y) - _acc(MajorityVote(cardinality=k).fit(L), L, y))
    assert np.mean(diffs) >= -0.01, diffs


def test_exact_copies_count_once():
    L, y = sample_L(3000, [0.9, 0.85, 0.8, 0.6], [0.6, 0.5, 0.6, 0.7], [0.5, 0.5], seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the near-copy guardrail fires, rightly
        lm = LabelModel().fit(np.column_stack([L, L[:, 3], L[:, 3]]))
        single = LabelModel().fit(L)
    assert lm.structure_.copy_weight.tolist() == [1, 1, 1, 1 / 3, 1 / 3, 1 / 3]
    probs = lm.predict_proba(np.column_stack([L, L[:, 3], L[:, 3]]))
    # the same up to the suite-wide prior, which the copies still feed
    assert np.abs(probs - single.predict_proba(L)).max() < 0.01


def test_regime_generator_rejects_unknown_names():
    with pytest.raises(ValueError, match="sparse_unipolar"):
        regime_L("chaos")


def test_trec_test_split_differs_from_valid_so_valid_gold_does_not_transfer(data_dir):
    """Pins why the default with valid gold trails tuned Snorkel on trec:
    the gold layers fitted on half of valid's gold predict the other half much better and
    the test split much worse, and the class shares of valid and test differ. Choosing among
    models by held-out valid gold cannot escape it: of the default with and without the
    layers and weighted majority vote with gold accuracies, it ranks first the one that
    ranks last on test."""
    from weaklabel.io.wrench import read_wrench_split

    split = {s: read_wrench_split(data_dir / "trec", s) for s in ("train", "valid", "test")}
    yv, yt = split["valid"].y, split["test"].y
    share_v, share_t = np.bincount(yv, minlength=6) / yv.size, np.bincount(yt, minlength=6) / yt.size
    assert share_v[2] - share_t[2] > 0.08 and share_t[5] - share_v[5] > 0.08
    rng = np.random.default_rng(0)
    idx = rng.permutation(yv.size)
    a, b = idx[:250], idx[250:]
    Lfit = np.vstack([split["train"].L.votes, split["valid"].L.votes[a]])
    yfit = np.r_[np.full(split["train"].L.n_rows, -1), yv[a]]
    scores = {}
    for gc in ("auto", None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lm = LabelModel(gold_correction=gc, pattern_prior=gc).fit(Lfit, yfit)
        scores[gc] = (_acc(lm, split["valid"].L.votes[b], yv[b]), _acc(lm, split["test"].L.votes, yt))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wmv = WeightedMajorityVote().fit(Lfit, yfit)
    scores["wmv"] = (_acc(wmv, split["valid"].L.votes[b], yv[b]), _acc(wmv, split["test"].L.votes, yt))
    assert scores["auto"][0] > scores[None][0] + 0.05   # better on held-out valid
    assert scores["auto"][1] < scores[None][1] - 0.05   # worse on test
    # Held-out valid gold ranks the gold layers first; the test split ranks them last.
    assert max(scores, key=lambda m: scores[m][0]) == "auto" == min(scores, key=lambda m: scores[m][1])


def test_nested_pairs_by_hand():
    from weaklabel.models._patterns import mask_nested, nested_pairs

    # LF 0 (class 1) fires on rows 0-19, always inside LF 1 (class 0, rows 0-39);
    # LF 2 (class 0) fires inside LF 1 too but votes the same class: left alone.
    n = 60
    L = np.full((n, 3), -1, dtype=np.int8)
    L[:20, 0] = 1
    L[:40, 1] = 0
    L[30:40, 2] = 0
    L[40:60, 2] = 0
    pairs = nested_pairs(L, np.ones(n, dtype=np.int64), np.array([True, True, True]))
    assert pairs.tolist() == [[0, 1]]
    masked = mask_nested(L, pairs)
    assert (masked[:20, 1] == -1).all() and (masked[20:40, 1] == 0).all()
    assert (masked[:, [0, 2]] == L[:, [0, 2]]).all()
    # below NEST_MIN_ROWS rows the containment is not trusted
    assert nested_pairs(L[:10], np.ones(10, dtype=np.int64), np.ones(3, bool)).size == 0
    # counts weigh patterns: the same matrix as 2 patterns x counts gives the same pair
    P = np.array([[1, 0, -1], [-1, 0, -1]], dtype=np.int8)
    assert nested_pairs(P, np.array([20, 20]), np.ones(3, bool)).tolist() == [[0, 1]]


def test_a_narrow_rule_inside_a_broad_one_is_not_outvoted_by_it():
    """The broad LF's vote is implied wherever the narrow one fires, so it does not count there."""
    rng = np.random.default_rng(3)
    n, k = 3000, 3
    y = rng.integers(0, k, n)
    L = np.full((n, 4), -1, dtype=np.int8)
    narrow = (y == 1) & (rng.random(n) < 0.3)
    L[narrow, 0] = 1                                        # narrow rule, right
    L[narrow | ((y == 2) & (rng.random(n) < 0.6)), 1] = 2   # broad rule that contains it
    L[(y == 0) & (rng.random(n) < 0.5), 2] = 0
    L[(y == 2) & (rng.random(n) < 0.4), 3] = 2
    lm = LabelModel().fit(L)
    assert lm.nested_.tolist() == [[0, 1]]
    assert (lm.predict(L)[narrow] == 1).all()                 # majority vote ties them
    prior, terms = lm.explain_terms(L[np.flatnonzero(narrow)[0]])
    assert np.ptp(terms[1]) < 1e-12  # the broad vote moves no class against another there


@pytest.mark.parametrize("pi", [0.5, 0.3])
def test_two_plus_two_one_sided_lfs_do_not_collapse(pi):
    """The textbook case (was 0.53 against majority vote's 0.79)."""
    from weaklabel.bench.synthetic import one_sided_L

    diffs = []
    for seed in range(8):
        L, y = one_sided_L(3000, [2, 2], [1 - pi, pi], seed=seed)
        lm = LabelModel().fit(L)
        pred = lm.predict_proba(L).argmax(axis=1)
        assert 0.05 < pred.mean() < 0.95, seed                # both classes predicted
        diffs.append(_acc(lm, L, y) - _acc(MajorityVote().fit(L), L, y))
    assert np.mean(diffs) >= -0.01, diffs


def test_left_over_balance_by_hand():
    from weaklabel.models._em import left_over_balance

    patterns = np.array([[0, -1], [1, 1], [-1, -1]])
    counts = np.array([4, 2, 4])            # 10 rows, 4 of them silent
    T = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    cb = np.array([0.5, 0.5])               # 5 rows of each class in all
    # covered mass: 4 of class 0, 2 of class 1 -> left 1 and 3, plus k=2 pseudo-rows of cb
    assert np.allclose(left_over_balance(patterns, counts, T, cb), [(1 + 1) / 6, (3 + 1) / 6])
    assert left_over_balance(patterns[:2], counts[:2], T[:2], cb) is None   # no silent rows


def test_a_given_balance_tells_what_the_silent_rows_are():
    """One-class LFs, 3 classes (the weighted-vote regime): most LFs vote class 2, so the rows no
    LF votes on are mostly classes 0 and 1 although class 2 is the largest. The balance is a fact
    about all rows: given it, the silent rows get what it leaves after the covered rows' votes.
    Before, the silent rows all went to class 2."""
    from weaklabel.bench.synthetic import one_sided_L

    cb = np.array([0.25, 0.3, 0.45])
    gains = []
    for seed in range(6):
        L, y = one_sided_L(6000, [1, 1, 4], cb, seed=seed, coverage=(0.2, 0.5))
        plain = LabelModel().fit(L)
        given = LabelModel(class_balance=cb).fit(L)
        assert given.structure_.regime == "weighted_vote"
        silent = ~(L >= 0).any(axis=1)
        truth = np.bincount(y[silent], minlength=3) / silent.sum()
        assert given.uncovered_balance_.argmax() == truth.argmax() != 2
        right = {name: m.predict(L, tie_break_policy="random") == y for name, m in (("plain", plain),
                                                                                     ("given", given))}
        assert right["given"][silent].mean() > right["plain"][silent].mean() + 0.05
        gains.append(right["given"].mean() - right["plain"].mean())
    assert np.mean(gains) > 0
