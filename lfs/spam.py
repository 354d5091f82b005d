"""LFs for YouTube comment spam (WRENCH/Snorkel "youtube"; column ``text``).

Ideas follow Snorkel's spam tutorial (keywords, a check-out regex, short
comments), plus a URL rule, a spaCy token pattern and a small gazetteer. Tuned by
reading the train and valid splits only.
"""

import numpy as np
import pandas as pd

from weaklabel import ABSTAIN, LabelSpace, keyword_lf, labeling_function, regex_lf
from weaklabel.nlp import matcher_lf

LABELS = LabelSpace(["HAM", "SPAM"])
HAM, SPAM = LABELS.HAM, LABELS.SPAM


@labeling_function(columns=["text"], vectorized=True)
def short_comment(df: pd.DataFrame) -> np.ndarray:
    """Ham comments are often short, such as 'cool video!'."""
    n_words = df["text"].fillna("").str.split().str.len()
    return np.where(n_words < 5, HAM, ABSTAIN)


@labeling_function(columns=["text"])
def many_exclamations(row) -> int:
    """Begging for attention!!! is a spam habit."""
    return SPAM if isinstance(row.text, str) and row.text.count("!") >= 4 else ABSTAIN


@labeling_function(columns=["text"], vectorized=True)
def shouting(df: pd.DataFrame) -> np.ndarray:
    """Long comments mostly in capitals are ads."""
    text = df["text"].fillna("")
    letters = text.str.count(r"[A-Za-z]")
    upper = text.str.count(r"[A-Z]")
    return np.where((letters >= 30) & (upper > 0.6 * letters), SPAM, ABSTAIN)


# 'check' is left to regex_check_out: two LFs firing on the same rows double-count.
SPAMMY_FIRST_WORDS = {"subscribe", "visit", "hey", "please", "plz", "pls", "follow", "go"}


@labeling_function(columns=["text"], vectorized=True)
def starts_with_request(df: pd.DataFrame) -> np.ndarray:
    """Comments that open with a request ('check ...', 'subscribe ...') are spam."""
    first = df["text"].fillna("").str.strip().str.split(n=1).str[0].fillna("").str.lower()
    first = first.str.replace(r"[^a-z]", "", regex=True)
    return np.where(first.isin(SPAMMY_FIRST_WORDS), SPAM, ABSTAIN)


LFS = [
    keyword_lf("my channel", "my video", "my music", "my page", "my new", "my youtube",
               label=SPAM, name="keyword_my"),
    keyword_lf("subscribe", "subscribers", "sub4sub", label=SPAM, name="keyword_subscribe"),
    regex_lf(r"https?://|www\.|\.com\b", label=SPAM, name="has_link"),
    keyword_lf("please", "plz", "pls", label=SPAM, name="keyword_please"),
    keyword_lf("song", "songs", label=HAM, name="keyword_song"),
    regex_lf(r"check\W+(?:\w+\W+){0,2}out", label=SPAM, name="regex_check_out"),
    short_comment,
    many_exclamations,
    shouting,
    starts_with_request,
    keyword_lf("billion", "views", "love this", "best song", "2015", label=HAM, name="keyword_fan_talk"),
    matcher_lf("spacy_promo_pattern",
               [[{"LOWER": {"IN": ["visit", "join", "follow", "like", "share"]}},
                 {"LOWER": {"IN": ["my", "our", "me", "us", "the"]}, "OP": "?"},
                 {"LOWER": {"IN": ["channel", "page", "site", "website", "blog", "facebook",
                                   "twitter", "instagram"]}}]],
               label=SPAM, pipeline="blank:en"),   # words only: spaCy's tokenizer, no trained model
    keyword_lf("free", "money", "earn", "giveaway", "win", "gift card", "cash", "dollars",
               label=SPAM, name="keyword_money"),
]
