import pytest

from weaklabel.bench.scale import cached_reapply, dask_engine, out_of_core, parallel_rowwise


def test_scale_bench_pieces_run_small():
    ooc = out_of_core(20_000, 12, 5_000)
    assert ooc["rows"] == 20_000 and ooc["chunks"] == 4 and ooc["peak_rss_mb"] > 10
    cr = cached_reapply(5_000, 4)
    assert cr["recomputed"] == ["rule_3"] and cr["cold_misses"] == 4
    pr = parallel_rowwise(5_000, 3)
    assert pr["identical"] is True


def test_the_dask_engine_bench_labels_what_the_out_of_core_run_labels():
    pytest.importorskip("distributed")
    ooc = out_of_core(20_000, 12, 5_000)
    dsk = dask_engine(20_000, 12, 5_000)
    assert "error" not in dsk, dsk
    assert dsk["engine"] == "dask" and dsk["rows"] == 20_000
    # one model, fitted on the same vote-pattern counts: the same class balance
    assert list(dsk["class_balance"].values()) == pytest.approx(ooc["class_balance"], abs=1e-6)
