"""Bad inputs, label models, matrices, analysis and the benchmark: each case with its exact error (docs/bad-inputs.md)."""

import numpy as np
import pytest

from weaklabel import (
    InputError,
    LabelMatrix,
    LabelSpace,
    lf_summary,
)
from weaklabel.models import DawidSkene, LabelModel, LabelModelWarning, MajorityVote

from ._shared import _warns, run_case

CASES = {
    "no-votes-at-all": (lambda t: LabelModel().fit(np.full((5, 3), -1)), InputError,
                        r"L: no LF voted on any of the 5 rows \(all -1\).*lf_summary"),
    "one-lf": (lambda t: _warns(LabelModelWarning, r"only 1 LF\(s\)", lambda: MajorityVote().fit(np.array([[0], [1]]))),
               None, None),
    "class-without-votes": (lambda t: _warns(LabelModelWarning, r"class\(es\) \['c'\] get no vote from any LF",
                                             lambda: DawidSkene().fit(LabelMatrix(
                                                 [[0, 1, 0], [1, 1, -1], [0, 0, 0]],
                                                 label_space=LabelSpace(["a", "b", "c"])))), None, None),
    "wrong-width-at-predict": (lambda t: MajorityVote().fit(np.array([[0, 1, 1]])).predict(np.array([[0, 1]])),
                               InputError, r"fitted on 3 LFs but L has 2 columns; apply the same LF suite"),
    "wrong-cardinality": (lambda t: DawidSkene(cardinality=2).fit(np.array([[0, 2, 1]])), InputError,
                          r"holds class 2 but cardinality=2 allows 0..1; pass cardinality=3"),
    "float-votes": (lambda t: MajorityVote().fit(np.array([[0.5, 1.0]])), TypeError,
                    r"L: expected integer votes .* got dtype float64; use -1 for abstain instead of NaN"),
    "gold-wrong-length": (lambda t: MajorityVote().fit(np.array([[0, 1, 1]] * 3), y=[0, 1]), InputError,
                          r"y: expected one label per row of L \(3\), got 2"),
    "gold-class-typo": (lambda t: LabelModel().fit(np.array([[0, 1, 1], [1, 0, 1]] * 5),
                                                   np.array([0, 5] + [-1] * 8)), InputError,
                        r"y: holds class 5 but no LF votes above 1 and no cardinality was given; fix the gold "
                        r"label, or pass cardinality=6"),
    "mat-missing-train": (lambda t: _bad_mat(t), InputError, r"expected a 'train_pred' matrix"),
    "summary-gold-out-of-range": (lambda t: lf_summary(LabelMatrix([[0, 1], [1, 1]], label_space=LabelSpace(
        ["a", "b"])), np.array([0, 5])), InputError,
        r"y: labels must be -1 \(unknown\) or 0..1 for \['a', 'b'\], got \{5\}; fix the gold labels"),
    "mat-votes-too-large": (lambda t: _mat(t, {"train_pred": np.array([[0, 200]]), "train_labels": np.array([[0]])}),
                            InputError, r"'train_pred' holds class 200; at most 127 classes"),
    "mat-non-integer-votes": (lambda t: _mat(t, {"train_pred": np.array([[0, 0.5]]), "train_labels": np.array([[0]])}),
                              InputError, r"'train_pred' must hold integers >= -1 \(-1 = abstain\)"),
    "ds-confusion-auto": (lambda t: __import__("weaklabel.models", fromlist=["DawidSkene"]).DawidSkene(
        confusion="auto").fit(np.array([[0, 1, 1], [1, 1, 0]])), InputError, r"confusion: .*'auto'"),
    "model-abstains-bad": (lambda t: LabelModel(model_abstains="sometimes").fit(np.array([[0, 1, 1], [1, 1, 0]])),
                           InputError, r"model_abstains: expected one of 'auto', True, False, got 'sometimes' \(LabelModel\(model_abstains=...\)\)"),
    "crowdkit-unknown-method": (lambda t: __import__("weaklabel.models", fromlist=["CrowdKitModel"]).CrowdKitModel(
        method="Wawa").fit(np.array([[0, 1, 1], [1, 1, 0]])), InputError,
        r"method: expected one of 'DawidSkene', 'OneCoinDawidSkene', 'GLAD', 'MACE', got 'Wawa'"),
    "anchors-missing-extra": (lambda t: _no_anchors(t), ImportError, r"pip install 'weaklabel\[anchors\]'"),
    "gold-inf": (lambda t: LabelModel().fit(np.array([[0, 1, 1], [1, 0, 1]]), np.array([0, np.inf])), InputError,
                 r"y: labels must be -1 \(unknown\) or 0..k-1, got \{inf\}"),
    "gold-beyond-cardinality": (lambda t: LabelModel(cardinality=2).fit(np.array([[0, 1, 1], [1, 0, 1]]),
                                                                        np.array([0, 2])), InputError,
                                r"y: holds class 2 but cardinality=2 allows 0..1; fix the gold label"),
    "npz-forged-size": (lambda t: LabelMatrix.load(_forged_npz(t)), InputError,
                        r"is damaged: votes.npy claims shape \(1000000, 1000000\) \(1,000,000,000,000 bytes\) "
                        r"but holds 16"),
    "compat-probs-nan": (lambda t: _compat_probs([[0.5, 0.5], [np.nan, np.nan]]), ValueError,
                         r"probs has NaN or infinite values in 1 row\(s\), first row 1"),
    "compat-probs-strings": (lambda t: _compat_probs([["0.2", "0.8"]]), ValueError,
                             r"probs must hold numbers, got dtype <U3"),
    "html-dollar-names": (lambda t: _html_dollar_names(t), None, None),
    "run-summary-not-json": (lambda t: _run_with_summary(t, b"<html>"), InputError,
                             r"out: .*summary.json is an HTML page, not valid JSON"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case, tmp_path):
    run_case(CASES, case, tmp_path)


def _compat_probs(rows):
    from weaklabel.compat.snorkel.utils import probs_to_preds

    return probs_to_preds(np.array(rows))


def _html_dollar_names(t):
    import warnings

    from weaklabel.analysis import write_html_report

    L = LabelMatrix(np.array([[0, 1, 1], [1, 1, 0], [0, 0, -1], [1, -1, 1]] * 10), ["$a$", "b", "c"],
                    label_space=LabelSpace(["$10_to_$50", "$50_to_$100"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = write_html_report(t / "r.html", L).read_text()    # it crashed before writing anything
    assert text.count("data:image/png;base64,") >= 1


def _bad_mat(t):
    from scipy.io import savemat

    from weaklabel.io.matfile import read_mat_splits

    savemat(t / "x.mat", {"test_pred": np.zeros((2, 2))})
    read_mat_splits(t / "x.mat")


def _forged_npz(t):
    """A tiny .npz whose votes header claims 10^12 cells."""
    import zipfile

    path = t / "forged.npz"
    LabelMatrix([[0, 1]]).save(path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            if name == "votes.npy":
                with zf.open(name, "w") as fh:
                    np.lib.format.write_array_header_1_0(
                        fh, {"descr": "|i1", "fortran_order": False, "shape": (10**6, 10**6)})
                    fh.write(b"\0" * 16)
            else:
                zf.writestr(name, data)
    return path


def _run_with_summary(t, content):
    from weaklabel.pipeline import load_run_matrix, run

    run("breast_cancer", "weaklabel.demo", out=t / "out", split="all")
    (t / "out" / "summary.json").write_bytes(content)
    load_run_matrix(t / "out" / "L.npz")


def _mat(t, content):
    from scipy.io import savemat

    from weaklabel.io.matfile import read_mat_splits

    savemat(t / "m.mat", content)
    read_mat_splits(t / "m.mat")


def _no_anchors(_t):
    import sys
    from unittest import mock

    from weaklabel.models import CrowdKitModel

    with mock.patch.dict(sys.modules, {"crowdkit.aggregation": None}):
        CrowdKitModel().fit(np.array([[0, 1, 1], [1, 1, 0]]))
