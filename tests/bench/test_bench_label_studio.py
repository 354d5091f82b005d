"""`weaklabel bench label-studio` refuses what it cannot run with a message that names the fix.
Its run against a real Label Studio, 10,000 annotated tasks, is in
tests/integration/test_label_studio_live.py (marked slow)."""

import tempfile

from weaklabel.cli import main


def _run(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:      # argparse's usage errors
        code = exc.code
    return code, capsys.readouterr().err


def test_an_empty_token_variable_is_a_usage_error_that_names_it(monkeypatch, capsys):
    monkeypatch.setenv("MY_LS_TOKEN", " ")
    code, err = _run(["bench", "label-studio", "--token-env", "MY_LS_TOKEN", "--tasks", "5"], capsys)
    assert code == 2
    assert "$MY_LS_TOKEN is empty" in err and "personal access token" in err


def test_a_label_studio_that_is_not_running_is_named_and_nothing_is_left_behind(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("WEAKLABEL_LS_TOKEN", "tok")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))    # where the bench makes its project
    code, err = _run(["bench", "label-studio", "--url", "http://127.0.0.1:9", "--tasks", "5"], capsys)
    assert code == 1
    assert "cannot reach Label Studio at http://127.0.0.1:9" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []          # the throwaway project's folder is gone


def test_a_non_positive_task_count_is_refused(capsys):
    code, err = _run(["bench", "label-studio", "--tasks", "0"], capsys)
    assert code == 2 and "--tasks" in err
