"""Multi-label apply with the vote cache and row-wise LFs in worker processes: the same matrix
every way, an edited LF re-runs alone, another label order is another entry, and a damaged entry
is a miss."""

import numpy as np
import pandas as pd

from weaklabel import labeling_function
from weaklabel.cache import VoteCache
from weaklabel.multilabel import apply_multilabel_lfs, keyword_lf, lexicon_lf

LABELS = ["joy", "anger", "gratitude"]
DF = pd.DataFrame({"text": ["thanks, so happy", "I am furious", "not happy at all", "ok", "thanks!! angry though",
                            "happy happy"] * 20})


@labeling_function(columns=["text"])
def not_happy(row):
    return {"joy": False} if "not happy" in row.text else None


@labeling_function(columns=["text"])
def exclaims(row):
    return {"joy", "anger"} if "!!" in row.text else -1


LFS = [keyword_lf("happy", labels="joy", name="happy"), keyword_lf("furious", "angry", labels="anger", name="angry"),
       lexicon_lf({"thanks": "gratitude"}, name="thanks"), not_happy, exclaims]


def _dense(L):
    return L.votes.toarray()


def test_row_wise_lfs_in_worker_processes_give_the_same_matrix():
    one = apply_multilabel_lfs(LFS, DF, LABELS)
    two = apply_multilabel_lfs(LFS, DF, LABELS, n_jobs=2)
    assert np.array_equal(_dense(one), _dense(two)) and one.lf_names == two.lf_names
    assert one.negative_counts()[2].tolist() == [1, 0, 0]                   # "not happy": a vote against joy


def test_the_cache_returns_the_same_matrix_and_reruns_only_what_changed(tmp_path, monkeypatch):
    first = apply_multilabel_lfs(LFS, DF, LABELS, cache=tmp_path / "c")
    entries = sorted(p.name for p in (tmp_path / "c").glob("*.npz"))
    assert len(entries) == len(LFS)
    import weaklabel.multilabel.matrix as matrix

    calls = []
    real = matrix._lf_coords
    monkeypatch.setattr(matrix, "_lf_coords", lambda lf, *a: calls.append(lf.name) or real(lf, *a))
    again = apply_multilabel_lfs(LFS, DF, LABELS, cache=tmp_path / "c")
    assert np.array_equal(_dense(first), _dense(again)) and calls == []       # every LF from the cache

    @labeling_function(columns=["text"], name="exclaims")
    def exclaims_edited(row):
        return {"anger"} if "!!" in row.text else -1

    edited = apply_multilabel_lfs(LFS[:-1] + [exclaims_edited], DF, LABELS, cache=tmp_path / "c")
    assert calls == ["exclaims"]                                              # the edited LF runs alone
    assert _dense(edited)[4, 4 * 3:].tolist() == [0, 1, 0]
    # another label order means other label ids: other entries, the right votes
    other = apply_multilabel_lfs(LFS, DF, LABELS[::-1], cache=tmp_path / "c")
    assert np.array_equal(other.positive_counts()[:, ::-1], first.positive_counts())


def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path):
    store = VoteCache(tmp_path / "c")
    first = apply_multilabel_lfs(LFS, DF, LABELS, cache=store)
    for p in (tmp_path / "c").glob("*.npz"):
        p.write_bytes(b"not an archive")
    assert np.array_equal(_dense(apply_multilabel_lfs(LFS, DF, LABELS, cache=store)), _dense(first))
    # an entry whose coordinates point outside the matrix is refused, not used
    key = store.key(LFS[0], DF, "multilabel:" + "\x1f".join(LABELS))
    store.put(key, np.array([[10_000], [0], [1]], dtype=np.int64))
    assert np.array_equal(_dense(apply_multilabel_lfs(LFS, DF, LABELS, cache=store)), _dense(first))
