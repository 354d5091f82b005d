"""Bad inputs, files and formats: tables, WRENCH and sequence sets, JSON, datasets and fetch, LF suites: each case with its exact error (docs/bad-inputs.md)."""

import numpy as np
import pandas as pd
import pytest

from weaklabel import (
    DatasetNotFoundError,
    InputError,
    load_dataset,
)
from weaklabel.io.tables import read_table
from weaklabel.io.wrench import read_wrench_split

from ._shared import _check, _tmp, run_case

CASES = {
    "malformed-csv": (lambda t: read_table(_tmp(t, "x.csv", b"a,b\n\"unclosed,1\n")), InputError,
                      r"data: could not read .*x.csv' as csv"),
    "malformed-json": (lambda t: read_table(_tmp(t, "x.json", "{nope")), InputError, r"could not read .* as json"),
    "malformed-parquet": (lambda t: read_table(_tmp(t, "x.parquet", b"PAR1garbage")), InputError,
                          r"could not read .* as parquet"),
    "unsupported-file": (lambda t: read_table(_tmp(t, "x.xlsx", "")), InputError,
                         r"unsupported file type '.xlsx'; use one of"),
    "wrench-missing-split": (lambda t: read_wrench_split(_wrench(t), "test"), DatasetNotFoundError,
                             r"split 'test' not found: looked for .*test.json; the folder holds \['label', 'train'\]"),
    "dataset-dir-missing": (lambda t: load_dataset("sms", data_dir=t / "nowhere"), DatasetNotFoundError,
                            r"data_dir='.*nowhere' \(not a folder\). Fix: `weaklabel data fetch sms` downloads "
                            r"it into the cache, or pass data_dir="),
    "ids-leading-zeros-and-na": (lambda t: _check(read_table(_tmp(t, "x.csv", "id,text\n007,a\nNA,b\n1.0,c\n1,d\n"),
                                                              id_column="id").index.tolist()
                                                   == ["007", "NA", "1.0", "1"]), None, None),
    "ids-blank": (lambda t: read_table(_tmp(t, "x.csv", "id,text\n1,a\n,b\n"), id_column="id"), InputError,
                  r"'id' has 1 missing or blank id\(s\) \(data rows \[2\]\); every row needs an id"),
    "lfs-import-raises": (lambda t: _lfs_raise(t), InputError,
                          r"lfs: importing '.*boom.py' raised ZeroDivisionError: division by zero; fix the LF module"),
    "csv-formula-ids": (lambda t: _csv_formula_ids(t), None, None),
    "fetch-foreign-folder": (lambda t: _fetch_into_a_foreign_folder(t), InputError,
                             r"exists and was not made by `weaklabel data fetch` .*nothing was changed"),
    "fetch-zip-bomb": (lambda t: _fetch_zip(t, lambda zf: zf.writestr("bomb.csv", b"\0" * (40 << 20))), InputError,
                       r"member 'bomb.csv' unpacks \d+ times its packed size \(a zip bomb\?\); nothing was saved"),
    "fetch-zip-same-name": (lambda t: _fetch_zip(t, lambda zf: (zf.writestr("a/x.csv", "1"), zf.writestr("b/x.csv", "2"))),
                            InputError, r"members 'a/x.csv' and 'b/x.csv' would both unpack to 'x.csv'"),
    "json-not-utf8": (lambda t: read_annotations_or_export(_tmp(t, "ls.json", "[{\"a\": \"caf\xe9\"}]".encode("latin-1"))),
                      InputError, r"file: .*ls.json is not UTF-8 text \(byte 11: invalid continuation byte\)"),
    "json-too-deep": (lambda t: _seq_folder(t, b"[" * 100_000 + b"]" * 100_000), InputError,
                      r"test split: .*test.json nests JSON too deeply to be a weaklabel input"),
    "seq-split-shape": (lambda t: _seq_folder(t, b'{"x": {"y": 1}}'), InputError,
                        r"test split: .*test.json must be a JSON object of id -> \{\"data\": \{\"text\": \[tokens\]\}"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case, tmp_path):
    run_case(CASES, case, tmp_path)


def _fetch_into_a_foreign_folder(t):
    from weaklabel.io.fetch import fetch

    (t / "youtube").mkdir()
    (t / "youtube" / "mine.txt").write_text("keep")
    try:
        fetch("youtube", root=t, force=True, mirror=(t / "nowhere").as_uri())
    finally:
        assert (t / "youtube" / "mine.txt").read_text() == "keep"


def _csv_formula_ids(t):
    from weaklabel.io.tables import read_table, write_labels

    ids = np.array(['=HYPERLINK("http://x.example")', "@SUM(A1)", "-5"], dtype=object)
    path = write_labels(t / "l.csv", ids, np.tile([[0.4, 0.6]], (3, 1)), np.ones(3, dtype=int), None, ("a", "b"))
    cells = pd.read_csv(path, dtype=str, keep_default_na=False)["row_id"].tolist()
    assert cells == ["'" + ids[0], "'" + ids[1], "-5"]
    assert read_table(path, text_columns=("row_id",))["row_id"].tolist() == ids.tolist()


def _wrench(t):
    d = t / "w"
    d.mkdir()
    (d / "label.json").write_text('{"0": "a", "1": "b"}')
    (d / "train.json").write_text('{"0": {"label": 0, "weak_labels": [0], "data": {"text": "x"}}}')
    return d


def _lfs_raise(t):
    from weaklabel.io.suite import load_suite

    load_suite(str(_tmp(t, "boom.py", "x = 1 / 0\n")))


def _fetch_zip(t, build):
    """`data fetch youtube_raw` from a file:// mirror whose zip ``build(zipfile)`` writes."""
    import zipfile

    from weaklabel.io.fetch import fetch

    (t / "m" / "380").mkdir(parents=True)
    with zipfile.ZipFile(t / "m" / "380" / "youtube+spam+collection.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        build(zf)
    try:
        fetch("youtube_raw", root=t / "c", mirror=(t / "m").as_uri())
    finally:
        assert not (t / "c").exists() or list((t / "c").iterdir()) == []   # nothing saved


def read_annotations_or_export(path):
    from weaklabel.io.labelstudio import read_export

    return read_export(path, ["HAM", "SPAM"])


def _seq_folder(t, split_bytes):
    from weaklabel.spans.wrench import read_seq_splits

    d = t / "seq"
    d.mkdir()
    (d / "meta.json").write_text('{"lf": ["a"], "entity_types": ["PER"]}')
    (d / "test.json").write_bytes(split_bytes)
    read_seq_splits(d)
