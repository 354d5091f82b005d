"""Slicing functions in weaklabel's own API and `weaklabel analyze --slices`."""

import numpy as np
import pandas as pd
import pytest

from weaklabel import keyword_lf
from weaklabel.cli import main
from weaklabel.compat.snorkel.slicing import slicing_function as snorkel_slicing_function
from weaklabel.exceptions import InputError, InputTypeError
from weaklabel.slicing import SlicingFunction, apply_slices, slice_scores, slicing_function

from .conftest import SHARED_DATA

DF = pd.DataFrame({"text": ["hi", "see http://x", "hello there friend", "ok http"]}, index=["a", "b", "c", "d"])


@slicing_function(columns=["text"])
def short(row):
    return len(row.text.split()) < 2


@snorkel_slicing_function()
def mentions_friend(x):
    return "friend" in x.text


def test_slices_from_sfs_templates_and_snorkel_style_sfs():
    link = keyword_lf("http", label=1, name="has_link")  # any LF: the rows it votes on
    vec = SlicingFunction("long", lambda df: df["text"].str.len() > 10, vectorized=True)
    S = apply_slices([short, link, mentions_friend, vec], DF)
    assert S.index.tolist() == ["a", "b", "c", "d"]
    assert S.to_dict("list") == {"short": [True, False, False, False], "has_link": [False, True, False, True],
                                 "mentions_friend": [False, False, True, False],
                                 "long": [False, True, True, False]}


def test_slice_scores_by_hand():
    S = pd.DataFrame({"s": [True, True, False, False, True]})
    y = np.array([0, 1, 1, 0, -1])       # last row has no gold
    preds = np.array([0, 0, 1, -1, 1])   # row 3 abstains
    t = slice_scores(S, y, preds, metrics=("accuracy", "coverage"))
    # overall: gold on 4 rows, 3 predicted, 2 right
    assert t.loc["overall", ["rows", "gold", "scored"]].tolist() == [5, 4, 3]
    assert t.loc["overall", "accuracy"] == pytest.approx(2 / 3)
    assert t.loc["overall", "coverage"] == pytest.approx(3 / 4)
    # slice s: rows 0, 1, 4; gold on 0, 1; one right of two; Wilson(1, 2) = [0.095, 0.905]
    assert t.loc["s", "accuracy"] == pytest.approx(0.5)
    assert t.loc["s", "acc_low"] == pytest.approx(0.0945, abs=1e-3)
    assert t.loc["s", "acc_high"] == pytest.approx(0.9055, abs=1e-3)


def test_slicing_errors_are_named():
    with pytest.raises(InputTypeError, match="with parentheses"):
        @slicing_function
        def bare(_row):
            return True
    with pytest.raises(InputError, match="duplicate slice names"):
        apply_slices([short, short], DF)
    with pytest.raises(InputError, match="one entry per row"):
        slice_scores(pd.DataFrame({"s": [True]}), [0, 1], [0, 1])


@pytest.mark.skipif(not (SHARED_DATA / "youtube").is_dir(), reason="needs ../shared/datasets/youtube")
def test_analyze_slices_reports_both_models_and_writes_html(tmp_path, capsys):
    sfs = tmp_path / "sfs.py"
    sfs.write_text("from weaklabel.slicing import slicing_function\n\n"
                   "@slicing_function(columns=['text'])\ndef short_comment(row):\n"
                   "    return len(row.text.split()) < 5\n")
    html = tmp_path / "r.html"
    assert main(["analyze", "--data", "youtube", "--split", "test", "--data-dir", str(SHARED_DATA),
                 "--slices", str(sfs), "--html", str(html)]) == 0
    out = capsys.readouterr().out
    assert "Slices: label model" in out and "Slices: end model" in out
    block = out.split("Slices: label model")[1].splitlines()
    overall = next(line for line in block if line.startswith("overall"))
    assert overall.split()[1:3] == ["250", "250"]  # all 250 test rows, all with gold
    assert "short_comment" in out and "acc_low" in out
    assert html.read_text().count("<h2>Slices:") == 2
    # a missing module is a clear error naming the option, not a traceback
    assert main(["analyze", "--data", "youtube", "--split", "test", "--data-dir", str(SHARED_DATA),
                 "--slices", str(tmp_path / "missing.py")]) == 1
    assert "slices: no such file" in capsys.readouterr().err
