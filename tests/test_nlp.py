import pandas as pd
import pytest

pytest.importorskip("spacy")

import weaklabel  # noqa: E402
from weaklabel import (  # noqa: E402
    ABSTAIN,
    apply_lfs,
    nlp,  # noqa: E402
)
from weaklabel.exceptions import InputTypeError  # noqa: E402
from weaklabel.nlp import matcher_lf, nlp_labeling_function, phrase_lf  # noqa: E402


@nlp_labeling_function(column="text")
def two_sentences(doc):
    return 0 if len(list(doc.sents)) >= 2 else ABSTAIN


def test_default_pipeline_is_blank_english_with_sentencizer_when_no_trained_one():
    pipe = nlp.get_pipeline()
    assert "sentencizer" in pipe.pipe_names


def test_spacy_lfs_share_one_pipe_pass_per_column(monkeypatch):
    df = pd.DataFrame({"text": ["Visit my channel. Now!", "nice song", None]})
    calls = []
    real = nlp.get_pipeline(None)
    orig_pipe = type(real).pipe

    def counting_pipe(self, texts, **kw):
        texts = list(texts)
        calls.append(len(texts))
        return orig_pipe(self, texts, **kw)

    monkeypatch.setattr(type(real), "pipe", counting_pipe)
    lfs = [two_sentences,
           matcher_lf("promo", [[{"LOWER": "visit"}, {"LOWER": "my"}, {"LOWER": "channel"}]], label=1),
           phrase_lf("song_words", ["nice song", "great video"], label=0)]
    L = apply_lfs(lfs, df)
    assert calls == [3]  # one batched pass for three LFs
    assert L.votes.tolist() == [[0, 1, -1], [-1, -1, 0], [-1, -1, -1]]
    # outside a run each LF parses for itself, with the same votes
    assert matcher_lf("p2", [[{"LOWER": "visit"}]], label=1).apply(df).tolist() == [1, -1, -1]
    assert two_sentences({"text": "One. Two."}) == 0


def test_matcher_lexical_attributes_work_on_blank_pipeline():
    lf = matcher_lf("url", [[{"LIKE_URL": True}]], label=1)
    assert lf.apply(pd.DataFrame({"text": ["go to www.example.com", "no link"]})).tolist() == [1, -1]


def test_missing_pipeline_has_install_hint():
    from weaklabel import InputError

    with pytest.raises(InputError, match="not installed"):
        nlp.get_pipeline("xx_no_such_pipeline")


def test_nlp_labeling_function_without_parentheses_is_a_clear_error():
    # It used to return its inner decorator silently: the "LF" was a plain function.
    with pytest.raises(InputTypeError, match=r"@nlp_labeling_function\(\)"):
        @weaklabel.nlp_labeling_function
        def long_doc(doc):
            return 0 if len(doc) > 3 else -1
