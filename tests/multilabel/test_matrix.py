"""The multi-label LFs and matrix (weaklabel/multilabel/lfs.py, matrix.py), on hand-made items."""

import numpy as np
import pandas as pd
import pytest

from weaklabel import InputError, labeling_function
from weaklabel.multilabel import (
    ABSTAIN,
    MultiLabelMatrix,
    apply_multilabel_lfs,
    keyword_lf,
    lexicon_lf,
    regex_lf,
)

LABELS = ["joy", "love", "anger"]
DF = pd.DataFrame({"text": ["I love this, so happy", "this makes me angry", "nothing here", "HAPPY happy joy"]},
                  index=["a", "b", "c", "d"])


def test_templates_vote_their_target_sets_on_whole_columns():
    lfs = [keyword_lf("happy", "joy", labels="joy", name="kw_joy"),
           keyword_lf("love", labels={"love", "joy"}, name="kw_love"),
           regex_lf(r"angr(y|ier)", labels=["anger"], name="re_angry")]
    L = apply_multilabel_lfs(lfs, DF, LABELS)
    assert L.row_ids.tolist() == ["a", "b", "c", "d"] and L.votes.shape == (4, 9)
    #                                  joy love anger
    assert L.positive_counts().tolist() == [[2, 1, 0], [0, 0, 1], [0, 0, 0], [1, 0, 0]]
    assert L.negative_counts().sum() == 0
    assert L.covered().tolist() == [True, True, False, True]
    assert L.targets().tolist() == [[True, False, False], [True, True, False], [False, False, True]]
    assert L.lf_label_votes(1).tolist() == [[1, 1, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_row_wise_lfs_return_a_label_a_set_a_mapping_or_abstain():
    @labeling_function(columns=["text"])
    def by_name(row):
        return "anger" if "angry" in row.text else ABSTAIN

    @labeling_function(columns=["text"])
    def by_set(row):
        return {0, "love"} if "love" in row.text else None

    @labeling_function(columns=["text"])
    def by_mapping(row):
        return {"joy": False, "anger": True} if "angry" in row.text else -1

    L = apply_multilabel_lfs([by_name, by_set, by_mapping], DF, LABELS)
    assert L.positive_counts().tolist() == [[1, 1, 0], [0, 0, 2], [0, 0, 0], [0, 0, 0]]
    assert L.negative_counts().tolist() == [[0, 0, 0], [1, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_lexicon_lf_votes_the_labels_of_the_words_it_finds():
    lf = lexicon_lf({"happy": "joy", "love": ["love", "joy"], "angry": "anger"}, name="lex")
    L = apply_multilabel_lfs([lf], DF, LABELS)
    assert L.positive_counts().tolist() == [[1, 1, 0], [0, 0, 1], [0, 0, 0], [1, 0, 0]]


def test_bad_votes_name_the_lf_the_row_and_the_fix():
    @labeling_function(columns=["text"])
    def bad(_row):
        return "sarcasm"

    with pytest.raises(InputError, match=r"LF 'bad' on row 'a': unknown label 'sarcasm'; expected one of"):
        apply_multilabel_lfs([bad], DF, LABELS)
    with pytest.raises(InputError, match="votes label 'pride', which is not among labels"):
        apply_multilabel_lfs([keyword_lf("proud", labels="pride")], DF, LABELS)
    with pytest.raises(InputError, match="expected at least one target label"):
        keyword_lf("x", labels=[])
    with pytest.raises(InputError, match="two LFs are named"):
        apply_multilabel_lfs([keyword_lf("a", labels="joy", name="x"), keyword_lf("b", labels="joy", name="x")],
                             DF, LABELS)


def test_from_sets_matches_apply_and_a_repeated_vote_counts_once():
    L = MultiLabelMatrix.from_sets([[{"joy", "love"}, ["joy", "joy"]], [ABSTAIN, {"anger": False}]], LABELS, ["a", "b"])
    assert L.positive_counts().tolist() == [[2, 1, 0], [0, 0, 0]]
    assert L.negative_counts().tolist() == [[0, 0, 0], [0, 0, 1]]
    sub = L.rows(np.array([False, True]))
    assert sub.n_rows == 1 and sub.negative_counts().tolist() == [[0, 0, 1]]
    with pytest.raises(InputError, match="row 0 has 1 votes for 2 LFs"):
        MultiLabelMatrix.from_sets([[{"joy"}]], LABELS, ["a", "b"])
