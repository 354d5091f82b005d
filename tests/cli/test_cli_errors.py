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
    ["run", "--data", "{t}/nope.csv", "--lfs", "lfs.cancer"],
    ["run", "--data", "{t}/bad.csv", "--lfs", "lfs.cancer"],
    ["run", "--data", "breast_cancer", "--lfs", "{t}/suite.py"],
    ["run", "--data", "breast_cancer", "--lfs", "lfs.cancer", "--out", "{t}/a_file"],
    ["run", "--data", "breast_cancer", "--lfs", "lfs.cancer", "--cache", "{t}/a_file"],
    ["apply", "--data", "breast_cancer", "--lfs", "lfs.cancer", "--out", "{t}/a_dir"],
    ["fit", "--L", "{t}/bad.npz"],
    ["fit", "--L", "{t}/a_dir"],
    ["fit", "--L", "{t}/ok.npz", "--out", "{t}/a_file"],
    ["analyze", "--L", "{t}/nope.npz"],
    ["queue", "--project", "{t}/bad.toml"],
    ["queue", "--project", "{t}/nope.toml"],
    ["labels", "export", "--project", "{t}/nope.toml", "--out", "{t}/g.csv"],
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
