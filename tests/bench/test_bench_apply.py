import pytest

from weaklabel.bench.apply import bench_texts, format_result, run_apply_bench


def test_bench_texts_are_deterministic(monkeypatch):
    monkeypatch.delenv("WEAKLABEL_DATA", raising=False)
    a, src = bench_texts(50)
    b, _ = bench_texts(50)
    assert a.equals(b) and len(a) == 50 and src.startswith("synthetic")


def test_bench_apply_compares_against_snorkel_with_identical_votes(monkeypatch):
    pytest.importorskip("snorkel")
    monkeypatch.delenv("WEAKLABEL_DATA", raising=False)
    r = run_apply_bench(n_rows=300, repeat=1)
    assert r["identical_votes"] is True
    assert r["speedup"] > 0 and r["snorkel_seconds"] > 0
    assert "speedup (ratio of medians):" in format_result(r) and "warmed up once" in format_result(r)
