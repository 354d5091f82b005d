import warnings

import numpy as np
import pytest

from weaklabel import InputError
from weaklabel.bench.synthetic import sample_L
from weaklabel.evaluate import metric_scores
from weaklabel.models import DawidSkene, LabelModel, LabelModelWarning, MajorityVote


def test_hand_example_from_docstring():
    L = np.array([[0, 0, -1], [1, 1, 0], [1, -1, 1], [0, 0, 0]])
    ds = DawidSkene().fit(L)
    assert ds.predict(L).tolist() == [0, 1, 1, 0]
    assert ds.converged_ and ds.n_iter_ >= 1
    assert ds.emission_.shape == (3, 2, 3)
    assert np.allclose(ds.emission_.sum(axis=2), 1)


@pytest.mark.slow
@pytest.mark.parametrize("k", [2, 3])
def test_recovers_lf_accuracies_within_003(k):
    acc = np.array([0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.85, 0.6])
    prop = np.array([0.5, 0.3, 0.6, 0.4, 0.5, 0.7, 0.2, 0.5])
    cb = np.full(k, 1 / k) if k == 2 else np.array([0.5, 0.3, 0.2])
    L, y = sample_L(100_000, acc, prop, cb, seed=7)
    ds = DawidSkene(confusion="one_coin").fit(L)
    assert np.max(np.abs(ds.lf_accuracy_ - acc)) < 0.03
    assert np.max(np.abs(ds.class_balance_ - cb)) < 0.03
    assert np.max(np.abs(ds.lf_propensity_ - prop)) < 0.01


@pytest.mark.slow
def test_recovers_unipolar_lf_precisions_and_balance():
    acc = np.array([0.9, 0.85, 0.8, 0.75, 0.9, 0.7])
    prop = np.array([0.3, 0.2, 0.4, 0.3, 0.25, 0.35])
    L, y = sample_L(100_000, acc, prop, [0.5, 0.5], seed=11, unipolar=True)
    ds = DawidSkene().fit(L)
    emp = np.array([(L[:, j] == y)[L[:, j] >= 0].mean() for j in range(len(acc))])
    assert np.max(np.abs(ds.lf_accuracy_ - emp)) < 0.03
    assert abs(ds.class_balance_[1] - y.mean()) < 0.03
    mv = MajorityVote().fit(L)
    assert ds.score(L, y, tie_break_policy="random")["accuracy"] >= \
        mv.score(L, y, tie_break_policy="random")["accuracy"]


def test_partial_gold_is_treated_as_observed():
    L, y = sample_L(3000, [0.8, 0.7, 0.6], [0.6, 0.6, 0.6], [0.5, 0.5], seed=5)
    gold = np.full(3000, -1)
    gold[:1000] = y[:1000]
    ds = DawidSkene().fit(L, gold)
    unsup = DawidSkene().fit(L)
    # the model's estimate of P(y) moves to the gold rows' balance and accuracy estimates sharpen
    emp = np.array([(L[:, j] == y)[L[:, j] >= 0].mean() for j in range(3)])
    assert np.abs(ds.lf_accuracy_ - emp).max() <= np.abs(unsup.lf_accuracy_ - emp).max() + 1e-9


def test_given_class_balance_is_kept_and_validated():
    L, _ = sample_L(500, [0.8, 0.7, 0.9], [0.5, 0.5, 0.5], [0.5, 0.5], seed=2)
    ds = DawidSkene(class_balance=[0.3, 0.7]).fit(L)
    assert np.allclose(ds.class_balance_, [0.3, 0.7])
    with pytest.raises(InputError, match="class_balance: expected 2 positive probabilities"):
        DawidSkene(class_balance=[0.5, 0.6]).fit(L)
    with pytest.raises(InputError, match="confusion: expected one of"):
        DawidSkene(confusion="diag").fit(L)


def test_explain_row_terms_sum_to_log_posterior():
    L, _ = sample_L(2000, [0.8, 0.7, 0.9, 0.6], [0.5, 0.5, 0.5, 0.5], [0.4, 0.6], seed=4)
    ds = DawidSkene().fit(L)
    row = L[3]
    prior, terms = ds.explain_terms(row)
    logit = prior + terms.sum(axis=0)
    post = np.exp(logit - logit.max())
    assert np.allclose(post / post.sum(), ds.predict_proba(row[None])[0])


def _wrench(data_dir, name):
    from weaklabel import load_dataset

    return (load_dataset(name, split="train", data_dir=data_dir),
            load_dataset(name, split="test", data_dir=data_dir))


def test_dawid_skene_beats_majority_vote_on_wrench_youtube(data_dir):
    tr, te = _wrench(data_dir, "youtube")
    scores = {}
    for name, m in {"mv": MajorityVote(), "ds": DawidSkene(), "lm": LabelModel()}.items():
        with warnings.catch_warnings():
            # the full-confusion fit learns keyword_link as worse than random and says so
            warnings.simplefilter("ignore", LabelModelWarning)
            m.fit(tr.L)
        # WRENCH protocol: ties broken at random, 5 seeds
        scores[name] = np.mean([metric_scores(te.y, _predict_seeded(m, te.L, s), 2)["accuracy"]
                                for s in range(5)])
    assert scores["ds"] >= scores["mv"] + 0.01
    assert scores["lm"] >= scores["mv"]


def _predict_seeded(model, L, seed):
    from weaklabel.models import probs_to_preds

    return probs_to_preds(model.predict_proba(L), tie_break_policy="true-random", random_state=seed)


def test_dawid_skene_on_wrench_sms_train_split_beats_majority_vote(data_dir):
    """On sms the stored *test* votes do not belong to their texts (see test_sms_suite in
    tests/lfs), so the honest comparison is on the train split, where they do."""
    tr, _ = _wrench(data_dir, "sms")
    f1 = {}
    for name, m in {"mv": MajorityVote(), "ds": DawidSkene()}.items():
        m.fit(tr.L)
        f1[name] = np.mean([metric_scores(tr.y, _predict_seeded(m, tr.L, s), 2, ["f1"])["f1"]
                            for s in range(5)])
    assert f1["ds"] >= f1["mv"] + 0.1


# -- gold correction ------------------------------------------------------------
def _correlated_suite(seed=0, n=20_000):
    """Three copies of a weak LF (accuracy 0.6) outvote two good ones: EM, assuming
    independence, over-trusts the copies. Only gold can show it."""
    L, y = sample_L(n, [0.6, 0.9, 0.85], [0.9, 0.3, 0.3], [0.5, 0.5], seed=seed)
    return np.column_stack([L[:, :1], L[:, :1], L[:, :1], L[:, 1:]]), y


@pytest.mark.filterwarnings("ignore::weaklabel.models.LabelModelWarning")  # the copies are the point
def test_random_gold_corrects_what_em_gets_wrong_on_correlated_lfs():
    L, y = _correlated_suite()
    rng = np.random.default_rng(0)
    gold = np.full(len(y), -1)
    pick = rng.choice(len(y), 300, replace=False)
    gold[pick] = y[pick]
    rest = np.setdiff1d(np.arange(len(y)), pick)
    acc = lambda m: (m.predict(L[rest], tie_break_policy="random") == y[rest]).mean()  # noqa: E731
    plain = DawidSkene(confusion="one_coin", gold_correction=None).fit(L, gold)
    fixed = DawidSkene(confusion="one_coin").fit(L, gold)
    assert fixed.gold_correction_ is not None                 # cross-validation chose a correction
    assert acc(fixed) >= acc(plain) + 0.03
    assert acc(fixed) >= (MajorityVote().fit(L).predict(L[rest], tie_break_policy="random")
                          == y[rest]).mean()


@pytest.mark.filterwarnings("ignore::weaklabel.models.LabelModelWarning")  # the copies are the point
def test_gold_correction_off_below_50_rows_and_when_asked():
    L, y = _correlated_suite(seed=1, n=3000)
    gold = np.where(np.arange(3000) < 40, y, -1)
    m = DawidSkene().fit(L, gold)
    assert m.gold_correction_ is None and not m.correction_.any() and not m.correction_bias_.any()
    gold = np.where(np.arange(3000) < 500, y, -1)
    m = DawidSkene(gold_correction=None).fit(L, gold)
    assert m.gold_correction_ is None and not m.correction_.any()
    m = DawidSkene(gold_correction=0.5).fit(L, gold)       # a fixed scale skips the search
    assert m.gold_correction_ == 0.5 and m.correction_.any()


@pytest.mark.filterwarnings("ignore::weaklabel.models.LabelModelWarning")  # the copies are the point
def test_gold_correction_bad_values_are_named():
    L, y = _correlated_suite(seed=2, n=500)
    for bad in (0, -1.0, "yes", True):
        with pytest.raises(InputError, match="gold_correction: expected None, one of 'auto' or a number > 0"):
            DawidSkene(gold_correction=bad).fit(L, y)


@pytest.mark.filterwarnings("ignore::weaklabel.models.LabelModelWarning")  # the copies are the point
def test_explain_terms_include_the_gold_correction():
    L, y = _correlated_suite(seed=3, n=5000)
    m = DawidSkene(gold_correction=1.0).fit(L, np.where(np.arange(5000) < 400, y, -1))
    for row in L[:20]:
        prior, terms = m.explain_terms(row)
        logit = prior + terms.sum(axis=0)
        post = np.exp(logit - logit.max())
        assert np.allclose(post / post.sum(), m.predict_proba(row[None])[0])


def test_fifty_random_gold_labels_lift_the_default_on_wrench_youtube(data_dir):
    """50 random train gold labels improve LabelModel's test accuracy over the
    unsupervised fit, averaged over 5 draws (and 100/200 labels lift it further)."""
    from weaklabel.bench.harness import gold_curve

    curve = gold_curve(data_dir / "youtube", sizes=(0, 50, 100, 200), draws=5)
    mean = curve.groupby("gold_rows")["score"].mean()
    assert mean[50] > mean[0]
    assert mean[200] >= mean[0] + 0.015


def test_em_never_lowers_the_likelihood_where_its_m_step_is_exact():
    """Plain Dawid-Skene (no smoothing, no gold): log_likelihood_ after t EM steps never falls as t grows."""
    for seed in range(3):
        L, _ = sample_L(2000, [0.8, 0.7, 0.65, 0.6, 0.55], [0.5, 0.4, 0.6, 0.3, 0.5], [0.3, 0.7], seed=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # stopping at max_iter is the point here
            lls = [DawidSkene(max_iter=t, smoothing=0.0, tol=0.0).fit(L).log_likelihood_ for t in range(1, 30)]
        assert np.all(np.diff(lls) >= -1e-12), np.diff(lls).min()
        assert lls[-1] > lls[0]
