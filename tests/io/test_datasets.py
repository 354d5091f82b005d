import numpy as np
import pytest

from weaklabel import DatasetNotFoundError, InputError, load_dataset


def test_breast_cancer_is_offline_and_split_deterministically():
    full = load_dataset("breast_cancer", split="all")
    assert full.df.shape == (569, 31) and full.labels.names == ("malignant", "benign")
    tr, te = load_dataset("breast_cancer"), load_dataset("breast_cancer", split="test")
    assert len(tr.df) + len(te.df) == 569
    assert not set(tr.df.index) & set(te.df.index)
    assert np.array_equal(load_dataset("breast_cancer").df.index, tr.df.index)


def test_missing_data_dir_says_where_it_looked(monkeypatch, tmp_path):
    monkeypatch.delenv("WEAKLABEL_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with pytest.raises(DatasetNotFoundError, match=r"the cache='.*home/.cache/weaklabel' \(not a folder\). Fix: "
                                                   r"`weaklabel data fetch youtube`.*--data-dir.*WEAKLABEL_DATA"):
        load_dataset("youtube")
    with pytest.raises(DatasetNotFoundError, match="no WRENCH folder.*label.json"):
        load_dataset("youtube", data_dir=tmp_path)
    with pytest.raises(InputError, match="unknown dataset"):
        load_dataset("imdb")


def test_env_var_is_used(monkeypatch, data_dir):
    monkeypatch.setenv("WEAKLABEL_DATA", str(data_dir))
    assert len(load_dataset("youtube", split="valid").df) == 120


@pytest.mark.parametrize("name, split, n, m", [
    ("youtube", "train", 1686, 10), ("youtube", "test", 250, 10),
    ("sms", "train", 4571, 73), ("sms", "valid", 500, 73),
])
def test_wrench_splits(data_dir, name, split, n, m):
    ds = load_dataset(name, split=split, data_dir=data_dir)
    assert ds.df.shape[0] == n and ds.L.shape == (n, m)
    assert "text" in ds.df and set(np.unique(ds.y)) <= {-1, 0, 1}
    assert np.array_equal(ds.L.row_ids, ds.df.index.to_numpy())


def test_raw_uci_collections(data_dir):
    yt = load_dataset("youtube", source="raw", split="all", data_dir=data_dir)
    assert len(yt.df) == 1956 and yt.df.index.is_unique
    sms = load_dataset("sms", source="raw", split="all", data_dir=data_dir)
    assert len(sms.df) == 5574 and int((sms.y == 1).sum()) == 747
    with pytest.raises(InputError, match="one split, 'all'"):
        load_dataset("sms", source="raw", data_dir=data_dir)
