import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from weaklabel import LabelMatrix, lf_summary


def test_lf_summary_hand_computed(L_small):
    # rows: [0,0,-1] [1,-1,0] [-1,-1,-1] [1,1,1] [-1,0,-1]
    # overlapped rows: 0,1,3   conflicted rows: 1
    y = np.array([0, 1, 0, 1, -1])
    s = lf_summary(LabelMatrix(L_small, ["a", "b", "c"]), y)
    assert list(s.columns) == ["j", "Polarity", "Coverage", "Overlaps", "Conflicts",
                               "Correct", "Incorrect", "Emp. Acc."]
    assert s["Polarity"].tolist() == [[0, 1], [0, 1], [0, 1]]
    assert s["Coverage"].tolist() == pytest.approx([3 / 5, 3 / 5, 2 / 5])
    assert s["Overlaps"].tolist() == pytest.approx([3 / 5, 2 / 5, 2 / 5])
    assert s["Conflicts"].tolist() == pytest.approx([1 / 5, 0, 1 / 5])
    # gold -1 on row 4 is ignored: lf b voted 0 there
    assert s["Correct"].tolist() == [3, 2, 1]
    assert s["Incorrect"].tolist() == [0, 0, 1]
    assert s["Emp. Acc."].tolist() == pytest.approx([1.0, 1.0, 0.5])


def test_unnamed_matrix_has_no_j_column_and_nan_accuracy_for_silent_lf():
    s = lf_summary(np.array([[0, -1], [1, -1]]), np.array([0, 0]))
    assert "j" not in s.columns
    assert s.loc[1, "Polarity"] == []
    assert np.isnan(s.loc[1, "Emp. Acc."])


@settings(max_examples=60, deadline=None)
@given(arrays(np.int8, st.tuples(st.integers(1, 30), st.integers(1, 8)), elements=st.integers(-1, 2)))
def test_rates_are_bounded_and_overlap_dominates_conflict(votes):
    s = lf_summary(votes)
    for col in ("Coverage", "Overlaps", "Conflicts"):
        assert ((s[col] >= 0) & (s[col] <= 1)).all()
    assert (s["Overlaps"] >= s["Conflicts"]).all()
    assert (s["Coverage"] >= s["Overlaps"]).all()


def test_equals_snorkel_lfanalysis_on_the_youtube_matrix(data_dir):
    pytest.importorskip("snorkel")
    import warnings

    from snorkel.labeling import LFAnalysis

    from weaklabel import load_dataset

    ds = load_dataset("youtube", split="train", data_dir=data_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = LFAnalysis(ds.L.to_numpy()).lf_summary(Y=ds.y)
    pd.testing.assert_frame_equal(lf_summary(ds.L.votes, ds.y), expected, check_dtype=False)
    named = lf_summary(ds.L, ds.y)
    assert named.index.tolist() == list(ds.L.lf_names) and named["j"].tolist() == list(range(10))
