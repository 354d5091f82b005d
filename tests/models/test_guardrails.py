import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weaklabel import LabelMatrix
from weaklabel.bench.synthetic import sample_L
from weaklabel.models import DawidSkene, LabelModel, LabelModelWarning, MajorityVote
from weaklabel.models._patterns import _one_hot
from weaklabel.models.guardrails import agreement_lift, near_copies


def test_fewer_than_three_lfs_warns():
    with pytest.warns(LabelModelWarning, match="only 2 LF"):
        model = MajorityVote().fit(np.array([[0, 1], [1, 1], [0, -1]]))
    assert model.warnings_ and "only 2 LF" in model.warnings_[0]


def test_lf_worse_than_random_is_named():
    L, y = sample_L(4000, [0.85, 0.8, 0.8, 0.15], [0.6, 0.6, 0.6, 0.6], [0.5, 0.5], seed=9)
    with pytest.warns(LabelModelWarning, match=r"\['inverted'\] vote against the other LFs"):
        LabelModel().fit(LabelMatrix(L, ["a", "b", "c", "inverted"]))
    gold = np.where(np.arange(4000) < 200, y, -1)  # with gold under it, gold decides
    with pytest.warns(LabelModelWarning, match=r"\['inverted'\] are worse than random on the gold rows"):
        LabelModel(gold_correction=None).fit(LabelMatrix(L, ["a", "b", "c", "inverted"]), gold)


def test_near_copies_are_named():
    L, _ = sample_L(2000, [0.85, 0.8, 0.7], [0.6, 0.6, 0.6], [0.5, 0.5], seed=2)
    L = np.column_stack([L, L[:, 0]])
    assert near_copies(L, ["a", "b", "c", "a2"]) == [("a", "a2", 1.0)]
    with pytest.warns(LabelModelWarning, match=r"a ~ a2 \(Jaccard 1.00\)"):
        LabelModel().fit(LabelMatrix(L, ["a", "b", "c", "a2"]))


def test_model_below_majority_vote_on_gold_warns():
    L, y = sample_L(3000, [0.85, 0.8, 0.75], [0.6, 0.6, 0.6], [0.5, 0.5], seed=4)
    gold = np.where(np.arange(3000) < 300, y, -1)
    with pytest.warns(LabelModelWarning, match="below majority vote on the 300 gold rows"):
        DawidSkene(class_balance=[0.995, 0.005], gold_correction=None, pattern_prior=None).fit(L, gold)


def test_gold_correction_repairs_a_wrong_class_prior():
    # Same bad prior as above: with the default correction the 300 gold rows fix it.
    L, y = sample_L(3000, [0.85, 0.8, 0.75], [0.6, 0.6, 0.6], [0.5, 0.5], seed=4)
    gold = np.where(np.arange(3000) < 300, y, -1)
    bad = DawidSkene(class_balance=[0.995, 0.005], gold_correction=None, pattern_prior=None)
    with pytest.warns(LabelModelWarning):
        bad.fit(L, gold)
    fixed = DawidSkene(class_balance=[0.995, 0.005]).fit(L, gold)
    assert fixed.warnings_ == []
    rest = slice(300, None)
    assert (fixed.predict(L[rest]) == y[rest]).mean() > (bad.predict(L[rest]) == y[rest]).mean() + 0.1


def test_a_clean_fit_has_no_warnings():
    L, y = sample_L(3000, [0.85, 0.8, 0.75, 0.7], [0.6, 0.5, 0.6, 0.4], [0.4, 0.6], seed=5)
    model = LabelModel().fit(L, np.where(np.arange(3000) < 100, y, -1))
    assert model.warnings_ == []


def test_an_lf_accurate_on_gold_is_never_called_worse_than_random(data_dir):
    """keyword_link is 0.945 accurate on youtube's train gold; EM's estimate for it is
    low (its votes are correlated with the other spam LFs), but its agreement with the
    other LFs is no evidence of an inverted rule, so no warning names it."""
    import warnings

    from weaklabel.io.wrench import read_wrench_split

    train = read_wrench_split(data_dir / "youtube", "train")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LabelModel().fit(train.L)
    msgs = [str(w.message) for w in caught if issubclass(w.category, LabelModelWarning)]
    assert not any("worse than random" in m for m in msgs), msgs
    # with a little gold under it, gold speaks: no warning names it at all
    gold = np.full(train.L.n_rows, -1)
    gold[:300] = train.y[:300]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LabelModel().fit(train.L, gold)
    assert not any("keyword_link" in str(w.message) for w in caught), [str(w.message) for w in caught]


def _lift_by_rows(votes, k, lfs, w):
    """agreement_lift's z score the slow way: one LF at a time, a pass over its rows."""
    counts = np.stack([(votes == c).sum(axis=1) for c in range(k)], axis=1).astype(float)
    share = (counts * w[:, None]).sum(axis=0) / max((counts * w[:, None]).sum(), 1.0)
    z = np.zeros(votes.shape[1])
    for j in lfs:
        rows = np.flatnonzero(votes[:, j] >= 0)
        lab = votes[rows, j]
        n_other = counts[rows].sum(axis=1) - 1
        p = share[lab]
        obs = (w[rows] * (counts[rows, lab] - 1)).sum()
        exp, var = (w[rows] * n_other * p).sum(), (w[rows] * n_other * p * (1 - p)).sum()
        z[j] = (obs - exp) / np.sqrt(var) if var > 0 else 0.0
    return z


def test_agreement_lift_by_hand():
    # LF 0 votes 1 where the two others vote 1 (twice) and 0 where they vote 0: it agrees with them.
    # Shares of all 9 votes: class 0 1/3, class 1 2/3. LF 0 on row 0: 2 others, both 1 -> obs 2,
    # exp 2 * 2/3; row 1 the same; row 2: its 0 against two 0s -> obs 2, exp 2 * 1/3.
    L = np.array([[1, 1, 1], [1, 1, 1], [0, 0, 0]])
    obs, exp = 6.0, 2 * (2 * 2 / 3) + 2 * 1 / 3
    var = 2 * (2 * 2 / 3 * 1 / 3) + 2 * 1 / 3 * 2 / 3     # n_other * p * (1 - p) per row
    assert agreement_lift(L, 2)[0] == pytest.approx((obs - exp) / np.sqrt(var))
    assert agreement_lift(L, 2, [1]).tolist()[0] == 0.0 and agreement_lift(L, 2, []).tolist() == [0, 0, 0]


@given(seed=st.integers(0, 10_000), k=st.integers(2, 4), weighted=st.booleans(), given_one_hot=st.booleans())
@settings(max_examples=60, deadline=None)
def test_agreement_lift_matches_the_row_by_row_sums(seed, k, weighted, given_one_hot):
    rng = np.random.default_rng(seed)
    votes = np.where(rng.random((60, 5)) < 0.5, rng.integers(0, k, (60, 5)), -1).astype(np.int8)
    w = rng.integers(1, 5, 60).astype(float) if weighted else np.ones(60)
    lfs = sorted(rng.choice(5, size=rng.integers(1, 6), replace=False).tolist())
    got = agreement_lift(votes, k, lfs, weights=w if weighted else None,
                         one_hot=_one_hot(votes, k) if given_one_hot else None)
    np.testing.assert_allclose(got, _lift_by_rows(votes, k, lfs, w), rtol=1e-9, atol=1e-9)
