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


def test_tasks_show_the_lf_votes_to_annotators():
    df = pd.DataFrame({"text": ["a", "b"]}, index=pd.Index(["x", "y"], name="row_id"))
    t = tasks(df, ["x", "y"], None, ["HAM", "SPAM"], lf_votes=[{"promo": "SPAM", "fan": "HAM"}, {}])
    assert t[0]["data"]["weaklabel_lf_votes"] == "promo: SPAM · fan: HAM" and t[0]["meta"]["lf_votes"]["fan"] == "HAM"
    assert t[1]["data"]["weaklabel_lf_votes"] == "no LF voted"
    assert '<Header value="$weaklabel_lf_votes" size="5"/>' in labeling_config(["HAM", "SPAM"])
    with pytest.raises(InputError, match="lf_votes: expected one per row id"):
        tasks(df, ["x"], None, ["HAM", "SPAM"], lf_votes=[])


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
    """A JSON export saved with a UTF-8 BOM was refused (the CSV one was read)."""
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
    """Data loss: an empty or HTML answer to the export (an expired session, a proxy
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
    text = spam_project.read_text() + '\n[labelstudio]\nurl = "http://127.0.0.1:9"\nproject_id = 3\n'
    spam_project.write_text(text)
    monkeypatch.setenv("WEAKLABEL_LS_TOKEN", "tok")
    monkeypatch.setattr(LabelStudioAPI, "get_project", lambda self, pid: {"id": 3, "title": "spam"})
    monkeypatch.setattr(LabelStudioAPI, "export", lambda self, pid, size=0: [])
    monkeypatch.setattr(LabelStudioAPI, "tasks", lambda self, pid, only=None: [{"id": 1}, {"id": 2}])
    monkeypatch.setattr(LabelStudioAPI, "users", lambda self: {})
    assert main(["ls", "pull", "--project", str(spam_project)]) == 1
    assert "has 2 tasks but its export holds none; nothing imported or retracted" in capsys.readouterr().err
    assert store.gold().to_dict() == {"c1": 1}                    # the pulled label is still in force


class FakeLabelStudio:
    """Label Studio's project endpoints in memory: enough for push and pull to find, create and
    (not) patch projects. Records every write."""

    def __init__(self, projects=()):
        self.projects = {p["id"]: dict(p) for p in projects}
        self.tasks = {pid: [] for pid in self.projects}
        self.predictions = []
        self.writes = []

    # LabelStudioAPI._call's signature: the fake ignores the connection's arguments
    def __call__(self, api, method, path, body=None, *, params=None, auth=True, raw=False,  # noqa: ARG002
                 timeout=None):  # noqa: ARG002
        parts = path.strip("/").split("/")
        if method in ("POST", "PATCH", "PUT", "DELETE"):
            self.writes.append((method, path))
        if path == "/api/projects" and method == "GET":
            return {"results": [p for p in self.projects.values() if p["title"] == params.get("title")]}
        if path == "/api/projects" and method == "POST":
            pid = max(self.projects, default=0) + 1
            self.projects[pid] = {"id": pid, **body}
            self.tasks[pid] = []
            return self.projects[pid]
        if parts[:2] == ["api", "projects"] and len(parts) == 3 and method == "GET":
            from weaklabel.io.ls_api import LabelStudioError

            if int(parts[2]) not in self.projects:
                raise LabelStudioError(f"Label Studio GET {path} -> HTTP 404: not found")
            return self.projects[int(parts[2])]
        if parts[-2:] == ["import", "predictions"]:
            self.predictions += body
            return {"created": len(body)}
        if parts[-1] == "import":
            self.tasks[int(parts[2])] += [{"id": i, **t} for i, t in enumerate(body)]
            return {}
        if parts[:2] == ["api", "tasks"] and len(parts) == 3 and method == "PATCH":
            task = next(t for ts in self.tasks.values() for t in ts if t["id"] == int(parts[2]))
            task["data"] = body["data"]
            return task
        if path == "/api/tasks":
            return {"tasks": self.tasks[params["project"]], "total": len(self.tasks[params["project"]])}
        if parts[-1] == "export":
            return json.dumps([{**t, "annotations": []} for t in self.tasks[int(parts[2])]]).encode()
        if path == "/api/users":
            return []
        raise AssertionError(f"unexpected call {method} {path}")


@pytest.fixture
def fake_ls(spam_project, monkeypatch):
    from weaklabel.io.ls_api import LabelStudioAPI

    def install(projects=(), section='project = "spam"'):
        fake = FakeLabelStudio(projects)
        monkeypatch.setattr(LabelStudioAPI, "_call", lambda self, *a, **k: fake(self, *a, **k))
        monkeypatch.setenv("WEAKLABEL_LS_TOKEN", "tok")
        base = spam_project.read_text().split("\n[labelstudio]")[0]
        spam_project.write_text(base + f'\n[labelstudio]\nurl = "http://127.0.0.1:9"\n{section}\n')
        return fake
    return install


def test_push_never_takes_another_teams_project_by_its_title(spam_project, fake_ls, capsys):
    theirs = {"id": 5, "title": "spam", "label_config": "<View><Text name='t' value='$t'/></View>"}
    fake = fake_ls([theirs])
    for cmd in ("push", "pull"):
        assert main(["ls", cmd, "--project", str(spam_project)]) == 1
        err = capsys.readouterr().err
        assert "already has 1 project(s) titled 'spam' (ids [5]) that this weaklabel project did not create" in err
        assert "set project_id = 5 under [labelstudio]" in err
    assert fake.writes == [] and fake.projects[5] == theirs     # no task, no config change


def test_push_creates_once_then_keeps_to_its_project_whatever_the_titles(spam_project, fake_ls, capsys):
    fake = fake_ls()
    assert main(["ls", "pull", "--project", str(spam_project)]) == 1
    assert "no Label Studio project for 'spam-test' yet: run weaklabel ls push first" in capsys.readouterr().err
    assert main(["ls", "push", "--project", str(spam_project), "--n", "3"]) == 0
    assert list(fake.projects) == [1] and len(fake.tasks[1]) == 3
    fake.projects[2] = {"id": 2, "title": "spam", "label_config": "<View/>"}   # another team's, same title
    fake.tasks[2] = []
    fake.projects[1]["title"] = "spam (renamed in Label Studio)"
    assert main(["ls", "push", "--project", str(spam_project), "--n", "5"]) == 0
    assert len(fake.tasks[1]) == 5 and fake.tasks[2] == []
    capsys.readouterr()
    assert main(["ls", "push", "--project", str(spam_project), "--n", "10000"]) == 0
    out = capsys.readouterr().out
    queued = len(fake.tasks[1])
    assert queued < 60 and f"The review queue holds {queued} items, not the 10000 asked for" in out
    assert main(["ls", "pull", "--project", str(spam_project)]) == 0
    assert not [w for w in fake.writes if w[0] == "PATCH"]


def test_a_config_edited_in_label_studio_is_never_rewritten(spam_project, fake_ls, capsys):
    edited = ('<View><Header value="Is it spam?"/><Text name="text" value="$text"/>'
              '<Choices name="label" toName="text" choice="single" showInline="true">'
              '<Choice value="SPAM" hotkey="s"/><Choice value="HAM" hotkey="h"/></Choices></View>')
    fake = fake_ls([{"id": 9, "title": "team", "label_config": edited}], section="project_id = 9")
    assert main(["ls", "push", "--project", str(spam_project), "--n", "2"]) == 0
    assert main(["ls", "pull", "--project", str(spam_project)]) == 0
    assert fake.projects[9]["label_config"] == edited and not [w for w in fake.writes if w[0] == "PATCH"]
    fake.projects[9]["label_config"] = edited.replace('<Choice value="HAM" hotkey="h"/>', "")
    assert main(["ls", "push", "--project", str(spam_project), "--n", "4"]) == 1
    err = capsys.readouterr().err
    assert "project 9's labeling config offers no choice for ['HAM']" in err and "nothing pushed" in err
    assert len(fake.tasks[9]) == 2


def test_project_id_must_be_an_id(spam_project, fake_ls, capsys):
    fake_ls(section='project_id = "three"')
    assert main(["ls", "push", "--project", str(spam_project)]) == 1
    assert "project_id in" in capsys.readouterr().err


def test_export_ls_keeps_an_edited_config_and_never_writes_tasks_over_it(spam_project, tmp_path, capsys):
    assert main(["labels", "export-ls", "--project", str(spam_project), "--out", str(tmp_path / "tasks.xml")]) == 1
    assert "--out: expected a .json file for the tasks" in capsys.readouterr().err
    out = tmp_path / "tasks.json"
    assert main(["labels", "export-ls", "--project", str(spam_project), "--out", str(out), "--n", "3"]) == 0
    config = tmp_path / "tasks.xml"
    edited = config.read_text().replace("<View>", '<View><Header value="Spam?"/>')
    config.write_text(edited)
    assert main(["labels", "export-ls", "--project", str(spam_project), "--out", str(out), "--n", "4"]) == 0
    assert "kept the edited labeling config" in capsys.readouterr().out
    assert config.read_text() == edited and len(json.loads(out.read_text())) == 4


@pytest.mark.parametrize("failure, message", [
    ("incomplete", r"the answer broke off \(IncompleteRead\); nothing was changed"),
    ("html", r"answered with an HTML page \(a login or proxy page\?\)"),
])
def test_broken_answers_from_label_studio_are_clear_errors(monkeypatch, failure, message):
    import http.client
    import io

    from weaklabel.io.ls_api import LabelStudioAPI, LabelStudioError

    class Answer(io.BytesIO):
        def __enter__(self):
            return self

        def read(self, *a):
            if failure == "incomplete":
                raise http.client.IncompleteRead(b"[{", 4000)
            return b"<html>sign in</html>"

    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: Answer())
    with pytest.raises(LabelStudioError, match=message):
        LabelStudioAPI("http://127.0.0.1:9", "legacy-token").tasks(3)


def test_pull_skips_tasks_made_in_label_studio_and_imports_the_rest(spam_project, monkeypatch, capsys):
    from weaklabel.io.ls_api import LabelStudioAPI

    text = spam_project.read_text() + '\n[labelstudio]\nurl = "http://127.0.0.1:9"\nproject_id = 3\n'
    spam_project.write_text(text)
    ann = {"completed_by": 1, "updated_at": "2026-11-28T10:00:00Z",
           "result": [{"type": "choices", "from_name": "label", "value": {"choices": ["SPAM"]}}]}
    exported = [{"id": 1, "data": {"row_id": "c1", "text": "x"}, "annotations": [{"id": 10, **ann}]},
                {"id": 2, "data": {"text": "typed into Label Studio"}, "annotations": [{"id": 11, **ann}]},
                {"id": 3, "data": {"row_id": "", "text": "empty id"}, "annotations": []}]
    monkeypatch.setenv("WEAKLABEL_LS_TOKEN", "tok")
    monkeypatch.setattr(LabelStudioAPI, "get_project", lambda self, pid: {"id": 3, "title": "spam"})
    monkeypatch.setattr(LabelStudioAPI, "export", lambda self, pid, size=0: exported)
    monkeypatch.setattr(LabelStudioAPI, "users", lambda self: {1: "ana@example.org"})
    for allow in ([], ["--allow-unknown-ids"]):
        assert main(["ls", "pull", "--project", str(spam_project), *allow]) == 0
        out = capsys.readouterr().out
        assert "Skipped 2 task(s) made in Label Studio, with 1 annotation(s)" in out and "ids [2, 3]" in out
    assert Project.load(spam_project).open_store().gold().to_dict() == {"c1": 1}


def test_pull_maps_a_teams_own_label_values(spam_project, monkeypatch, capsys):
    from weaklabel.io.ls_api import LabelStudioAPI

    spam_project.write_text(spam_project.read_text() + '\n[labelstudio]\nurl = "http://127.0.0.1:9"\nproject_id = 3\n')
    exported = [{"id": 1, "data": {"row_id": "c1", "text": "x"},
                 "annotations": [{"id": 10, "completed_by": 1, "updated_at": "2026-11-28T10:00:00Z",
                                  "result": [{"type": "choices", "value": {"choices": ["Junk"]}}]}]}]
    monkeypatch.setenv("WEAKLABEL_LS_TOKEN", "tok")
    monkeypatch.setattr(LabelStudioAPI, "get_project", lambda self, pid: {"id": 3, "title": "spam"})
    monkeypatch.setattr(LabelStudioAPI, "export", lambda self, pid, size=0: exported)
    monkeypatch.setattr(LabelStudioAPI, "users", lambda self: {1: "ana@example.org"})
    assert main(["ls", "pull", "--project", str(spam_project)]) == 1
    err = capsys.readouterr().err
    assert "has label 'Junk'" in err and "--label-map Junk=<label>" in err
    assert main(["ls", "pull", "--project", str(spam_project), "--label-map", "Junk=SPAM"]) == 0
    assert Project.load(spam_project).open_store().gold().to_dict() == {"c1": 1}


def test_a_large_export_gets_a_longer_wait(monkeypatch):
    from weaklabel.io.ls_api import LabelStudioAPI

    api = LabelStudioAPI("http://127.0.0.1:9", "tok")
    waits = []
    monkeypatch.setattr(api, "_call", lambda *a, timeout=None, **k: waits.append(timeout) or b"[]")
    api.export(3)
    api.export(3, size=20_000)                 # 10,000 tasks with 10,000 annotations
    assert waits[0] == 60.0 and waits[1] >= 400.0


def test_a_push_after_a_refit_gives_the_tasks_there_the_new_fits_prediction_in_one_call(spam_project, fake_ls,
                                                                                          capsys):
    team = ('<View><Text name="review" value="$text"/><Choices name="verdict" toName="review">'
            '<Choice value="Spam, clearly" alias="spam"/><Choice value="ham"/></Choices></View>')
    fake = fake_ls([{"id": 9, "title": "team", "label_config": team}], section="project_id = 9")
    assert main(["ls", "push", "--project", str(spam_project), "--n", "3"]) == 0
    first = fake.tasks[9][0]["predictions"][0]
    assert first["result"][0]["from_name"] == "verdict" and first["result"][0]["value"]["choices"][0] in ("spam", "ham")
    assert main(["ls", "push", "--project", str(spam_project), "--n", "3"]) == 0
    assert fake.predictions == []                                   # the same fit: nothing to update
    store = Project.load(spam_project).open_store()
    store.add_label("c5", "HAM", "ana", source="audit")            # a new label: the next fit differs
    capsys.readouterr()
    assert main(["ls", "push", "--project", str(spam_project), "--n", "3"]) == 0
    assert "3 of them given this fit's prediction" in capsys.readouterr().out
    writes = [w for w in fake.writes if w[1].endswith("/import/predictions")]
    assert len(writes) == 1 and len(fake.predictions) == 3          # one call for every task there
    assert {p["task"] for p in fake.predictions} == {t["id"] for t in fake.tasks[9]}
    assert all(p["model_version"] != first["model_version"] for p in fake.predictions)


def test_a_push_after_the_lfs_changed_updates_the_lf_votes_shown_on_tasks_already_there(spam_project, fake_ls,
                                                                                        capsys):
    from weaklabel.io.labelstudio import LF_VOTES_FIELD

    fake = fake_ls()
    assert main(["ls", "push", "--project", str(spam_project), "--n", "3"]) == 0
    before = {t["data"]["row_id"]: t["data"][LF_VOTES_FIELD] for t in fake.tasks[1]}
    assert any("link: SPAM" in v for v in before.values())
    lfs = spam_project.parent / "spam_lfs.py"               # the team renames the link rule
    lfs.write_text(lfs.read_text().replace("name='link'", "name='url'"))
    capsys.readouterr()
    assert main(["ls", "push", "--project", str(spam_project), "--n", "3"]) == 0
    after = {t["data"]["row_id"]: t["data"][LF_VOTES_FIELD] for t in fake.tasks[1]}
    changed = [r for r in after if after[r] != before[r]]
    assert changed and not any("link" in v for v in after.values()) and any("url: SPAM" in v for v in after.values())
    assert f"the LF votes shown on {len(changed)} of them updated" in capsys.readouterr().out
    assert len([w for w in fake.writes if w[0] == "PATCH"]) == len(changed)   # only the tasks that changed
    assert all(t["data"]["text"] and t["data"]["row_id"] for t in fake.tasks[1])   # the rest of the data kept
    n_writes = len(fake.writes)
    assert main(["ls", "push", "--project", str(spam_project), "--n", "3"]) == 0
    assert not [w for w in fake.writes[n_writes:] if w[0] == "PATCH"]        # unchanged: nothing patched
