"""What the compat layer adds beyond Snorkel's own tests: its row objects, mixing
weaklabel LFs in, staying light, and clear errors."""

import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from weaklabel import apply_lfs, keyword_lf
from weaklabel.compat.snorkel.analysis import Scorer, metric_score
from weaklabel.compat.snorkel.labeling import LabelingFunction, PandasLFApplier, labeling_function
from weaklabel.compat.snorkel.labeling.apply.core import DataRow, frame_rows
from weaklabel.compat.snorkel.labeling.model import LabelModel
from weaklabel.compat.snorkel.map import get_hashable
from weaklabel.compat.snorkel.preprocess import preprocessor
from weaklabel.compat.snorkel.slicing import PandasSFApplier, slicing_function
from weaklabel.compat.snorkel.utils import probs_to_preds
from weaklabel.exceptions import LFError

DF = pd.DataFrame({"text": ["check out my channel", "great song", "subscribe please", "nice"],
                   "name": ["a", "b", "c", "d"]}, index=[10, 11, 12, 13])


@labeling_function()
def check_out(x):
    return 1 if "check out" in x.text else -1


@labeling_function()
def short(x):
    return 0 if len(x["text"].split()) < 3 else -1


def test_rows_read_like_pandas_rows_and_take_new_fields():
    rows = list(frame_rows(DF))
    x = rows[0]
    assert x.text == x["text"] == "check out my channel"
    assert x.name == 10  # the index label, as on a pandas row (not the 'name' column)
    assert x["name"] == "a"
    x.polarity = 0.5
    assert x["polarity"] == 0.5 and list(x.index)[-1] == "polarity"
    assert pickle.loads(pickle.dumps(x)) == x and pickle.loads(pickle.dumps(x)).name == 10
    # memoization keys ignore the index label, as Snorkel's do for a Series
    assert get_hashable(DataRow([("a", 1)], name=1)) == get_hashable(DataRow([("a", 1)], name=2))
    with pytest.raises(AttributeError, match="no field 'missing'"):
        x.missing  # noqa: B018 - the attribute access is the test


def test_weaklabel_lfs_mix_in_and_compat_lfs_run_in_weaklabel():
    song = keyword_lf("song", label=0, name="kw_song")
    L = PandasLFApplier([check_out, song, short]).apply(DF, progress_bar=False)
    assert L.tolist() == [[1, -1, -1], [-1, 0, 0], [-1, -1, 0], [-1, -1, 0]]
    # and the other way round: Snorkel-style LFs inside weaklabel's own apply_lfs
    M = apply_lfs([check_out, song, short], DF)
    assert np.array_equal(M.votes, L) and M.lf_names == ("check_out", "kw_song", "short")


def test_preprocessor_copies_so_other_lfs_do_not_see_its_edits():
    @preprocessor()
    def shout(x):
        x.text = x.text.upper()
        return x

    @labeling_function(pre=[shout])
    def upper_check(x):
        return 1 if "CHECK OUT" in x.text else -1

    L = PandasLFApplier([upper_check, check_out]).apply(DF, progress_bar=False)
    assert L[:, 0].tolist() == L[:, 1].tolist() == [1, -1, -1, -1]


def test_slicing_functions_give_a_record_array():
    @slicing_function()
    def short_text(x):
        return len(x.text) < 12

    S = PandasSFApplier([short_text]).apply(DF, progress_bar=False)
    assert S["short_text"].tolist() == [0, 1, 0, 1]
    scores = Scorer(metrics=["accuracy"]).score_slices(S, golds=np.array([1, 0, 1, 0]),
                                                        preds=np.array([1, 0, 0, 1]), as_dataframe=True)
    assert scores.loc["overall", "accuracy"] == 0.5 and scores.loc["short_text", "accuracy"] == 0.5


def test_bad_votes_and_duplicate_names_are_named():
    bad = LabelingFunction("returns_none", lambda x: None)
    with pytest.raises(LFError, match="returns_none.*None"):
        PandasLFApplier([bad]).apply(DF, progress_bar=False)
    with pytest.raises(ValueError, match="duplicate LF names: \\['check_out'\\]"):
        PandasLFApplier([check_out, check_out])
    with pytest.raises(ValueError, match="Unknown fit option\\(s\\) \\['n_epoch'\\]"):
        LabelModel(verbose=False).fit(np.array([[0, 1, 0]] * 3), n_epoch=10)


def test_metrics_by_hand():
    golds, preds = np.array([1, 1, 0, 0, 1]), np.array([1, 0, 0, 1, 1])
    # TP=2 FP=1 FN=1 TN=1: precision = recall = 2/3
    assert metric_score(golds, preds, metric="f1") == pytest.approx(2 / 3)
    assert metric_score(golds, preds, metric="fbeta", beta=2) == pytest.approx(2 / 3)
    # MCC = (TP*TN - FP*FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)) = (2-1)/sqrt(3*3*2*2) = 1/6
    assert metric_score(golds, preds, metric="matthews_corrcoef") == pytest.approx(1 / 6)
    probs = np.array([[0.1, 0.9], [0.6, 0.4], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8]])
    # positives score 0.9, 0.4, 0.8; negatives 0.2, 0.7: 5 of 6 pairs ordered right (not 0.4 < 0.7)
    assert metric_score(golds, probs=probs, metric="roc_auc") == pytest.approx(5 / 6)
    # Snorkel's deterministic tie-break (SHA-1 of the row position)
    assert probs_to_preds(np.full((4, 2), 0.5)).tolist() == [0, 1, 0, 1]


def test_import_stays_light():
    code = ("import sys, weaklabel.compat.snorkel.labeling, weaklabel.compat.snorkel.labeling.model, "
            "weaklabel.compat.snorkel.slicing, weaklabel.compat.snorkel.preprocess.nlp; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'snorkel', 'spacy', 'dask', 'pyspark'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_probs_to_preds_refuses_nan_rows_and_strings():
    """A NaN row came out as class 0, and string arrays slipped through."""
    from weaklabel.compat.snorkel.utils import to_int_label_array

    with pytest.raises(ValueError, match="NaN or infinite values in 1 row.*first row 1"):
        probs_to_preds(np.array([[0.2, 0.8], [np.nan, np.nan], [0.6, 0.4]]))
    with pytest.raises(ValueError, match="must hold numbers, got dtype <U"):
        probs_to_preds(np.array([["0.2", "0.8"]]))
    with pytest.raises(ValueError, match="integer labels, got dtype <U"):
        to_int_label_array(["1", "0"])
    assert to_int_label_array([1.0, 0.0]).tolist() == [1, 0]


def test_seed_seeds_true_random_tie_breaks():
    """Two fits with seed=1 gave different "true-random" labels, though the docs said
    ``seed`` seeds tie-breaks. Snorkel seeds its global generator in fit; here each model has
    its own, so the same seed gives the same labels without touching the caller's."""
    from weaklabel.compat.snorkel.labeling.model import LabelModel
    from weaklabel.compat.snorkel.utils import probs_to_preds

    rng = np.random.default_rng(0)
    L = rng.integers(-1, 2, size=(400, 4))
    L[:200] = -1                                  # rows with no votes: the model's prior, tied when balanced

    def labels(seed):   # no class balance given: rows without votes get the uniform prior, a tie
        lm = LabelModel(cardinality=2, verbose=False).fit(L, seed=seed)
        return lm.predict(L, tie_break_policy="true-random")

    first = labels(1)
    assert (first[:200] >= 0).all() and first.tolist() == labels(1).tolist()
    assert first.tolist() != labels(2).tolist()
    ties = np.full((300, 2), 0.5)
    np.random.seed(7)                             # Snorkel's free function: the global generator
    a = probs_to_preds(ties, tie_break_policy="true-random")
    np.random.seed(7)
    assert a.tolist() == probs_to_preds(ties, tie_break_policy="true-random").tolist() and 0 < a.mean() < 1


def test_slicing_functions_that_return_a_bool_work_on_every_applier():
    """The Dask and parallel SF appliers refused an SF returning a bool, which is how
    Snorkel's tutorials write them; the pandas applier took it."""
    pytest.importorskip("dask")
    import dask.dataframe as dd

    from weaklabel.compat.snorkel.slicing.apply.dask import DaskSFApplier, PandasParallelSFApplier

    @slicing_function()
    def short(x):
        return len(x.text) < 5

    df = pd.DataFrame({"text": ["hi", "hello there", "yo", "long text here"]})
    expected = [1, 0, 1, 0]
    assert PandasSFApplier([short]).apply(df, progress_bar=False)["short"].tolist() == expected
    S = PandasParallelSFApplier([short]).apply(df, n_parallel=2, scheduler="sync")
    assert S["short"].tolist() == expected
    S = DaskSFApplier([short]).apply(dd.from_pandas(df, npartitions=2), scheduler="sync")
    assert S["short"].tolist() == expected
    with pytest.raises(LFError, match="not a bool"):             # an LF still may not return one
        from weaklabel.compat.snorkel.labeling.apply.dask import DaskLFApplier

        DaskLFApplier([labeling_function()(lambda x: len(x.text) < 5)]).apply(
            dd.from_pandas(df, npartitions=2), scheduler="sync")


def test_rows_answer_the_pandas_idioms_lfs_use():
    """7 of 19 common idioms crashed on a row (x.values, .isnull(), .fillna(), .loc,
    .iloc) and x.copy() gave a dict. Each is answered as a pandas row would answer it."""
    df = pd.DataFrame({"text": ["hi there", None], "n": [1.0, np.nan]}, index=["a", "b"])
    x, y = frame_rows(df)
    expected_x, expected_y = (row for _, row in df.iterrows())
    assert list(x.values) == list(expected_x.values) and x.loc["text"] == expected_x.loc["text"]
    assert x.iloc[1] == expected_x.iloc[1] and x.loc[["text"]].tolist() == ["hi there"]
    assert y.isnull().tolist() == expected_y.isnull().tolist() == y.isna().tolist() == [True, True]
    assert y.notnull().tolist() == [False, False] and x.notna().all()
    filled = y.fillna("")
    assert filled.text == "" and filled.n == "" and pd.isna(y.text)        # a new row; y is unchanged
    c = x.copy()
    assert isinstance(c, DataRow) and c.name == "a" and c.text == "hi there"
    c.text = "changed"
    assert x.text == "hi there"

    @labeling_function()
    def uses_idioms(row):
        return 1 if not row.isnull().any() and "hi" in row.fillna("").loc["text"] else -1

    assert PandasLFApplier([uses_idioms]).apply(df, progress_bar=False).tolist() == [[1], [-1]]


@pytest.mark.parametrize("frame", [
    {"n": [1, 2], "x": [0.5, 1.5]},                     # ints and floats: float64 scalars
    {"n": [1, 2]},                                      # ints alone: int64
    {"flag": [True, False]},                            # bools alone: numpy bools
    {"n": [1, 2], "text": ["a", "b"], "flag": [True, False]},   # mixed: Python objects
    {"n": [1, 2], "flag": [True, False]},               # ints and bools: object, Python objects
])
def test_row_values_have_the_types_snorkels_pandas_applier_hands_over(frame):
    """Values were always Python numbers; Snorkel's applier (df.apply(f, axis=1)) gives
    NumPy scalars where the frame's columns share a NumPy dtype. Each row now matches pandas'."""
    df = pd.DataFrame(frame)
    seen: list = []
    df.apply(lambda r: seen.append({k: type(r[k]) for k in r.index}), axis=1)
    ours = [{k: type(v) for k, v in row.items()} for row in frame_rows(df)]
    assert ours == seen
    assert [dict(r) for r in frame_rows(df)] == df.to_dict("records")


def test_the_compat_label_model_reaches_the_native_options_and_gold():
    """The compat LabelModel could not reach weaklabel's own options (confusion=, ...)
    or take gold. With the same options, seed and gold it gives the native model's output."""
    from weaklabel import load_dataset
    from weaklabel.apply import apply_lfs
    from weaklabel.io.suite import load_suite
    from weaklabel.models import LabelModel as Native

    ds = load_dataset("breast_cancer", split="all")
    suite = load_suite("weaklabel.demo")
    L = apply_lfs(suite.lfs, ds.df, label_space=suite.labels).votes
    gold = np.where(np.arange(len(ds.y)) % 5 == 0, ds.y, -1)       # a fifth of the rows known
    compat = LabelModel(cardinality=2, verbose=False, confusion="class_conditional")
    compat.fit(L, gold=gold, seed=3)
    native = Native(cardinality=2, confusion="class_conditional", random_state=3).fit(L, gold)
    assert compat.weaklabel_model.confusion == "class_conditional"
    assert np.allclose(compat.predict_proba(L), native.predict_proba(L))
    with pytest.raises(ValueError, match=r"weaklabel's own \[.*'confusion'"):
        LabelModel(cardinality=2, confusions="full")


def test_label_model_warnings_name_the_lfs_an_applier_made():
    """The warning named LFs by position ('lf_2'). An applier's matrix is an ndarray that
    remembers its LFs' names; slicing off columns drops them rather than misname."""
    import warnings

    import numpy as np
    import pandas as pd

    from weaklabel.compat.snorkel.labeling import PandasLFApplier, labeling_function
    from weaklabel.compat.snorkel.labeling.model import LabelModel

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"y": rng.integers(0, 2, 500), "r": rng.random(500)})

    @labeling_function()
    def good(x):
        return int(x.y) if x.r < 0.8 else -1

    @labeling_function()
    def good_too(x):
        return int(x.y) if x.r > 0.3 else -1

    @labeling_function()
    def flipped(x):
        return 1 - int(x.y) if x.r < 0.9 else -1

    @labeling_function()
    def flipped_copy(x):
        return 1 - int(x.y) if x.r < 0.9 else -1

    L = PandasLFApplier([good, good_too, flipped, flipped_copy]).apply(df, progress_bar=False)
    assert isinstance(L, np.ndarray) and repr(L[:1]) == "array([[1, 1, 0, 0]])"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LabelModel(cardinality=2).fit(L, progress_bar=False)
    text = " ".join(str(w.message) for w in caught)
    assert "flipped ~ flipped_copy" in text and "lf_2" not in text
    from weaklabel.compat.snorkel.labeling.apply.core import lf_names_of

    assert lf_names_of(L) == ("good", "good_too", "flipped", "flipped_copy")
    assert lf_names_of(L[:, 1:]) is None and lf_names_of(L[:100]) == lf_names_of(L)   # never misnamed
