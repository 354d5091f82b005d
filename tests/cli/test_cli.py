import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from weaklabel.cli import main
from weaklabel.models import LabelModel


@pytest.fixture
def cli(capsys):
    def run(*args):
        try:
            code = main(list(args))
        except SystemExit as exc:   # argparse's own usage errors exit with 2, as from a shell
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_demo_prints_summary_and_writes_files(cli, tmp_path):
    code, out, err = cli("demo", "--out", str(tmp_path))
    assert code == 0, err
    assert "LF summary (569 rows x 10 LFs)" in out and "large_radius" in out
    # the accuracy of the written labels, on the rows that have one, beside the coverage;
    # rows no LF voted on named as such, not as ties; accuracy over all rows with them counted wrong
    assert re.search(r'Scored on the gold labels of "all" \(569 rows\):\n  accuracy=0\.9\d+ on the (\d+) rows with a '
                     r'label \(coverage=0\.8\d+\)\n  accuracy=0\.8\d+ over all 569 rows, rows without a label '
                     r'counted wrong', out), out
    assert re.search(r"no label: no LF voted\s+71\n", out) and "ABSTAIN" not in out
    labeled = pd.read_csv(tmp_path / "labels.csv")
    assert (labeled["label"].isna() | (labeled["label"] == "")).sum() == 71
    labels = pd.read_csv(tmp_path / "labels.csv")
    assert len(labels) == 569 and {"p_malignant", "p_benign", "label", "confidence"} <= set(labels.columns)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["n_lfs"] == 10 and summary["scores"]["all"]["accuracy"] > 0.9
    assert np.load(tmp_path / "L.npz")["votes"].shape == (569, 10)


def test_run_on_a_csv_file_with_gold_names(cli, tmp_path):
    from weaklabel import load_dataset

    df = load_dataset("breast_cancer", split="all").df.copy()
    df["label"] = np.where(df["label"] == 0, "malignant", "benign")
    df.index.name = "case"
    df.reset_index().to_csv(tmp_path / "cases.csv", index=False)
    code, out, err = cli("run", "--data", str(tmp_path / "cases.csv"), "--lfs", "weaklabel/demo.py",
                         "--id-column", "case", "--model", "majority", "--out", str(tmp_path / "o"))
    assert code == 0, err
    assert 'Scored on the gold labels of "cases.csv" (569 rows)' in out    # the file scored, not "train"
    assert pd.read_csv(tmp_path / "o" / "labels.csv")["row_id"].tolist()[:3] == [0, 1, 2]
    # a held-out file in the same layout is scored with --eval-split (it was refused: "dataset names only")
    df.iloc[:300].reset_index().to_csv(tmp_path / "fit.csv", index=False)
    df.iloc[300:].reset_index().to_csv(tmp_path / "held.csv", index=False)
    code, out, err = cli("run", "--data", str(tmp_path / "fit.csv"), "--lfs", "weaklabel/demo.py",
                         "--id-column", "case",
                         "--eval-split", str(tmp_path / "held.csv"), "--out", str(tmp_path / "o2"))
    assert code == 0, err
    assert '"fit.csv" (300 rows)' in out and '"held.csv" (269 rows)' in out and '"held.csv (majority vote)"' in out
    scores = json.loads((tmp_path / "o2" / "summary.json").read_text())["scores"]
    assert set(scores) == {"fit.csv", "held.csv", "held.csv (majority vote)"}
    assert scores["held.csv"]["gold_rows"] == 269 and 0.8 < scores["held.csv"]["accuracy"] <= 1


def test_apply_fit_analyze_chain(cli, tmp_path):
    mat = tmp_path / "L.npz"
    code, out, _ = cli("apply", "--data", "breast_cancer", "--split", "all", "--lfs", "weaklabel.demo",
                       "--out", str(mat))
    assert code == 0 and mat.exists() and "applied in" in out
    code, out, _ = cli("fit", "--L", str(mat), "--model", "dawid_skene", "--out", str(tmp_path / "fit"))
    assert code == 0 and (tmp_path / "fit" / "labels.csv").exists()
    code, out, _ = cli("analyze", "--L", str(mat), "--format", "json")
    assert code == 0 and json.loads(out)["large_radius"]["Coverage"] > 0.1
    code, out, _ = cli("analyze", "--data", "breast_cancer", "--split", "all", "--lfs", "weaklabel.demo",
                       "--format", "markdown")
    assert code == 0 and out.startswith("| ") and "Emp. Acc." in out


def test_errors_go_to_stderr_with_exit_1(cli, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("WEAKLABEL_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no user cache either
    code, out, err = cli("run", "--data", "youtube", "--lfs", "lfs/spam.py", "--out", str(tmp_path))
    assert code == 1 and err.startswith("Error: dataset 'youtube' needs its data folder")
    code, _, err = cli("run", "--data", "breast_cancer", "--lfs", "lfs/nope.py")
    assert code == 1 and "no such file" in err
    with pytest.raises(SystemExit) as usage:  # an unknown model is a usage error: exit 2, the choices named
        main(["run", "--data", "breast_cancer", "--lfs", "weaklabel.demo", "--model", "svm"])
    assert usage.value.code == 2 and "invalid choice: 'svm' (choose from 'label_model', 'majority'" in \
        capsys.readouterr().err
    code, _, err = cli("fit", "--L", str(tmp_path / "missing.npz"))
    assert code == 1 and err.startswith("Error:")
    code, _, err = cli("analyze")
    assert code == 2


def test_usage_errors_exit_2():
    with pytest.raises(SystemExit) as info:
        main(["run", "--lfs", "x"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


def test_module_entry_point_runs():
    out = subprocess.run([sys.executable, "-m", "weaklabel", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("weaklabel ")


def test_run_on_wrench_youtube_with_spam_suite(cli, tmp_path, data_dir):
    code, out, err = cli("run", "--data", "youtube", "--lfs", "lfs/spam.py", "--data-dir", str(data_dir),
                         "--eval-split", "test", "--out", str(tmp_path))
    assert code == 0, err
    assert "spacy_promo_pattern" in out
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["n_rows"] == 1686 and summary["n_lfs"] >= 10
    assert set(summary["scores"]) == {"train", "test", "test (majority vote)"}
    assert summary["scores"]["test"]["accuracy"] > 0.8


def test_analyze_stored_wrench_votes_with_html(cli, tmp_path, data_dir):
    pytest.importorskip("matplotlib")
    html = tmp_path / "r.html"
    code, out, err = cli("analyze", "--data", "sms", "--data-dir", str(data_dir), "--html", str(html))
    assert code == 0, err
    assert " lo " in out and "EstAcc" in out and "summary computed in" in err  # short names: 100 columns
    assert html.read_text().count("data:image/png") >= 3


def test_analyze_drill_down(cli, data_dir):
    code, out, err = cli("analyze", "--data", "youtube", "--data-dir", str(data_dir), "--drill",
                         "keyword_song", "--kind", "incorrect", "--limit", "5", "--format", "csv")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].startswith("row_id,vote,gold,n_votes,other_votes,text") and len(lines) == 6


def test_compare_two_suites(cli, tmp_path):
    small = tmp_path / "small_cancer.py"
    small.write_text("from weaklabel.demo import LABELS, LFS as ALL\nLFS = ALL[:4]\n")
    code, out, err = cli("compare", "weaklabel/demo.py", str(small), "--data", "breast_cancer", "--split", "all",
                         "--format", "json")
    assert code == 0, err
    table = json.loads(out)
    assert table["weaklabel/demo.py"]["n_lfs"] == 10 and table[str(small)]["n_lfs"] == 4
    assert table["weaklabel/demo.py"]["coverage"] > table[str(small)]["coverage"]
    assert 0.5 < table["weaklabel/demo.py"]["label_model_accuracy"] <= 1


def test_compare_with_end_model_and_contribution(cli, data_dir):
    code, out, err = cli("compare", "lfs/spam.py", "--data", "youtube", "--data-dir", str(data_dir),
                         "--eval-split", "test", "--end-model", "--format", "json")
    assert code == 0, err
    row = json.loads(out)["lfs/spam.py"]
    assert row["end_model_accuracy"] >= row["label_model_accuracy"] > 0.85
    code, out, err = cli("analyze", "--data", "youtube", "--data-dir", str(data_dir), "--contribution",
                         "--format", "json")
    assert code == 0, err
    table = json.loads(out)
    assert set(table) == {"keyword_my", "keyword_subscribe", "keyword_link", "keyword_please", "keyword_song",
                          "regex_check_out", "short_comment", "has_person_nlp", "textblob_polarity",
                          "textblob_subjectivity"}
    assert all(v["score_basis"] == "gold accuracy" for v in table.values())


def test_init_queue_labels_round_trip(cli, tmp_path, spam_project):
    path = tmp_path / "new.toml"
    code, out, err = cli("init", "--path", str(path), "--name", "demo")
    assert code == 0 and "weaklabel app --project" in out
    code, _, err = cli("init", "--path", str(path))
    assert code == 1 and "exists; pass --force" in err
    code, out, err = cli("queue", "--project", str(spam_project), "--n", "5")
    assert code == 0, err
    assert "LFs disagree" in out and "c0" in out
    labels = tmp_path / "in.csv"
    labels.write_text("row_id,label,annotator\nc1,SPAM,ana\nc2,0,ben\n")
    code, out, err = cli("labels", "import", "--project", str(spam_project), "--file", str(labels))
    assert code == 0 and "Imported 2" in out, err
    code, out, err = cli("labels", "export", "--project", str(spam_project), "--out", str(tmp_path / "g.csv"))
    assert code == 0, err
    assert (tmp_path / "g.csv").read_text().splitlines()[1:] == ["c1,1,SPAM,1", "c2,0,HAM,1"]
    code, out, err = cli("queue", "--project", str(spam_project), "--export", str(tmp_path / "q.csv"))
    assert code == 0 and "c1" not in (tmp_path / "q.csv").read_text().split()


def test_queue_with_label_issues_runs_from_the_cli(cli, spam_project):
    # it used to stop at "needs scores="; now the session computes them
    code, out, err = cli("queue", "--project", str(spam_project), "--strategy", "label_issues", "--n", "3")
    assert code == 0, err
    assert "end model disagrees" in out


def test_project_errors_are_clear(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[project]\nname = "x"\nmodle = "typo"\n')
    code, _, err = cli("queue", "--project", str(bad))
    assert code == 1 and "unknown key(s) ['modle']" in err
    code, _, err = cli("app", "--project", str(tmp_path / "nope.toml"))
    assert code == 1 and "weaklabel init" in err


def test_train_and_issues_commands(cli, tmp_path, data_dir):
    pytest.importorskip("skops")
    code, out, err = cli("train", "--data", "youtube", "--lfs", "lfs/spam.py", "--data-dir", str(data_dir),
                         "--eval-split", "test", "--out", str(tmp_path / "em.skops"))
    assert code == 0, err
    lm_acc, em_acc = (float(x) for x in re.findall(r"(?:label model|end model) ([0-9.]+)", out))
    assert em_acc >= max(lm_acc + 0.03, 0.93) and (tmp_path / "em.skops").exists()
    code, out, err = cli("issues", "--data", "youtube", "--lfs", "lfs/spam.py", "--data-dir", str(data_dir),
                         "--n", "5", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 5 and all(0.5 < r["score"] <= 1 and r["label"] != r["suggested"] for r in rows.values())


def test_apply_reports_cache_hits_and_cache_clear(cli, tmp_path):
    cache = tmp_path / "votes"
    args = ["apply", "--data", "breast_cancer", "--split", "all", "--lfs", "weaklabel.demo", "--out",
            str(tmp_path / "L.npz"), "--cache", str(cache)]
    code, out, _ = cli(*args)
    assert code == 0 and "vote cache: 0 hits, 10 misses" in out
    code, out, _ = cli(*args)
    assert code == 0 and "vote cache: 10 hits, 0 misses" in out
    code, out, _ = cli(*args, "--no-cache")
    assert code == 0 and "vote cache: 0 hits, 0 misses" in out
    code, out, _ = cli("cache", "clear", "--cache", str(cache))
    assert code == 0 and "Removed 10 cached vote columns" in out and not cache.exists()


def test_a_run_folder_holds_one_whole_run(tmp_path, monkeypatch):
    from weaklabel import InputError
    from weaklabel.matrix import LabelMatrix
    from weaklabel.pipeline import run, verify_run

    out = tmp_path / "out"
    first = run("breast_cancer", "weaklabel.demo", out=out, split="all")
    summary = verify_run(out)
    assert set(summary["files"]) == {"labels", "L"} and len(summary["run_id"]) == 32
    (out / ".labels.csv.999999999.tmp").write_text("debris of a killed run")

    def killed(_self, _path):  # the second run dies after labels.csv, before L.npz and summary.json
        raise KeyboardInterrupt

    monkeypatch.setattr(LabelMatrix, "save", killed)
    with pytest.raises(KeyboardInterrupt):
        run("breast_cancer", "weaklabel.demo", out=out, split="train")
    assert not (out / ".labels.csv.999999999.tmp").exists()  # debris cleaned
    # the failed run left the first one whole, summary included, and nothing of its own
    assert verify_run(out)["run_id"] == summary["run_id"]
    assert sorted(p.name for p in out.iterdir()) == ["L.npz", "labels.csv", "summary.json"]
    monkeypatch.undo()
    run("breast_cancer", "weaklabel.demo", out=out, split="all")
    (out / "L.npz").write_bytes(first.L.save(tmp_path / "other.npz").read_bytes() + b"")
    verify_run(out)  # same content: same hash
    LabelMatrix(first.L.votes[:10]).save(out / "L.npz")  # a file from another run
    with pytest.raises(InputError, match="L.npz .* is not the file of run"):
        verify_run(out)


def test_fit_model_auto_with_gold_prints_choice_and_runner_up(cli, tmp_path):
    from weaklabel import LabelMatrix, LabelSpace
    from weaklabel.bench.synthetic import sample_L

    L, y = sample_L(1200, [0.97, 0.55, 0.55, 0.55], [1.0, 0.9, 0.9, 0.9], [0.5, 0.5], seed=1)
    LabelMatrix(L, label_space=LabelSpace(["no", "yes"])).save(tmp_path / "L.npz")
    rows = np.arange(0, 1200, 4)
    pd.DataFrame({"row_id": rows.astype(str), "label": np.where(y[rows] == 1, "yes", "no")}).to_csv(
        tmp_path / "gold.csv", index=False)
    code, out, err = cli("fit", "--L", str(tmp_path / "L.npz"), "--model", "auto", "--gold", str(tmp_path / "gold.csv"),
                         "--out", str(tmp_path / "out"))
    assert code == 0, err
    first = out.splitlines()[0]
    assert re.match(r"model auto: (\w+) \(cross-validated accuracy 0\.\d+ on 300 gold rows\); runner-up \w+", first)
    assert "majority" in out and not first.startswith("model auto: majority")
    # errors: auto without gold (usage), gold naming unknown rows or classes (input)
    assert cli("fit", "--L", str(tmp_path / "L.npz"), "--model", "auto")[0] == 2
    for content, message in (("row_id,label\n9999,yes\n", "row ids are not rows of the matrix (first: '9999')"),
                             ("row_id,label\n3,maybe\n", "'maybe' is neither a class name ['no', 'yes']"),
                             ("row_id,label\n3,yes\n3,no\n", "row id '3' is listed 2 times"),
                             ("row_id,label\n3,\n4,yes\n", "1 rows have no label (first: row id '3')"),
                             ("id,label\n3,yes\n", "needs columns row_id and label")):
        (tmp_path / "bad.csv").write_text(content)
        code, _, err = cli("fit", "--L", str(tmp_path / "L.npz"), "--gold", str(tmp_path / "bad.csv"))
        assert code == 1 and message in err, (content, err)


def test_run_and_analyze_model_auto_use_the_data_gold(cli, tmp_path):
    code, out, err = cli("run", "--data", "breast_cancer", "--split", "all", "--lfs", "weaklabel.demo",
                         "--model", "auto",
                         "--out", str(tmp_path))
    assert code == 0, err
    assert re.search(r"^model auto: \w+ \(cross-validated accuracy 0\.\d+ on 569 gold rows\)", out, flags=re.M)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["model_selection"]["chosen"] == summary["model"]["name"] != "auto"
    assert set(summary["model_selection"]["cv"]) >= {"label_model", "majority"}
    code, _, err = cli("analyze", "--data", "breast_cancer", "--split", "all", "--lfs", "weaklabel.demo",
                       "--model", "auto")
    assert code == 0 and "model auto:" in err
    # a file without a gold column: auto has nothing to choose by
    from weaklabel import load_dataset

    load_dataset("breast_cancer", split="all").df.drop(columns="label").to_csv(tmp_path / "x.csv", index=False)
    code, _, err = cli("run", "--data", str(tmp_path / "x.csv"), "--lfs", "weaklabel.demo", "--model", "auto",
                       "--out", str(tmp_path / "o"))
    assert code == 1 and "'auto' chooses a label model by cross-validated score" in err


def test_fit_says_when_the_model_overrules_majority_vote_often(cli, tmp_path, data_dir):
    """cardio: three weak classifiers; the model overrules majority vote on 41% of the decided rows."""
    from weaklabel.io.matfile import read_mat_splits

    read_mat_splits(data_dir / "labelmatrices" / "cardio.mat")["train"].L.save(tmp_path / "L.npz")
    code, _, err = cli("fit", "--L", str(tmp_path / "L.npz"), "--out", str(tmp_path / "out"))
    assert code == 0 and re.search(r"warning: LabelModel overrules majority vote on 41% of the 289 covered", err)
    code, _, err = cli("fit", "--L", str(tmp_path / "L.npz"), "--model", "majority", "--out", str(tmp_path / "o2"))
    assert code == 0 and "overrules" not in err


def test_init_sets_the_review_options_and_checks_them(cli, tmp_path):
    """Overlap, leads, guidelines, label descriptions and a token from the
    command line, not typed into weaklabel.toml by hand."""
    from weaklabel.review.project import Project

    (tmp_path / "guide.md").write_text("# How to label\n")
    path = tmp_path / "weaklabel.toml"
    code, out, err = cli("init", "--path", str(path), "--overlap", "2", "--lead", "ana", "--lead", "ben",
                         "--guidelines", "guide.md", "--label-description", "malignant=a cancerous tumour",
                         "--strategy", "entropy", "--refit-every", "25", "--audit-fraction", "0.1", "--token")
    assert code == 0, err
    proj = Project.load(path)
    assert (proj.overlap, proj.leads, proj.guidelines, proj.strategy, proj.refit_every, proj.audit_fraction) == (
        2, ["ana", "ben"], "guide.md", "entropy", 25, 0.1)
    assert proj.label_descriptions == {"malignant": "a cancerous tumour"}
    token = re.search(r"WEAKLABEL_APP_TOKEN=(\S+)", out).group(1)
    assert len(token) >= 32 and token not in path.read_text()        # printed, never stored
    before = path.read_text()
    for bad, message in ((["--label-description", "nope=x"], "not labels of this project"),
                         (["--label-description", "no-equals"], "expects LABEL=TEXT"),
                         (["--guidelines", "missing.md"], "guidelines: no file"),
                         (["--strategy", "bogus"], "argument --strategy: invalid choice"),
                         (["--audit-fraction", "1.5"], "--audit-fraction")):
        code, _, err = cli("init", "--path", str(path), "--force", *bad)
        assert code in (1, 2) and message in err, (bad, err)
        assert path.read_text() == before                             # a refused init leaves the file alone


def test_a_blank_row_id_in_an_import_is_named_as_blank_not_as_nan(cli, tmp_path, spam_project):
    """A blank row_id cell was reported as the unknown id 'nan'."""
    f = tmp_path / "blank.csv"
    f.write_text("row_id,label,annotator\n,SPAM,ana\nc1,HAM,ana\n")
    code, _, err = cli("labels", "import", "--project", str(spam_project), "--file", str(f))
    assert code == 1 and "1 row(s) without a row_id (lines [2])" in err and "'nan'" not in err


def test_labels_import_resolves_a_class_name_by_case_alone(cli, tmp_path, spam_project):
    """The labels "spam" and "Ham" were refused for SPAM and HAM, though the README says case is
    resolved; a name that two classes share by case stays refused."""
    f = tmp_path / "cased.csv"
    f.write_text("row_id,label,annotator\nc1,spam,ana\nc2,Ham,ana\nc3,1,ana\n")
    code, out, err = cli("labels", "import", "--project", str(spam_project), "--file", str(f))
    assert code == 0, err
    from weaklabel.review.project import Project

    gold = Project.load(spam_project).open_store().gold()
    assert gold.to_dict() == {"c1": 1, "c2": 0, "c3": 1}
    f.write_text("row_id,label,annotator\nc4,spa,ana\n")
    code, _, err = cli("labels", "import", "--project", str(spam_project), "--file", str(f))
    assert code == 1 and "label 'spa' is neither a class name" in err


def test_users_add_list_password_role_remove(tmp_path, monkeypatch, capsys):
    import io

    from tests.conftest import make_spam_project
    from weaklabel.review.project import Project
    from weaklabel.review.store import ExpertLabelStore

    project = make_spam_project(tmp_path)
    store = ExpertLabelStore(Project.load(project).store_url, project="spam-test")

    def users(*args, stdin=""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["users", *args, "--project", str(project)])
        return code, capsys.readouterr()

    assert users("add", "Ana", "--role", "lead", stdin="correct horse battery\n")[0] == 0
    code, out = users("add", "ana", stdin="another password!\n")
    assert code == 1 and "is taken, or looks like the account 'Ana'" in out.err
    code, out = users("add", "ben", stdin="short\n")
    assert code == 1 and "password: expected at least 10 characters" in out.err
    code, out = users("list")
    assert code == 0 and "Ana" in out.out and "lead" in out.out and "pbkdf2" not in out.out
    token = store.open_session("ana")
    assert users("password", "ANA", stdin="a new password 2\n")[0] == 0
    assert store.session_name(token) is None and store.verify_account("ana", "a new password 2")
    assert users("role", "ana", "annotator")[0] == 0 and store.account("ana").role == "annotator"
    assert users("remove", "ana")[0] == 0 and store.account("ana") is None
    code, out = users("remove", "ana")
    assert code == 1 and "no account 'ana'" in out.err


def test_class_balance_on_fit_run_and_train(cli, tmp_path):
    """The class balance had no flag. Given, it fixes the model's prior."""
    code, out, err = cli("run", "--data", "breast_cancer", "--split", "all", "--lfs", "weaklabel/demo.py",
                         "--class-balance", "malignant=0.37,benign=0.63", "--out", str(tmp_path / "r"))
    assert code == 0, err
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["model"]["params"]["class_balance"] == pytest.approx([0.37, 0.63])
    assert summary["model"]["class_balance"] == pytest.approx([0.37, 0.63])
    assert summary["model"]["algorithm_version"] == LabelModel.ALGORITHM_VERSION   # which default labeled it
    code, _, err = cli("apply", "--data", "breast_cancer", "--split", "all", "--lfs", "weaklabel/demo.py",
                       "--out", str(tmp_path / "L.npz"))
    assert code == 0, err
    skewed = {}
    for spec in ("0.9,0.1", "0.1,0.9"):
        code, out, err = cli("fit", "--L", str(tmp_path / "L.npz"), "--class-balance", spec,
                             "--out", str(tmp_path / spec))
        assert code == 0, err
        skewed[spec] = pd.read_csv(tmp_path / spec / "labels.csv")["p_malignant"].mean()
    assert skewed["0.9,0.1"] > skewed["0.1,0.9"]          # the prior moves the labels' probabilities
    for bad, why in (("0.5,0.6", "summing to 1"), ("malignant=1", "a share for each class"),
                     ("a,b", "expected numbers")):
        code, _, err = cli("fit", "--L", str(tmp_path / "L.npz"), "--class-balance", bad, "--out", str(tmp_path / "x"))
        assert code == 1 and why in err, err
    code, _, err = cli("fit", "--L", str(tmp_path / "L.npz"), "--model", "majority", "--class-balance", "0.5,0.5",
                       "--out", str(tmp_path / "x"))
    assert code == 1 and "takes no class balance" in err
    code, out, err = cli("train", "--data", "breast_cancer", "--split", "all", "--lfs", "weaklabel/demo.py",
                         "--class-balance", "0.37,0.63")
    assert code == 0 and "end model trained on" in out, err
