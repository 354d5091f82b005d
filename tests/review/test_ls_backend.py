"""`weaklabel ls serve`'s ML backend and the `ls` commands' checks, without a Label Studio."""

import base64
import json
import threading
import urllib.error
import urllib.request

import pytest

from weaklabel.bench.app import _free_port
from weaklabel.cli import main
from weaklabel.exceptions import InputError
from weaklabel.review.ls_backend import Backend, make_server
from weaklabel.review.project import Project
from weaklabel.review.session import ReviewSession

SECRET = "shared-secret-0123456789"


@pytest.fixture
def backend_url(spam_project):
    proj = Project.load(spam_project)
    proj.refit_every = 2
    backend = Backend(ReviewSession(proj), origin="ls:7")
    server = make_server(backend, SECRET, port=_free_port())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", backend
    server.shutdown()
    server.server_close()


def _post(url, path, body=None, auth="basic"):
    headers = {"Content-Type": "application/json"}
    if auth == "basic":
        headers["Authorization"] = "Basic " + base64.b64encode(f"ls:{SECRET}".encode()).decode()
    elif auth == "bearer":
        headers["Authorization"] = f"Bearer {SECRET}"
    req = urllib.request.Request(url + path, method="GET" if body is None else "POST", headers=headers,
                                 data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_only_requests_with_the_secret_are_answered(backend_url):
    url, _ = backend_url
    for auth in (None, "wrong"):
        req = urllib.request.Request(url + "/health", headers={} if auth is None else {"Authorization": "Bearer x"})
        with pytest.raises(urllib.error.HTTPError, match="401") as exc:
            urllib.request.urlopen(req)
        exc.value.close()
    assert _post(url, "/health")["status"] == "UP"
    assert _post(url, "/setup", {"project": "1.0", "schema": "<View/>"})["model_version"].startswith("weaklabel-")


def test_predictions_for_project_rows_and_for_new_tasks(backend_url):
    url, backend = backend_url
    out = _post(url, "/predict", {"tasks": [{"id": 1, "data": {"row_id": "c1", "text": "ignored: the row counts"}},
                                            {"id": 2, "data": {"text": "great song, love it"}}]})
    first, second = out["results"]
    assert first["result"][0]["value"]["choices"] == ["SPAM"] and first["lf_votes"] == {"promo": "SPAM",
                                                                                        "link": "SPAM"}
    assert second["result"][0]["value"]["choices"] == ["HAM"] and second["lf_votes"] == {"fan": "HAM"}
    assert first["model_version"] == out["model_version"] == f"weaklabel-{backend.sess.model_version}"
    assert abs(sum(first["probabilities"].values()) - 1) < 1e-3


def _hook(url, action, ann_id, label, updated="2026-11-28T10:00:00Z", user=1, project=7, row="c21"):
    return _post(url, "/webhook", {"action": action, "project": {"id": project},
                                   "task": {"id": 3,
                                            "data": {"row_id": row, "text": "x", "weaklabel_source": "audit"},
                                            "meta": {"weaklabel_source": "audit"}},
                                   "annotation": {"id": ann_id, "completed_by": user, "updated_at": updated,
                                                  "result": [{"type": "choices", "from_name": "label",
                                                              "value": {"choices": [label]}}]}}, auth="bearer")


def test_webhooks_append_update_retract_and_refit(backend_url):
    url, backend = backend_url
    store = backend.sess.store
    assert _hook(url, "ANNOTATION_CREATED", 11, "HAM") == {"added": 1, "updated": 0, "unchanged": 0,
                                                            "retracted": 0, "stale": 0, "refit": False}
    assert _hook(url, "ANNOTATION_CREATED", 11, "HAM")["unchanged"] == 1        # a retried delivery
    out = _hook(url, "ANNOTATION_UPDATED", 11, "SPAM", updated="2026-11-28T11:00:00Z")
    assert out["updated"] == 1 and out["refit"] is True                          # refit_every = 2
    assert store.current_labels().loc[0, ["row_id", "label", "source"]].tolist() == ["c21", 1, "audit"]
    assert _post(url, "/webhook", {"action": "ANNOTATIONS_DELETED", "annotations": [{"id": 11}]},
                 auth="bearer") == {"retracted": 1}
    assert store.current_labels().empty
    assert _post(url, "/webhook", {"action": "PROJECT_UPDATED"}, auth="bearer") == {"ignored": "PROJECT_UPDATED"}


def test_replays_and_late_deliveries_change_nothing(backend_url):
    url, backend = backend_url
    store = backend.sess.store
    assert _hook(url, "ANNOTATION_CREATED", 11, "HAM")["added"] == 1
    assert _hook(url, "ANNOTATION_UPDATED", 11, "SPAM", updated="2026-11-28T11:00:00Z")["updated"] == 1
    # the creation delivered late: older than what is in force
    assert _hook(url, "ANNOTATION_CREATED", 11, "HAM")["stale"] == 1
    assert store.current_labels()["label"].tolist() == [1]
    # deleted in Label Studio, then the old update replayed: it stays deleted
    assert _post(url, "/webhook", {"action": "ANNOTATIONS_DELETED", "project": {"id": 7},
                                   "annotations": [{"id": 11}]}, auth="bearer") == {"retracted": 1}
    assert _hook(url, "ANNOTATION_UPDATED", 11, "SPAM", updated="2026-11-28T11:00:00Z")["stale"] == 1
    assert store.current_labels().empty
    # the same expert annotates the row again (annotation 12); annotation 13's older state arrives late
    assert _hook(url, "ANNOTATION_CREATED", 12, "HAM", updated="2026-11-28T12:00:00Z")["added"] == 1
    assert _hook(url, "ANNOTATION_CREATED", 13, "SPAM", updated="2026-11-28T11:30:00Z")["stale"] == 1
    assert store.current_labels()["label"].tolist() == [0]
    assert _hook(url, "ANNOTATION_UPDATED", 12, "SPAM", updated="2026-11-28T12:30:00+00:00")["updated"] == 1
    assert store.current_labels()["label"].tolist() == [1]


def test_webhooks_from_another_project_or_for_unknown_rows_are_refused(spam_project):
    proj = Project.load(spam_project)
    backend = Backend(ReviewSession(proj), origin="ls:7", ls_project_id=7)
    server = make_server(backend, SECRET, port=_free_port())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for kwargs, msg in [({"project": 8}, "webhook from Label Studio project 8; this backend serves project 7"),
                            ({"row": "no-such-row"}, "row_id 'no-such-row' is not a row of this weaklabel project")]:
            with pytest.raises(urllib.error.HTTPError, match="422") as exc:
                _hook(url, "ANNOTATION_CREATED", 11, "HAM", **kwargs)
            assert msg in json.loads(exc.value.read())["error"]
            exc.value.close()
        assert backend.sess.store.events().empty
        assert _hook(url, "ANNOTATION_CREATED", 11, "HAM")["added"] == 1
    finally:
        server.shutdown()
        server.server_close()


def test_ls_commands_need_settings_and_a_token_from_the_environment(spam_project, monkeypatch, capsys):
    assert main(["ls", "pull", "--project", str(spam_project)]) == 1
    assert "needs a [labelstudio] table" in capsys.readouterr().err
    proj = Project.load(spam_project)
    proj.labelstudio = {"url": "http://127.0.0.1:1", "project": "p"}
    proj.save(spam_project)
    monkeypatch.delenv("WEAKLABEL_LS_TOKEN", raising=False)
    assert main(["ls", "push", "--project", str(spam_project)]) == 1
    assert "set the Label Studio API token in $WEAKLABEL_LS_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("WEAKLABEL_LS_TOKEN", "abc")
    assert main(["ls", "push", "--project", str(spam_project)]) == 1
    err = capsys.readouterr().err
    assert "cannot reach Label Studio at http://127.0.0.1:1" in err and "abc" not in err
    monkeypatch.delenv("WEAKLABEL_LS_SECRET", raising=False)
    assert main(["ls", "serve", "--project", str(spam_project)]) == 1
    assert "WEAKLABEL_LS_SECRET: set a shared secret" in capsys.readouterr().err
    spam_project.write_text(spam_project.read_text() + 'token = "abc"\n')
    with pytest.raises(InputError, match="holds an API token; remove it"):
        Project.load(spam_project)


def test_a_weak_secret_is_refused(spam_project, monkeypatch, capsys):
    backend = Backend(ReviewSession(Project.load(spam_project)))
    for weak in ("s3cret", "a" * 40, "abababababababababab"):
        with pytest.raises(InputError, match="secret: expected at least 16 characters, 8 of them different"):
            make_server(backend, weak, port=_free_port())
    monkeypatch.setenv("WEAKLABEL_LS_SECRET", "letmein")
    assert main(["ls", "serve", "--project", str(spam_project)]) == 1
    assert "WEAKLABEL_LS_SECRET: expected at least 16 characters" in capsys.readouterr().err


@pytest.fixture
def hardened(spam_project):
    """A backend with short timeouts, for the hostile-client tests."""
    backend = Backend(ReviewSession(Project.load(spam_project)))
    server = make_server(backend, SECRET, port=_free_port(), timeout=2)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def _status(port, headers=None, body=b"", source="127.0.0.1", path="/health", method="GET"):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def test_guessing_the_secret_locks_that_client_out(hardened):
    good = {"Authorization": f"Bearer {SECRET}"}
    assert [_status(hardened, {"Authorization": f"Bearer guess{i}"})[0] for i in range(10)] == [401] * 10
    status, body = _status(hardened, good)           # locked: the right secret included
    assert status == 429 and b"too many wrong secrets from 127.0.0.1" in body
    assert _status(hardened, good, source="127.0.0.2")[0] == 200   # another client is not


def test_lying_content_lengths_are_refused_not_trusted(hardened):
    import socket

    auth = f"Authorization: Bearer {SECRET}\r\n".encode()
    for length in (b"-1", b"99999999999", b"abc"):
        with socket.create_connection(("127.0.0.1", hardened), timeout=10) as s:
            s.sendall(b"POST /predict HTTP/1.1\r\nHost: x\r\n" + auth + b"Content-Length: " + length
                      + b"\r\nContent-Type: application/json\r\n\r\n{}")
            head = s.recv(200)
        assert head.split(b" ")[1] in (b"400", b"413"), (length, head)
    assert _status(hardened, {"Authorization": f"Bearer {SECRET}"})[0] == 200


@pytest.mark.slow
def test_a_thousand_slow_connections_hold_no_threads_and_do_not_block_others(hardened):
    import socket
    import time

    before = threading.active_count()
    slow = []
    for _ in range(1000):                    # each sends half a request line, then nothing
        s = socket.create_connection(("127.0.0.1", hardened), timeout=10)
        s.sendall(b"POST /predict HTTP/1.1\r\nHost:")
        slow.append(s)
    t0 = time.perf_counter()
    assert _status(hardened, {"Authorization": f"Bearer {SECRET}"})[0] == 200
    assert time.perf_counter() - t0 < 2.0
    assert threading.active_count() <= before       # the worker pool did not grow
    time.sleep(4.5)                                  # past the 2 s idle timeout (checked every second)
    closed = 0
    for s in slow:
        try:
            closed += s.recv(1) == b""
        except OSError:
            closed += 1
        s.close()
    assert closed == 1000


def _skip(backend, ann_id, updated, row="c21"):
    return backend.webhook({"action": "ANNOTATION_UPDATED", "project": {"id": 7},
                            "task": {"id": 3, "data": {"row_id": row, "text": "x"}},
                            "annotation": {"id": ann_id, "completed_by": 1, "updated_at": updated,
                                           "was_cancelled": True, "result": []}})


def test_a_label_changed_to_a_skip_is_no_longer_in_force_and_late_deliveries_stay_stale(backend_url):
    url, backend = backend_url
    store = backend.sess.store
    assert _hook(url, "ANNOTATION_CREATED", 11, "SPAM", updated="2026-11-28T10:00:00Z")["added"] == 1
    # a skip older than the label (delivered late) changes nothing
    assert _skip(backend, 11, "2026-11-28T09:00:00Z") == {"retracted": 0}
    assert store.current_labels()["label"].tolist() == [1]
    # the expert skips the item they had labeled: the label goes
    assert _skip(backend, 11, "2026-11-28T11:00:00Z") == {"retracted": 1}
    assert store.current_labels().empty
    # the label's own delivery, late: older than the skip, so it stays out
    assert _hook(url, "ANNOTATION_UPDATED", 11, "HAM", updated="2026-11-28T10:30:00Z")["stale"] == 1
    assert store.current_labels().empty
    # labeled again after the skip: in force
    assert _hook(url, "ANNOTATION_UPDATED", 11, "HAM", updated="2026-11-28T12:00:00Z")["added"] == 1
    assert store.current_labels()["label"].tolist() == [0]


def test_row_zero_is_a_row(tmp_path):
    from tests.conftest import make_spam_project

    path = make_spam_project(tmp_path)
    proj = Project.load(path)
    proj.id_column = ""          # ids by row order: the first row is "0"
    proj.save(path)
    backend = Backend(ReviewSession(Project.load(path)), origin="ls:7")
    out = backend.webhook({"action": "ANNOTATION_CREATED", "project": {"id": 7},
                           "task": {"id": 1, "data": {"row_id": 0, "text": "x"}},
                           "annotation": {"id": 5, "completed_by": 1, "updated_at": "2026-11-28T10:00:00Z",
                                          "result": [{"type": "choices", "value": {"choices": ["SPAM"]}}]}})
    assert out["added"] == 1
    assert backend.sess.store.current_labels()["row_id"].tolist() == ["0"]
    assert backend.webhook({"action": "ANNOTATION_CREATED", "task": {"data": {"text": "no row"}},
                            "annotation": {"id": 6}}) == {"ignored": "not a weaklabel task"}


def test_the_secret_may_lead_the_path_for_label_studios_own_webhook(backend_url):
    """Connecting a backend makes Label Studio add a webhook to <backend URL>/webhook with no auth
    header; with the backend URL http://host:port/s/SECRET, every call carries the secret."""
    url, backend = backend_url
    body = {"action": "ANNOTATION_CREATED", "project": {"id": 7},
            "task": {"id": 3, "data": {"row_id": "c21", "text": "x"}},
            "annotation": {"id": 11, "completed_by": 1, "updated_at": "2026-11-28T10:00:00Z",
                           "result": [{"type": "choices", "value": {"choices": ["SPAM"]}}]}}
    assert _post(f"{url}/s/{SECRET}", "/webhook", body, auth=None)["added"] == 1
    assert _post(f"{url}/s/{SECRET}", "/health", auth=None)["status"] == "UP"
    assert backend.sess.store.current_labels()["label"].tolist() == [1]
    for bad in (f"/s/{SECRET[:-1]}x/webhook", "/s//webhook", "/s/webhook", f"/S/{SECRET}/webhook"):
        with pytest.raises(urllib.error.HTTPError, match="401") as exc:
            _post(url, bad, body, auth=None)
        exc.value.close()
    assert len(backend.sess.store.events()) == 1


def test_metrics_and_start_training_answer_as_label_studios_sdk_does(backend_url):
    url, backend = backend_url
    assert _post(url, "/metrics") == {}
    before = backend.sess.model_version
    backend.sess.store.add_label("c1", 0, "ana", source="audit")     # a label the model has not seen
    out = _post(url, "/webhook", {"action": "START_TRAINING", "project": {"id": 7}}, auth="bearer")
    assert out["refit"] is True and out["model_version"] == f"weaklabel-{backend.sess.model_version}" != \
        f"weaklabel-{before}"
    assert _post(url, "/train", {"annotations": [], "project": 7})["refit"] is True


def test_one_person_one_annotation_whatever_the_route(spam_project):
    """Webhooks keyed by the project they name and resolved to emails; a pull of the same
    annotation neither doubles it nor leaves it under a bare user id."""
    asked = []

    def users():
        asked.append(1)
        return {"2": "bo@example.org"}

    backend = Backend(ReviewSession(Project.load(spam_project)), fetch_users=users)   # no project id given
    payload = {"action": "ANNOTATION_CREATED", "project": 7,
               "task": {"id": 3, "project": 7, "data": {"row_id": "c21", "text": "x"}},
               "annotation": {"id": 11, "completed_by": 2, "updated_at": "2026-11-28T10:00:00Z",
                              "result": [{"type": "choices", "value": {"choices": ["SPAM"]}}]}}
    assert backend.webhook(payload)["added"] == 1
    store = backend.sess.store
    assert store.current_labels()[["row_id", "annotator"]].values.tolist() == [["c21", "bo@example.org"]]
    # the same annotation pulled later (as ls pull keys it: ls:<project id>) changes nothing
    rec = {"row_id": "c21", "label": "SPAM", "annotator": "bo@example.org", "external_id": "11",
           "version": "2026-11-28T10:00:00Z"}
    assert store.import_external([rec], origin="ls:7", retract_missing=False)["unchanged"] == 1
    assert len(store.current_labels()) == 1 and asked == [1]



TEAM_CONFIG = ('<View><Header value="Is this comment spam?"/><Text name="review" value="$comment"/>'
               '<Choices name="verdict" toName="review" choice="single">'
               '<Choice value="Spam, clearly" alias="spam"/><Choice value="ham"/></Choices></View>')


def test_predictions_and_webhooks_follow_the_teams_own_config(backend_url):
    """A team's config names its control, its text field and its values (an alias too):
    predictions are pre-selected in it, tasks made in Label Studio are read from its field,
    and annotations in its values map back to the labels."""
    url, backend = backend_url
    assert _post(url, "/setup", {"project": "1.0", "schema": TEAM_CONFIG})["model_version"]
    out = _post(url, "/predict", {"tasks": [{"id": 2, "data": {"comment": "check out my channel http://x.io"}},
                                            {"id": 3, "data": {"row_id": "c30", "comment": "ignored"}}],
                                  "label_config": TEAM_CONFIG})
    first, second = out["results"]
    assert first["result"][0]["from_name"] == "verdict" and first["result"][0]["to_name"] == "review"
    assert first["result"][0]["value"]["choices"] == ["spam"] and first["lf_votes"] == {"promo": "SPAM",
                                                                                        "link": "SPAM"}
    assert second["result"][0]["value"]["choices"] == ["ham"]
    for ann_id, value in ((11, "spam"), (12, "ham")):
        body = {"action": "ANNOTATION_CREATED", "project": {"id": 7},
                "task": {"id": ann_id, "data": {"row_id": f"c{ann_id}", "comment": "x"}},
                "annotation": {"id": ann_id, "completed_by": 1, "updated_at": "2026-11-28T10:00:00Z",
                               "result": [{"type": "choices", "from_name": "verdict", "value": {"choices": [value]}}]}}
        assert _post(url, "/webhook", body, auth="bearer")["added"] == 1
    assert backend.sess.store.gold().to_dict() == {"c11": 1, "c12": 0}


def test_read_controls_by_hand():
    from weaklabel.io.labelstudio import read_controls

    got = read_controls(TEAM_CONFIG, ["HAM", "SPAM"])
    assert got == {"from_name": "verdict", "to_name": "review", "field": "comment",
                   "values": {"HAM": "ham", "SPAM": "spam"}}
    assert read_controls("<View><Choices name='x' toName='t'><Choice value='a'/></Choices></View>",
                         ["HAM"]) is None
    assert read_controls("not xml", ["HAM"]) is None


def _ann(ann_id, task_id, value, **extra):
    return {"id": ann_id, "task": task_id, "completed_by": 1, "updated_at": "2026-11-28T10:00:00Z",
            "result": [{"type": "choices", "from_name": "label", "value": {"choices": [value]}}], **extra}


def test_a_bulk_delivery_stores_expert_labels_and_never_a_models_copied_predictions(backend_url):
    """Label Studio's bulk actions deliver lists of annotations and tasks. "Create Annotations
    From Predictions" makes annotations that name their parent prediction and have no lead time:
    the model's own labels, which must not come back as an expert's."""
    url, backend = backend_url
    tasks = [{"id": i, "project": 7, "data": {"row_id": f"c{i}", "text": "x"}} for i in (1, 2, 3)]
    tasks.append({"id": 4, "project": 7, "data": {"text": "made in Label Studio"}})
    body = {"action": "ANNOTATIONS_CREATED", "project": {"id": 7}, "task": tasks,
            "annotation": [_ann(11, 1, "SPAM", parent_prediction=5, lead_time=None),   # a bulk copy
                           _ann(12, 2, "HAM", parent_prediction=6, lead_time=3.5),     # an expert accepted it
                           _ann(13, 3, "SPAM"),                                          # an expert's own
                           _ann(14, 4, "SPAM")]}                                         # a foreign task
    out = _post(url, "/webhook", body, auth="bearer")
    assert out["added"] == 2 and out["ignored"] == 2
    assert backend.sess.store.gold().to_dict() == {"c2": 0, "c3": 1}


def test_a_pull_leaves_out_copied_predictions():
    from weaklabel.io.labelstudio import parse_export

    exported = [{"id": 1, "data": {"row_id": "c1"}, "annotations": [_ann(11, 1, "SPAM", parent_prediction=5)]},
                {"id": 2, "data": {"row_id": "c2"}, "annotations": [_ann(12, 2, "HAM", parent_prediction=6,
                                                                         lead_time=2.0)]}]
    assert [r["row_id"] for r in parse_export(exported, ["HAM", "SPAM"])] == ["c2"]
