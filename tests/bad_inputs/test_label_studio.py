"""Bad inputs, Label Studio: imports, push and pull, the ML backend and its webhooks: each case with its exact error (docs/bad-inputs.md)."""

import json

import pytest

from weaklabel import (
    InputError,
    LabelSpace,
)
from weaklabel.cli import build_parser
from weaklabel.io.labelstudio import read_annotations
from weaklabel.review.project import Project
from weaklabel.review.store import ExpertLabelStore

from ..conftest import make_spam_project
from ._shared import _check, _tmp, run_case

CASES = {
    "label-studio-unknown-label": (lambda t: read_annotations(_tmp(t, "ls.json", json.dumps(
        [{"id": 3, "data": {"row_id": "r"}, "annotations": [{"completed_by": 1, "result": [
            {"type": "choices", "value": {"choices": ["MAYBE"]}}]}]}])), ["ham", "spam"]),
        InputError, r"task 3 \(row 'r'\) has label 'MAYBE', not one of \['ham', 'spam'\]"),
    "ls-data-not-object": (lambda t: _ls(t, [{"id": 1, "data": "row 1"}]), InputError,
                           r"task 1: expected an object with a 'data' object .*got str"),
    "ls-annotation-not-object": (lambda t: _ls(t, [{"id": 1, "data": {"row_id": "r"}, "annotations": ["x"]}]),
                                 InputError, r"task 1: an annotation must be an object, got str"),
    "ls-null-result": (lambda t: _check(_ls(t, [
        {"id": 1, "data": {"row_id": "r"}, "annotations": [
            {"completed_by": 3, "result": None},
            {"completed_by": 3, "result": [{"type": "choices", "value": None}]}]},
        {"id": 2, "data": {"row_id": "s"}, "annotations": None}]) == []), None, None),
    "ls-two-choices": (lambda t: _ls(t, [{"id": 1, "data": {"row_id": "r"}, "annotations": [
        {"completed_by": 3, "result": [{"type": "choices", "value": {"choices": ["ham", "spam"]}}]}]}]),
        InputError, r"task 1 \(row 'r'\) has 2 choices \['ham', 'spam'\] in one single-choice result"),
    "ls-no-annotator": (lambda t: _ls(t, [{"id": 1, "data": {"row_id": "r"}, "annotations": [
        {"completed_by": {"email": None, "id": None}, "result": [
            {"type": "choices", "value": {"choices": ["ham"]}}]}]}]), InputError,
        r"task 1: an annotation has no completed_by email or id, so its annotator is unknown"),
    "ls-choices-string": (lambda t: _ls(t, [{"id": 1, "data": {"row_id": "r"}, "annotations": [
        {"completed_by": 3, "result": [{"type": "choices", "value": {"choices": "SPAM"}}]}]}]), InputError,
        r"task 1: value.choices must be a list of labels, got 'SPAM'"),
    "ls-export-bom": (lambda t: _ls_export_bom(t), None, None),
    "ls-export-html": (lambda t: _ls_html_export(), InputError,
                       r"came back as HTML, not JSON \(a login or proxy page\?\).*nothing imported or retracted"),
    "webhook-late-delivery": (lambda t: _check(_ordered(t, ("2026-11-28T11:00:00Z", 1), ("2026-11-28T10:00:00Z", 0))
                                               [1] == [1]), None, None),
    "webhook-deleted-replay": (lambda t: _check(_ordered(t, ("2026-11-28T10:00:00Z", 1), (None, None),
                                                         ("2026-11-28T10:00:00Z", 1))[1] == []), None, None),
    "webhook-other-project": (lambda t: _hook(t, project=8), ValueError,
                              r"webhook from Label Studio project 8; this backend serves project 7"),
    "webhook-unknown-row": (lambda t: _hook(t, row="zz"), ValueError,
                            r"row_id 'zz' is not a row of this weaklabel project; nothing was stored"),
    "ls-serve-weak-secret": (lambda t: _weak_secret(t), InputError,
                             r"secret: expected at least 16 characters, 8 of them different"),
    "ls-serve-guessing": (lambda t: _guess(t), None, None),
    "ls-push-same-title": (lambda t: _ls_same_title(t), Exception,
                           r"already has 1 project\(s\) titled 'spam' \(ids \[5\]\) that this weaklabel project did "
                           r"not create; if one is yours, set project_id = 5"),
    "export-ls-xml-out": (lambda t: _export_ls_xml(t), InputError,
                          r"--out: expected a .json file for the tasks \(the labeling config is written beside it"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case, tmp_path):
    run_case(CASES, case, tmp_path)


def _ls_html_export():
    from weaklabel.io.ls_api import LabelStudioAPI

    api = LabelStudioAPI("http://127.0.0.1:9", "tok")
    api._call = lambda *a, **k: b"<!doctype html><title>Sign in</title>"  # type: ignore[method-assign]
    return api.export(1)


def _ls_export_bom(t):
    import json

    from weaklabel.io.labelstudio import read_export

    f = t / "e.json"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"id": 1, "data": {"row_id": "r1"}, "annotations": [
        {"id": 2, "completed_by": 1, "result": [{"type": "choices", "value": {"choices": ["b"]}}]}]}]).encode())
    assert [r["row_id"] for r in read_export(f, ["a", "b"])] == ["r1"]


def _ordered(t, *versions):
    """Ordered (webhook) imports of one annotation's versions, in delivery order; the label in force."""
    store = ExpertLabelStore(f"sqlite:///{t / 'hooks.db'}", label_space=LabelSpace(["ham", "spam"]))
    out = []
    for v, label in versions:
        if label is None:
            store.retract_external(["ls:7:11"])
            continue
        rec = {"row_id": "c1", "label": label, "annotator": "ana", "external_id": 11, "version": v}
        out.append(store.import_external([rec], origin="ls:7", retract_missing=False, ordered=True))
    return out, store.current_labels()["label"].tolist()


def _hook(t, project=7, row="c21"):
    from weaklabel.review.ls_backend import Backend
    from weaklabel.review.session import ReviewSession

    sess = ReviewSession(Project.load(make_spam_project(t)))
    Backend(sess, origin="ls:7", ls_project_id=7).webhook({
        "action": "ANNOTATION_CREATED", "project": {"id": project}, "task": {"id": 3, "data": {"row_id": row}},
        "annotation": {"id": 11, "completed_by": 1, "updated_at": "2026-11-28T10:00:00Z",
                       "result": [{"type": "choices", "value": {"choices": ["HAM"]}}]}})


def _backend(t):
    from weaklabel.review.ls_backend import Backend
    from weaklabel.review.session import ReviewSession

    return Backend(ReviewSession(Project.load(make_spam_project(t))))


def _ls_same_title(t):
    """`ls push` where Label Studio already has another team's project with our title: refused
    before any write."""
    import os
    from unittest import mock

    from weaklabel.cli.ls import cmd_ls
    from weaklabel.io.ls_api import LabelStudioAPI

    path = make_spam_project(t)
    path.write_text(path.read_text() + '\n[labelstudio]\nurl = "http://127.0.0.1:9"\nproject = "spam"\n')
    theirs = {"results": [{"id": 5, "title": "spam", "label_config": "<View/>"}]}
    with mock.patch.dict(os.environ, {"WEAKLABEL_LS_TOKEN": "tok"}), \
            mock.patch.object(LabelStudioAPI, "_call", return_value=theirs) as call:
        try:
            cmd_ls(build_parser().parse_args(["ls", "push", "--project", str(path)]))
        finally:
            assert all(c.args[0] == "GET" for c in call.call_args_list), call.call_args_list


def _export_ls_xml(t):
    from weaklabel.cli.review import cmd_labels

    path = make_spam_project(t)
    cmd_labels(build_parser().parse_args(["labels", "export-ls", "--project", str(path), "--out",
                                          str(t / "tasks.xml")]))


def _weak_secret(t):
    from weaklabel.review.ls_backend import make_server

    make_server(_backend(t), "s3cret", port=0)


def _guess(t):
    """Eleven wrong secrets from one client, then the right one: the WSGI app's answers."""
    import io

    from weaklabel.review.ls_backend import make_app

    app = make_app(_backend(t), "right-secret-0123456789")
    codes = []
    for key in [f"guess{i}" for i in range(10)] + ["right-secret-0123456789"]:
        app({"HTTP_AUTHORIZATION": f"Bearer {key}", "REMOTE_ADDR": "10.0.0.9", "PATH_INFO": "/health",
             "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()}, lambda status, headers: codes.append(status[:3]))
    assert codes == ["401"] * 10 + ["429"], codes


def _ls(t, tasks):
    return read_annotations(_tmp(t, "ls.json", json.dumps(tasks)), ["ham", "spam"])
