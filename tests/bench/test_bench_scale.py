from weaklabel.bench.scale import cached_reapply, out_of_core, parallel_rowwise


def test_scale_bench_pieces_run_small():
    ooc = out_of_core(20_000, 12, 5_000)
    assert ooc["rows"] == 20_000 and ooc["chunks"] == 4 and ooc["peak_rss_mb"] > 10
    cr = cached_reapply(5_000, 4)
    assert cr["recomputed"] == ["rule_3"] and cr["cold_misses"] == 4
    pr = parallel_rowwise(5_000, 3)
    assert pr["identical"] is True
