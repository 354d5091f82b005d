"""Span LF templates (weaklabel/spans/lfs.py) on hand-made documents, the char/token mapping, and
raw text to labeled spans end to end."""

import numpy as np
import pytest

from weaklabel import InputError, LFError
from weaklabel.spans import (
    SeqLabelModelDefault,
    SpanDoc,
    apply_span_lfs,
    followed_by_lf,
    gazetteer_lf,
    matcher_span_lf,
    regex_span_lf,
    spacy_ner_lf,
    span_lf,
    span_lf_summary,
)


def test_char_and_token_offsets_map_both_ways():
    doc = SpanDoc.from_text("Dr. Ann Lee-Smith met IBM.")
    assert doc.tokens == ["Dr.", "Ann", "Lee", "-", "Smith", "met", "IBM", "."]
    for i, tok in enumerate(doc.tokens):
        s, e = doc.token_chars(i, i + 1)
        assert doc.text[s:e] == tok
        assert doc.char_span(s, e) == (i, i + 1)
    assert doc.char_span(5, 10) == (1, 3)                 # "nn Le": touches Ann and Lee
    assert doc.char_span(7, 8) is None                    # only the space
    assert doc.text[slice(*doc.token_chars(1, 5))] == "Ann Lee-Smith"
    pre = SpanDoc.from_tokens(["a", "bc", "d"])
    assert pre.text == "a bc d" and pre.char_span(2, 4) == (1, 2)
    with pytest.raises(InputError, match="outside a document of 3 tokens"):
        pre.token_chars(2, 4)


def test_gazetteer_takes_the_longest_match_and_folds_case_when_asked():
    lf = gazetteer_lf("places", {"New York": "LOC", "New York Times": "ORG", "York": "LOC"})
    doc = SpanDoc.from_tokens("the New York Times in New York and york".split())
    assert lf(doc) == [(1, 4, "ORG"), (5, 7, "LOC")]
    folded = gazetteer_lf("places", ["new york", "york"], label="LOC", case_sensitive=False)
    assert folded(doc) == [(1, 3, "LOC"), (5, 7, "LOC"), (8, 9, "LOC")]
    with pytest.raises(InputError, match="label"):
        gazetteer_lf("x", ["a"])


def test_gazetteer_with_a_hundred_thousand_entries():
    entries = {f"Gene{i} protein": "GENE" for i in range(100_000)}
    lf = gazetteer_lf("genes", entries)
    doc = SpanDoc.from_tokens(["the", "Gene99999", "protein", "and", "Gene5", "alone"])
    assert lf(doc) == [(1, 3, "GENE")]


def test_regex_spans_snap_to_the_tokens_they_touch():
    lf = regex_span_lf("ids", r"[A-Z]{2} ?- ?\d+", label="ID")
    doc = SpanDoc.from_text("see AB-12 and CD - 345.")
    assert [" ".join(doc.tokens[s:e]) for s, e, _ in lf(doc)] == ["AB-12", "CD - 345"]
    part = regex_span_lf("part", r"mith", label="X")            # inside a token: the whole token
    assert part(SpanDoc.from_tokens(["Ann", "Smith"])) == [(1, 2, "X")]
    grp = regex_span_lf("after_dr", r"Dr\.? (\w+)", label="PER", group=1)
    assert grp(SpanDoc.from_text("ask Dr. Who")) == [(2, 3, "PER")]      # spaCy keeps "Dr." whole


def test_matcher_patterns_and_a_bad_pattern():
    lf = matcher_span_lf("company", [[{"IS_TITLE": True, "OP": "+"}, {"LOWER": "inc"}]], label="ORG")
    assert lf(SpanDoc.from_tokens("shares of Acme Widgets Inc rose".split())) == [(2, 5, "ORG")]
    assert lf(SpanDoc.from_tokens([])) == []
    with pytest.raises(InputError, match="patterns: spaCy refused"):
        matcher_span_lf("bad", [[{"NOT_AN_ATTR": 1}]], label="ORG")


def test_a_spacy_model_as_an_lf_maps_its_entity_labels():
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")     # a deterministic stand-in for a trained NER model
    ruler.add_patterns([{"label": "PERSON", "pattern": "Ann Lee"}, {"label": "GPE", "pattern": "Oslo"},
                        {"label": "DATE", "pattern": "today"}])
    lf = spacy_ner_lf("spacy", nlp, {"PERSON": "PER", "GPE": "LOC"})
    assert lf(SpanDoc.from_tokens("Ann Lee left Oslo today".split())) == [(0, 2, "PER"), (3, 4, "LOC")]
    assert lf.labels == ("LOC", "PER")


def test_spans_built_from_other_spans():
    title = gazetteer_lf("title", ["Dr", "Mr", "Prof"], label="TITLE")
    not_title = {"NOT_IN": ["dr", "mr", "prof"]}
    caps = matcher_span_lf("caps", [[{"IS_TITLE": True, "LOWER": not_title, "OP": "+"}]], label="NAME")
    person = followed_by_lf("title_name", title, caps, label="PER")
    name_only = followed_by_lf("name", title, caps, label="PER", keep="second")
    doc = SpanDoc.from_tokens("ask Prof Ada Lovelace or Mr Babbage or Who".split())
    assert person(doc) == [(1, 4, "PER"), (5, 7, "PER")]
    assert name_only(doc) == [(2, 4, "PER"), (6, 7, "PER")]


def test_apply_builds_the_matrix_and_names_failing_lfs():
    @span_lf(labels=["PER"])
    def first_token(doc):
        return [(0, 1, "PER")] if doc.tokens and doc.tokens[0].istitle() else []

    city = gazetteer_lf("city", ["Oslo"], label="LOC")
    L = apply_span_lfs([first_token, city], [["Ann", "is", "in", "Oslo"], "Bo likes Oslo", []])
    assert L.types == ("PER", "LOC") and L.lf_names == ("first_token", "city") and L.n_docs == 3
    assert L.to_spans() == [[[(0, 1, "PER")], [(3, 4, "LOC")]], [[(0, 1, "PER")], [(2, 3, "LOC")]], [[], []]]

    @span_lf(labels=["PER"])
    def broken(_doc):
        return [(0, 99, "PER")]

    with pytest.raises(LFError, match="'broken' returned span"):
        apply_span_lfs([broken], [["a", "b"]])
    with pytest.raises(InputError, match="two LFs are named 'city'"):
        apply_span_lfs([city, city], [["a"]])


def test_raw_text_to_labeled_spans_end_to_end():
    texts = ["Dr Ada Lovelace visited London in 1843.", "Charles Babbage stayed in London.",
             "Ms Mary Somerville wrote from Paris.", "Nothing to see here."] * 10
    lfs = [gazetteer_lf("cities", ["London", "Paris"], label="LOC"),
           regex_span_lf("titled", r"\b(?:Dr|Ms|Mr)\.? ([A-Z][a-z]+ [A-Z][a-z]+)", label="PER", group=1),
           matcher_span_lf("two_caps", [[{"IS_TITLE": True, "LOWER": {"NOT_IN": ["dr", "ms", "mr"]}},
                                          {"IS_TITLE": True}]], label="PER")]
    L = apply_span_lfs(lfs, texts)
    model = SeqLabelModelDefault().fit(L)
    spans = model.predict_spans(L)
    docs = [SpanDoc.from_text(t) for t in texts[:4]]
    assert [[" ".join(d.tokens[s:e]) + "/" + t for s, e, t in doc] for d, doc in zip(docs, spans[:4])] == [
        ["Ada Lovelace/PER", "London/LOC"], ["Charles Babbage/PER", "London/LOC"],
        ["Mary Somerville/PER", "Paris/LOC"], []]
    summary = span_lf_summary(L)
    assert summary.loc["cities", "spans"] == 30 and summary.loc["cities", "conflicts"] == 0


def test_span_summary_by_hand():
    from weaklabel.spans import SpanMatrix

    L = SpanMatrix.from_spans([[[(0, 2, "PER")], [(1, 2, "LOC")]], [[(0, 1, "PER")], []]], [3, 2],
                              ["PER", "LOC"], ["a", "b"])
    s = span_lf_summary(L, gold=[[(0, 2, "PER")], [(0, 1, "LOC")]])
    assert s.loc["a"].to_dict() == pytest.approx({"types": "PER", "spans": 2, "token_coverage": 3 / 5,
                                                  "overlaps": 1 / 3, "conflicts": 1 / 3, "correct": 1,
                                                  "incorrect": 1, "precision": 0.5, "recall": 0.5})
    assert s.loc["b", "conflicts"] == 1.0 and s.loc["b", "recall"] == 0.0
    assert np.isnan(span_lf_summary(L, gold=[[], []]).loc["a", "recall"])   # no gold spans: undefined
