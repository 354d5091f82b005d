"""The gold layers of the Dawid-Skene family (weaklabel/models/correction.py): the per-LF
correction and the per-pattern mix of the posterior with the gold rows' labels."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weaklabel import InputError
from weaklabel.bench.synthetic import sample_L
from weaklabel.models import DawidSkene, LabelModel
from weaklabel.models.correction import mix_pattern_counts, pattern_keys


def _xor_suite(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """y = a XOR b. LF0 reports a and LF1 reports b (5% noise each), LF2 votes y itself
    at 70%: what LF0 and LF1 mean together is no sum of what each means alone."""
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 2, n), rng.integers(0, 2, n)
    y = a ^ b

    def noisy(v: np.ndarray, err: float) -> np.ndarray:
        return np.where(rng.random(n) < err, 1 - v, v)

    return np.column_stack([noisy(a, 0.05), noisy(b, 0.05), noisy(y, 0.3)]), y


@pytest.mark.filterwarnings("ignore::weaklabel.models.LabelModelWarning")  # two LFs keep the example small
def test_pattern_counts_mixed_with_the_posterior_by_hand():
    # Two LFs; the gold rows hold pattern (0, 1) three times as class 1 and once as class 0.
    L = np.array([[0, 0], [1, 1], [0, 1], [1, 0], [-1, 0], [1, -1]] * 20 + [[0, 1]] * 4 + [[-1, -1]] * 3)
    y = np.full(len(L), -1)
    y[-7:] = [1, 1, 1, 0, 0, 0, 0]            # the last 3 rows voted nothing
    base = DawidSkene(gold_correction=None, pattern_prior=None).fit(L, y)
    mixed = DawidSkene(gold_correction=None, pattern_prior=2.0).fit(L, y)
    assert mixed.pattern_prior_ == 2.0
    assert mixed.gold_patterns_.tolist() == [[0, 1]]        # the no-vote pattern is left out
    assert mixed.gold_pattern_counts_.tolist() == [[1.0, 3.0]]
    q = base.predict_proba(np.array([[0, 1]]))[0]
    assert np.allclose(mixed.predict_proba(np.array([[0, 1]]))[0], (2 * q + [1, 3]) / 6)
    others = np.array([[0, 0], [1, 1], [1, 0], [-1, 0]])
    assert np.allclose(mixed.predict_proba(others), base.predict_proba(others))
    assert np.allclose(mixed.predict_proba(np.array([[-1, -1]]))[0], mixed.prior_)   # no votes: the prior


def test_auto_finds_what_lfs_mean_together():
    L, y = _xor_suite(6000, seed=0)
    gold = np.where(np.arange(6000) < 400, y, -1)
    rest = slice(400, None)
    additive = LabelModel(pattern_prior=None).fit(L, gold)
    auto = LabelModel().fit(L, gold)
    assert auto.pattern_prior_ is not None and len(auto.gold_patterns_) == 8
    acc_add = (additive.predict(L[rest], tie_break_policy="random") == y[rest]).mean()
    acc_auto = (auto.predict(L[rest], tie_break_policy="random") == y[rest]).mean()
    assert acc_add < 0.75 < 0.85 < acc_auto       # XOR is beyond any per-LF weight


def test_auto_stays_off_without_repeated_patterns_to_learn_from():
    # 30 independent LFs: gold patterns barely repeat, so the counts add nothing.
    L, y = sample_L(3000, np.full(30, 0.75), np.full(30, 0.5), [0.5, 0.5], seed=5)
    gold = np.where(np.arange(3000) < 300, y, -1)
    m = LabelModel(gold_correction=None).fit(L, gold)
    unseen = ~np.isin(pattern_keys(L, 2), pattern_keys(m.gold_patterns_, 2))
    base = LabelModel(gold_correction=None, pattern_prior=None).fit(L, gold)
    assert np.allclose(m.predict_proba(L[unseen]), base.predict_proba(L[unseen]))


def test_auto_off_below_50_gold_rows_but_a_fixed_strength_applies():
    L, y = _xor_suite(2000, seed=1)
    gold = np.where(np.arange(2000) < 40, y, -1)
    assert LabelModel().fit(L, gold).pattern_prior_ is None
    m = LabelModel(pattern_prior=1.0).fit(L, gold)
    assert m.pattern_prior_ == 1.0 and m.gold_pattern_counts_.sum() == 40
    assert LabelModel().fit(L).pattern_prior_ is None            # no gold, no layer
    assert LabelModel().fit(L).gold_patterns_.shape == (0, 3)


def test_explain_terms_still_add_up_with_the_pattern_layer():
    L, y = _xor_suite(3000, seed=2)
    m = LabelModel(pattern_prior=2.0).fit(L, np.where(np.arange(3000) < 300, y, -1))
    for row in np.unique(L, axis=0):
        prior, terms = m.explain_terms(row)
        logit = prior + terms.sum(axis=0)
        post = np.exp(logit - logit.max())
        assert np.allclose(post / post.sum(), m.predict_proba(row[None])[0])


@pytest.mark.parametrize("bad", [0, -1.0, "yes", True])
def test_bad_pattern_prior_is_named(bad):
    L, y = _xor_suite(200, seed=3)
    with pytest.raises(InputError, match="pattern_prior: expected None, one of 'auto' or a number > 0"):
        LabelModel(pattern_prior=bad).fit(L, y)


def test_keys_match_equal_rows_only_and_wide_label_spaces():
    V = np.array([[0, 1, -1], [0, 1, -1], [1, 0, -1]])
    k = pattern_keys(V, 2)
    assert k[0] == k[1] and k[0] != k[2]
    wide = np.array([[300, -1], [44, -1]])           # classes past int8 keep their identity
    assert pattern_keys(wide, 400)[0] != pattern_keys(wide, 400)[1]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.floats(0.1, 50), st.data())
def test_mixed_posterior_lies_between_the_model_and_the_gold_shares(n_classes, strength, data):
    k = n_classes + 1
    n = data.draw(st.integers(1, 12))
    P = np.array(data.draw(st.lists(st.lists(st.floats(0.01, 1), min_size=k, max_size=k), min_size=n,
                                    max_size=n)))
    P /= P.sum(axis=1, keepdims=True)
    votes = np.array(data.draw(st.lists(st.lists(st.integers(-1, k - 1), min_size=2, max_size=2), min_size=n,
                                        max_size=n)))
    gold_votes = np.unique(votes, axis=0)
    C = np.array(data.draw(st.lists(st.lists(st.integers(0, 5), min_size=k, max_size=k),
                                    min_size=len(gold_votes), max_size=len(gold_votes))), dtype=float)
    C[:, 0] += 1                                         # every gold pattern has a gold row
    out = mix_pattern_counts(P, pattern_keys(votes, k), pattern_keys(gold_votes, k), C, strength)
    assert np.allclose(out.sum(axis=1), 1)
    share = C / C.sum(axis=1, keepdims=True)
    row_share = share[[np.flatnonzero((gold_votes == v).all(axis=1))[0] for v in votes]]
    lo, hi = np.minimum(P, row_share), np.maximum(P, row_share)
    assert np.all(out >= lo - 1e-12) and np.all(out <= hi + 1e-12)
    weaker = mix_pattern_counts(P, pattern_keys(votes, k), pattern_keys(gold_votes, k), C, strength * 2)
    assert np.all(np.abs(weaker - P) <= np.abs(out - P) + 1e-12)   # more weight on the model: closer to it


def _echo_suite(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Four LFs that repeat one 70%-right signal, each copy flipped on 3% of rows: the model,
    taking them as independent, is near-certain on rows where only 70% are right."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    signal = np.where(rng.random(n) < 0.7, y, 1 - y)
    return np.column_stack([np.where(rng.random(n) < 0.03, 1 - signal, signal) for _ in range(4)]), y


def _ece(y: np.ndarray, P: np.ndarray) -> float:
    from weaklabel.evaluate import calibration_scores

    return calibration_scores(y, P)["ece"]


@pytest.mark.filterwarnings("ignore::weaklabel.models.LabelModelWarning")
def test_temperature_softens_a_model_made_too_sure_by_correlated_lfs():
    L, y = _echo_suite(4000, seed=0)
    gold = np.where(np.arange(4000) < 200, y, -1)
    rest = slice(200, None)
    layers_off = {"gold_correction": None, "pattern_prior": None}   # the temperature alone
    sure = LabelModel(temperature=None, **layers_off).fit(L, gold)
    tempered = LabelModel(**layers_off).fit(L, gold)
    assert sure.temperature_ == 1.0 and tempered.temperature_ > 5.0
    assert _ece(y[rest], sure.predict_proba(L[rest])) > 0.25
    assert _ece(y[rest], tempered.predict_proba(L[rest])) < 0.06
    # it never changes the predicted class
    assert (sure.predict(L, tie_break_policy="random") == tempered.predict(L, tie_break_policy="random")).all()
    # with every layer on (the default), the result is as well calibrated
    assert _ece(y[rest], LabelModel().fit(L, gold).predict_proba(L[rest])) < 0.06


@pytest.mark.filterwarnings("ignore::weaklabel.models.LabelModelWarning")
def test_temperature_needs_50_random_gold_rows_and_a_fixed_one_is_applied_as_given():
    L, y = _echo_suite(2000, seed=1)
    assert LabelModel().fit(L).temperature_ == 1.0                                  # no gold
    assert LabelModel().fit(L, np.where(np.arange(2000) < 40, y, -1)).temperature_ == 1.0
    gold = np.where(np.arange(2000) < 100, y, -1)
    base = LabelModel(temperature=None).fit(L, gold)
    fixed = LabelModel(temperature=2.0).fit(L, gold)
    assert fixed.temperature_ == 2.0
    logp = np.log(base.predict_proba(L)) / 2.0
    expect = np.exp(logp - logp.max(axis=1, keepdims=True))
    assert np.allclose(fixed.predict_proba(L), expect / expect.sum(axis=1, keepdims=True))
    for row in np.unique(L, axis=0):        # explain_terms still add up to predict_proba
        prior, terms = fixed.explain_terms(row)
        logit = prior + terms.sum(axis=0)
        post = np.exp(logit - logit.max())
        assert np.allclose(post / post.sum(), fixed.predict_proba(row[None])[0])


def test_temperature_shrinks_toward_one_when_gold_is_scarce():
    from weaklabel.models.correction import fit_temperature

    log_p = np.log(np.array([[0.99, 0.01]] * 10))    # sure of class 0, right 6 times in 10
    gold = np.array([0] * 6 + [1] * 4)
    few, many = fit_temperature(log_p, gold, np.ones(10)), fit_temperature(log_p, gold, np.full(10, 1000.0))
    exact = np.log(99) / np.log(1.5)                 # softmax(log_p / T) = (0.6, 0.4)
    assert 1.0 < few < many < exact and abs(many - exact) < 0.05 * exact
    right = np.array([0] * 10)                       # always right: sharpen, never soften
    assert fit_temperature(log_p, right, np.full(10, 100.0)) < 1.0


@pytest.mark.parametrize("bad", [0, -1.0, "yes"])
def test_bad_temperature_is_named(bad):
    L, y = _xor_suite(200, seed=3)
    with pytest.raises(InputError, match="temperature: expected None, one of 'auto' or a number > 0"):
        LabelModel(temperature=bad).fit(L, y)
