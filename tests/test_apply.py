import warnings

import numpy as np
import pandas as pd
import pytest

from weaklabel import (
    ABSTAIN,
    FaultWarning,
    InputError,
    LabelSpace,
    LFError,
    MissingColumnError,
    apply_lfs,
    keyword_lf,
    labeling_function,
)

LABELS = LabelSpace(["ham", "spam"])


@labeling_function(columns=["text"])
def lf_lower(row):
    return LABELS.spam if "check" in row.text.lower() else ABSTAIN


def test_apply_builds_int8_matrix_with_names_ids_and_report(texts):
    df = texts.fillna({"text": ""})
    L = apply_lfs([lf_lower, keyword_lf("song", label=0)], df, label_space=LABELS)
    assert L.votes.dtype == np.int8
    assert L.votes.tolist() == [[1, -1], [-1, 0], [-1, -1], [-1, -1], [-1, -1]]
    assert L.lf_names == ("lf_lower", "keyword_song")
    assert L.row_ids.tolist() == [10, 11, 12, 13, 14]
    assert L.label_space == LABELS
    assert set(L.apply_report.seconds) == {"lf_lower", "keyword_song"}
    assert L.apply_report.faults == {"lf_lower": 0, "keyword_song": 0}


def test_declared_columns_are_checked_before_any_lf_runs(texts):
    calls = []

    @labeling_function(columns=["text"])
    def first(_row):
        calls.append(1)
        return ABSTAIN

    @labeling_function(columns=["txet"])
    def second(_row):
        return ABSTAIN

    with pytest.raises(MissingColumnError, match=r"\['txet'\].*did you mean 'text'"):
        apply_lfs([first, second], texts)
    assert calls == []


def test_nan_text_in_a_row_wise_lf_names_lf_row_and_fix(texts):
    with pytest.raises(LFError, match=r"'lf_lower' raised AttributeError.*row id 14.*missing value.*fillna"):
        apply_lfs([lf_lower], texts)


def test_duplicate_lf_names_are_rejected(texts):
    with pytest.raises(InputError, match=r"unique.*\['keyword_song'\]"):
        apply_lfs([keyword_lf("song", label=0), keyword_lf("song", label=0)], texts)


def test_lf_that_raises_with_and_without_fault_tolerance():
    df = pd.DataFrame({"x": [1, 0, 2, 0]}, index=["a", "b", "c", "d"])

    @labeling_function(columns=["x"])
    def inverse(row):
        return 1 if 1 / row.x > 0.4 else 0

    with pytest.raises(LFError, match=r"'inverse' raised ZeroDivisionError.*row id 'b'") as info:
        apply_lfs([inverse], df)
    assert info.value.row_id == "b"
    with pytest.warns(FaultWarning, match=r"inverse: 2 rows"):
        L = apply_lfs([inverse], df, fault_tolerant=True)
    assert L.votes[:, 0].tolist() == [1, -1, 1, -1]
    assert L.apply_report.faults["inverse"] == 2


def test_vectorized_lf_that_raises_abstains_on_all_rows_when_tolerant():
    df = pd.DataFrame({"x": [1, 2]})

    @labeling_function(columns=["x"], vectorized=True)
    def broken(_df):
        raise ValueError("boom")

    with pytest.raises(LFError, match="'broken' raised ValueError: boom"):
        apply_lfs([broken], df)
    with pytest.warns(FaultWarning):
        L = apply_lfs([broken], df, fault_tolerant=True)
    assert L.votes.tolist() == [[-1], [-1]]


def test_empty_frame_and_empty_lf_list_are_clear_errors(texts):
    with pytest.raises(InputError, match="empty frame"):
        apply_lfs([lf_lower], texts.iloc[:0])
    with pytest.raises(InputError, match="empty list"):
        apply_lfs([], texts)
    with pytest.raises(TypeError, match="pandas DataFrame"):
        apply_lfs([lf_lower], [{"text": "a"}])


def test_row_ids_must_be_unique_and_can_come_from_a_column():
    df = pd.DataFrame({"id": ["x", "y", "x"], "text": ["a", "b", "c"]})
    with pytest.raises(InputError, match=r"unique.*\['x'\]"):
        apply_lfs([keyword_lf("a", label=0)], df, id_column="id")
    df["id"] = ["x", "y", "z"]
    L = apply_lfs([keyword_lf("a", label=0)], df, id_column="id")
    assert L.row_ids.tolist() == ["x", "y", "z"]


def test_values_are_checked_against_the_label_space():
    df = pd.DataFrame({"text": ["a"]})
    lf = keyword_lf("a", label=2, name="three")
    with pytest.raises(LFError, match=r"outside \{-1, 0, 1\}"):
        apply_lfs([lf], df, label_space=LABELS)
    assert apply_lfs([lf], df).votes.tolist() == [[2]]


def test_row_wise_loop_equals_df_apply_reference():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.integers(0, 5, 200), "b": rng.normal(size=200)})

    @labeling_function(columns=["a", "b"])
    def rule(row):
        return 1 if row.a > 2 and row["b"] > 0 else (0 if row.a == 0 else -1)

    expected = df.apply(lambda r: rule.func(r), axis=1).to_numpy()
    assert np.array_equal(apply_lfs([rule], df).votes[:, 0], expected)


def test_snorkel_lfs_are_accepted_and_match_pandas_lf_applier():
    pytest.importorskip("snorkel")
    from snorkel.labeling import PandasLFApplier
    from snorkel.labeling import labeling_function as snorkel_lf
    from snorkel.preprocess import preprocessor

    @preprocessor()
    def lower(x):
        x.text_lower = x.text.lower()
        return x

    @snorkel_lf(pre=[lower])
    def has_check(x):
        return 1 if "check" in x.text_lower else -1

    @snorkel_lf()
    def short(x):
        return 0 if len(x.text.split()) < 3 else -1

    df = pd.DataFrame({"text": ["CHECK it out now", "nice", "hello there friend", "check"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = PandasLFApplier([has_check, short]).apply(df, progress_bar=False)
    L = apply_lfs([has_check, short], df)
    assert np.array_equal(L.to_numpy(), expected)
    assert L.lf_names == ("has_check", "short")


def test_progress_bar_is_shown_on_request(capsys, texts):
    apply_lfs([keyword_lf("song", label=0)], texts, progress=True)
    err = capsys.readouterr().err
    assert "applying LFs" in err and "1/1" in err


def test_the_matrix_comes_back_row_major_with_each_lfs_votes_in_its_column():
    # LFs fill a column-major buffer (contiguous columns); the models read rows, so it is returned row-major
    from weaklabel import keyword_lf, threshold_lf

    df = pd.DataFrame({"text": ["free prize", "hello", "free", "prize now"] * 50, "x": np.arange(200.0)})
    lfs = [keyword_lf("free", label=1), keyword_lf("hello", label=0), threshold_lf("x", ">", 99.5, label=1)]
    L = apply_lfs(lfs, df)
    assert L.votes.flags["C_CONTIGUOUS"] and L.votes.dtype == np.int8
    for j, lf in enumerate(lfs):
        assert np.array_equal(L.votes[:, j], np.asarray(lf.apply(df)))
