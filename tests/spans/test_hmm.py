"""The BIO HMM (weaklabel/spans/hmm.py): forward-backward against hand and brute-force answers,
and the model's contract."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weaklabel import InputError
from weaklabel.spans.hmm import HMM, bio_allowed, forward_backward, proposed_states
from weaklabel.spans.matrix import SpanMatrix


def test_forward_backward_on_a_two_step_chain_by_hand():
    # two states, two positions: P(s1 = a) = 0.6; stay with 0.9 / 0.8; emissions as below
    start = np.array([0.6, 0.4])
    A = np.array([[0.9, 0.1], [0.2, 0.8]])
    B = np.array([[0.5, 0.1], [0.2, 0.4]])            # B[t, s] = P(obs_t | s)
    # joint of each path (s1, s2) = start * B1 * A * B2:
    #   aa .6*.5*.9*.2 = .054   ab .6*.5*.1*.4 = .012   ba .4*.1*.2*.2 = .0016   bb .4*.1*.8*.4 = .0128
    total = 0.054 + 0.012 + 0.0016 + 0.0128
    gamma, xi, ll = forward_backward(np.log(B)[None], np.array([2]), np.log(start), np.log(A))
    assert ll == pytest.approx(np.log(total))
    assert gamma[0, 0] == pytest.approx([(0.054 + 0.012) / total, (0.0016 + 0.0128) / total])
    assert gamma[0, 1] == pytest.approx([(0.054 + 0.0016) / total, (0.012 + 0.0128) / total])
    assert xi == pytest.approx(np.array([[0.054, 0.012], [0.0016, 0.0128]]) / total)


def _brute(log_b, start, A):
    T, S = log_b.shape
    post, xi, Z = np.zeros((T, S)), np.zeros((S, S)), 0.0
    for path in itertools.product(range(S), repeat=T):
        p = start[path[0]] * np.exp(log_b[0, path[0]])
        for t in range(1, T):
            p *= A[path[t - 1], path[t]] * np.exp(log_b[t, path[t]])
        Z += p
        for t, s in enumerate(path):
            post[t, s] += p
        for t in range(1, T):
            xi[path[t - 1], path[t]] += p
    return post / Z, xi / Z, np.log(Z)


def test_forward_backward_matches_enumeration_on_a_padded_bio_batch():
    rng = np.random.default_rng(0)
    allowed, allowed_start = bio_allowed(1)                 # O, B-X, I-X
    A = np.where(allowed, rng.random((3, 3)) + 0.1, 0.0)
    A /= A.sum(axis=1, keepdims=True)
    start = np.where(allowed_start, [0.7, 0.3, 0.0], 0.0)
    log_b = rng.normal(size=(2, 4, 3)) * 2                  # sequence 2 is 3 long: one padded position
    with np.errstate(divide="ignore"):
        gamma, xi, ll = forward_backward(log_b, np.array([4, 3]), np.log(start), np.log(A))
    p1, x1, l1 = _brute(log_b[0], start, A)
    p2, x2, l2 = _brute(log_b[1, :3], start, A)
    assert gamma[0] == pytest.approx(p1) and gamma[1, :3] == pytest.approx(p2)
    assert (gamma[1, 3] == 0).all()                          # padding carries no mass
    assert xi == pytest.approx(x1 + x2)
    assert ll == pytest.approx(l1 + l2)
    assert gamma[:, 0, 2].max() == 0                         # I-X never starts a sequence
    assert xi[0, 2] == pytest.approx(0)                      # nor follows O


def _toy(n_docs=60, seed=0):
    """Documents with one PER entity of 1-3 tokens; LF a finds it exactly, LF b finds its first token,
    LF c tags a random token as PER now and then."""
    rng = np.random.default_rng(seed)
    spans, lengths, gold = [], [], []
    for _ in range(n_docs):
        n = int(rng.integers(5, 12))
        s = int(rng.integers(0, n - 3))
        e = s + int(rng.integers(1, 4))
        noise = int(rng.integers(0, n))
        spans.append([[(s, e, "PER")] if rng.random() < 0.8 else [], [(s, s + 1, "PER")],
                      [(noise, noise + 1, "PER")] if rng.random() < 0.3 else []])
        lengths.append(n)
        gold.append([(s, e, "PER")])
    return SpanMatrix.from_spans(spans, lengths, ["PER"], ["a", "b", "c"]), gold


def test_hmm_fits_and_predicts_nothing_where_no_lf_voted():
    L, gold = _toy()
    m = HMM().fit(L)
    assert m.fit(L) is m and m.n_iter_ >= 1
    P = m.predict_proba(L)
    assert P.shape == (L.n_tokens, 3) and np.allclose(P.sum(axis=1), 1)
    silent = np.diff(L.votes.indptr) == 0
    assert (P[silent, 0] == 1).all()
    assert np.allclose(m.transition_.sum(axis=1), 1) and m.transition_[0, 2] == 0   # O -> I-PER forbidden
    from weaklabel.spans.evaluate import span_f1

    assert span_f1(gold, m.predict_spans(L)) > 0.7


def test_hmm_refuses_matrices_it_was_not_fitted_on():
    L, _ = _toy()
    m = HMM().fit(L)
    other = SpanMatrix.from_spans([[[], [], []]], [3], ["LOC"], ["a", "b", "c"])
    with pytest.raises(InputError, match="fitted on types"):
        m.predict_proba(other)
    with pytest.raises(InputError, match="expected a SpanMatrix"):
        m.predict_proba(np.zeros((3, 3)))


def test_a_copied_lf_counts_once():
    from weaklabel.spans.hmm import duplicate_weights

    L, gold = _toy(seed=3)
    spans = L.to_spans()
    doubled = SpanMatrix.from_spans([doc + [doc[2]] for doc in spans], L.doc_lengths(), ["PER"],
                                    ["a", "b", "c", "c_copy"])
    assert duplicate_weights(doubled, 0.9).tolist() == [1, 1, 0.5, 0.5]
    assert duplicate_weights(doubled, 1.0).tolist() == [1, 1, 0.5, 0.5]   # exact copies merge at 1.0 too
    one, two = HMM().fit(L), HMM().fit(doubled)
    assert np.allclose(one.predict_proba(L), two.predict_proba(doubled), atol=1e-8)
    with pytest.raises(InputError, match="duplicate_threshold"):
        HMM(duplicate_threshold=0).fit(L)


def test_near_copies_group_by_jaccard():
    from weaklabel.spans.hmm import duplicate_weights

    # a tags tokens 0-9, b tags 0-8 (Jaccard 0.9), c tags 5-14 (0.33 with a)
    L = SpanMatrix.from_spans([[[(0, 10, "PER")], [(0, 9, "PER")], [(5, 15, "PER")], []]], [20], ["PER"],
                              ["a", "b", "c", "silent"])
    assert duplicate_weights(L, 0.9).tolist() == [0.5, 0.5, 1, 1]
    assert duplicate_weights(L, 0.95).tolist() == [1, 1, 1, 1]


def test_proposed_states_allow_o_and_the_types_voted_on_each_token():
    # token 0: nobody; 1: a says B-PER; 2: b says I-LOC, a says explicit O; 3: a PER, b LOC
    from scipy import sparse

    votes = sparse.csr_matrix(np.array([[0, 0], [2, 0], [1, 5], [2, 4]]))   # BIO id + 1; 0 = no vote
    L = SpanMatrix(votes, np.array([0, 4]), ("PER", "LOC"), ("a", "b"))
    allowed = proposed_states(L)
    #                      O     B-PER  I-PER  B-LOC  I-LOC
    assert allowed.tolist() == [[True, False, False, False, False],
                                [True, True, True, False, False],
                                [True, False, False, True, True],
                                [True, True, True, True, True]]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_every_predicted_entity_token_has_a_vote_for_its_type(seed):
    # the model never invents a type no LF proposed on a token: not in its argmax, not in its probabilities
    rng = np.random.default_rng(seed)
    types = ["A", "B", "C"]
    spans, lengths = [], []
    for _ in range(int(rng.integers(3, 15))):
        n = int(rng.integers(1, 10))
        per_lf = []
        for _ in range(3):
            doc = []
            for _ in range(int(rng.integers(0, 3))):
                s = int(rng.integers(0, n))
                doc.append((s, int(rng.integers(s + 1, n + 1)), types[int(rng.integers(0, 3))]))
            per_lf.append(doc)
        spans.append(per_lf)
        lengths.append(n)
    L = SpanMatrix.from_spans(spans, lengths, types, ["x", "y", "z"])
    m = HMM(max_iter=20).fit(L)
    ids = m.predict(L)
    allowed = proposed_states(L)
    assert allowed[np.arange(L.n_tokens), ids].all()
    assert np.allclose(m.predict_proba(L)[~allowed], 0)
