"""Span review (weaklabel/spans/review.py): which documents first, and what expert-labeled documents
do to the sequence models (HMM.fit(L, y), SeqLabelModelDefault's cross-validated use of them)."""

import numpy as np
import pytest

from weaklabel import InputError
from weaklabel.spans import SeqLabelModelDefault, SpanMatrix
from weaklabel.spans.hmm import HMM
from weaklabel.spans.review import document_scores, rank_documents, simulate_review, token_conflicts
from weaklabel.spans.tags import doc_spans_to_bio_ids


# -- gold spans per document to BIO ids --------------------------------------------------------
def test_gold_spans_become_bio_ids_with_unlabeled_documents_unknown():
    offsets = np.array([0, 3, 5, 7])
    ids = doc_spans_to_bio_ids([[(0, 2, "LOC")], None, []], offsets, ["PER", "LOC"])
    # LOC is type 1: B-LOC = 3, I-LOC = 4; document 1 unknown; document 2 labeled, no entity
    assert ids.tolist() == [3, 4, 0, -1, -1, 0, 0]


def test_gold_spans_overlapping_keep_the_longest():
    ids = doc_spans_to_bio_ids([[(0, 1, "PER"), (0, 3, "PER")]], np.array([0, 3]), ["PER"])
    assert ids.tolist() == [1, 2, 2]


@pytest.mark.parametrize("y, fragment", [
    ([[]], "one span list"),                                   # 1 entry for 2 documents
    ([[(0, 1, "ORG")], None], "type outside"),
    ([[(0, 4, "PER")], None], "outside the document"),
    ([[(2, 2, "PER")], None], "empty"),
    ("PER", "one span list"),
])
def test_bad_gold_spans_name_the_argument_and_the_fix(y, fragment):
    with pytest.raises(InputError, match=fragment) as err:
        doc_spans_to_bio_ids(y, np.array([0, 3, 5]), ["PER"])
    assert str(err.value).startswith("y")


# -- the queue -----------------------------------------------------------------------------------
def _matrix():
    # doc 0: LFs a and b agree on PER over token 0; doc 1: a says B-PER on token 1, b says I-PER
    # (a boundary in dispute) and c says LOC on token 2 against b's PER; doc 2: no votes
    spans = [
        [[(0, 1, "PER")], [(0, 1, "PER")], []],
        [[(1, 2, "PER")], [(0, 3, "PER")], [(2, 3, "LOC")]],
        [[], [], []],
    ]
    return SpanMatrix.from_spans(spans, [2, 3, 2], ["PER", "LOC"], ["a", "b", "c"])


def test_token_conflicts_by_hand():
    # tokens: d0 [0, 1], d1 [2, 3, 4], d2 [5, 6]; token 3: B-PER vs I-PER; token 4: I-PER vs B-LOC
    assert np.flatnonzero(token_conflicts(_matrix())).tolist() == [3, 4]


def test_conflict_ranks_the_disputed_document_first_and_entropy_needs_a_model():
    L = _matrix()
    assert document_scores(L, "conflict").tolist() == [0.0, 2.0, 0.0]
    assert rank_documents(L, "conflict")[0] == 1
    with pytest.raises(InputError, match="model"):
        document_scores(L, "entropy")
    with pytest.raises(InputError, match="strategy"):
        document_scores(L, "longest")


def test_entropy_is_zero_on_documents_without_votes_and_largest_where_lfs_dispute():
    L = _matrix()
    score = document_scores(L, "entropy", HMM().fit(L))
    assert score[2] == pytest.approx(0.0, abs=1e-9)
    assert score[1] > score[0]


def test_ties_are_broken_by_the_seed_not_by_file_order():
    L = SpanMatrix.from_spans([[[]] for _ in range(40)], [1] * 40, ["PER"], ["a"])
    orders = {tuple(rank_documents(L, "conflict", random_state=s).tolist()) for s in range(5)}
    assert len(orders) == 5
    assert rank_documents(L, "conflict", random_state=3).tolist() == rank_documents(
        L, "conflict", random_state=3).tolist()
    assert sorted(rank_documents(L, "conflict").tolist()) == list(range(40))


# -- expert-labeled documents in the models ------------------------------------------------------
def _noisy_matrix(n_docs=60, seed=0):
    """Documents of 6 tokens; PER on tokens 1-2. LF a finds it 90% of the time; LF b fires on token
    4 (never an entity) in half the documents: a false positive only gold can reveal."""
    rng = np.random.default_rng(seed)
    spans, gold = [], []
    for _ in range(n_docs):
        a = [(1, 3, "PER")] if rng.random() < 0.9 else []
        b = [(4, 5, "PER")] if rng.random() < 0.5 else []
        spans.append([a, b])
        gold.append([(1, 3, "PER")])
    return SpanMatrix.from_spans(spans, [6] * n_docs, ["PER"], ["a", "b"]), gold


def test_labeled_documents_are_observed_paths_in_em():
    L, gold = _noisy_matrix()
    plain = HMM().fit(L)
    y = [g if d < 30 else None for d, g in enumerate(gold)]
    taught = HMM().fit(L, y)
    # LF b's vote B-PER (outcome 2) on a true O token: near impossible unsupervised, learned from gold
    assert taught.emission_[1, 0, 2] > 10 * plain.emission_[1, 0, 2]
    assert all(s == (1, 3, "PER") for doc in taught.predict_spans(L) for s in doc)
    assert any((4, 5, "PER") in doc for doc in plain.predict_spans(L))


def test_no_labeled_document_is_the_unsupervised_fit():
    L, _ = _noisy_matrix()
    a, b = HMM().fit(L), HMM().fit(L, [None] * L.n_docs)
    assert np.allclose(a.emission_, b.emission_) and np.allclose(a.transition_, b.transition_)


def test_the_default_keeps_labeled_documents_only_where_cross_validation_says_so():
    L, gold = _noisy_matrix()
    y = [g if d < 30 else None for d, g in enumerate(gold)]
    m = SeqLabelModelDefault().fit(L, y)
    cv = m.gold_cv_
    assert set(cv) == {"without", "with_gold", "patterns_1", "patterns_3", "patterns_10", "patterns_30"}
    chosen = "with_gold" if m.uses_gold_ else ("without" if m.pattern_strength_ is None
                                               else f"patterns_{m.pattern_strength_:g}")
    assert cv[chosen] == max(cv.values())
    assert cv[chosen] > cv["without"]      # gold reveals b's false positives, one way or the other
    assert all(s == (1, 3, "PER") for doc in m.predict_spans(L) for s in doc)
    assert SeqLabelModelDefault().fit(L).gold_cv_ is None
    one = [gold[0]] + [None] * (L.n_docs - 1)
    assert SeqLabelModelDefault().fit(L, one).uses_gold_ is False


def test_token_patterns_key_who_voted_what():
    from weaklabel.spans.default import token_patterns

    L = SpanMatrix.from_spans([[[(0, 1, "PER")], [(0, 1, "PER")]], [[(0, 1, "PER")], []], [[], [(0, 1, "PER")]],
                               [[(0, 1, "PER")], [(0, 1, "PER")]]], [2, 1, 1, 1], ["PER"], ["a", "b"])
    k = token_patterns(L)
    assert k[1] == 0                          # no vote, no key
    assert k[0] == k[4] and len({k[0], k[2], k[3]}) == 3


def test_the_pattern_layer_corrects_a_systematic_false_positive():
    from weaklabel.spans.default import mix_patterns, pattern_counts, token_patterns

    L, gold = _noisy_matrix()
    plain = HMM().fit(L)
    P = plain.predict_proba(L)
    keys = token_patterns(L)
    y = [g if d < 30 else None for d, g in enumerate(gold)]
    counts = pattern_counts(keys, plain._gold(L, y)[0], P.shape[1])
    mixed = mix_patterns(P, keys, counts, 10.0)
    lone_b = np.flatnonzero((np.diff(L.votes.indptr) == 1) & (np.asarray(L.votes[:, 1].todense()).ravel() > 0))
    assert lone_b.size and (P[lone_b].argmax(axis=1) > 0).all()          # the HMM calls b's lone votes PER
    assert (mixed[lone_b].argmax(axis=1) == 0).all()                      # the labeled tokens say O
    assert np.allclose(mixed.sum(axis=1), 1.0)


def test_simulate_review_checks_its_arguments():
    L, gold = _noisy_matrix(10)
    with pytest.raises(InputError, match="budget"):
        simulate_review(L, gold, budget=10, strategy="random", make_model=HMM)
    with pytest.raises(InputError, match="gold"):
        simulate_review(L, gold[:5], budget=2, strategy="random", make_model=HMM)


def test_expert_documents_never_cost_the_default_f1_on_real_data(data_dir):
    """bc5cdr: 50 gold documents as observed paths cost the plain HMM about 13 F1 on the rest (its
    silences counted as independent evidence); the default checks them by cross-validation first."""
    from weaklabel.spans.wrench import read_seq_splits

    train = read_seq_splits(data_dir / "seq" / "bc5cdr")["train"]
    r = simulate_review(train.L, train.gold, budget=50, strategy="random", make_model=SeqLabelModelDefault)
    assert r["after"] >= r["before"] - 1e-9
    plain = simulate_review(train.L, train.gold, budget=50, strategy="random", make_model=HMM)
    assert plain["lift"] < -0.05


def test_queue_documents_lift_wikigold_more_than_random_ones(data_dir):
    """The review target on wikigold, one seed: 50 documents from the conflict queue lift the default's F1
    on the other documents more than 50 random ones (5 seeds: +3.6 against +1.2)."""
    from weaklabel.spans.wrench import read_seq_splits

    train = read_seq_splits(data_dir / "seq" / "wikigold")["train"]
    queue = simulate_review(train.L, train.gold, budget=50, strategy="conflict", make_model=SeqLabelModelDefault)
    random = simulate_review(train.L, train.gold, budget=50, strategy="random", make_model=SeqLabelModelDefault)
    assert queue["lift"] > random["lift"]
    assert queue["lift"] > 0.005
