import numpy as np
import pandas as pd
import pytest

from weaklabel import ABSTAIN, InputError, LabelingFunction, LabelSpace, LFError, labeling_function
from weaklabel.lf import Row

LABELS = LabelSpace(["ham", "spam"])


@labeling_function(columns=["text"])
def lf_check_out(row):
    return LABELS.spam if "check out" in row.text.lower() else ABSTAIN


@labeling_function(columns=["text"], vectorized=True)
def lf_short(df):
    return np.where(df["text"].fillna("").str.split().str.len() < 3, LABELS.ham, ABSTAIN)


def test_row_wise_lf_on_one_row_and_on_a_frame():
    df = pd.DataFrame({"text": ["Check out this", "nice", "hello there friend"]})
    assert lf_check_out({"text": "please CHECK OUT"}) == 1
    assert lf_check_out(df.iloc[1]) == ABSTAIN
    votes = lf_check_out.apply(df)
    assert votes.dtype == np.int8 and votes.tolist() == [1, -1, -1]


def test_vectorized_lf_on_one_row_and_on_a_frame():
    df = pd.DataFrame({"text": ["Check out this", "nice", "hello there friend"]})
    assert lf_short.apply(df).tolist() == [-1, 0, -1]
    assert lf_short({"text": "so cool"}) == 0
    assert lf_short(df.iloc[2]) == ABSTAIN


def test_resources_are_passed_as_keyword_arguments():
    @labeling_function(columns=["text"], resources={"words": {"free", "win"}})
    def lf_words(row, words):
        return LABELS.spam if set(row.text.split()) & words else ABSTAIN

    assert lf_words({"text": "win a car"}) == 1


def test_row_sees_only_declared_columns_with_a_helpful_error():
    @labeling_function(columns=["text"])
    def lf_reads_other(row):
        return 1 if row.n > 2 else -1

    with pytest.raises(LFError, match=r"row has no column 'n'.*declare the columns"):
        lf_reads_other.apply(pd.DataFrame({"text": ["a"], "n": [3]}))


def test_name_defaults_to_function_name_and_must_be_snake_case():
    assert lf_check_out.name == "lf_check_out"
    with pytest.raises(InputError, match="snake_case"):
        LabelingFunction("Bad Name", lambda r: -1)


def test_decorator_without_parentheses_is_a_clear_error():
    with pytest.raises(TypeError, match="must be called"):
        @labeling_function
        def f(_row):
            return -1


@pytest.mark.parametrize("ret, msg", [
    (True, "returned bool True.*not a bool"),
    (1.0, "returned float 1.0.*not a float"),
    (None, "returned NoneType None.*return ABSTAIN"),
    ("spam", r"returned str 'spam'.*LABELS.spam"),
    (2, r"returned values \{2\} outside \{-1, 0, 1\}"),
    (-3, r"returned values \{-3\} outside"),
])
def test_bad_row_wise_outputs_have_their_own_messages(ret, msg):
    lf = LabelingFunction("bad_lf", lambda row: ret)
    df = pd.DataFrame({"text": ["a", "b"]}, index=[7, 8])
    with pytest.raises(LFError, match=msg) as info:
        lf._apply(df, df.index, 2, fault_tolerant=False)
    assert info.value.lf_name == "bad_lf"


@pytest.mark.parametrize("out, msg", [
    (lambda df: np.ones(len(df), dtype=bool), "returned booleans.*np.where"),
    (lambda df: np.ones(len(df), dtype=float), "returned dtype float64"),
    (lambda df: np.zeros(len(df) + 1, dtype=int), "returned 3 votes for 2 rows"),
    (lambda df: np.zeros((len(df), 2), dtype=int), r"returned shape \(2, 2\)"),
    (lambda df: pd.Series([0, 1], index=[99, 98]), "index does not match"),
    (lambda df: pd.DataFrame({"a": [0, 1]}), "returned a DataFrame"),
    (lambda df: np.array([0, 5]), r"values \{5\} outside \{-1, 0, 1\} \(first at row id 8\)"),
])
def test_bad_vectorized_outputs_have_their_own_messages(out, msg):
    lf = LabelingFunction("vec_lf", out, vectorized=True)
    df = pd.DataFrame({"text": ["a", "b"]}, index=[7, 8])
    with pytest.raises(LFError, match=msg):
        lf._apply(df, df.index, 2, fault_tolerant=False)


def test_aligned_series_and_object_ints_are_accepted():
    df = pd.DataFrame({"text": ["a", "b"]}, index=[7, 8])
    lf = LabelingFunction("ok", lambda d: pd.Series([0, -1], index=d.index), vectorized=True)
    assert lf.apply(df).tolist() == [0, -1]
    lf2 = LabelingFunction("ok2", lambda d: np.array([1, -1], dtype=object), vectorized=True)
    assert lf2.apply(df).tolist() == [1, -1]


def test_row_supports_attribute_and_item_access():
    r = Row(text="x")
    assert r.text == r["text"] == "x"
    with pytest.raises(AttributeError):
        r.missing  # noqa: B018 - the attribute access is the test


def test_fingerprint_changes_with_logic_not_with_process():
    from weaklabel import keyword_lf

    a = keyword_lf("free", label=1, name="kw")
    b = keyword_lf("free", label=1, name="kw")
    c = keyword_lf("win", label=1, name="kw")
    assert a.fingerprint == b.fingerprint != c.fingerprint


def test_row_wise_lfs_take_preprocessors():
    import pandas as pd

    from weaklabel import apply_lfs, labeling_function
    from weaklabel.compat.snorkel.preprocess import preprocessor
    from weaklabel.exceptions import InputError, LFError

    calls = []

    @preprocessor(memoize=True)  # Snorkel-style, memoized by value
    def add_length(x):
        calls.append(x.text)
        x.n_words = len(x.text.split())
        return x

    def shout(row):  # any row -> row callable works too
        row.loud = row.text.isupper()
        return row

    @labeling_function(columns=["text"], pre=[add_length, shout])
    def short_and_loud(row):
        return 1 if row.n_words < 3 and row.loud else -1

    df = pd.DataFrame({"text": ["HI THERE", "hi there", "HI THERE", "A LONG SHOUTED LINE"]})
    assert apply_lfs([short_and_loud], df).votes[:, 0].tolist() == [1, -1, 1, -1]
    assert sorted(set(calls)) == ["A LONG SHOUTED LINE", "HI THERE", "hi there"] and len(calls) == 3  # memoized
    assert short_and_loud({"text": "YO"}) == 1

    @labeling_function(columns=["text"], pre=[lambda row: None])
    def broken(_row):
        return 1
    with pytest.raises(LFError, match="returned None; a preprocessor must return the"):
        broken({"text": "x"})
    with pytest.raises(InputError, match="pre: preprocessors run per row"):
        labeling_function(vectorized=True, pre=[shout])(lambda df: df)

    # what an LF reads through its preprocessors is part of its identity (the vote cache)
    @labeling_function(name="same", columns=["text"], pre=[shout])
    def a(row):
        return 1 if row.loud else -1

    def whisper(row):
        row.loud = row.text.islower()
        return row

    @labeling_function(name="same", columns=["text"], pre=[whisper])
    def b(row):
        return 1 if row.loud else -1
    assert a.fingerprint != b.fingerprint or a.fingerprint is None


def test_sys_exit_in_an_lf_is_an_lf_error_not_a_silent_exit():
    """A sys.exit() in an LF's code ended `weaklabel run` with status 0 and nothing written."""
    import sys
    import warnings

    from weaklabel import LFError, apply_lfs, labeling_function

    @labeling_function()
    def quits(_x):
        sys.exit(0)

    @labeling_function(vectorized=True)
    def quits_on_the_frame(_df):
        sys.exit("bye")

    @labeling_function()
    def reads_nothing(_x):   # an LF that reads no column runs on an empty row, and is caught too
        raise SystemExit(3)

    df = pd.DataFrame({"text": ["a", "b"]})
    for lf in (quits, quits_on_the_frame):
        with pytest.raises(LFError, match=rf"LF '{lf.name}' raised SystemExit"):
            apply_lfs([lf], df)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        L = apply_lfs([quits], df, fault_tolerant=True)
    assert (L.votes == -1).all()
    with pytest.raises(LFError, match="reads_nothing"):
        apply_lfs([reads_nothing], pd.DataFrame(index=range(2)))
