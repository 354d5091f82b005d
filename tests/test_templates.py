import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weaklabel import InputError, keyword_lf, lookup_lf, regex_lf, threshold_lf


def test_keyword_lf_is_word_bounded_case_insensitive_and_abstains_on_missing(texts):
    lf = keyword_lf("subscribe", "my channel", label=1)
    assert lf.name == "keyword_subscribe"
    assert lf.apply(texts).tolist() == [1, -1, 1, -1, -1]
    assert lf({"text": "subscribers only"}) == -1
    assert keyword_lf("Song", label=0, case_sensitive=True).apply(texts).tolist() == [-1] * 5


def test_regex_lf_matches_with_python_and_re2_only_patterns():
    df = pd.DataFrame({"text": ["check it out", "Check Out now", "no", "xout"]})
    assert regex_lf(r"check\W+(?:\w+\W+){0,2}out", label=1).apply(df).tolist() == [1, 1, -1, -1]
    # a lookbehind is not RE2: falls back to Python's re with the same semantics
    assert regex_lf(r"(?<!x)out", label=1, name="lookbehind").apply(df).tolist() == [1, 1, -1, -1]
    with pytest.raises(InputError, match="not a valid regular expression"):
        regex_lf("(", label=1)


def test_threshold_lf_abstains_on_nan_and_checks_dtype(texts):
    lf = threshold_lf("n", ">=", 3, label=0, name="big_n")
    assert lf.apply(texts).tolist() == [-1, 0, -1, 0, 0]
    with pytest.raises(InputError, match="op: expected one of"):
        threshold_lf("n", "=>", 3, label=0)
    bad = threshold_lf("text", ">", 1, label=0, name="t")
    with pytest.raises(Exception, match="needs a numeric column"):
        bad.apply(texts)


def test_lookup_lf_with_dict_and_set():
    df = pd.DataFrame({"city": ["Paris ", "rome", "Oslo", None]})
    per_entry = lookup_lf({"paris": 0, "rome": 1}, column="city", name="capital")
    assert per_entry.apply(df).tolist() == [0, 1, -1, -1]
    flat = lookup_lf(["oslo"], column="city", label=1, name="nordic")
    assert flat.apply(df).tolist() == [-1, -1, 1, -1]
    with pytest.raises(InputError, match="needs label="):
        lookup_lf(["x"], column="city", name="x")


@pytest.mark.parametrize("label", [True, -1, "spam", 1.5])
def test_templates_reject_bad_labels(label):
    with pytest.raises(TypeError, match="label: expected the class index"):
        keyword_lf("x", label=label)


words = st.lists(st.sampled_from(["free", "win", "Free!", "freedom", "song", "x", "WIN", ""]),
                 max_size=6).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(words, st.none()), min_size=1, max_size=20))
def test_vectorized_templates_equal_row_wise_python(values):
    """Property: the whole-column path gives the vote lf(row)/plain `re` gives each row."""
    df = pd.DataFrame({"text": values})
    lf = keyword_lf("free", "win", label=1)
    rx = re.compile(r"\b(?:free|win)\b", re.IGNORECASE)
    expected = [1 if isinstance(v, str) and rx.search(v) else -1 for v in values]
    assert lf.apply(df).tolist() == expected
    assert [lf({"text": v}) for v in values] == expected
