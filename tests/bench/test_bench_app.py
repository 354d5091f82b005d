"""`weaklabel bench app` drives the app in Chromium and accounts for every keypress."""

import shutil

import pytest

pytest.importorskip("playwright")
pytest.importorskip("streamlit")

needs_chromium = pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                                    reason="needs a Chromium binary on PATH (apt install chromium)")


@needs_chromium
def test_bench_app_reports_latency_and_loses_no_keypress():
    from weaklabel.bench.app import run_app_bench

    res = run_app_bench(n_items=400, decisions=12)
    assert res["labels_stored"] == res["decisions"] == 12   # no keypress lost
    assert 0 < res["p50_s"] <= res["p90_s"] <= res["p99_s"] <= res["max_s"]
    assert res["first_load_s"] > 0 and res["items"] == 400
    assert 0 < res["bare_streamlit_form_s"] and 0 < res["cold_sign_in_s"]


def test_bench_decide_times_the_server_work_of_each_decision(capsys):
    from weaklabel.cli import main

    assert main(["bench", "decide", "--items", "3000", "--prior-events", "3000", "--decisions", "12"]) == 0
    import json

    res = json.loads(capsys.readouterr().out)
    assert res["decisions"] == 12 and res["store"] == "sqlite" and res["prior_events"] == 3000
    assert 0 < res["p50_ms"] <= res["p90_ms"] <= res["p99_ms"]
    assert {"label_p50_ms", "next_item_p50_ms", "progress_p50_ms"} <= set(res)


@needs_chromium
def test_bench_app_spans_times_each_decision_and_loses_no_key(capsys):
    """Accept, delete-and-save and retype-and-save in the span editor by two experts, with a
    reload, double presses and undos: each answer accounted for, none unseen or given twice."""
    from weaklabel.cli import main

    assert main(["bench", "app-spans", "--docs", "60", "--decisions", "9", "--prior-answers", "20", "--experts", "2",
                 "--reload", "--double-every", "4", "--undo-every", "5"]) == 0
    import json

    res = json.loads(capsys.readouterr().out)
    assert res["documents"] == 60 and res["signed_in_after_reload"] is True
    for name in ("expert-a", "expert-b"):
        # 9 saves each, one of them the document the undo brought back; a double press's second
        # Enter that lands once the next document is on screen is a real decision on it (two
        # double presses: up to 2 more); every answer but the undone ones is in force
        stored = res[name]["answers_stored"]
        assert 9 <= stored <= 11 and res[name]["undos"] >= 1
        assert res[name]["answers_in_force"] == stored - res[name]["undos"]
        assert res[name]["answered_unseen"] == 0 and res[name]["answered_twice"] == 0
    assert 0 < res["p50_s"] <= res["p90_s"] <= res["p99_s"] <= res["max_s"]


@needs_chromium   # it checks for the browser first, before the costly prefill
def test_bench_app_spans_refuses_a_store_that_leaves_too_few_documents():
    from weaklabel.bench.app import SessionPlan
    from weaklabel.bench.app_spans import run_span_app_bench
    from weaklabel.exceptions import InputError

    with pytest.raises(InputError, match="prior_answers"):
        run_span_app_bench(n_docs=10, plan=SessionPlan(decisions=9), prior_answers=200)


@needs_chromium
def test_bench_app_multilabel_times_toggles_and_submits_and_loses_no_key(capsys):
    """Two experts take turns with label keys and Enter in the multi-label view, with undos, a
    hasty double Enter and a reload, on a store other experts filled: every answer accounted
    for, none unseen or given twice."""
    import json

    from weaklabel.cli import main

    assert main(["bench", "app-multilabel", "--items", "400", "--decisions", "9", "--prior-answers", "300",
                 "--experts", "2", "--reload", "--double-every", "5", "--undo-every", "4"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["items"] == 400 and res["labels"] == 6 and res["experts"] == 2
    assert res["signed_in_after_reload"] is True and res["reload_to_item_s"] > 0
    for name in ("expert-a", "expert-b"):
        mine = res[name]
        # a double Enter may store a second answer for the next item only if that item was on screen
        assert mine["undos"] == 2 and mine["answers_stored"] >= 9
        assert mine["answers_in_force"] == mine["answers_stored"] - mine["undos"]
        assert mine["answered_unseen"] == 0 and mine["answered_twice"] == 0
    assert 0 < res["toggle"]["p50_s"] <= res["toggle"]["max_s"] and 0 < res["submit"]["p50_s"]
