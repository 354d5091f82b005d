"""`weaklabel ls serve` on a span project (weaklabel/review/ls_span_backend.py), without a Label
Studio: the sequence model's spans as predictions, and annotated spans through the webhook."""

import threading

import pytest

from weaklabel.bench.app import _free_port
from weaklabel.review.ls_backend import WebhookRejected, make_server
from weaklabel.review.ls_span_backend import SpanBackend
from weaklabel.review.project import Project
from weaklabel.review.span_session import SpanReviewSession

from .span_fixtures import span_project
from .test_ls_backend import SECRET, _post


@pytest.fixture
def backend(tmp_path):
    sess = SpanReviewSession(Project.load(span_project(tmp_path, refit_every=2)))
    return SpanBackend(sess, ls_project_id=7, users={"3": "ana@x.org"})


def _ann(aid, ranges, updated="2026-12-07T10:00:00Z", **extra):
    return {"id": aid, "completed_by": 3, "updated_at": updated, **extra, "result": [
        {"from_name": "label", "to_name": "text", "type": "labels", "value": {"start": s, "end": e, "labels": [t]}}
        for s, e, t in ranges]}


def _delivery(action, ann, doc="doc0", project=7):
    text = "Ada Lovelace met Charles Babbage in London ."
    return {"action": action, "project": {"id": project}, "annotation": ann,
            "task": {"id": 11, "data": {"text": text, "row_id": doc}}}


def test_predictions_are_the_models_spans_in_characters(backend):
    data = {"row_id": "doc2", "text": "Mary Somerville moved to Florence ."}
    out = backend.predict([{"id": 1, "data": data}, {"id": 2, "data": {"text": "made in Label Studio"}}])
    first, second = out["results"]
    model = backend.sess.model_spans[2]
    tokens = backend.sess.split.tokens[2]
    got = [(r["value"]["text"], r["value"]["labels"][0]) for r in first["result"]]
    assert got == [(" ".join(tokens[s:e]), t) for s, e, t in model]
    assert all(data["text"][r["value"]["start"]:r["value"]["end"]] == r["value"]["text"] for r in first["result"])
    assert second["result"] == [] and second["score"] == 0.0
    assert out["model_version"] == f"weaklabel-{backend.sess.model_version}"


def test_the_config_names_where_predictions_go(backend):
    backend.configure('<View><Text name="doc" value="$doc"/><Labels name="ner" toName="doc">'
                      '<Label value="PER"/></Labels></View>')
    assert (backend.from_name, backend.to_name) == ("ner", "doc")


def test_webhooks_store_update_ignore_late_versions_and_retract(backend):
    store = backend.sess.store
    assert backend.webhook(_delivery("ANNOTATION_CREATED", _ann(5, [(0, 12, "PER")])))["added"] == 1
    assert store.gold(["doc0"]) == [[(0, 2, "PER")]]
    newer = _ann(5, [(0, 12, "PER"), (36, 42, "LOC")], updated="2026-12-07T11:00:00Z")
    out = backend.webhook(_delivery("ANNOTATION_UPDATED", newer))
    assert out["updated"] == 1 and out["refit"] is True            # refit_every = 2 answers
    late = _ann(5, [], updated="2026-12-07T10:30:00Z")             # an older version, delivered late
    assert backend.webhook(_delivery("ANNOTATION_UPDATED", late))["unchanged"] == 1
    assert store.gold(["doc0"]) == [[(0, 2, "PER"), (6, 7, "LOC")]]
    assert store.current()["annotator"].tolist() == ["ana@x.org"]
    assert backend.webhook({"action": "ANNOTATIONS_DELETED", "project": {"id": 7}, "annotations": [{"id": 5}]}) \
        == {"retracted": 1}
    assert store.gold(["doc0"]) == [None]


def test_webhooks_from_elsewhere_are_refused(backend):
    with pytest.raises(WebhookRejected, match="project 8"):
        backend.webhook(_delivery("ANNOTATION_CREATED", _ann(5, []), project=8))
    with pytest.raises(WebhookRejected, match="no document"):
        backend.webhook(_delivery("ANNOTATION_CREATED", _ann(5, []), doc="elsewhere"))
    assert backend.webhook({"action": "PROJECT_UPDATED"}) == {"ignored": "PROJECT_UPDATED"}
    assert backend.sess.store.events().empty


def test_the_server_answers_for_a_span_backend(backend):
    server = make_server(backend, SECRET, port=_free_port())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        assert _post(url, "/health")["model_class"] == "weaklabel-spans"
        out = _post(url, "/predict", {"tasks": [{"id": 1, "data": {"row_id": "doc0",
                                                                   "text": "Ada Lovelace met Charles Babbage in "
                                                                           "London ."}}]})
        assert out["results"][0]["result"]
        assert _post(url, "/webhook", _delivery("ANNOTATION_CREATED", _ann(9, [(0, 3, "PER")])),
                     auth="bearer")["added"] == 1
    finally:
        server.shutdown()
        server.server_close()
