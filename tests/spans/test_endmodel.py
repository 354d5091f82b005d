"""The span end model (weaklabel/spans/endmodel.py): a CRF trained on a label model's spans."""

import pickle

import numpy as np
import pytest

pytest.importorskip("pycrfsuite", reason="the span end model needs python-crfsuite (the endmodel extra)")

from weaklabel import InputError, NotFittedError
from weaklabel.spans import SpanMatrix
from weaklabel.spans.endmodel import SpanCRF, token_features, vote_features


def test_token_features_by_hand():
    f = token_features(["Dr", "Ada", "2024"], window=1)
    assert f[1]["lower"] == "ada" and f[1]["shape"] == "Xx" and f[1]["title"] is True
    assert f[1]["-1:lower"] == "dr" and f[1]["1:lower"] == "2024" and f[1]["1:shape"] == "d"
    assert f[0]["-1:edge"] == "BOS" and f[2]["1:edge"] == "EOS"
    assert f[2]["digit"] is True and f[1]["pre2"] == "ad" and f[1]["suf3"] == "ada"
    assert "-2:lower" not in f[1]


def test_vote_features_name_each_lf_and_its_tag():
    L = SpanMatrix.from_spans([[[(1, 3, "PER")], []], [[], [(0, 1, "LOC")]]], [3, 1], ["PER", "LOC"],
                              ["names", "places"])
    assert vote_features(L) == [[{}, {"lf=names": "B-PER"}, {"lf=names": "I-PER"}], [{"lf=places": "B-LOC"}]]


def _toy(n=30, seed=0):
    """Names after "met"; the LF 'names' finds only half of them. Gold and the training spans agree."""
    rng = np.random.default_rng(seed)
    names = ["Ada", "Bob", "Eve", "Max"]
    tokens, spans, lf = [], [], []
    for _ in range(n):
        a, b = rng.choice(names, 2, replace=False)
        tokens.append([str(a), "met", str(b), "today"])
        spans.append([(0, 1, "PER"), (2, 3, "PER")])
        lf.append([[(0, 1, "PER")] if rng.random() < 0.5 else []])
    L = SpanMatrix.from_spans(lf, [4] * n, ["PER"], ["names"])
    return tokens, spans, L


def test_text_and_votes_tag_a_document_no_lf_touched_from_its_words():
    tokens, spans, L = _toy()
    crf = SpanCRF().fit(tokens, spans, L)
    new = SpanMatrix.from_spans([[[]]], [4], ["PER"], ["names"])
    assert crf.predict_spans([["Eve", "met", "Ada", "today"]], new) == [[(0, 1, "PER"), (2, 3, "PER")]]
    assert crf.lf_names_in_ == ("names",) and set(crf.tags_) == {"B-PER", "O"}


def test_the_estimator_pickles_with_its_model():
    tokens, spans, L = _toy()
    crf = SpanCRF(features="text").fit(tokens, spans)
    back = pickle.loads(pickle.dumps(crf))
    assert back.predict_spans(tokens[:5]) == crf.predict_spans(tokens[:5])
    assert crf.lf_names_in_ is None


def test_bad_inputs_name_the_argument_and_the_fix():
    tokens, spans, L = _toy()
    with pytest.raises(InputError, match="L: features='text\\+votes' reads"):
        SpanCRF().fit(tokens, spans)
    with pytest.raises(InputError, match="spans: expected one span list"):
        SpanCRF(features="text").fit(tokens, spans[:3])
    with pytest.raises(InputError, match="features"):
        SpanCRF(features="bert").fit(tokens, spans, L)
    with pytest.raises(InputError, match="lengths do not match"):
        SpanCRF().fit(tokens[:3], spans[:3], L)
    with pytest.raises(NotFittedError):
        SpanCRF().predict_spans(tokens)
    crf = SpanCRF().fit(tokens, spans, L)
    other = SpanMatrix.from_spans([[[]]], [4], ["PER"], ["other_lf"])
    with pytest.raises(InputError, match="trained on LFs"):
        crf.predict_spans([tokens[0]], other)


@pytest.mark.parametrize("name", ["wikigold", "laptopreview"])
def test_the_end_model_scores_at_least_the_label_models_test_f1(data_dir, name):
    """The end-model target, on the two sets that train in seconds (the benchmark runs all four)."""
    from weaklabel.spans import SeqLabelModelDefault, read_seq_splits, span_f1

    splits = read_seq_splits(data_dir / "seq" / name)
    train, test = splits["train"], splits["test"]
    label_model = SeqLabelModelDefault().fit(train.L)
    crf = SpanCRF().fit(train.tokens, label_model.predict_spans(train.L), train.L)
    assert span_f1(test.gold, crf.predict_spans(test.tokens, test.L)) >= span_f1(
        test.gold, label_model.predict_spans(test.L))
