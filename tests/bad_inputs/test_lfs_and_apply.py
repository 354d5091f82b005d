"""Bad inputs, LFs, templates and apply (and its vote cache): each case with its exact error (docs/bad-inputs.md)."""

import time

import numpy as np
import pandas as pd
import pytest

from weaklabel import (
    FaultWarning,
    InputError,
    LabelSpace,
    LFError,
    MissingColumnError,
    apply_lfs,
    keyword_lf,
    labeling_function,
)
from weaklabel.cache import VoteCache

from ._shared import _check, _tmp, _warns, lf, run_case

CASES = {
    "missing-column": (lambda t: apply_lfs([keyword_lf("a", label=0, column="body")], TEXT),
                       MissingColumnError, r"needs column\(s\) \['body'\], but the frame has \['text'\]"),
    "misspelled-column": (lambda t: apply_lfs([keyword_lf("a", label=0, column="txet")], TEXT),
                          MissingColumnError, r"did you mean 'text' for 'txet'"),
    "nan-text-row-wise": (lambda t: apply_lfs([labeling_function("has_x", columns=["text"])(
                              lambda r: int("x" in r.text.lower()))],
                                              pd.DataFrame({"text": ["x", None]})),
                          LFError, r"row id 1; that row has a missing value \(NaN/None\) in \['text'\]: fill it"),
    "non-string-text": (lambda t: _check(keyword_lf("a", label=1).apply(pd.DataFrame({"text": [3.5, None, "a"]}))
                                         .tolist() == [-1, -1, 1]), None, None),
    "empty-frame": (lambda t: apply_lfs([keyword_lf("a", label=0)], TEXT.iloc[:0]),
                    InputError, r"df: expected at least one row, got an empty frame with columns \['text'\]"),
    "duplicate-row-ids": (lambda t: apply_lfs([keyword_lf("a", label=0)], TEXT.set_axis([1, 1])),
                          InputError, r"row ids in the frame's index must be unique, but \[1\] repeat"),
    "missing-row-ids": (lambda t: apply_lfs([keyword_lf("a", label=0)], TEXT.assign(id=[1, None]), id_column="id"),
                        InputError, r"column 'id' has missing row ids"),
    "duplicate-lf-names": (lambda t: apply_lfs([keyword_lf("a", label=0), keyword_lf("a", label=1)], TEXT),
                           InputError, r"LF names must be unique .* \['keyword_a'\] appear more than once; rename"),
    "lf-returns-bool": (lambda t: apply_lfs([lf(lambda r: True)], TEXT), LFError,
                        r"'bad_lf' returned bool True on row id 7; expected an int .* not a bool"),
    "lf-returns-float": (lambda t: apply_lfs([lf(lambda r: 1.0)], TEXT), LFError, r"returned float 1.0 .* not a float"),
    "lf-returns-str": (lambda t: apply_lfs([lf(lambda r: "spam")], TEXT), LFError,
                       r"returned str 'spam' .* return the class index \(e.g. LABELS.spam\)"),
    "lf-returns-none": (lambda t: apply_lfs([lf(lambda r: None)], TEXT), LFError,
                        r"returned NoneType None .* return ABSTAIN \(-1\) to abstain"),
    "lf-out-of-range": (lambda t: apply_lfs([lf(lambda r: 2)], TEXT, label_space=["ham", "spam"]), LFError,
                        r"returned values \{2\} outside \{-1, 0, 1\} \(first at row id 7\)"),
    "vectorized-bool": (lambda t: apply_lfs([lf(lambda d: np.ones(len(d), bool), vectorized=True)], TEXT), LFError,
                        r"returned booleans; .* np.where\(mask, LABELS.<class>, ABSTAIN\)"),
    "vectorized-misaligned": (lambda t: apply_lfs([lf(lambda d: pd.Series([0, 1]), vectorized=True)], TEXT),
                              LFError, r"index does not match the frame's index"),
    "lf-raises": (lambda t: apply_lfs([lf(lambda r: 1 // 0)], TEXT), LFError,
                  r"'bad_lf' raised ZeroDivisionError: integer division or modulo by zero on row id 7.*fault_tolerant=True"),
    "lf-raises-tolerant": (lambda t: _warns(FaultWarning, r"2 LF call\(s\) raised .* bad_lf: 2 rows",
                                            lambda: apply_lfs([lf(lambda r: 1 // 0)], TEXT, fault_tolerant=True)),
                           None, None),
    "lf-hangs": (lambda t: _check(apply_lfs([lf(lambda r: time.sleep(0.2) or -1)], TEXT)
                                  .apply_report.seconds["bad_lf"] >= 0.4), None, None),
    "snake-case-name": (lambda t: keyword_lf("a", label=0, name="Bad Name"), InputError,
                        r"name: LF names must be snake_case .* got 'Bad Name'"),
    "cache-into-foreign-folder": (lambda t: VoteCache(_tmp(t, "notes.txt", "keep").parent).put(
        "0" * 32, np.zeros(2, dtype=np.int8)), InputError, r"already holds other files and is not a weaklabel "
                                                             r"vote cache; point --cache"),
    "cache-stale-constant": (lambda t: _stale_constant(t), None, None),
    "cache-damaged-entry": (lambda t: _damaged_entry(t), None, None),
    "lf-edits-its-frame": (lambda t: _vandal_lf(t), None, None),
    "lf-returns-huge-int": (lambda t: apply_lfs([lf(lambda x: 2**70)], TEXT), LFError,
                            r"'bad_lf' returned 1180591620717411303424 \(first at row id 7\); return a class index"),
    "lf-returns-intenum": (lambda t: _check(apply_lfs([lf(lambda x: _Cls.SPAM)], TEXT, label_space=LabelSpace(
        ["HAM", "SPAM"])).votes[:, 0].tolist() == [1, 1]), None, None),
    "ooc-duplicate-ids": (lambda t: _ooc_dupes(t), InputError, r"ids that repeat across chunks \['a'\]"),
    "cache-path-is-a-file": (lambda t: VoteCache(_tmp(t, "f", "x")).put("0" * 32, np.zeros(2, dtype=np.int8)),
                             InputError, r"cache: .*/f is a file, not a folder; pass --cache a folder"),
    "worker-process-dies": (lambda t: _worker_dies(t), LFError, r"LF 'lf_exit' killed its worker process"),
    # round 3
    "lf-sys-exit": (lambda t: _apply_sys_exit(), LFError, r"LF 'quits' raised SystemExit"),
    "cache-disk-full": (lambda t: _cache_disk_full(t), None, None),
    "worker-dies-tolerant": (lambda t: _worker_dies_tolerant(t), None, None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case, tmp_path):
    run_case(CASES, case, tmp_path)


TEXT = pd.DataFrame({"text": ["a b", "c d"]}, index=[7, 8])


def _cache_disk_full(t):
    import errno
    import warnings
    from unittest import mock

    from weaklabel import labeling_function
    from weaklabel.exceptions import WeakLabelWarning

    @labeling_function()
    def has_a(x):
        return 1 if "a" in x.text else -1

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with mock.patch("numpy.savez", full), warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        L = apply_lfs([has_a], pd.DataFrame({"text": ["a", "b"]}), cache=t / "cache")
    assert L.votes[:, 0].tolist() == [1, -1]
    assert [w.category for w in rec] == [WeakLabelWarning] and "uncached" in str(rec[0].message)


def _apply_sys_exit():
    import sys

    from weaklabel import labeling_function

    @labeling_function()
    def quits(_x):
        sys.exit(0)

    return apply_lfs([quits], pd.DataFrame({"text": ["a"]}))


def _stale_constant(t):
    """An edited module-level constant is a cache miss, not last run's votes."""
    df = pd.DataFrame({"x": np.arange(10.0)})
    mod = t / "edit_me.py"
    for cut, expected in ((3.0, 6), (7.0, 2)):
        mod.write_text(f"from weaklabel import labeling_function\nCUT = {cut}\n"
                       "@labeling_function(columns=['x'])\ndef lf_cut(row):\n    return 1 if row.x > CUT else -1\n")
        import importlib.util
        spec = importlib.util.spec_from_file_location(f"edit_me_{int(cut)}", mod)
        m = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(m)
        assert (apply_lfs([m.lf_cut], df, cache=t / "cache").votes == 1).sum() == expected


def _damaged_entry(t):
    df = pd.DataFrame({"x": np.arange(10.0)})
    cut = labeling_function(columns=["x"], name="lf_cut")(lambda row: 1 if row.x > 4 else 0)
    apply_lfs([cut], df, cache=t / "cache")
    (entry,) = (t / "cache").glob("*.npz")
    raw = bytearray(entry.read_bytes())
    at = bytes(raw).find((np.arange(10) > 4).astype(np.int8).tobytes())  # inside the stored votes
    raw[at] ^= 0x01
    entry.write_bytes(bytes(raw))
    again = apply_lfs([cut], df, cache=t / "cache")
    assert again.apply_report.cache_misses == ["lf_cut"] and (again.votes[:, 0] == (np.arange(10) > 4)).all()


def _vandal_lf(_t):
    """A vectorized LF that edits its frame in place changes neither the caller's frame nor
    a later LF's votes."""
    df = pd.DataFrame({"text": ["a b", "buy now", "hello"]})

    @labeling_function(columns=["text"], vectorized=True)
    def vandal(d):
        d.loc[d.index[0], "text"] = "buy buy"
        d["text"] = "buy"
        return np.full(len(d), -1)

    L = apply_lfs([vandal, keyword_lf("buy", label=1)], df)
    assert df["text"].tolist() == ["a b", "buy now", "hello"] and L.votes[:, 1].tolist() == [-1, 1, -1]


def _ooc_dupes(t):
    from weaklabel.backends.outofcore import run_out_of_core
    from weaklabel.io.suite import load_suite

    cols = sorted({c for f in load_suite("weaklabel.demo").lfs for c in f.columns})
    pd.DataFrame({"id": ["a", "b", "c", "a"], **{c: [10.0, 20.0, 15.0, 12.0] for c in cols}}).to_parquet(t / "d.parquet")
    run_out_of_core(t / "d.parquet", "weaklabel.demo", out=t / "o", chunksize=2, id_column="id")


def _exit_on_three(row):
    import os

    if row.x == 3.0:
        os._exit(1)
    return -1


def _worker_dies(_t):
    lf_exit = labeling_function(columns=["x"], name="lf_exit")(_exit_on_three)
    apply_lfs([lf_exit], pd.DataFrame({"x": np.arange(20.0)}), n_jobs=2)


def _vote_or_exit_on_three(row):
    import os

    if row.x == 3.0:
        os._exit(1)
    return 0


def _worker_dies_tolerant(_t):
    lf_exit = labeling_function(columns=["x"], name="lf_exit")(_vote_or_exit_on_three)
    with pytest.warns(FaultWarning, match="lf_exit: 1 row"):
        L = apply_lfs([lf_exit], pd.DataFrame({"x": np.arange(20.0)}), n_jobs=2, fault_tolerant=True)
    assert L.votes[3, 0] == -1 and (np.delete(L.votes[:, 0], 3) == 0).all()


class _Cls(__import__("enum").IntEnum):
    HAM = 0
    SPAM = 1
