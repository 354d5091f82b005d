"""`weaklabel benchmark` on sequence sets (weaklabel/bench/harness_spans.py)."""

import json

import pytest

from weaklabel import InputError
from weaklabel.bench.harness_spans import run_seq, summarize_seq
from weaklabel.cli import main
from weaklabel.spans.matrix import SpanMatrix
from weaklabel.spans.wrench import SeqSplit, write_seq_split


def _write(folder, splits=("train", "test"), layout="spans"):
    for k, split in enumerate(splits):
        docs, lfs, lengths = [], [], []
        for d in range(30):
            s = (d + k) % 4
            docs.append([(s, s + 2, "PER")])
            noise = [(5, 6, "LOC")] if d % 2 else []
            lfs.append([[(s, s + 2, "PER")], [(s, s + 1, "PER")] if d % 3 else [], noise])
            lengths.append(8)
        L = SpanMatrix.from_spans(lfs, lengths, ["PER", "LOC"], ["exact", "first", "noise"])
        tokens = [[f"w{i}" for i in range(8)] for _ in range(30)]
        write_seq_split(folder, split, SeqSplit([str(i) for i in range(30)], tokens, docs, L), layout=layout)
    return folder


def test_run_scores_every_model_and_fits_on_valid_without_train(tmp_path):
    a = _write(tmp_path / "a")
    b = _write(tmp_path / "b", splits=("valid", "test"), layout="bio")
    res = run_seq([a, b])
    # the end model's row is there wherever python-crfsuite is (the endmodel extra; CI has it)
    assert set(res["model"]) - {"end_model_crf"} == {"seq_default", "token_majority", "token_dawid_skene", "hmm"}
    assert res.groupby("dataset")["fit_split"].first().to_dict() == {"a": "train", "b": "valid"}
    assert (res["f1"] > 0.3).all() and (res["f1"] <= 1).all()
    table = summarize_seq(res, published=True)
    assert list(table.columns) == ["a", "b", "mean", "< MV-1"]
    assert "CHMM, BERT embeddings (WRENCH)" not in table.index       # no WRENCH set here
    with pytest.raises(InputError, match="unknown sequence model 'nope'"):
        run_seq([a], models=["nope"])


def test_cli_finds_sequence_sets_in_a_parent_folder_and_writes_json(tmp_path, capsys):
    _write(tmp_path / "sets" / "one")
    _write(tmp_path / "sets" / "two", layout="bio")
    assert main(["benchmark", str(tmp_path / "sets"), "--json", str(tmp_path / "r.json"), "--times"]) == 0
    out = capsys.readouterr().out
    assert "| model | one | two | mean | < MV-1 |" in out and "| seq_default |" in out
    assert "fit + predict seconds" in out
    rows = json.loads((tmp_path / "r.json").read_text())
    assert {r["dataset"] for r in rows} == {"one", "two"} and {"f1", "precision", "recall"} <= set(rows[0])


def test_skweak_anchor_runs_on_the_same_votes(tmp_path):
    pytest.importorskip("skweak", reason="skweak's HMM is in the anchors extra: pip install 'weaklabel[anchors]'")
    res = run_seq([_write(tmp_path / "a")], models=["token_majority"], anchors=True)
    assert set(res["model"]) == {"token_majority", "skweak_hmm"}
    assert res.set_index("model").loc["skweak_hmm", "f1"] > 0.3


def test_the_end_model_row_tags_test_documents_with_the_crf(tmp_path):
    pytest.importorskip("pycrfsuite", reason="the span end model needs python-crfsuite (the endmodel extra)")
    res = run_seq([_write(tmp_path / "a")], models=["seq_default", "end_model_crf"]).set_index("model")
    # the toy's test documents shift the entity by one token: the CRF reads words and votes, and
    # must do at least as well as the label model it learned from
    assert res.loc["end_model_crf", "f1"] >= res.loc["seq_default", "f1"] - 0.05
    assert res.loc["end_model_crf", "f1"] > 0.5
