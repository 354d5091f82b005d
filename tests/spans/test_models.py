"""Token majority vote (WRENCH's rule, exactly), token Dawid-Skene, and the default on the real sets."""

import numpy as np
import pytest

from weaklabel import InputError, NotFittedError
from weaklabel.models.hard_labels import snorkel_hash as _snorkel_hash
from weaklabel.spans.matrix import SpanMatrix
from weaklabel.spans.models import TokenDawidSkene, TokenMajorityVote

TYPES = ["PER", "LOC"]


def test_o_counts_only_where_no_lf_tags_an_entity():
    # token 0: PER, PER, explicit O -> PER (the O is no vote there); token 1: only O votes -> O
    L = SpanMatrix.from_spans([[[(0, 1, "PER")], [(0, 1, "PER")], [(0, 2, "O")]]], [3], TYPES, ["a", "b", "c"])
    mv = TokenMajorityVote().fit(L)
    P = mv.predict_proba(L)
    assert P.tolist() == [[0, 1, 0], [1, 0, 0], [1, 0, 0]]
    assert mv.predict_spans(L) == [[(0, 1, "PER")]]


def test_ties_break_by_snorkels_hash_of_the_token_position():
    # token i of the split: one PER vote and one LOC vote: a tie everywhere
    n = 40
    even, odd = range(0, n, 2), range(1, n, 2)
    a = [(i, i + 1, "PER") for i in even] + [(i, i + 1, "LOC") for i in odd]
    b = [(i, i + 1, "LOC") for i in even] + [(i, i + 1, "PER") for i in odd]
    L = SpanMatrix.from_spans([[a, b]], [n], TYPES, ["a", "b"])
    # resolve_overlaps keeps all (no overlaps within one LF); the vote is 1-1 on every token
    pred = TokenMajorityVote().fit(L).predict(L)
    io = (pred + 1) // 2
    expect = [1 + _snorkel_hash(i) % 2 for i in range(n)]         # tied classes [PER, LOC] = IO [1, 2]
    assert io.tolist() == expect
    import hashlib

    assert _snorkel_hash(7) == int(hashlib.sha1(b"7").hexdigest(), 16)
    first = TokenMajorityVote(tie_break_policy="first").fit(L).predict(L)
    assert ((first + 1) // 2 == 1).all()
    with pytest.raises(InputError, match="tie_break_policy"):
        TokenMajorityVote(tie_break_policy="coin").fit(L)


def test_runs_of_one_type_become_one_entity():
    L = SpanMatrix.from_spans([[[(0, 1, "PER"), (1, 2, "PER")]]], [3], TYPES, ["a"])
    assert TokenMajorityVote().fit(L).predict_spans(L) == [[(0, 2, "PER")]]   # IO, as WRENCH


def test_unfitted_and_wrong_input():
    L = SpanMatrix.from_spans([[[(0, 1, "PER")]]], [2], TYPES, ["a"])
    with pytest.raises(NotFittedError):
        TokenMajorityVote().predict(L)
    with pytest.raises(InputError, match="expected a SpanMatrix"):
        TokenMajorityVote().fit(np.zeros((2, 1)))


def test_token_dawid_skene_leaves_silent_tokens_o():
    docs = [[[(0, 1, "PER")], [(0, 1, "PER")], []]] * 30 + [[[(1, 2, "LOC")], [], [(1, 2, "LOC")]]] * 30
    L = SpanMatrix.from_spans(docs, [3] * 60, TYPES, ["a", "b", "c"])
    m = TokenDawidSkene().fit(L)
    P = m.predict_proba(L)
    assert (P[2::3, 0] == 1).all()
    assert m.predict_spans(L)[0] == [(0, 1, "PER")] and m.predict_spans(L)[-1] == [(1, 2, "LOC")]


PUBLISHED_MV = {"wikigold": 52.24, "bc5cdr": 83.46, "ncbi-disease": 78.44, "laptopreview": 73.27}


@pytest.mark.parametrize("name", list(PUBLISHED_MV))
def test_majority_vote_reproduces_wrench_and_the_default_is_not_below_it(data_dir, name):
    """The targets on the four WRENCH sets: majority vote within 0.5 F1 of WRENCH's
    published number (it is exact), and the default no more than 1 F1 below it."""
    from weaklabel.spans.default import SeqLabelModelDefault
    from weaklabel.spans.evaluate import span_f1
    from weaklabel.spans.wrench import read_seq_splits

    splits = read_seq_splits(data_dir / "seq" / name)
    train, test = splits["train"], splits["test"]
    mv = 100 * span_f1(test.gold, TokenMajorityVote().fit(train.L).predict_spans(test.L))
    assert abs(mv - PUBLISHED_MV[name]) < 0.5
    default = 100 * span_f1(test.gold, SeqLabelModelDefault().fit(train.L).predict_spans(test.L))
    assert default >= mv - 1


def test_the_default_reaches_chmms_published_mean_without_embeddings(data_dir):
    """The target: over the four WRENCH sets the default's mean entity F1 is at least CHMM's
    published 73.6 (CHMM uses BERT embeddings; the default sees the LF votes only)."""
    from weaklabel.spans.default import SeqLabelModelDefault
    from weaklabel.spans.evaluate import span_f1
    from weaklabel.spans.wrench import read_seq_splits

    scores = []
    for name in PUBLISHED_MV:
        splits = read_seq_splits(data_dir / "seq" / name)
        model = SeqLabelModelDefault().fit(splits["train"].L)
        scores.append(100 * span_f1(splits["test"].gold, model.predict_spans(splits["test"].L)))
    assert np.mean(scores) >= 73.6
