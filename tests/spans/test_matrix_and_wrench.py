"""SpanMatrix (sparse token votes, abstain distinct from O) and WRENCH's two sequence layouts."""

import json

import pytest

from weaklabel import InputError
from weaklabel.spans.matrix import SpanMatrix
from weaklabel.spans.wrench import SeqSplit, is_seq_folder, read_seq_split, write_seq_split

TYPES = ["PER", "LOC"]


def test_from_spans_stores_abstain_o_and_bio_distinctly():
    L = SpanMatrix.from_spans([[[(0, 2, "PER")], [(1, 3, "LOC"), (0, 1, "O")]],
                               [[], [(0, 1, "PER"), (1, 2, "PER")]]], [4, 2], TYPES, ["a", "b"])
    assert L.n_docs == 2 and L.n_tokens == 6 and L.votes.nnz == 7
    assert L.bio_ids().tolist() == [[1, 0], [2, 3], [-1, 4], [-1, -1], [-1, 1], [-1, 1]]
    assert L.io_ids()[:, 1].tolist() == [0, 2, 2, -1, 1, 1]
    # adjacent spans of one type survive the round trip (BIO keeps them apart)
    assert L.to_spans() == [[[(0, 2, "PER")], [(1, 3, "LOC")]], [[], [(0, 1, "PER"), (1, 2, "PER")]]]


def test_overlaps_of_one_lf_resolve_and_bad_spans_are_named():
    L = SpanMatrix.from_spans([[[(0, 2, "PER"), (1, 4, "LOC")]]], [5], TYPES, ["a"])
    assert L.to_spans() == [[[(1, 4, "LOC")]]]
    with pytest.raises(InputError, match="LF 'a' labels a span 'ORG'"):
        SpanMatrix.from_spans([[[(0, 1, "ORG")]]], [2], TYPES, ["a"])
    with pytest.raises(InputError, match="outside document 0 of 2 tokens"):
        SpanMatrix.from_spans([[[(1, 3, "PER")]]], [2], TYPES, ["a"])
    with pytest.raises(InputError, match="span lists for 2 LFs, expected 1"):
        SpanMatrix.from_spans([[[], []]], [2], TYPES, ["a"])
    with pytest.raises(InputError, match="types: expected distinct"):
        SpanMatrix.from_spans([[[]]], [2], ["PER", "PER"], ["a"])


def test_from_bio_reads_o_as_no_vote_unless_told_otherwise():
    tags = [[["B-PER", "O"], ["I-PER", "B-LOC"], ["O", "O"]]]
    L = SpanMatrix.from_bio(tags, TYPES, ["a", "b"])
    assert L.bio_ids().tolist() == [[1, -1], [2, 3], [-1, -1]]
    explicit = SpanMatrix.from_bio(tags, TYPES, ["a", "b"], o_is_abstain=False)
    assert explicit.bio_ids().tolist() == [[1, 0], [2, 3], [0, 0]]
    with pytest.raises(InputError, match="'B-ORG' is not a BIO tag"):
        SpanMatrix.from_bio([[["B-ORG"]]], TYPES, ["a"])


def test_select_and_slice():
    L = SpanMatrix.from_spans([[[(0, 1, "PER")], [(1, 2, "LOC")]], [[(0, 2, "LOC")], []]], [3, 2], TYPES,
                              ["a", "b"])
    assert L.select_lfs(["b"]).to_spans() == [[[(1, 2, "LOC")]], [[]]]
    assert L.docs([1]).to_spans() == [[[(0, 2, "LOC")], []]]
    with pytest.raises(InputError, match="no LF named 'z'"):
        L.select_lfs(["z"])


@pytest.mark.parametrize("layout", ["spans", "bio"])
def test_wrench_layouts_round_trip(tmp_path, layout):
    L = SpanMatrix.from_spans([[[(0, 2, "PER")], [(2, 3, "LOC")]], [[], [(0, 1, "PER"), (1, 2, "PER")]]],
                              [4, 2], TYPES, ["a", "b"])
    split = SeqSplit(["0", "1"], [["Ann", "Lee", "in", "Oslo"], ["Bo", "Al"]],
                     [[(0, 2, "PER"), (3, 4, "LOC")], [(0, 1, "PER"), (1, 2, "PER")]], L)
    write_seq_split(tmp_path / "set", "train", split, layout=layout)
    assert is_seq_folder(tmp_path / "set")
    back = read_seq_split(tmp_path / "set", "train")
    assert back.tokens == split.tokens and back.gold == split.gold
    assert back.L.to_spans() == L.to_spans() and back.L.lf_names == ("a", "b")
    raw = json.loads((tmp_path / "set" / "train.json").read_text())
    first = raw["0"]["label"][0]
    assert isinstance(first, str) if layout == "bio" else first == [0, 2, "PER"]


def test_lf_rec_selects_the_lfs_wrench_scores_with(tmp_path):
    L = SpanMatrix.from_spans([[[(0, 1, "PER")], []]], [2], TYPES, ["a", "b"])
    write_seq_split(tmp_path, "test", SeqSplit(["0"], [["x", "y"]], [[(0, 1, "PER")]], L))
    meta = json.loads((tmp_path / "meta.json").read_text())
    meta["lf_rec"] = ["b"]
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    assert read_seq_split(tmp_path, "test").L.lf_names == ("b",)
    assert read_seq_split(tmp_path, "test", lfs="all").L.lf_names == ("a", "b")
