"""No command prints a traceback for a user error or an OS error: `Error: ...` and exit 1 or 2."""

import numpy as np
import pytest

from weaklabel import LabelMatrix
from weaklabel.cli import main


@pytest.fixture
def broken(tmp_path):
    (tmp_path / "a_dir").mkdir()
    (tmp_path / "a_file").write_text("not a folder")
    (tmp_path / "bad.npz").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "bad.csv").write_text('id,text\n"unclosed,1\n')
    (tmp_path / "bad.toml").write_text("[project\n")
    (tmp_path / "suite.py").write_text("raise RuntimeError('broken suite')\n")
    LabelMatrix(np.array([[0, 1, -1], [1, 1, 0]])).save(tmp_path / "ok.npz")
    return tmp_path


COMMANDS = [
    ["run", "--data", "{t}/nope.csv", "--lfs", "weaklabel.demo"],
    ["run", "--data", "{t}/bad.csv", "--lfs", "weaklabel.demo"],
    ["run", "--data", "breast_cancer", "--lfs", "{t}/suite.py"],
    ["run", "--data", "breast_cancer", "--lfs", "weaklabel.demo", "--out", "{t}/a_file"],
    ["run", "--data", "breast_cancer", "--lfs", "weaklabel.demo", "--cache", "{t}/a_file"],
    ["apply", "--data", "breast_cancer", "--lfs", "weaklabel.demo", "--out", "{t}/a_dir"],
    ["fit", "--L", "{t}/bad.npz"],
    ["fit", "--L", "{t}/a_dir"],
    ["fit", "--L", "{t}/ok.npz", "--out", "{t}/a_file"],
    ["analyze", "--L", "{t}/nope.npz"],
    ["queue", "--project", "{t}/bad.toml"],
    ["queue", "--project", "{t}/nope.toml"],
    ["labels", "export", "--project", "{t}/nope.toml", "--out", "{t}/g.csv"],
    ["labels", "export", "--policy", "loudest", "--out", "{t}/g.csv"],
    ["labels", "import", "--project", "{t}/bad.toml", "--file", "{t}/bad.csv"],
    ["cache", "clear", "--cache", "{t}/a_file"],
    ["init", "--path", "{t}/missing_dir/x/p.toml"],
    ["benchmark", "{t}/a_dir"],
    ["benchmark", "{t}/nope*.mat"],
    ["app", "--project", "{t}/nope.toml"],
    ["queue", "--n", "0"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(c[:2]) + f" #{i}" for i, c in enumerate(COMMANDS)])
def test_broken_inputs_give_error_and_exit_code(broken, argv, capsys):
    argv = [a.format(t=broken) for a in argv]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert code in (1, 2), (argv, code, err)
    assert ("Error:" in err or "usage:" in err) and "Traceback" not in err, err
    assert "unexpected" not in err and ".tmp" not in err, err  # a message written for people


HOSTILE = {
    "empty": b"",
    "binary": bytes(range(256)) * 4,
    "latin1": "id,text,label\n1,caf\xe9 cr\xe8me,1\n".encode("latin-1"),
    "deep-array": b"[" * 100_000 + b"]" * 100_000,
    "deep-object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "html": b"<!DOCTYPE html><html><body>sign in</body></html>",
    "json-list": b"[1, 2, 3]",
    "json-object": b'{"x": {"y": 1}}',
    "nul": b"id,text\n1,a\x00b\n",
    "broken-zip": b"PK\x03\x04" + b"\x00" * 100,
    "truncated-json": b'{"0": {"label": 0, "weak_labels": [0',
}


def _hostile_commands(t, good_run, project):
    """(what, argv) for every CLI argument that reads a file, fed each hostile content."""
    import shutil

    (t / "ok.csv").write_text("row_id,label,annotator\nc1,HAM,ana\n")
    for name, blob in HOSTILE.items():
        for ext in (".csv", ".tsv", ".json", ".jsonl", ".parquet", ".npz", ".mat", ".py", ".toml", ".xlsx"):
            f = t / f"{name}{ext}"
            f.write_bytes(blob)
            yield f"run --data {f.name}", ["run", "--data", str(f), "--lfs", "lfs/spam.py", "--out", str(t / "o")]
            if ext == ".npz":
                yield f"fit --L {f.name}", ["fit", "--L", str(f), "--out", str(t / "o")]
                yield f"analyze --L {f.name}", ["analyze", "--L", str(f)]
            if ext in (".csv", ".json"):
                yield f"fit --gold {f.name}", ["fit", "--L", str(good_run / "L.npz"), "--gold", str(f), "--out",
                                               str(t / "o")]
                yield f"labels import {f.name}", ["labels", "import", "--project", str(project), "--file", str(f)]
                yield f"--annotator-map {f.name}", ["labels", "import", "--project", str(project), "--file",
                                                    str(t / "ok.csv"), "--annotator-map", str(f)]
            if ext == ".py":
                yield f"--lfs {f.name}", ["run", "--data", "breast_cancer", "--lfs", str(f), "--out", str(t / "o")]
            if ext == ".toml":
                yield f"--project {f.name}", ["queue", "--project", str(f)]
                yield f"--config {f.name}", ["run", "--data", "breast_cancer", "--lfs", "weaklabel.demo", "--config",
                                             str(f), "--out", str(t / "o")]
        w = t / f"wrench-{name}"
        w.mkdir()
        (w / "label.json").write_text('{"0": "a", "1": "b"}')
        (w / "train.json").write_bytes(blob)
        yield f"WRENCH train.json {name}", ["run", "--data", str(w), "--lfs", "lfs/spam.py", "--out", str(t / "o")]
        w2 = t / f"wrench-label-{name}"
        w2.mkdir()
        (w2 / "label.json").write_bytes(blob)
        (w2 / "train.json").write_text('{"0": {"label": 0, "weak_labels": [0], "data": {"text": "x"}}}')
        yield f"WRENCH label.json {name}", ["benchmark", str(w2), "--models", "majority", "--seeds", "1"]
        r = t / f"run-{name}"
        shutil.copytree(good_run, r)
        (r / "summary.json").write_bytes(blob)
        yield f"summary.json {name}", ["fit", "--L", str(r / "L.npz"), "--out", str(t / "o")]
        s = t / f"seq-{name}"
        s.mkdir()
        (s / "meta.json").write_text('{"lf": ["a"], "entity_types": ["PER"]}')
        (s / "train.json").write_bytes(blob)
        (s / "test.json").write_bytes(blob)
        yield f"sequence split {name}", ["benchmark", str(s)]


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore")   # warnings are printed, as a user sees them, not errors here
def test_no_hostile_file_ends_in_unexpected(tmp_path, capsys):
    from tests.conftest import make_spam_project

    (tmp_path / "proj").mkdir()
    project = make_spam_project(tmp_path / "proj")
    assert main(["run", "--data", "breast_cancer", "--lfs", "weaklabel.demo", "--out", str(tmp_path / "good"),
                 "--split", "all"]) == 0
    capsys.readouterr()
    bad, n = [], 0
    for what, argv in _hostile_commands(tmp_path, tmp_path / "good", project):
        n += 1
        code = main(["-q", *argv])
        err = capsys.readouterr().err
        if code not in (0, 1) or "Error: unexpected" in err or "Traceback" in err:
            bad.append((what, code, err.strip().splitlines()[-1:]))
    assert n > 250 and bad == [], bad
