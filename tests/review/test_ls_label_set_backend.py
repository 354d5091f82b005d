"""Label Studio and multi-label projects without a server: the config, tasks with the model's set
as a prediction, parsing an export (foreign tasks, cancelled and copied annotations, a label
map), and `weaklabel ls serve`'s backend (predictions, webhooks, deletions, refits)."""

import threading

import pytest

from weaklabel.bench.app import _free_port
from weaklabel.exceptions import InputError
from weaklabel.io import labelstudio_multilabel as lsm
from weaklabel.review.label_set_session import LabelSetReviewSession
from weaklabel.review.ls_backend import WebhookRejected, make_server
from weaklabel.review.ls_label_set_backend import LabelSetBackend
from weaklabel.review.project import Project

from .label_set_fixtures import TEXTS, label_set_project
from .test_ls_backend import SECRET, _post

LABELS = ["admiration", "amusement", "gratitude"]


def test_the_config_offers_every_label_as_a_multiple_choice_and_is_read_back():
    config = lsm.multilabel_config(LABELS + ['say "hi"'])
    assert lsm.multiple_choices(config) == ("labels", "text", LABELS + ["say &quot;hi&quot;"])
    single = '<View><Text name="t" value="$t"/><Choices name="c" toName="t"><Choice value="a"/></Choices></View>'
    assert lsm.multiple_choices(single) is None                       # a single-choice control is not one


def test_tasks_carry_the_id_and_the_models_set_as_a_choices_prediction():
    tasks = lsm.label_set_tasks(["c0", "c6"], ["thanks, great", "ok"], [["admiration", "gratitude"], []],
                                scores=[0.9, 0.7], model_version="v1")
    assert tasks[0]["data"] == {"text": "thanks, great", "row_id": "c0"}
    pred = tasks[0]["predictions"][0]
    assert pred["result"][0]["value"] == {"choices": ["admiration", "gratitude"]} and pred["score"] == 0.9
    assert tasks[1]["predictions"][0]["result"] == []                  # the empty set: nothing pre-selected


def _ann(aid, choices, who=3, updated="2026-12-07T10:00:00Z", **extra):
    return {"id": aid, "completed_by": who, "updated_at": updated, **extra,
            "result": [{"from_name": "labels", "to_name": "text", "type": "choices", "value": {"choices": choices}}]
            if choices is not None else []}


def test_an_export_parses_to_label_sets_and_skips_what_is_not_an_experts_answer():
    exported = [
        {"id": 1, "data": {"row_id": "c0", "text": "x"}, "annotations": [_ann(11, ["Gratitude", "admiration"])]},
        {"id": 2, "data": {"row_id": "c6", "text": "y"}, "annotations": [_ann(12, None)]},     # nothing applies
        {"id": 3, "data": {"text": "made in Label Studio"}, "annotations": [_ann(13, ["joy"])]},
        {"id": 4, "data": {"row_id": "c1", "text": "z"}, "annotations": [
            _ann(14, ["amusement"], was_cancelled=True), _ann(15, ["amusement"], parent_prediction=9)]},
        {"id": 5, "data": {"row_id": "c2", "text": "w"}, "annotations": [_ann(16, ["thanks"], who={"id": 4,
                                                                                              "email": "b@x.org"})]},
    ]
    recs = lsm.parse_label_set_export(exported, LABELS, project=7, users={"3": "ana@x.org"},
                                      label_map={"thanks": "gratitude"})
    got = [(r["doc_id"], r["labels"], r["annotator"], r["external_id"]) for r in recs]
    assert got == [("c0", ["admiration", "gratitude"], "ana@x.org", "ls:7:11"), ("c6", [], "ana@x.org", "ls:7:12"),
                   ("c2", ["gratitude"], "b@x.org", "ls:7:16")]
    with pytest.raises(InputError, match="task 5 has label 'thanks'.*--label-map"):
        lsm.parse_label_set_export(exported, LABELS, project=7)


@pytest.fixture
def backend(tmp_path):
    sess = LabelSetReviewSession(Project.load(label_set_project(tmp_path, refit_every=2)))
    return LabelSetBackend(sess, ls_project_id=7, users={"3": "ana@x.org"})


def _delivery(action, ann, doc="c0", project=7):
    return {"action": action, "project": {"id": project}, "annotation": ann,
            "task": {"id": 11, "data": {"text": TEXTS[int(doc[1:])] if doc[1:].isdigit() else "?", "row_id": doc}}}


def test_predictions_are_the_models_sets_and_a_foreign_task_gets_none(backend):
    out = backend.predict([{"id": 1, "data": {"row_id": "c0", "text": TEXTS[0]}}, {"id": 2, "data": {"text": "?"}}])
    first, second = out["results"]
    assert first["result"][0]["value"]["choices"] == backend.sess.model_labels(0) == ["admiration", "gratitude"]
    assert 0.5 <= first["score"] <= 1 and second == {"model_version": out["model_version"], "score": 0.0,
                                                     "result": []}
    backend.configure('<View><Text name="doc" value="$doc"/><Choices name="emo" toName="doc" choice="multiple">'
                      '<Choice value="joy"/></Choices></View>')
    assert (backend.from_name, backend.to_name) == ("emo", "doc")


def test_webhooks_store_update_refit_and_retract(backend):
    store = backend.sess.store
    assert backend.webhook(_delivery("ANNOTATION_CREATED", _ann(5, ["gratitude"])))["added"] == 1
    out = backend.webhook(_delivery("ANNOTATION_UPDATED", _ann(5, ["gratitude", "admiration"],
                                                              updated="2026-12-07T11:00:00Z")))
    assert out["updated"] == 1 and out["refit"] is True and backend.sess.fits == 2
    assert store.gold(["c0"]) == [["admiration", "gratitude"]]
    assert store.current()["annotator"].tolist() == ["ana@x.org"]
    assert backend.webhook({"action": "ANNOTATIONS_DELETED", "project": {"id": 7}, "annotations": [{"id": 5}]}) \
        == {"retracted": 1}
    assert store.gold(["c0"]) == [None]
    with pytest.raises(WebhookRejected, match="no document"):
        backend.webhook(_delivery("ANNOTATION_CREATED", _ann(6, []), doc="elsewhere"))
    with pytest.raises(WebhookRejected, match="project 8"):
        backend.webhook(_delivery("ANNOTATION_CREATED", _ann(6, []), project=8))


def test_the_server_answers_for_a_label_set_backend(backend):
    server = make_server(backend, SECRET, port=_free_port())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        assert _post(url, "/health")["model_class"] == "weaklabel-multilabel"
        out = _post(url, "/predict", {"tasks": [{"id": 1, "data": {"row_id": "c1", "text": TEXTS[1]}}]})
        assert out["results"][0]["result"][0]["value"]["choices"] == ["amusement"]
        assert _post(url, "/webhook", _delivery("ANNOTATION_CREATED", _ann(9, ["amusement"]), doc="c1"),
                     auth="bearer")["added"] == 1
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("kind", ["multilabel", "spans"])
def test_ls_serve_serves_the_project_an_earlier_push_remembered(tmp_path, monkeypatch, kind):
    from weaklabel.cli import main
    from weaklabel.review.store import ExpertLabelStore

    from .span_fixtures import span_project

    make = label_set_project if kind == "multilabel" else span_project
    path = make(tmp_path, labelstudio={"url": "http://127.0.0.1:1"})
    proj = Project.load(path)
    ExpertLabelStore(proj.store_url, project=proj.name).set_setting("labelstudio:http://127.0.0.1:1", "12")
    import types

    seen: dict = {}
    monkeypatch.setattr("weaklabel.review.ls_backend.make_server", lambda backend, secret, **kw: seen.update(
        backend=backend) or types.SimpleNamespace(server_address=("127.0.0.1", 9090)))
    monkeypatch.setattr("weaklabel.cli.ls._run", lambda server, banner: seen.update(banner=banner) or 0)
    monkeypatch.setenv("WEAKLABEL_LS_SECRET", SECRET)
    assert main(["ls", "serve", "--project", str(path)]) == 0
    assert seen["backend"].ls_project_id == 12
    assert type(seen["backend"]).__name__ == {"multilabel": "LabelSetBackend", "spans": "SpanBackend"}[kind]
