import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weaklabel import DatasetNotFoundError, InputError, LabelMatrix, LabelSpace
from weaklabel.io.tables import read_table, write_labels
from weaklabel.io.wrench import read_wrench_split, write_wrench_split


def test_wrench_round_trip(tmp_path):
    df = pd.DataFrame({"text": ["a", "b"], "label": [1, -1]}, index=[5, 9])
    L = LabelMatrix([[1, -1], [-1, 0]], ["x", "y"], [5, 9], LabelSpace(["no", "yes"]))
    write_wrench_split(tmp_path, "train", df, L)
    back = read_wrench_split(tmp_path, "train")
    assert back.L.votes.tolist() == L.votes.tolist()
    assert back.L.label_space == L.label_space
    assert back.df["text"].tolist() == ["a", "b"] and back.y.tolist() == [1, -1]
    with pytest.raises(DatasetNotFoundError, match=r"split 'test' not found.*holds \['label', 'train'\]"):
        read_wrench_split(tmp_path, "test")


def test_malformed_wrench_json(tmp_path):
    (tmp_path / "label.json").write_text(json.dumps({"0": "a", "1": "b"}))
    (tmp_path / "train.json").write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        read_wrench_split(tmp_path, "train")
    (tmp_path / "train.json").write_text(json.dumps({"0": {"data": {"text": "x"}}}))
    with pytest.raises(InputError, match="lacks 'data' or 'weak_labels'"):
        read_wrench_split(tmp_path, "train")


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl", ".json"])
def test_read_table_formats(tmp_path, suffix):
    df = pd.DataFrame({"id": ["a", "b"], "text": ["x", "y"]})
    path = tmp_path / f"t{suffix}"
    {".csv": lambda: df.to_csv(path, index=False),
     ".parquet": lambda: df.to_parquet(path, index=False),
     ".jsonl": lambda: df.to_json(path, orient="records", lines=True),
     ".json": lambda: df.to_json(path, orient="records")}[suffix]()
    back = read_table(path, id_column="id")
    assert back.index.tolist() == ["a", "b"] and back["text"].tolist() == ["x", "y"]


def test_read_table_errors(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"nope")
    with pytest.raises(InputError, match="could not read"):
        read_table(bad)
    with pytest.raises(InputError, match="unsupported file type"):
        (tmp_path / "x.xlsx").write_text("")
        read_table(tmp_path / "x.xlsx")
    (tmp_path / "ok.csv").write_text("id,text\n1,a\n1,b\n")
    with pytest.raises(InputError, match="duplicate ids"):
        read_table(tmp_path / "ok.csv", id_column="id")
    with pytest.raises(InputError, match="not a column"):
        read_table(tmp_path / "ok.csv", id_column="key")


def test_write_labels_columns(tmp_path):
    L = LabelMatrix([[0, 1], [-1, -1], [1, 1]])
    probs = np.array([[0.5, 0.5], [0.7, 0.3], [0.1, 0.9]])
    # row 1 has no votes: whatever the prediction, it gets no label and is marked uncovered
    write_labels(tmp_path / "labels.csv", L.row_ids, probs, np.array([-1, 0, 1]), L, ("ham", "spam"))
    out = pd.read_csv(tmp_path / "labels.csv", keep_default_na=False)
    assert list(out.columns) == ["row_id", "p_ham", "p_spam", "label", "confidence", "source", "n_votes",
                                 "conflict", "covered"]
    assert out["label"].tolist() == ["", "", "spam"]
    assert out["covered"].astype(str).tolist() == ["True", "False", "True"]
    assert out["n_votes"].tolist() == [2, 0, 2]
    assert out["conflict"].astype(str).tolist() == ["True", "False", "False"]


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_write_labels_formats_and_expert_override(tmp_path, suffix):
    L = LabelMatrix([[0, 1], [-1, -1]])
    probs = np.array([[0.6, 0.4], [0.5, 0.5]])
    path = write_labels(tmp_path / f"labels{suffix}", L.row_ids, probs, np.array([0, -1]), L, ("ham", "spam"),
                        expert=np.array([-1, 1]))
    out = pd.read_parquet(path) if suffix == ".parquet" else pd.read_json(path, lines=True)
    assert out["label"].tolist() == ["ham", "spam"] and out["source"].tolist() == ["model", "expert"]
    with pytest.raises(InputError, match="written as .csv, .parquet or .jsonl"):
        write_labels(tmp_path / "labels.txt", L.row_ids, probs, np.array([0, -1]), L, ("ham", "spam"))


def test_a_crash_while_writing_leaves_no_half_written_output(tmp_path, monkeypatch):
    from weaklabel.pipeline import run

    out = tmp_path / "out"
    run("breast_cancer", "weaklabel.demo", out=out, split="all")
    before = (out / "labels.csv").read_bytes()

    def crash(_self, path, *args, **kwargs):
        Path(path).write_text("row_id,p_malig")  # half a file ...
        raise OSError("disk full")                # ... then the crash

    monkeypatch.setattr(pd.DataFrame, "to_csv", crash)
    with pytest.raises(OSError, match="disk full"):
        run("breast_cancer", "weaklabel.demo", out=out, split="all")
    assert (out / "labels.csv").read_bytes() == before       # the old output is intact
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]  # no debris


FORMULA_IDS = ['=HYPERLINK("http://evil.example","click")', "+cmd|'/c calc'!A0", "@SUM(A1:A9)", "-2+3", "\tx"]


def test_csv_outputs_neutralise_formulas_and_read_back_as_written(tmp_path):
    """Ids like =HYPERLINK(...) were written as they are and ran in a spreadsheet."""
    from weaklabel.review.store import ExpertLabelStore

    ids = np.array(FORMULA_IDS + ["-5", "+1.5", "plain"], dtype=object)
    probs = np.tile([[0.3, 0.7]], (len(ids), 1))
    path = write_labels(tmp_path / "labels.csv", ids, probs, np.ones(len(ids), dtype=int), None, ("a", "b"))
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)["row_id"].tolist()
    assert all(cell.startswith("'") for cell in raw[:len(FORMULA_IDS)])     # inert in a spreadsheet
    assert raw[len(FORMULA_IDS):] == ["-5", "+1.5", "plain"]               # numbers and text unchanged
    back = read_table(path, text_columns=("row_id",))["row_id"].tolist()
    assert back == ids.tolist()                                            # and they read back as written
    store = ExpertLabelStore(f"sqlite:///{tmp_path / 's.db'}", project="p", label_space=LabelSpace(["a", "b"]))
    store.add_labels([(i, 1, "ana") for i in FORMULA_IDS])
    store.export(tmp_path / "gold.csv")
    cells = pd.read_csv(tmp_path / "gold.csv", dtype=str, keep_default_na=False)["row_id"]
    assert cells.str.startswith("'").all()
    assert sorted(read_table(tmp_path / "gold.csv", text_columns=("row_id",))["row_id"]) == sorted(FORMULA_IDS)
