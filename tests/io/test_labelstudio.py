"""Label Studio round trip: export tasks, import an annotation export (its documented JSON schema)."""

import json

import numpy as np
import pandas as pd
import pytest

from weaklabel import InputError
from weaklabel.cli import main
from weaklabel.io.labelstudio import labeling_config, read_annotations, tasks
from weaklabel.review.project import Project


def _ls_export(task_list):
    """What Label Studio's "JSON" export looks like after two annotators worked on the tasks."""
    out = []
    for i, t in enumerate(task_list):
        anns = [{"id": 100 + i, "completed_by": {"id": 1, "email": "ana@lab.org", "first_name": "Ana"},
                 "result": [{"id": "r1", "from_name": "label", "to_name": "text", "type": "choices",
                             "origin": "manual", "value": {"choices": ["SPAM" if i % 2 == 0 else "HAM"]}}],
                 "was_cancelled": False, "ground_truth": False, "created_at": "2026-11-28T09:00:00Z",
                 "lead_time": 3.2}]
        if i == 0:
            anns.append({"id": 200, "completed_by": 7, "was_cancelled": False,
                         "result": [{"from_name": "label", "to_name": "text", "type": "choices",
                                     "value": {"choices": ["SPAM"]}}]})
            anns.append({"id": 201, "completed_by": 8, "was_cancelled": True, "result": []})
        out.append({"id": i + 1, "data": t["data"], "annotations": anns, "predictions": t["predictions"],
                    "meta": {}, "created_at": "2026-11-28T08:00:00Z", "project": 3})
    return out


def test_tasks_have_predictions_in_label_studio_format():
    df = pd.DataFrame({"text": ["a", "b"]}, index=pd.Index(["x", "y"], name="row_id"))
    t = tasks(df, ["y"], np.array([[0.2, 0.8], [0.9, 0.1]]), ["HAM", "SPAM"], model_version="lm-1")
    assert t == [{"data": {"text": "b", "row_id": "y"},
                  "predictions": [{"model_version": "lm-1", "score": 0.9,
                                   "result": [{"from_name": "label", "to_name": "text", "type": "choices",
                                               "value": {"choices": ["HAM"]}}]}]}]
    assert '<Choice value="SPAM"/>' in labeling_config(["HAM", "SPAM"])


def test_round_trip_through_the_store(spam_project, tmp_path, capsys):
    out = tmp_path / "tasks.json"
    assert main(["labels", "export-ls", "--project", str(spam_project), "--out", str(out), "--n", "6"]) == 0
    task_list = json.loads(out.read_text())
    assert len(task_list) == 6 and all("predictions" in t for t in task_list)
    assert (tmp_path / "tasks.xml").read_text().startswith("<View>")
    export = tmp_path / "export.json"
    export.write_text(json.dumps(_ls_export(task_list)))
    assert main(["labels", "import", "--project", str(spam_project), "--file", str(export)]) == 0
    assert "7 new, 0 updated, 0 unchanged, 0 retracted" in capsys.readouterr().out
    ev = Project.load(spam_project).open_store().events()
    assert set(ev["annotator"]) == {"ana@lab.org", "ls-user-7"}
    # each task says whether its row came from the queue or the audit sample, and that is kept
    sent = {t["data"]["row_id"]: t["data"]["weaklabel_source"] for t in task_list}
    assert all(t["meta"]["weaklabel_source"] == sent[t["data"]["row_id"]] for t in task_list)
    assert (ev["source"] == ev["row_id"].map(sent)).all()
    first = task_list[0]["data"]["row_id"]
    assert sorted(ev.loc[ev["row_id"] == first, "label"].tolist()) == [1, 1]
    assert task_list[0]["predictions"][0]["model_version"].startswith("weaklabel-label_model-")
    # the same export again changes nothing
    assert main(["labels", "import", "--project", str(spam_project), "--file", str(export)]) == 0
    assert "0 new, 0 updated, 7 unchanged, 0 retracted" in capsys.readouterr().out
    assert len(Project.load(spam_project).open_store().events()) == 7


def test_unknown_label_in_an_export_is_named(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": 5, "data": {"row_id": "r1"}, "annotations": [
        {"completed_by": 1, "result": [{"type": "choices", "value": {"choices": ["EGGS"]}}]}]}]))
    with pytest.raises(InputError, match=r"task 5 \(row 'r1'\) has label 'EGGS', not one of \['HAM', 'SPAM'\]"):
        read_annotations(bad, ["HAM", "SPAM"])
    bad.write_text(json.dumps([{"id": 6, "data": {"text": "x"}}]))
    with pytest.raises(InputError, match="has no data.row_id"):
        read_annotations(bad, ["HAM", "SPAM"])


def test_a_json_export_saved_with_a_bom_is_read(tmp_path):
    """Issue 25: a JSON export saved with a UTF-8 BOM was refused (the CSV one was read)."""
    from weaklabel.io.labelstudio import read_export

    export = [{"id": 5, "data": {"row_id": "r1"}, "annotations": [
        {"id": 9, "completed_by": 1, "result": [{"type": "choices", "value": {"choices": ["SPAM"]}}]}]}]
    f = tmp_path / "bom.json"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps(export).encode("utf-8"))
    found = read_export(f, ["HAM", "SPAM"])
    assert [(r["row_id"], r["label"]) for r in found] == [("r1", "SPAM")]


@pytest.mark.parametrize("answer, message", [(b"", "came back empty"), (b"  <!doctype html><html>login", "as HTML"),
                                             (b'{"detail": "x"}', "not a list of tasks"), (b"[{", "is not JSON")])
def test_an_export_that_is_not_one_is_an_error_not_an_empty_export(monkeypatch, answer, message):
    """Issue 25 (data loss): an empty or HTML answer to the export (an expired session, a proxy
    page) was read as "no annotations" and retracted every label pulled before."""
    from weaklabel.io.ls_api import LabelStudioAPI, LabelStudioError

    api = LabelStudioAPI("http://127.0.0.1:9", "tok")
    monkeypatch.setattr(api, "_call", lambda *a, **k: answer)
    with pytest.raises(LabelStudioError, match=f"{message}.*nothing imported or retracted"):
        api.export(3)


def test_pull_refuses_an_export_without_the_projects_tasks(spam_project, monkeypatch, capsys):
    from weaklabel.io.ls_api import LabelStudioAPI

    store = Project.load(spam_project).open_store()
    store.import_external([{"row_id": "c1", "label": "SPAM", "annotator": "ana", "external_id": "7",
                            "external_version": "v1"}], origin="ls:3")
    text = spam_project.read_text() + '\n[labelstudio]\nurl = "http://127.0.0.1:9"\nproject = "spam"\n'
    spam_project.write_text(text)
    monkeypatch.setenv("WEAKLABEL_LS_TOKEN", "tok")
    monkeypatch.setattr(LabelStudioAPI, "project", lambda self, title, config: {"id": 3})
    monkeypatch.setattr(LabelStudioAPI, "export", lambda self, pid: [])
    monkeypatch.setattr(LabelStudioAPI, "tasks", lambda self, pid: [{"id": 1}, {"id": 2}])
    monkeypatch.setattr(LabelStudioAPI, "users", lambda self: {})
    assert main(["ls", "pull", "--project", str(spam_project)]) == 1
    assert "has 2 tasks but its export holds none; nothing imported or retracted" in capsys.readouterr().err
    assert store.gold().to_dict() == {"c1": 1}                    # the pulled label is still in force
