"""`weaklabel bench app` drives the app in Chromium and accounts for every keypress."""

import shutil

import pytest

pytest.importorskip("playwright")
pytest.importorskip("streamlit")


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")), reason="needs Chromium")
def test_bench_app_reports_latency_and_loses_no_keypress():
    from weaklabel.bench.app import run_app_bench

    res = run_app_bench(n_items=400, decisions=12)
    assert res["labels_stored"] == res["decisions"] == 12   # no keypress lost
    assert 0 < res["p50_s"] <= res["p90_s"] <= res["p99_s"] <= res["max_s"]
    assert res["first_load_s"] > 0 and res["items"] == 400
