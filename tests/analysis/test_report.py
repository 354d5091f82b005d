import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from weaklabel import InputError, LabelMatrix, LabelSpace
from weaklabel.analysis import (
    contribution,
    dependent_pairs,
    explain,
    lf_report,
    lf_rows,
    pairwise,
    wilson_interval,
)
from weaklabel.bench.synthetic import sample_L
from weaklabel.models import DawidSkene, LabelModel, MajorityVote, TripletModel, WeightedMajorityVote

NAMES = ["a", "b", "c"]


@pytest.fixture
def Lm(L_small):
    # rows: [0,0,-1] [1,-1,0] [-1,-1,-1] [1,1,1] [-1,0,-1]
    return LabelMatrix(L_small, NAMES, [10, 11, 12, 13, 14], LabelSpace(["no", "yes"]))


def test_wilson_interval_matches_the_textbook_value():
    lo, hi = wilson_interval(np.array([8, 0]), np.array([10, 0]))
    assert lo[0] == pytest.approx(0.4902, abs=1e-4) and hi[0] == pytest.approx(0.9433, abs=1e-4)
    assert np.isnan(lo[1]) and np.isnan(hi[1])


def test_lf_report_adds_intervals_per_class_precision_recall_and_model_estimates(Lm):
    y = np.array([0, 1, 0, 1, 1])
    model = DawidSkene().fit(Lm)
    r = lf_report(Lm, y, model=model)
    # lf a votes no on r10 (gold no), yes on r11, r13 (gold yes): precision 1, recall no 1/2, yes 2/3
    assert r.loc["a", "Precision no"] == 1.0 and r.loc["a", "Recall no"] == 0.5
    assert r.loc["a", "Recall yes"] == pytest.approx(2 / 3)
    # lf c votes no on r11 (gold yes): precision no = 0/1
    assert r.loc["c", "Precision no"] == 0.0
    assert r.loc["a", "Acc. lo"] < r.loc["a", "Emp. Acc."] <= r.loc["a", "Acc. hi"]
    assert np.allclose(r["Est. Acc."], model.lf_accuracy_)
    assert np.allclose(r["Est. Propensity"], [0.6, 0.6, 0.4])
    assert {"Learned Weight", "Coverage", "Conflicts"} <= set(r.columns)


def test_drilldown_kinds_hand_computed(Lm):
    y = np.array([0, 1, 0, 0, 1])
    assert lf_rows(Lm, "a", "fires").index.tolist() == [10, 11, 13]
    assert lf_rows(Lm, "a", "abstains").index.tolist() == [12, 14]
    assert lf_rows(Lm, "a", "incorrect", y=y).index.tolist() == [13]
    assert lf_rows(Lm, "c", "conflicts").index.tolist() == [11]
    data = pd.DataFrame({"text": list("vwxyz")}, index=[10, 11, 12, 13, 14])
    rows = lf_rows(Lm, 0, "fires", y=y, data=data)
    assert rows["text"].tolist() == ["v", "w", "y"] and rows.loc[13, "other_votes"] == "b=1, c=1"
    with pytest.raises(InputError, match="needs gold"):
        lf_rows(Lm, "a", "incorrect")
    with pytest.raises(InputError, match="no LF named 'z'"):
        lf_rows(Lm, "z")


@settings(max_examples=50, deadline=None)
@given(arrays(np.int8, st.tuples(st.integers(1, 30), st.integers(1, 5)), elements=st.integers(-1, 2)),
       st.data())
def test_incorrect_rows_are_exactly_votes_that_disagree_with_gold(votes, data):
    y = np.array(data.draw(st.lists(st.integers(-1, 2), min_size=votes.shape[0], max_size=votes.shape[0])))
    j = data.draw(st.integers(0, votes.shape[1] - 1))
    got = lf_rows(votes, j, "incorrect", y=y).index.to_numpy()
    expected = np.flatnonzero((votes[:, j] >= 0) & (y >= 0) & (votes[:, j] != y))
    assert np.array_equal(got, expected)


def test_pairwise_hand_computed(Lm):
    assert np.allclose(pairwise(Lm, "overlap").to_numpy(), [[.6, .4, .4], [.4, .6, .2], [.4, .2, .4]])
    ag = pairwise(Lm, "agreement")
    assert ag.loc["a", "b"] == 1.0 and ag.loc["a", "c"] == 0.5 and ag.loc["b", "c"] == 1.0
    assert pairwise(Lm, "conflict").loc["a", "c"] == pytest.approx(0.2)
    kappa = pairwise(Lm, "kappa")
    assert kappa.loc["a", "b"] == pytest.approx(1.0) and kappa.loc["a", "c"] == pytest.approx(0.0)
    assert pairwise(Lm, "phi").loc["a", "b"] == pytest.approx(0.04 / 0.24)
    with pytest.raises(InputError, match="kind: expected one of"):
        pairwise(Lm, "jaccard")


def test_dependent_pairs_flags_a_copy():
    L, _ = sample_L(3000, [0.8, 0.75, 0.7], [0.5, 0.5, 0.5], [0.5, 0.5], seed=1)
    L = np.column_stack([L, L[:, 1]])
    pairs = dependent_pairs(LabelMatrix(L, ["a", "b", "c", "b_copy"]))
    assert pairs[["lf_a", "lf_b"]].values.tolist() == [["b", "b_copy"]]
    assert pairs["phi"].iloc[0] == pytest.approx(1.0)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 1000), st.sampled_from(["ds", "lm", "wmv", "mv", "triplets"]), st.integers(2, 3))
def test_explanation_contributions_sum_to_the_models_output(seed, which, k):
    if which == "triplets":
        k = 2
    L, _ = sample_L(800, [0.8, 0.7, 0.75, 0.65], [0.6, 0.5, 0.6, 0.5], np.full(k, 1 / k), seed=seed)
    model = {"ds": DawidSkene(), "lm": LabelModel(), "wmv": WeightedMajorityVote(), "mv": MajorityVote(),
             "triplets": TripletModel()}[which].fit(L)
    row = int(np.random.default_rng(seed).integers(0, 800))
    e = explain(model, L, row)
    assert e.prior + e.contributions["contribution"].sum() == pytest.approx(e.output)
    if which != "mv" and k == 2:  # probabilistic models: the output is the log-odds of the label
        p = e.probabilities
        assert e.output == pytest.approx(np.log(p[e.label] / p[1 - e.label]), abs=1e-6)


def test_explain_names_votes_and_rejects_unknown_rows(Lm):
    model = MajorityVote().fit(Lm)
    e = explain(model, Lm, 13)
    assert e.label == 1 and set(e.contributions["vote"]) == {"yes"}
    with pytest.raises(InputError, match="not a row id"):
        explain(model, Lm, 99)


def test_contribution_leave_one_out():
    L, y = sample_L(2000, [0.9, 0.8, 0.55, 0.75], [0.5, 0.5, 0.5, 0.5], [0.5, 0.5], seed=3)
    L[:, 3] = -1
    L[:100, 3] = y[:100]  # LF 3 alone covers some of these rows, always right
    L[:100, :3] = -1
    c = contribution(LabelMatrix(L, ["good", "ok", "weak", "unique"]), y=y)
    assert c.loc["unique", "coverage_gain"] == pytest.approx(0.05)
    assert c.loc["good", "score_gain"] > 0 and c.loc["unique", "score_gain"] > 0
    assert c["score_basis"].iloc[0] == "gold accuracy"
    assert contribution(L)["score_basis"].iloc[0] == "agreement with full model"
