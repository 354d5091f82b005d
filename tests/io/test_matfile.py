"""Reading label matrices from MATLAB .mat files."""

import numpy as np
import pytest
from scipy.io import savemat

from weaklabel import InputError
from weaklabel.exceptions import DatasetNotFoundError
from weaklabel.io.matfile import read_mat_splits


def test_reads_splits_with_either_valid_label_key(tmp_path):
    path = tmp_path / "toy.mat"
    savemat(path, {"train_pred": np.array([[0, 1, -1], [1, 1, 1]], float), "train_labels": np.array([[0, 1]]),
                   "val_pred": np.array([[2, -1, 2]]), "val_labels": np.array([[2]]),
                   "test_pred": np.array([[1, 0, 0]]), "test_labels": np.array([[0]])})
    splits = read_mat_splits(path)
    assert set(splits) == {"train", "valid", "test"}
    assert splits["train"].L.votes.tolist() == [[0, 1, -1], [1, 1, 1]]
    assert splits["train"].y.tolist() == [0, 1] and splits["valid"].y.tolist() == [2]
    assert splits["train"].L.label_space.cardinality == 3  # class 2 appears only in valid
    assert splits["test"].L.lf_names == ("lf_0", "lf_1", "lf_2")


def test_train_only_file(tmp_path):
    path = tmp_path / "crowd.mat"
    savemat(path, {"train_pred": np.array([[0, 1], [1, 1]]), "train_labels": np.array([[0, 1]])})
    assert set(read_mat_splits(path)) == {"train"}


@pytest.mark.parametrize("content,match", [
    ({"test_pred": np.zeros((2, 2))}, "expected a 'train_pred'"),
    ({"train_pred": np.zeros((2, 2)), "train_labels": np.zeros((1, 3))}, "one label per row"),
    ({"train_pred": np.full((2, 2), -2), "train_labels": np.zeros((1, 2))}, "integers >= -1"),
    ({"train_pred": np.full((2, 2), 0.5), "train_labels": np.zeros((1, 2))}, "integers >= -1"),
    ({"train_pred": np.zeros((2, 2))}, "none of \\['train_labels'\\]"),
])
def test_bad_files_say_what_is_wrong(tmp_path, content, match):
    path = tmp_path / "bad.mat"
    savemat(path, content)
    with pytest.raises(InputError, match=match):
        read_mat_splits(path)


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="not found"):
        read_mat_splits(tmp_path / "nope.mat")
    (tmp_path / "junk.mat").write_bytes(b"not matlab at all")
    with pytest.raises(InputError, match="not a readable MATLAB"):
        read_mat_splits(tmp_path / "junk.mat")


def test_the_shared_label_matrices(data_dir):
    shapes = {}
    for path in sorted((data_dir / "labelmatrices").glob("*.mat")):
        splits = read_mat_splits(path)
        shapes[path.stem] = (splits["train"].L.n_rows, splits["train"].L.n_lfs, sorted(splits))
    assert shapes["domain"] == (2587, 5, ["test", "train", "valid"])
    assert shapes["rte"] == (800, 164, ["train"]) and shapes["bird"] == (108, 39, ["train"])
    assert shapes["yelp"] == (30400, 8, ["test", "train", "valid"])
    assert shapes["basketball"] == (17970, 4, ["test", "train", "valid"])
    assert len(shapes) == 9
