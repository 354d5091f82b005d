"""Every table the CLI prints fits 100 columns by default; --wide shows it whole."""

import pytest

from weaklabel.cli import main

from ..conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(not (SHARED_DATA / "youtube").is_dir(), reason="needs ../shared/datasets/youtube")
YT = ["--data", "youtube", "--data-dir", str(SHARED_DATA)]


@pytest.mark.parametrize("args", [
    ["analyze", *YT],
    ["analyze", *YT, "--drill", "keyword_song", "--kind", "incorrect"],
    ["analyze", *YT, "--contribution"],
    ["apply", *YT, "--lfs", "lfs/spam.py", "--out", "{tmp}/L.npz"],
    ["run", *YT, "--lfs", "lfs/spam.py", "--eval-split", "test", "--out", "{tmp}/run"],
])
def test_tables_fit_100_columns(args, tmp_path, capsys):
    assert main([a.replace("{tmp}", str(tmp_path)) for a in args]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if not ln.startswith("Wrote ")]  # paths are paths
    widest = max(len(line) for line in lines)
    assert widest <= 100, f"{widest} columns:\n" + next(line for line in lines if len(line) == widest)


def test_drilled_texts_are_wrapped_whole_and_wide_gives_a_line_per_row(capsys):
    assert main(["analyze", *YT, "--drill", "keyword_song", "--limit", "50"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out and max(len(line) for line in out.splitlines()) <= 100
    assert main(["--wide", "analyze", *YT, "--drill", "keyword_song", "--limit", "50"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out and max(len(line) for line in out.splitlines()) > 100


def test_contribution_says_what_its_numbers_are(capsys):
    assert main(["analyze", *YT, "--contribution"]) == 0
    err = capsys.readouterr().err
    assert "score_without: the gold accuracy of the label model refit without that LF" in err
    assert "minus that (positive = the LF helps)" in err


def test_gold_curve_prints_mean_and_std_over_draws(capsys):
    assert main(["benchmark", str(SHARED_DATA / "youtube"), "--gold-curve", "0,25", "--draws", "3"]) == 0
    out = capsys.readouterr().out
    assert "mean ± std over draws" in out and "±" in out.split("\n", 2)[2]
    assert "count" not in out and "nan" not in out
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    assert set(rows) >= {"given", "none", "balance", "25 rows"} and rows["25 rows"].rstrip("| ").endswith("3")
    assert rows["none"].count("+0.0") == 2  # the unsupervised fit against itself


def test_progress_bars_only_for_a_watching_person(monkeypatch):
    from weaklabel import _progress

    items = [1, 2, 3]
    assert _progress.progress(items) is items              # stderr is not a terminal under pytest
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert list(_progress.progress(items, desc="x")) == items and _progress.progress(items) is not items
    assert main(["--quiet", "analyze", *YT]) == 0           # --quiet switches them off
    assert _progress.QUIET is True and _progress.progress(items) is items
    _progress.QUIET = False


def test_long_commands_name_their_steps_on_a_terminal(monkeypatch, capsys):
    from weaklabel import _progress

    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert main(["issues", *YT, "--lfs", "lfs/spam.py", "--n", "3"]) == 0
    err = capsys.readouterr().err
    for step in ("applying LFs", "fitting the label model", "cross-fitting the end model", "cross-fitting"):
        assert step in err
    assert "5/5" in err  # the five folds of the cross-fit, one bar step each
    assert main(["--quiet", "issues", *YT, "--lfs", "lfs/spam.py", "--n", "3"]) == 0
    assert capsys.readouterr().err == ""
    _progress.QUIET = False


def test_drill_down_and_queue_show_each_text_in_full_wrapped_to_the_terminal(spam_project, capsys):
    """Drill-down cut each text at 40 characters, and the text is what the user drilled
    down to read; `weaklabel queue` showed no text at all."""
    from weaklabel.cli import main

    folder = spam_project.parent
    long = "please subscribe, great song 3"
    assert main(["analyze", "--data", str(folder / "comments.csv"), "--id-column", "id", "--lfs",
                 str(folder / "spam_lfs.py"), "--drill", "promo", "--kind", "conflicts"]) == 0
    out = capsys.readouterr().out
    assert f"text: {long}" in out and all(len(line) <= 100 for line in out.splitlines())
    assert main(["queue", "--project", str(spam_project), "--n", "3"]) == 0
    out = capsys.readouterr().out
    payload = "<script>alert('xss')</script><b>bold</b> check out my channel, great song"
    flat = " ".join(line.strip() for line in out.splitlines())
    assert f"text: {payload}" in flat                      # the first item's whole text, wrapped
    assert all(len(line) <= 100 for line in out.splitlines()) and "(3 rows)" in out


def test_a_long_wait_shows_elapsed_against_expected_seconds_on_a_terminal(monkeypatch, capsys):
    """``ls pull`` waits for Label Studio to build its export (77-85 s for 10,000
    annotations) with nothing to show; the bar counts the seconds against the estimate."""
    import time

    from weaklabel import _progress

    with _progress.Waiting(3, desc="export") as w:        # not a terminal: no bar, no thread
        assert w._bar is None
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    with _progress.Waiting(3, desc="Label Studio exports project 7", tick=0.05):
        time.sleep(0.3)
    err = capsys.readouterr().err
    assert "Label Studio exports project 7" in err and "/~3 s" in err
    _progress.QUIET = True
    with _progress.Waiting(3, desc="x") as w:
        assert w._bar is None
    _progress.QUIET = False
