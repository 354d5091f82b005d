"""Imports of what a real Label Studio (1.23) exports, in every format it offers for choices.

The files in tests/data/labelstudio were exported from a Label Studio server started on
127.0.0.1 for this purpose: tasks written by weaklabel, two users (admin@example.com = 1,
cy+qa@example.com = 2), an updated annotation (c3), a cancelled one (c4), a value typed in
lower case (c5: "spam"), then export2 after cy changed c1 and admin deleted his c2 label.
"""

import json
from pathlib import Path

import pytest

from weaklabel.cli import main
from weaklabel.exceptions import InputError
from weaklabel.io.labelstudio import read_annotator_map, read_export
from weaklabel.review.project import Project
from weaklabel.review.session import ReviewSession

DATA = Path(__file__).resolve().parents[1] / "data" / "labelstudio"
LABELS = ["HAM", "SPAM"]
EXPECTED = {("c1", "SPAM", "ls-user-1"), ("c1", "HAM", "ls-user-2"), ("c2", "HAM", "ls-user-1"),
            ("c2", "HAM", "ls-user-2"), ("c3", "SPAM", "ls-user-1"), ("007", "SPAM", "ls-user-1"),
            ("c5", "SPAM", "ls-user-1")}


@pytest.mark.parametrize("name", ["export1.json", "export1.min.json", "export1.csv", "export1.tsv"])
def test_every_export_format_reads_the_same_annotations(name):
    found = read_export(DATA / name, LABELS)
    assert {(r["row_id"], r["label"], r["annotator"]) for r in found} == EXPECTED
    by_row = {r["row_id"]: r for r in found if r["annotator"] == "ls-user-1"}
    assert by_row["c2"]["source"] == "audit" and by_row["c3"]["source"] == "queue"  # kept in flat exports too
    assert by_row["007"]["row_id"] == "007"                                        # ids stay text
    reference = {(r["external_id"], r["version"]) for r in read_export(DATA / "export1.json", LABELS)}
    assert {(r["external_id"], r["version"]) for r in found} == reference           # same keys in every format


def test_user_ids_resolve_to_emails_with_a_map():
    amap = read_annotator_map(DATA / "users.csv")
    assert amap == {"1": "admin@example.com", "2": "cy+qa@example.com"}
    found = read_export(DATA / "export1.csv", LABELS, annotator_map=amap)
    assert {r["annotator"] for r in found} == {"admin@example.com", "cy+qa@example.com"}


def test_label_values_map_by_case_or_an_explicit_map(tmp_path):
    rows = json.loads((DATA / "export1.min.json").read_text())
    rows[0]["label"] = "junk"
    bad = tmp_path / "junk.json"
    bad.write_text(json.dumps(rows))
    with pytest.raises(InputError, match=r"has label 'junk', not one of \['HAM', 'SPAM'\]; map it with "
                                         r"--label-map junk=<label>"):
        read_export(bad, LABELS)
    fixed = read_export(bad, LABELS, label_map={"junk": "HAM"})
    assert fixed[0]["label"] == "HAM"
    with pytest.raises(InputError, match=r"label-map: maps to \['MAYBE'\]"):
        read_export(bad, LABELS, label_map={"junk": "MAYBE"})


@pytest.fixture
def ls_project(tmp_path):
    (tmp_path / "items.csv").write_text(
        "id,text\nc1,check out my channel\nc2,\"great song, love it\"\nc3,subscribe please\nc4,nice video\n"
        "c5,free gift http://x\n007,007 agent\nc7,another song\n")
    (tmp_path / "lfs.py").write_text(
        "from weaklabel import LabelSpace, keyword_lf\nLABELS = LabelSpace(['HAM', 'SPAM'])\n"
        "LFS = [keyword_lf('check out', 'subscribe', 'free', label=1, name='promo'),\n"
        "       keyword_lf('song', 'video', label=0, name='fan'), keyword_lf('http', label=1, name='link')]\n")
    return Project(name="ls", data="items.csv", id_column="id", text_column="text", lfs="lfs.py",
                   audit_fraction=0.0).save(tmp_path / "weaklabel.toml")


def _import(project, name, capsys, *extra):
    assert main(["labels", "import", "--project", str(project), "--file", str(DATA / name),
                 "--annotator-map", str(DATA / "users.csv"), *extra]) == 0
    return capsys.readouterr().out


def test_imports_are_idempotent_across_formats_and_follow_updates_and_deletions(ls_project, capsys):
    assert "7 new, 0 updated, 0 unchanged, 0 retracted" in _import(ls_project, "export1.json", capsys)
    assert "0 new, 0 updated, 7 unchanged, 0 retracted" in _import(ls_project, "export1.json", capsys)
    assert "0 new, 0 updated, 7 unchanged, 0 retracted" in _import(ls_project, "export1.tsv", capsys)
    # export2: cy changed c1 to SPAM (a newer version), admin deleted his c2 label
    assert "0 new, 1 updated, 5 unchanged, 1 retracted" in _import(ls_project, "export2.min.json", capsys)
    assert "0 new, 0 updated, 6 unchanged, 0 retracted" in _import(ls_project, "export2.csv", capsys)
    store = Project.load(ls_project).open_store()
    cur = store.current_labels()
    assert sorted(cur.loc[cur["row_id"] == "c1", "label"]) == [1, 1]
    assert cur.loc[cur["row_id"] == "c2", "annotator"].tolist() == ["cy+qa@example.com"]
    assert set(cur["annotator"]) == {"admin@example.com", "cy+qa@example.com"}  # one person, one annotator
    # the audit rows (c2, c5) keep their source, so they train the model
    assert set(cur.loc[cur["source"] == "audit", "row_id"]) == {"c2", "c5"}
    # audit rows and rows the (votes-only) queue picked teach the model; imported-only rows do not
    taught = cur.loc[cur["source"].isin(["audit", "queue"]), "row_id"].nunique()
    assert taught == 5 and ReviewSession(Project.load(ls_project)).refit().fitted_on == taught


def test_a_bad_export_writes_nothing(ls_project, tmp_path, capsys):
    rows = json.loads((DATA / "export1.min.json").read_text())
    rows[-1]["label"] = "MAYBE"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(rows))
    assert main(["labels", "import", "--project", str(ls_project), "--file", str(bad)]) == 1
    assert "has label 'MAYBE'" in capsys.readouterr().err
    assert Project.load(ls_project).open_store().events().empty
