"""Hand-computed values, asymmetric fixtures and a property per ordering and filter: each test
here kills a mutant that survived the rest of the suite (the mutation run)."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weaklabel.analysis.summary import lf_report, wilson_interval
from weaklabel.evaluate import metric_scores
from weaklabel.matrix import LabelMatrix
from weaklabel.models import MajorityVote, probs_to_preds
from weaklabel.review.queue import rank
from weaklabel.review.store import ExpertLabelStore


# -- queue.py: best first ------------------------------------------------------------------
def test_queue_is_best_first_by_hand():
    L = LabelMatrix(np.zeros((5, 1), dtype=np.int8), row_ids=np.array(["a", "b", "c", "d", "e"]))
    q = rank(L, "label_issues", scores=np.array([0.2, 0.9, 0.5, 0.7, 0.1]), audit_fraction=0.0)
    assert q["row_id"].tolist() == ["b", "d", "c", "a", "e"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.01, 1.0, allow_nan=False), min_size=2, max_size=30, unique=True))
def test_queue_order_property(scores):
    s = np.array(scores)
    L = LabelMatrix(np.zeros((s.size, 1), dtype=np.int8))
    q = rank(L, "label_issues", scores=s, audit_fraction=0.0)
    got = s[q["row_id"].to_numpy().astype(int)]
    assert (np.diff(got) <= 0).all()


# -- store.py: who, which row, which project, which way the clock runs -----------------------
@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'labels.db'}"


def test_undo_retracts_only_the_callers_own_label(db):
    s = ExpertLabelStore(db, project="p")
    s.add_label("r1", 0, "ana")
    s.add_label("r2", 1, "ben")  # later, by someone else
    s.undo("ana")
    assert s.gold("latest").to_dict() == {"r2": 1}


def test_undo_stays_in_its_project(db):
    p, q = ExpertLabelStore(db, project="p"), ExpertLabelStore(db, project="q")
    p.add_label("r1", 0, "ana")
    q.add_label("r9", 1, "ana")  # ana's latest label overall is in project q
    p.undo("ana")
    assert p.gold("latest").empty and q.gold("latest").to_dict() == {"r9": 1}


def test_release_frees_only_that_row_of_that_annotator(db):
    s = ExpertLabelStore(db, project="p")
    assert s.lease_next(["r1"], "ana") == "r1" and s.lease_next(["r2"], "ana") == "r2"
    assert s.lease_next(["r3"], "ben") == "r3"
    s.release("r1", "ana")
    assert s.lease_next(["r1", "r2", "r3"], "cy") == "r1"        # only r1 came free
    assert s.lease_next(["r2", "r3"], "cy") is None


def test_leases_stay_in_their_project(db):
    p, q = ExpertLabelStore(db, project="p"), ExpertLabelStore(db, project="q")
    assert p.lease_next(["r1"], "ana") == "r1"
    assert q.lease_next(["r1"], "ben") == "r1"                 # another project's lease does not block
    q.release("r1", "ben")
    assert p.lease_next(["r1"], "cy") is None                  # and releasing in q leaves p's lease


def test_a_renewed_lease_runs_forward(db):
    s = ExpertLabelStore(db, project="p")
    s.lease_next(["r1"], "ana", ttl_seconds=600)
    s.lease_next(["r1"], "ana", ttl_seconds=600)  # renew
    with s.engine.connect() as c:
        (expires,) = c.execute(s._sa.select(s._leases.c.expires_at)).one()
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    assert expires > datetime.now(UTC) + timedelta(seconds=590)


# -- analysis/summary.py: Wilson interval and per-class precision by hand -------------------
def test_wilson_interval_by_hand():
    lo, hi = wilson_interval(np.array([8]), np.array([10]))
    # p = 0.8, n = 10, z = 1.96: centre (0.8 + 0.19208) / 1.38416, half 1.96 sqrt(0.016 + 0.009604) / 1.38416
    assert lo[0] == pytest.approx(0.4902, abs=1e-4) and hi[0] == pytest.approx(0.9433, abs=1e-4)


def test_report_interval_uses_all_voted_gold_rows_and_precision_by_hand():
    # LF 0 votes on 4 gold rows: 3 right (rows 0, 1, 3), 1 wrong (row 2)
    L = np.array([[0, -1], [0, 1], [1, 1], [1, -1], [-1, 0]])
    y = np.array([0, 0, 0, 1, 1])
    r = lf_report(L, y)
    lo, hi = wilson_interval(np.array([3]), np.array([4]))
    assert r.loc[0, "Acc. lo"] == pytest.approx(lo[0]) and r.loc[0, "Acc. hi"] == pytest.approx(hi[0])
    assert r.loc[0, "Precision 0"] == pytest.approx(1.0)       # voted 0 on rows 0, 1: both gold 0
    assert r.loc[0, "Precision 1"] == pytest.approx(0.5)       # voted 1 on rows 2, 3: one is gold 1
    assert r.loc[1, "Precision 1"] == pytest.approx(0.0)       # voted 1 on rows 1, 2: both gold 0
    assert r.loc[0, "Recall 0"] == pytest.approx(2 / 3)        # 2 of the 3 gold-0 rows


# -- models/majority.py ----------------------------------------------------------------------
def test_majority_class_balance_by_hand():
    L = np.array([[0, 0, 1], [1, 1, -1], [0, 1, -1], [-1, -1, -1], [2, 2, 2]])
    mv = MajorityVote(cardinality=3).fit(L)
    # decisions: 0, 1, tie(0,1) split, none, 2 -> counts (1.5, 1.5, 1) + Laplace 1 each
    assert mv.class_balance_ == pytest.approx(np.array([2.5, 2.5, 2.0]) / 7)
    gold = MajorityVote(cardinality=3).fit(L, np.array([0, 0, 0, 1, -1]))
    assert gold.class_balance_ == pytest.approx(np.array([4, 2, 1]) / 7) and gold.class_balance_.sum() == 1
    P = mv.predict_proba(np.array([[0, 0, 1], [2, -1, -1]]))
    assert P[0] == pytest.approx([2 / 3, 1 / 3, 0]) and P[1] == pytest.approx([0, 0, 1])


# -- models/base.py --------------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, 0.2, 0.5]), min_size=3, max_size=3), min_size=1, max_size=20),
       st.sampled_from(["random", "true-random", "prior"]))
def test_tie_breaks_pick_a_tied_class(rows, policy):
    P = np.array(rows) + 1e-9
    P /= P.sum(axis=1, keepdims=True)
    preds = probs_to_preds(P, tie_break_policy=policy, prior=np.array([0.2, 0.5, 0.3]))
    top = P >= P.max(axis=1, keepdims=True) - 1e-5
    assert top[np.arange(len(P)), preds].all()


def test_score_honours_tie_break_policy():
    L = np.array([[0, 1, -1]] * 4 + [[0, 0, 0]] * 4)  # four tied rows
    y = np.array([1] * 4 + [0] * 4)
    mv = MajorityVote(cardinality=2).fit(L)
    assert mv.score(L, y, tie_break_policy="abstain", metrics=("accuracy", "coverage")) == \
        {"accuracy": 1.0, "coverage": 0.5}
    assert mv.score(L, y, tie_break_policy="random", metrics=("coverage",)) == {"coverage": 1.0}


# -- evaluate.py: each metric by hand ----------------------------------------------------------
def test_metrics_by_hand():
    y = np.array([1, 1, 1, 0, 0, 0, 1, -1])
    p = np.array([1, 1, 0, 1, 0, 0, -1, 1])   # row 6 abstained, row 7 has no gold
    m = metric_scores(y, p, 2, ("accuracy", "precision", "recall", "f1", "coverage", "f1_macro"))
    # scored rows 0-5: tp=2, fn=1, fp=1, tn=2
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert m["precision"] == pytest.approx(2 / 3) and m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    assert m["coverage"] == pytest.approx(6 / 7)
    assert m["f1_macro"] == pytest.approx((2 / 3 + 2 / 3) / 2)
    skew = metric_scores(np.array([1, 0, 0, 0]), np.array([1, 1, 1, 0]), 2, ("f1", "precision", "recall"))
    assert skew == pytest.approx({"f1": 2 / (2 + 2 + 0), "precision": 1 / 3, "recall": 1.0})


def test_metric_edge_cases_by_hand():
    # nothing predicted positive: precision 0 (not 1); no positives in gold: recall 0
    assert metric_scores(np.array([1, 0]), np.array([0, 0]), 2, ("precision",)) == {"precision": 0.0}
    assert metric_scores(np.array([0, 0]), np.array([1, 0]), 2, ("recall",)) == {"recall": 0.0}
    # a metric name as a plain string; labels given as floats
    assert metric_scores([1.0, 0.0, 1.0], [1.0, 1.0, 1.0], 2, "f1") == pytest.approx({"f1": 2 * 2 / (2 * 2 + 1)})
    # class 2 never in gold nor predicted: its F1 is 0, so macro F1 over 3 classes is (1 + 1 + 0) / 3
    assert metric_scores(np.array([0, 1, 1]), np.array([0, 1, 1]), 3, ("f1_macro",)) == \
        pytest.approx({"f1_macro": 2 / 3})
    with pytest.raises(ValueError, match=r"metrics: unknown \['auc'\]; choose from"):
        metric_scores(np.array([0, 1]), np.array([0, 1]), 2, ("auc",))
    with pytest.raises(ValueError, match=r"y: no gold labels \(all -1\); cannot score"):
        metric_scores(np.array([-1, -1]), np.array([0, 1]), 2)


OPS = st.lists(st.tuples(st.sampled_from(["label", "undo", "lease", "release", "skip"]),
                         st.sampled_from(["ana", "ben", "cy"]), st.sampled_from(["r1", "r2", "r3"]),
                         st.integers(0, 1)), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None)
@given(OPS)
def test_store_matches_a_reference_model_under_random_interleavings(tmp_path_factory, ops):
    """Labels, undos, skips, leases and releases by three experts in any order: the store's
    labels in force and its 'latest' gold equal a plain in-memory model, and no row is ever
    leased to two experts at once."""
    s = ExpertLabelStore(f"sqlite:///{tmp_path_factory.mktemp('ref') / 'l.db'}", project="p")
    events: list[dict] = []  # the reference: label events in order, with an undone flag
    for op, who, row, lab in ops:
        if op == "label":
            s.add_label(row, lab, who)
            events.append({"row": row, "who": who, "label": lab, "undone": False})
        elif op == "undo":
            s.undo(who)
            mine = [e for e in events if e["who"] == who and not e["undone"]]
            if mine:
                mine[-1]["undone"] = True
        elif op == "lease":
            got = s.lease_next(["r1", "r2", "r3"], who)
            assert got is None or got in ("r1", "r2", "r3")
        elif op == "release":
            s.release(row, who)
        else:
            s.skip(row, who)
        with s.engine.connect() as c:
            held = c.execute(s._sa.select(s._leases.c.row_id)).scalars().all()
        assert len(held) == len(set(held)), f"a row leased twice: {held}"
    current = {}
    for e in events:
        if not e["undone"]:
            current[(e["row"], e["who"])] = e  # later events overwrite earlier ones
    cur = s.current_labels()
    assert {(r, a): int(lab) for r, a, lab in zip(cur["row_id"], cur["annotator"], cur["label"])} == \
        {k: e["label"] for k, e in current.items()}
    latest = {}
    for e in events:
        if not e["undone"] and current.get((e["row"], e["who"])) is e:
            latest[e["row"]] = e["label"]
    assert s.gold("latest").to_dict() == latest


def test_lf_summary_edges_by_hand():
    from weaklabel import InputError, LabelSpace, lf_summary

    # LF 0 votes on exactly one gold row (right); LF 1 only ever votes class 0
    L = LabelMatrix(np.array([[1, 0], [-1, 0], [-1, -1]]), ["a", "b"], label_space=LabelSpace(["ham", "spam"]))
    s = lf_summary(L, np.array(["spam", "ham", "spam"]), est_weights=[0.5, 2.0])  # gold as class names
    assert s.loc["a", "Emp. Acc."] == 1.0 and s.loc["a", "Correct"] == 1 and s.loc["a", "Incorrect"] == 0
    assert s.loc["b", "Emp. Acc."] == 0.5 and s.loc["b", "Correct"] == 1  # row 0 is spam, row 1 ham
    assert s["Learned Weight"].tolist() == [0.5, 2.0] and s["j"].tolist() == [0, 1]
    assert s["Polarity"].tolist() == [[1], [0]]
    only_zero = lf_summary(np.array([[0, -1], [-1, 0]]))
    assert only_zero["Polarity"].tolist() == [[0], [0]] and "j" not in only_zero.columns
    assert lf_summary(np.array([[-1, -1]]))["Polarity"].tolist() == [[], []]
    with pytest.raises(InputError, match=r"est_weights: expected shape \(2,\), got \(3,\)"):
        lf_summary(L, est_weights=[1.0, 2.0, 3.0])
    with pytest.raises(InputError, match=r"lf_names: expected 2 names, got 1"):
        lf_summary(np.array([[0, 1]]), lf_names=["x"])
    with pytest.raises(InputError, match=r"L: expected at least one row, got 0"):
        lf_summary(np.zeros((0, 2), dtype=int))


def test_wilson_interval_without_data_is_undefined():
    lo, hi = wilson_interval(np.array([0, 3]), np.array([0, 3]))
    assert np.isnan(lo[0]) and np.isnan(hi[0]) and hi[1] == pytest.approx(1.0) and 0.4 < lo[1] < 0.5


def test_agreement_statistics_edges_by_hand():
    from weaklabel.evaluate import cohen_kappa, krippendorff_alpha

    assert np.isnan(cohen_kappa(np.array([], dtype=int), np.array([], dtype=int)))
    assert cohen_kappa(np.array([1]), np.array([1])) == 1.0                    # one item, agreed
    assert cohen_kappa([0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.0, 0.0]) == pytest.approx(0.5)  # floats as labels
    # po = 3/4; pe = (2/4)(3/4) + (2/4)(1/4) = 1/2 -> kappa = (3/4 - 1/2) / (1/2) = 1/2
    assert np.isnan(krippendorff_alpha(np.full((3, 2), np.nan)))              # no labels at all
    assert np.isnan(krippendorff_alpha(np.array([[0, np.nan], [np.nan, 1]])))  # no item with 2 labels
    assert krippendorff_alpha(np.array([[2, 2], [2, 2]], float)) == 1.0        # one value, all agree
    # 3 items x 2 coders, one disagreement: o_00 = 2, o_11 = 2, o_01 = o_10 = 1, n = 6, n_0 = n_1 = 3
    # alpha = 1 - (n - 1) * (o_01 + o_10) / (n_0 * n_1 * 2) = 1 - 5 * 2 / 18
    assert krippendorff_alpha(np.array([[0, 0], [1, 1], [0, 1]], float)) == pytest.approx(1 - 10 / 18)
