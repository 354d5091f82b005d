import pytest

from weaklabel.bench.fit import format_ratios, make_problem, run_fit_bench


def test_make_problem_has_correlated_pairs_and_is_seeded():
    L1, y1, info = make_problem(2000, 20, 3)
    L2, y2, _ = make_problem(2000, 20, 3)
    assert (L1 == L2).all() and (y1 == y2).all() and len(info["accuracies"]) == 20
    # LF 18 copies LF 0 on about half of the rows (m // 10 = 2 pairs)
    assert (L1[:, 18] == L1[:, 0]).mean() > 0.5


def test_fit_bench_runs_each_model_in_a_child_process():
    pytest.importorskip("snorkel")
    results = run_fit_bench([(3000, 6, 2)], ("label_model", "snorkel"), log=None)
    assert [r["model"] for r in results] == ["label_model", "snorkel"]
    assert all(r["peak_rss_mb"] > 10 and 0.5 < r["accuracy"] <= 1 for r in results)
    assert "x" in format_ratios(results).splitlines()[1]


def test_fit_bench_skips_snorkel_above_its_row_cap():
    results = run_fit_bench([(3000, 6, 2)], ("snorkel",), snorkel_max_rows=1000, log=None)
    assert "skipped above 1,000 rows" in results[0]["error"]
