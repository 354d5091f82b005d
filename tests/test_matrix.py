import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from weaklabel import InputError, LabelMatrix, LabelSpace
from weaklabel.matrix import compress


def test_construction_defaults_and_conversions(L_small):
    L = LabelMatrix(L_small)
    assert L.shape == (5, 3) and L.lf_names == ("lf_0", "lf_1", "lf_2")
    assert L.row_ids.tolist() == [0, 1, 2, 3, 4]
    assert np.asarray(L).dtype == np.int8
    assert L.to_numpy().dtype == np.int64 and L.to_numpy().flags.writeable
    assert not L.votes.flags.writeable
    assert L.to_frame().loc[3, "lf_2"] == 1
    assert L.column("lf_1").tolist() == [0, -1, -1, 1, 0]
    assert L.take(L.votes[:, 0] >= 0).n_rows == 3
    assert L.select_lfs(["lf_2", "lf_0"]).lf_names == ("lf_2", "lf_0")


@pytest.mark.parametrize("kwargs, msg", [
    ({"lf_names": ["a", "b"]}, "expected 3 names"),
    ({"lf_names": ["a", "a", "b"]}, "unique"),
    ({"row_ids": [1, 2]}, "expected 5 ids"),
    ({"label_space": LabelSpace(["x", "y"]), "votes": [[2, 0, -1]]}, "allows 0..1"),
])
def test_bad_construction(L_small, kwargs, msg):
    votes = kwargs.pop("votes", L_small)
    with pytest.raises(InputError, match=msg):
        LabelMatrix(votes, **kwargs)


@pytest.mark.parametrize("votes, msg", [
    (np.array([0, 1]), "2-D"),
    (np.array([[True, False]]), "booleans"),
    (np.array([[0.5, 1.0]]), "dtype float64"),
    (np.array([[-2, 0]]), r"\{-2\}"),
])
def test_bad_votes(votes, msg):
    with pytest.raises((InputError, TypeError), match=msg):
        LabelMatrix(votes)


def test_save_load_round_trip_without_pickle(tmp_path, L_small):
    L = LabelMatrix(L_small, ["a", "b", "c"], ["r1", "r2", "r3", "r4", "r5"], LabelSpace(["x", "y"]))
    path = L.save(tmp_path / "L.npz")
    assert LabelMatrix.load(path) == L
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a weaklabel label matrix"):
        LabelMatrix.load(tmp_path / "junk.npz")


def test_compress_on_hand_example(L_small):
    stacked = np.vstack([L_small, L_small[:2]])
    vp = compress(stacked)
    assert vp.patterns.shape == (5, 3)
    assert sorted(vp.counts.tolist()) == [1, 1, 1, 2, 2]
    assert np.array_equal(vp.patterns[vp.inverse], stacked)


@settings(max_examples=80, deadline=None)
@given(arrays(np.int8, st.tuples(st.integers(1, 40), st.integers(1, 70)), elements=st.integers(-1, 3)))
def test_compress_round_trips_for_any_matrix(votes):
    """Property: patterns[inverse] rebuilds L, counts sum to n, patterns are unique
    (both the packed-int path and the wide np.unique path)."""
    vp = compress(votes)
    assert np.array_equal(vp.patterns[vp.inverse], votes)
    assert vp.counts.sum() == votes.shape[0]
    assert len({row.tobytes() for row in vp.patterns}) == vp.patterns.shape[0]


def test_a_notebook_shows_the_matrix_as_a_table():
    """There was no notebook display for the label matrix (the LF summary is a DataFrame, which
    has one). Names are escaped."""
    import numpy as np

    from weaklabel import LabelMatrix, LabelSpace

    L = LabelMatrix(np.array([[0, -1], [1, -1], [-1, 1], [-1, -1]]), ["kw_<b>", "regex"],
                    label_space=LabelSpace(["HAM", "SPAM"]))
    out = L._repr_html_()
    assert "4 rows x 2 LFs, coverage 0.750" in out and "labels: HAM, SPAM" in out
    assert "<td>kw_&lt;b&gt;</td><td>0.500</td><td>HAM, SPAM</td>" in out
    assert "<td>regex</td><td>0.250</td><td>SPAM</td>" in out
