import pytest

from weaklabel.bench.analysis import format_result, run_analysis_bench


def test_bench_analysis_gives_snorkels_table():
    pytest.importorskip("snorkel")
    r = run_analysis_bench(5000, 8, repeat=1)
    assert r["identical"] is True and r["speedup"] > 0
    assert "identical table: True" in format_result(r)
