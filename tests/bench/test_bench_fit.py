import pytest

from weaklabel.bench.fit import format_ratios, make_problem, run_fit_bench


def test_make_problem_has_correlated_pairs_and_is_seeded():
    L1, y1, info = make_problem(2000, 20, 3)
    L2, y2, _ = make_problem(2000, 20, 3)
    assert (L1 == L2).all() and (y1 == y2).all() and len(info["accuracies"]) == 20
    # LF 18 copies LF 0 on about half of the rows (m // 10 = 2 pairs)
    assert (L1[:, 18] == L1[:, 0]).mean() > 0.5


def test_fit_bench_runs_each_model_in_a_child_process_interleaved_with_the_balance_known_and_not():
    pytest.importorskip("snorkel")
    results = run_fit_bench([(3000, 6, 2)], ("label_model", "snorkel"), repeat=2, log=None)
    assert [r["model"] for r in results] == ["label_model", "snorkel"]
    assert all(r["peak_rss_mb"] > 10 and 0.5 < r["accuracy"] <= 1 for r in results)
    assert all(len(r["runs"]) == 2 and len(r["load"]) == 2 and r["seconds_min"] <= r["seconds"] <= r["seconds_max"]
               for r in results)
    assert all(0.5 < r["accuracy_given_balance"] <= 1 for r in results)
    line = format_ratios(results).splitlines()[1]
    assert "x" in line and " / " in line          # accuracy with the balance unknown / given


def test_fit_bench_skips_snorkel_above_its_row_cap_and_names_why_flyingsquid_cannot_run():
    results = run_fit_bench([(3000, 6, 2)], ("snorkel", "flyingsquid"), snorkel_max_rows=1000, repeat=1, log=None)
    assert "skipped above 1,000 rows" in results[0]["error"]
    assert "pgmpy 0.1.12 and numpy < 2" in results[1]["error"]


def test_interleaved_clocks_warm_up_every_side_and_rotate_the_order():
    from weaklabel.bench._timing import interleaved, spread

    calls = []
    out = interleaved({"a": lambda: calls.append("a") or 1, "b": lambda: calls.append("b") or 2}, repeat=3)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]      # warm-ups, then rounds that rotate
    assert out["a"]["result"] == 1 and len(out["b"]["runs"]) == 3 and len(out["b"]["load"]) == 3
    assert spread([3.0, 1.0, 2.0, 10.0], [0.1] * 4)["median"] == 2.5


def test_self_timed_sides_report_their_own_seconds_not_the_clock_around_the_call():
    from weaklabel.bench._timing import interleaved

    seconds = iter([9.0, 9.0, 0.5, 2.0, 1.5, 4.0, 1.0, 3.0])   # warm-ups first, then three rounds
    out = interleaved({"a": lambda: next(seconds), "b": lambda: next(seconds)}, repeat=3, self_timed=True)
    # rounds run a, b / b, a / a, b: a gets 0.5, 4.0, 1.0 and b gets 2.0, 1.5, 3.0
    assert out["a"]["runs"] == [0.5, 4.0, 1.0] and out["a"]["median"] == 1.0
    assert out["b"]["runs"] == [2.0, 1.5, 3.0] and out["b"]["result"] == 9.0
