"""Bad inputs, the command line: each case with its exact error (docs/bad-inputs.md)."""

import pytest

from weaklabel import (
    InputError,
    LabelMatrix,
)
from weaklabel.cache import VoteCache
from weaklabel.cli import build_parser, main
from weaklabel.review.project import Project

from ._shared import _check, _tmp, run_case

CASES = {
    "cli-usage": (lambda t: main(["run", "--lfs", "weaklabel.demo"]), SystemExit, r"2"),
    "cli-unknown-model": (lambda t: main(["fit", "--L", str(_matrix(t)), "--model", "svm"]), SystemExit, r"^2$"),
    "cache-clear-foreign-folder": (lambda t: VoteCache(_tmp(t, "notes.txt", "keep").parent).clear(), InputError,
                                   r"is not a weaklabel vote cache \(no CACHEDIR.TAG written by weaklabel\); "
                                   r"nothing removed"),
    "init-force-bad-lfs": (lambda t: _init_force_keeps_old(t, "--lfs", str(t / "typo.py")), None, None),
    "init-name-newline": (lambda t: _check(main(["init", "--path", str(t / "p.toml"), "--name", "a\nb"]) == 0
                                           and Project.load(t / "p.toml").name == "a\nb"), None, None),
    "import-unknown-ids": (lambda t: _import_unknown(t), None, None),
    "app-bind-address": (lambda t: _check(build_parser().parse_args(["app"]).address == "127.0.0.1"), None, None),
    "cli-count-not-positive": (lambda t: main(["queue", "--n", "-2"]), SystemExit, r"2"),
    "cli-no-traceback": (lambda t: _no_traceback(t), None, None),
    "run-outputs-mixed": (lambda t: _mixed_run(t), InputError, r"L.npz in .* is not the file of run [0-9a-f]{32}"),
    "out-is-a-file": (lambda t: _check(main(["run", "--data", "breast_cancer", "--lfs", "weaklabel.demo", "--out",
                                             str(_tmp(t, "f", "x"))]) == 1), None, None),
    "export-missing-folder": (lambda t: _check(main(["apply", "--data", "breast_cancer", "--lfs", "weaklabel.demo",
                                                     "--out", str(t / "no" / "L.npz")]) == 1), None, None),
    "import-empty-label": (lambda t: _empty_label(t), None, None),
    "init-force-bad-data": (lambda t: _init_force_keeps_old(t, "--data", "missing.csv"), None, None),
    "import-blank-row-id": (lambda t: _import_blank_row_id(t), None, None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case, tmp_path):
    run_case(CASES, case, tmp_path)


def _import_blank_row_id(t):
    import contextlib
    import io

    proj = t / "weaklabel.toml"
    assert main(["init", "--path", str(proj)]) == 0
    (t / "in.csv").write_text("row_id,label,annotator\n,benign,ana\n")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["labels", "import", "--project", str(proj), "--file", str(t / "in.csv")]) == 1
    assert "without a row_id (lines [2])" in err.getvalue() and "'nan'" not in err.getvalue()


def _import_refused(t, items, labels_csv):
    """Init a tiny project on ``items``, import ``labels_csv``: refused, exit 1, store empty."""
    (t / "suite.py").write_text("from weaklabel import LabelSpace, keyword_lf\nLABELS = LabelSpace(['A', 'B'])\n"
                                "LFS = [keyword_lf('a', label=0), keyword_lf('b', label=1), keyword_lf('c', label=1)]\n")
    (t / "items.csv").write_text(items)
    assert main(["init", "--path", str(t / "p.toml"), "--data", "items.csv", "--id-column", "id",
                 "--lfs", "suite.py"]) == 0
    (t / "in.csv").write_text(labels_csv)
    assert main(["labels", "import", "--project", str(t / "p.toml"), "--file", str(t / "in.csv")]) == 1
    assert Project.load(t / "p.toml").open_store().events().empty


def _import_unknown(t):
    """`7` is not the project's `007`."""
    _import_refused(t, "id,text\n007,a\n008,b c\n", "row_id,label,annotator\n7,A,ana\n")


def _init_force_keeps_old(t, *bad):
    """`init --force` with a bad option fails (exit 1) and leaves the project file as it was."""
    path = t / "weaklabel.toml"
    assert main(["init", "--path", str(path), "--name", "old"]) == 0
    before = path.read_text()
    assert main(["init", "--path", str(path), "--force", *bad]) == 1
    assert path.read_text() == before and not list(t.glob(".weaklabel.toml.*"))


def _matrix(t):
    return LabelMatrix([[0, 1, 1], [1, 1, 0]]).save(t / "L.npz")


def _no_traceback(t):
    """An OSError deep inside a command (here: ENOSPC while writing) is `Error:`, exit 1."""
    import errno
    from unittest import mock

    def full_disk(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(t / "L.npz"))

    with mock.patch.object(LabelMatrix, "save", full_disk):
        assert main(["apply", "--data", "breast_cancer", "--lfs", "weaklabel.demo", "--out", str(t / "L.npz")]) == 1


def _mixed_run(t):
    assert main(["run", "--data", "breast_cancer", "--lfs", "weaklabel.demo", "--out", str(t / "out")]) == 0
    LabelMatrix([[0, 1, 1]] * 3).save(t / "out" / "L.npz")  # another run's matrix beside this run's summary
    from weaklabel.pipeline import verify_run

    assert main(["fit", "--L", str(t / "out" / "L.npz")]) == 1
    verify_run(t / "out")


def _empty_label(t):
    """An empty label cell is named with its line, and nothing is imported (was: cannot convert float NaN)."""
    _import_refused(t, "id,text\n1,a\n2,b c\n", "row_id,label,annotator\n1,A,ana\n2,,ana\n")


