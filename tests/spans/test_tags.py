"""BIO / IO / span conversions (weaklabel/spans/tags.py): every edge case, and parity with seqeval."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weaklabel import InputError
from weaklabel.spans.tags import (
    bio_ids_to_io_ids,
    bio_ids_to_spans,
    bio_tag_names,
    bio_to_spans,
    io_ids_to_bio_ids,
    io_to_spans,
    resolve_overlaps,
    spans_to_bio,
    spans_to_io,
)


def test_i_without_b_begins_an_entity():
    assert bio_to_spans(["O", "I-PER", "I-PER", "O"]) == [(1, 3, "PER")]
    assert bio_to_spans(["I-LOC"]) == [(0, 1, "LOC")]                      # at the very start
    assert bio_to_spans(["B-PER", "I-LOC", "I-LOC"]) == [(0, 1, "PER"), (1, 3, "LOC")]   # another type


def test_adjacent_entities_of_one_type_stay_apart_in_bio_and_merge_in_io():
    spans = [(0, 2, "PER"), (2, 3, "PER")]
    assert spans_to_bio(spans, 4) == ["B-PER", "I-PER", "B-PER", "O"]
    assert bio_to_spans(spans_to_bio(spans, 4)) == spans
    assert spans_to_io(spans, 4) == ["PER", "PER", "PER", "O"]
    assert io_to_spans(spans_to_io(spans, 4)) == [(0, 3, "PER")]            # IO cannot tell them apart


def test_overlapping_spans_keep_the_longest_then_the_earliest():
    assert resolve_overlaps([(0, 2, "ORG"), (1, 4, "LOC"), (4, 5, "PER")]) == [(1, 4, "LOC"), (4, 5, "PER")]
    assert resolve_overlaps([(2, 4, "A"), (1, 3, "B")]) == [(1, 3, "B")]   # equal length: the earliest
    assert spans_to_bio([(0, 2, "ORG"), (1, 4, "LOC")], 5) == ["O", "B-LOC", "I-LOC", "I-LOC", "O"]
    assert resolve_overlaps([(3, 3, "X")]) == []                            # empty spans are dropped


def test_spans_outside_the_document_and_bioes_tags_are_refused():
    with pytest.raises(InputError, match="outside a document of 3 tokens"):
        spans_to_bio([(2, 5, "PER")], 3)
    with pytest.raises(InputError, match="BIOES"):
        bio_to_spans(["S-PER"])


def test_ids_round_trip_across_documents():
    types = ["PER", "LOC"]
    names = bio_tag_names(types)
    assert names == ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
    docs = [["B-PER", "I-PER", "B-PER", "O"], ["I-PER", "I-LOC", "B-LOC"]]   # doc 2 starts inside an entity
    ids = np.array([names.index(t) for d in docs for t in d])
    offsets = np.array([0, 4, 7])
    assert bio_ids_to_spans(ids, offsets, types) == [bio_to_spans(d) for d in docs]
    io = bio_ids_to_io_ids(ids)
    assert io.tolist() == [1, 1, 1, 0, 1, 2, 2]
    # IO back to BIO: runs of one type are one entity, and a document boundary ends a run
    assert bio_ids_to_spans(io_ids_to_bio_ids(io, offsets), offsets, types) == [
        [(0, 3, "PER")], [(0, 1, "PER"), (1, 3, "LOC")]]
    assert bio_ids_to_io_ids(np.array([-1, 0, 3])).tolist() == [-1, 0, 2]   # abstains pass through


TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(TAGS), min_size=0, max_size=12), min_size=1, max_size=5),
       st.lists(st.lists(st.sampled_from(TAGS), min_size=0, max_size=12), min_size=1, max_size=5))
def test_entity_scores_match_seqeval_on_random_tag_sequences(gold_docs, pred_docs):
    from seqeval.metrics import f1_score, precision_score, recall_score

    from weaklabel.spans.evaluate import span_scores

    n = min(len(gold_docs), len(pred_docs))
    gold = [g[:min(len(g), len(p))] for g, p in zip(gold_docs[:n], pred_docs[:n])]
    pred = [p[:len(g)] for g, p in zip(gold, pred_docs[:n])]
    ours = span_scores([bio_to_spans(g) for g in gold], [bio_to_spans(p) for p in pred]).loc["micro"]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # seqeval warns when there is nothing to score
        assert ours["f1"] == pytest.approx(f1_score(gold, pred), abs=1e-12)
        assert ours["precision"] == pytest.approx(precision_score(gold, pred), abs=1e-12)
        assert ours["recall"] == pytest.approx(recall_score(gold, pred), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TAGS), min_size=0, max_size=20))
def test_ids_and_strings_decode_alike(tags):
    names = bio_tag_names(["PER", "LOC", "MISC"])
    ids = np.array([names.index(t) for t in tags], dtype=np.int64)
    assert bio_ids_to_spans(ids, np.array([0, len(tags)]), ["PER", "LOC", "MISC"]) == [bio_to_spans(tags)]
    # spans -> BIO -> spans is the identity on what BIO can hold
    spans = bio_to_spans(tags)
    assert bio_to_spans(spans_to_bio(spans, len(tags))) == spans
