"""One contract suite that every label model passes (cf. sklearn's parametrize_with_checks)."""

import importlib.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import clone

from weaklabel import InputError, LabelMatrix, LabelSpace, NotFittedError
from weaklabel.bench.peers import PEERS, make_benchmark_model
from weaklabel.bench.synthetic import sample_L
from weaklabel.models import MODELS as REGISTRY
from weaklabel.models import (
    TIE_BREAK_POLICIES,
    DawidSkene,
    LabelModel,
    MajorityVote,
    WeightedMajorityVote,
    make_model,
)

# Every model of the registry, plus DawidSkene's other confusion structures; then every peer
# whose extra is installed (Snorkel: "snorkel"; crowd-kit and HyperLM: "anchors").
_OURS = {name: make_model(name) for name in REGISTRY} | {
    "ds_class_conditional": DawidSkene(confusion="class_conditional"), "ds_classic": DawidSkene(model_abstains=False)}
FUZZ = list(_OURS.items())  # the peers are left out of fuzzing: slow, and some reject some shapes
_EXTRA = {"snorkel": "snorkel", "crowdkit_ds": "crowdkit", "crowdkit_one_coin": "crowdkit", "crowdkit_glad": "crowdkit",
          "crowdkit_mace": "crowdkit", "hyperlm": "hyperlm"}
_PEERS = {name: make_benchmark_model(name, **({"n_iter": 20} if name == "crowdkit_mace" else {}))
          for name in PEERS if importlib.util.find_spec(_EXTRA[name]) is not None}
IDS, MODELS = list(_OURS) + list(_PEERS), list(_OURS.values()) + list(_PEERS.values())

L_TOY, Y_TOY = sample_L(600, [0.9, 0.8, 0.75, 0.7], [0.7, 0.5, 0.6, 0.4], [0.5, 0.3, 0.2], seed=1)


@pytest.fixture(params=MODELS, ids=IDS)
def model(request):
    return clone(request.param)


def test_init_only_stores_params_and_clone_round_trips(model):
    params = model.get_params()
    assert clone(model).get_params() == params
    assert not [a for a in vars(model) if a.endswith("_")]


def test_fit_returns_self_and_sets_learned_attributes(model):
    assert model.fit(L_TOY) is model
    assert model.n_lfs_in_ == 4 and model.cardinality_ == 3
    assert model.class_balance_.shape == (3,) and np.isclose(model.class_balance_.sum(), 1)


def test_predict_proba_is_a_distribution_per_row(model):
    P = model.fit(L_TOY).predict_proba(L_TOY)
    assert P.shape == (600, 3)
    assert np.all(P >= 0) and np.allclose(P.sum(axis=1), 1)


def test_beats_chance_on_conditionally_independent_lfs(model):
    model.fit(L_TOY)
    assert model.score(L_TOY, Y_TOY, tie_break_policy="random")["accuracy"] > 0.7


def test_predict_before_fit_raises_not_fitted(model):
    with pytest.raises(NotFittedError, match=r"not fitted yet; call .fit\(L\)"):
        model.predict_proba(L_TOY)


def test_wrong_width_at_predict_names_both_widths(model):
    model.fit(L_TOY)
    with pytest.raises(InputError, match="fitted on 4 LFs but L has 3 columns"):
        model.predict(L_TOY[:, :3])


def test_lf_names_are_checked_when_L_is_a_labelmatrix(model):
    named = LabelMatrix(L_TOY, ["a", "b", "c", "d"])
    model.fit(named)
    with pytest.raises(InputError, match="LF names differ"):
        model.predict(LabelMatrix(L_TOY, ["a", "b", "x", "d"]))


def test_class_outside_fitted_cardinality_is_rejected(model):
    model.fit(L_TOY)
    bad = L_TOY.copy()
    bad[0, 0] = 3
    with pytest.raises(InputError, match="cardinality 3"):
        model.predict(bad)


def test_deterministic(model):
    a = clone(model).fit(L_TOY).predict_proba(L_TOY)
    b = clone(model).fit(L_TOY).predict_proba(L_TOY)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("policy", TIE_BREAK_POLICIES)
def test_tie_break_policies(model, policy):
    L = np.array([[0, 1, -1], [-1, -1, -1], [0, 0, 1]])
    model.fit(np.vstack([L, L_TOY[:50, :3]]))
    pred = model.predict(L, tie_break_policy=policy)
    assert pred.shape == (3,) and set(pred.tolist()) <= {-1, 0, 1, 2}
    if policy != "abstain":
        assert (pred >= 0).all()


def test_unknown_tie_break_policy_lists_choices(model):
    model.fit(L_TOY)
    with pytest.raises(InputError, match=r"expected one of \['abstain', 'random'"):
        model.predict(L_TOY, tie_break_policy="coin")


def test_partial_gold_and_names_are_accepted(model):
    named = LabelMatrix(L_TOY, label_space=LabelSpace(["a", "b", "c"]))
    y = np.full(600, -1)
    y[:30] = Y_TOY[:30]
    model.fit(named, y)
    gold_names = np.array(["a", "b", "c"], dtype=object)[Y_TOY]
    assert 0 <= model.score(named, gold_names)["accuracy"] <= 1


def test_bad_gold_is_rejected(model):
    with pytest.raises(InputError, match="one label per row"):
        model.fit(L_TOY, Y_TOY[:10])
    with pytest.raises(InputError, match="cardinality=2 allows"):
        type(model)(cardinality=2).fit(L_TOY)


def test_return_probs_matches_snorkel_signature(model):
    preds, probs = model.fit(L_TOY).predict(L_TOY, return_probs=True)
    assert preds.shape == (600,) and probs.shape == (600, 3)


def test_rows_without_votes_at_the_end_get_the_prior(model):
    """Trailing rows with no vote are still rows (HyperLM sized its output by the last vote)."""
    import warnings

    L = np.vstack([L_TOY, np.full((3, 4), -1, dtype=L_TOY.dtype)])
    gold = np.r_[np.full(500, -1), Y_TOY[500:], [-1, -1, -1]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a peer below majority vote on the gold warns; not the point here
        P = model.fit(L, gold).predict_proba(L)
    assert P.shape == (603, 3) and np.allclose(P.sum(axis=1), 1)
    assert np.allclose(P[-3:], P[-1])      # one prior for every row without a vote


@settings(max_examples=25, deadline=None)
@given(arrays(np.int8, st.tuples(st.integers(1, 40), st.integers(1, 6)), elements=st.integers(-1, 3)),
       st.sampled_from(FUZZ))
def test_any_matrix_fits_and_predicts_distributions(votes, named_model):
    """Fuzz: any L of any shape/cardinality fits without crashing; rows sum to 1."""
    import warnings

    _, proto = named_model
    if votes.max() < 0:  # no vote at all: a clear error, not a model
        with pytest.raises(InputError, match="no LF voted on any"):
            clone(proto).fit(votes)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings on degenerate matrices
        P = clone(proto).fit(votes).predict_proba(votes)
    assert np.allclose(P.sum(axis=1), 1) and np.all(np.isfinite(P))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.integers(0, 1), st.integers(1, 4))
def test_unanimous_rows_predict_that_class(cls, n_voters):
    """A row on which every voting LF says c is labeled c (for the fitted models here)."""
    L, _ = sample_L(800, [0.85, 0.8, 0.8, 0.75], [0.6, 0.5, 0.5, 0.4], [0.5, 0.5], seed=3)
    row = np.full((1, 4), -1, dtype=np.int8)
    row[0, :n_voters] = cls
    for proto in (MajorityVote(), DawidSkene(), LabelModel()):
        assert proto.fit(L).predict(row)[0] == cls


@pytest.mark.parametrize("proto", [MajorityVote(), DawidSkene(), LabelModel()], ids=["mv", "ds", "lm"])
def test_fit_on_pattern_counts_equals_fit_on_rows(proto):
    from weaklabel.matrix import compress

    vp = compress(L_TOY)
    a = clone(proto).fit(L_TOY)
    b = clone(proto).fit_patterns(vp.patterns, vp.counts)
    assert np.allclose(a.predict_proba(L_TOY), b.predict_proba(L_TOY))
    assert np.allclose(a.class_balance_, b.class_balance_)


def test_fit_patterns_errors():
    with pytest.raises(InputError, match="cannot fit from pattern counts"):
        WeightedMajorityVote().fit_patterns(L_TOY[:3], np.ones(3, int))
    with pytest.raises(InputError, match="positive integer row counts"):
        LabelModel().fit_patterns(L_TOY[:3], np.array([1, 0, 2]))


def test_peer_wrappers_name_the_extra_when_missing(monkeypatch):
    import sys

    from weaklabel.models import CrowdKitModel, HyperLM

    monkeypatch.setitem(sys.modules, "crowdkit.aggregation", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "hyperlm", None)
    with pytest.raises(ImportError, match=r"weaklabel\[anchors\]"):
        CrowdKitModel().fit(L_TOY)
    with pytest.raises(ImportError, match=r"weaklabel\[anchors\]"):
        HyperLM().fit(L_TOY)


def test_crowdkit_wrapper_rejects_unknown_methods():
    from weaklabel.models import CrowdKitModel

    with pytest.raises(InputError, match="DawidSkene"):
        CrowdKitModel(method="Wawa").fit(L_TOY)


def test_the_base_class_is_abstract_and_pattern_support_is_declared():
    from weaklabel.models import BaseLabelModel

    with pytest.raises(TypeError, match="abstract"):
        BaseLabelModel()
    from weaklabel.models.registry import make_model

    supports = {name: make_model(name)._supports_patterns for name in ("majority", "dawid_skene", "label_model",
                                                                       "weighted_majority", "triplets")}
    assert supports == {"majority": True, "dawid_skene": True, "label_model": True,
                        "weighted_majority": False, "triplets": False}


def test_every_warning_is_a_weaklabel_warning():
    import weaklabel
    from weaklabel.models import ConvergenceWarning, LabelModelWarning

    for w in (weaklabel.FaultWarning, LabelModelWarning, ConvergenceWarning):
        assert issubclass(w, weaklabel.WeakLabelWarning) and issubclass(w, UserWarning)
