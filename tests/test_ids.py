"""Row ids are text end to end: read as written, compared as text, written back unchanged."""

import csv

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weaklabel import InputError
from weaklabel.cli import main
from weaklabel.io.tables import read_table
from weaklabel.review.project import Project
from weaklabel.review.queue import rank

SUITE = '''
from weaklabel import LabelSpace, keyword_lf
LABELS = LabelSpace(["HAM", "SPAM"])
LFS = [keyword_lf("buy", label=LABELS.SPAM), keyword_lf("hello", label=LABELS.HAM),
       keyword_lf("now", label=LABELS.SPAM)]
'''

# ids that type-guessing readers mangle: leading zeros, NA markers, float-looking, mixed
TRICKY = st.one_of(
    st.sampled_from(["007", "7", "07", "NA", "N/A", "None", "null", "nan", "1.0", "1", "01", "-0", "TRUE", "1e3"]),
    st.from_regex(r"[0-9]{1,4}", fullmatch=True),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,8}", fullmatch=True),
)


def _write(path, ids):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        for i, rid in enumerate(ids):
            w.writerow([rid, ["buy now", "hello there", "buy hello", "nothing"][i % 4]])


def _read_ids(path, column):
    return pd.read_csv(path, dtype=str, keep_default_na=False)[column].tolist()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(TRICKY, min_size=4, max_size=12, unique=True))
def test_ids_round_trip_through_run_store_export_and_import(tmp_path_factory, ids):
    d = tmp_path_factory.mktemp("ids")
    (d / "suite.py").write_text(SUITE)
    _write(d / "items.csv", ids)
    # run: labels.csv carries the ids byte for byte
    assert main(["run", "--data", str(d / "items.csv"), "--id-column", "id", "--lfs", str(d / "suite.py"),
                 "--out", str(d / "out"), "--no-cache"]) == 0
    assert _read_ids(d / "out" / "labels.csv", "row_id") == ids
    # the store: import labels for two ids, export them, and the queue never serves them again
    assert main(["init", "--path", str(d / "weaklabel.toml"), "--data", "items.csv", "--id-column", "id",
                 "--text-column", "text", "--lfs", "suite.py"]) == 0
    labeled = ids[:2]
    with open(d / "in.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["row_id", "label", "annotator"])
        for rid in labeled:
            w.writerow([rid, "SPAM", "ana"])
    assert main(["labels", "import", "--project", str(d / "weaklabel.toml"), "--file", str(d / "in.csv")]) == 0
    assert main(["labels", "export", "--project", str(d / "weaklabel.toml"), "--out", str(d / "gold.csv")]) == 0
    assert sorted(_read_ids(d / "gold.csv", "row_id")) == sorted(labeled)
    assert main(["queue", "--project", str(d / "weaklabel.toml"), "--export", str(d / "q.csv"), "--n", "50"]) == 0
    served = _read_ids(d / "q.csv", "row_id")
    assert not set(served) & set(labeled) and set(served) <= set(ids)


def test_ids_that_look_alike_are_distinct_and_na_is_an_id(tmp_path):
    _write(tmp_path / "x.csv", ["1", "01", "1.0", "NA"])
    df = read_table(tmp_path / "x.csv", id_column="id")
    assert df.index.tolist() == ["1", "01", "1.0", "NA"]
    assert df["text"].tolist()[0] == "buy now"


def test_blank_and_duplicate_ids_are_named(tmp_path):
    (tmp_path / "blank.csv").write_text("id,text\n1,a\n,b\n3,c\n")
    with pytest.raises(InputError, match=r"1 missing or blank id\(s\) \(data rows \[2\]\)"):
        read_table(tmp_path / "blank.csv", id_column="id")
    (tmp_path / "dup.csv").write_text("id,text\n007,a\n007,b\n7,c\n")
    with pytest.raises(InputError, match=r"duplicate ids \['007'\]"):
        read_table(tmp_path / "dup.csv", id_column="id")


def test_int_row_ids_and_text_store_keys_still_exclude_labeled_rows():
    from weaklabel import LabelMatrix

    Lm = LabelMatrix(np.array([[0, 1], [1, 0], [0, 1], [1, 1]]), row_ids=np.array([10, 11, 12, 13]))
    q = rank(Lm, "random", label_counts={"10": 1, "12": 1}, audit_fraction=0.0)
    assert sorted(str(r) for r in q["row_id"]) == ["11", "13"]


def test_import_refuses_unknown_ids_and_blank_ids(tmp_path):
    (tmp_path / "suite.py").write_text(SUITE)
    _write(tmp_path / "items.csv", ["007", "008", "009", "010"])
    proj = tmp_path / "weaklabel.toml"
    assert main(["init", "--path", str(proj), "--data", "items.csv", "--id-column", "id", "--lfs", "suite.py"]) == 0
    (tmp_path / "in.csv").write_text("row_id,label,annotator\n7,SPAM,ana\n007,HAM,ana\n")
    assert main(["labels", "import", "--project", str(proj), "--file", str(tmp_path / "in.csv")]) == 1
    assert Project.load(proj).open_store().events().empty  # nothing imported
    (tmp_path / "blank.csv").write_text("row_id,label,annotator\n007,SPAM,ana\n,HAM,ana\n")
    assert main(["labels", "import", "--project", str(proj), "--file", str(tmp_path / "blank.csv")]) == 1
    assert main(["labels", "import", "--project", str(proj), "--file", str(tmp_path / "in.csv"),
                 "--allow-unknown-ids"]) == 0


def test_class_names_that_look_like_indexes_resolve_by_name(tmp_path):
    (tmp_path / "suite.py").write_text(SUITE.replace('["HAM", "SPAM"]', '["1", "0"]').replace(
        "LABELS.SPAM", "0").replace("LABELS.HAM", "1"))
    _write(tmp_path / "items.csv", ["a", "b", "c", "d"])
    proj = tmp_path / "weaklabel.toml"
    assert main(["init", "--path", str(proj), "--data", "items.csv", "--id-column", "id", "--lfs", "suite.py"]) == 0
    (tmp_path / "in.csv").write_text("row_id,label,annotator\na,1,ana\n")
    assert main(["labels", "import", "--project", str(proj), "--file", str(tmp_path / "in.csv")]) == 0
    ev = Project.load(proj).open_store().events()
    assert ev["label"].tolist() == [0]  # the class *named* "1" is index 0
