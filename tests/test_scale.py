import numpy as np
import pandas as pd
import pytest

from weaklabel import ABSTAIN, FaultWarning, LFError, apply_lfs, keyword_lf, labeling_function
from weaklabel.cache import VoteCache


def _frame(n=3000):
    rng = np.random.default_rng(0)
    return pd.DataFrame({"text": rng.choice(["free cash", "hello there", "win now", "song"], n),
                         "x": rng.normal(size=n)})


@labeling_function(columns=["text"])
def lf_free(row):
    return 1 if "free" in row.text else ABSTAIN


@labeling_function(columns=["x"])
def lf_big(row):
    return 0 if row.x > 0.5 else ABSTAIN


def test_n_jobs_gives_the_same_matrix_bit_for_bit():
    df = _frame()
    lfs = [lf_free, lf_big, keyword_lf("song", label=0)]
    serial = apply_lfs(lfs, df)
    parallel = apply_lfs(lfs, df, n_jobs=2)
    assert np.array_equal(serial.votes, parallel.votes) and serial.lf_names == parallel.lf_names


def test_n_jobs_reports_faults_and_errors_from_workers():
    df = _frame(400)

    @labeling_function(columns=["x"])
    def lf_fragile(row):
        return 1 // int(row.x > 10)  # ZeroDivisionError on every row

    with pytest.raises(LFError, match=r"'lf_fragile' raised ZeroDivisionError.*row id 0") as info:
        apply_lfs([lf_fragile], df, n_jobs=2)
    assert info.value.lf_name == "lf_fragile" and info.value.row_id == 0
    with pytest.warns(UserWarning, match="lf_fragile: 400 rows"):
        L = apply_lfs([lf_fragile], df, n_jobs=2, fault_tolerant=True)
    assert L.apply_report.faults["lf_fragile"] == 400


def test_cache_reapplies_only_what_changed(tmp_path):
    df = _frame()
    lfs = [lf_free, lf_big, keyword_lf("song", label=0)]
    cold = apply_lfs(lfs, df, cache=tmp_path)
    assert cold.apply_report.cache_misses == ["lf_free", "lf_big", "keyword_song"]
    warm = apply_lfs(lfs, df, cache=tmp_path)
    assert warm.apply_report.cache_hits == ["lf_free", "lf_big", "keyword_song"]
    assert np.array_equal(cold.votes, warm.votes)

    @labeling_function(columns=["x"], name="lf_big")  # same name, edited logic
    def lf_big_edited(row):
        return 0 if row.x > 1.5 else ABSTAIN

    edited = apply_lfs([lf_free, lf_big_edited, keyword_lf("song", label=0)], df, cache=tmp_path)
    assert edited.apply_report.cache_misses == ["lf_big"]
    assert (edited.votes[:, 1] == 0).sum() < (cold.votes[:, 1] == 0).sum()
    changed = df.assign(text=df["text"].str.upper())
    again = apply_lfs(lfs, changed, cache=tmp_path)
    assert again.apply_report.cache_hits == ["lf_big"]  # lf_big does not read text
    assert VoteCache(tmp_path).clear() == 6 and not tmp_path.exists()  # 3 + edited + 2 for new text


def test_n_jobs_1_runs_in_this_process(monkeypatch):
    import weaklabel.parallel as parallel

    def boom(*a, **k):
        raise AssertionError("n_jobs=1 must not start worker processes")

    monkeypatch.setattr(parallel, "apply_rowwise_parallel", boom)
    apply_lfs([lf_free], _frame(100))


def _die_on_row_7(row):
    import os

    if row.x == 7.0:
        os._exit(3)  # the worker process dies: no exception to catch
    return 1


def _die_on_multiples_of_997(row):
    import os

    if row.x % 997 == 0:
        os._exit(3)
    return 1


def test_a_worker_killed_by_an_lf_names_that_lf():
    from weaklabel import LFError, labeling_function

    killer = labeling_function(columns=["x"], name="lf_killer")(_die_on_row_7)
    df = pd.DataFrame({"x": np.arange(40.0), "text": ["free"] * 40})
    with pytest.raises(LFError, match=r"LF 'lf_killer' killed its worker process"):
        apply_lfs([lf_free, killer], df, n_jobs=2)
    with pytest.warns(FaultWarning, match="lf_killer: 1 row"):
        L = apply_lfs([lf_free, killer], df, n_jobs=2, fault_tolerant=True)
    # only the deadly row abstains: the LF keeps its votes on the 39 others
    assert L.votes[7, 1] == -1 and (np.delete(L.votes[:, 1], 7) == 1).all()
    assert np.array_equal(L.votes[:, 0], apply_lfs([lf_free], df).votes[:, 0])


def test_an_lf_that_kills_workers_on_a_few_rows_of_many_loses_only_those():
    from weaklabel import labeling_function

    killer = labeling_function(columns=["x"], name="lf_killer")(_die_on_multiples_of_997)
    df = pd.DataFrame({"x": np.arange(3000.0)})
    with pytest.warns(FaultWarning, match="lf_killer: 4 rows"):
        L = apply_lfs([killer], df, n_jobs=2, fault_tolerant=True)
    dead = np.arange(0, 3000, 997)
    assert (L.votes[dead, 0] == -1).all() and (np.delete(L.votes[:, 0], dead) == 1).all()
