"""End model.

A scikit-learn classifier trained on probabilistic labels, so the labels generalise past the LFs'
coverage.

Noise-aware training expands each row into k copies weighted by its label
probabilities (``mode="weighted"``), or keeps confident argmax labels
(``mode="hard"``). Rows no LF covered carry no label information and are dropped.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from .._atomic import atomic_path
from .._validation import check_columns, check_in_options
from ..exceptions import InputError, NotFittedError, require

MODES = ("weighted", "hard")


def default_estimator(text: bool, random_state: int = 0) -> Any:
    """TF-IDF (word 1-2 grams) + logistic regression for text; gradient boosting for tables."""
    if text:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline

        return Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)),
                         ("clf", LogisticRegression(C=10.0, max_iter=2000, random_state=random_state))])
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=random_state)


def _identifier(col: pd.Series) -> bool:
    """Return an integer column whose values are all different (``tweet_id``).

    A name for each row, not a feature; trained on, it makes an end model that learns nothing and says
    so only in its score.
    """
    return bool(pd.api.types.is_integer_dtype(col) and len(col) > 1 and col.is_unique)


def pick_text_column(df: pd.DataFrame, given: str | None = None) -> str | None:
    """Return the end model's text feature when none is given, the same for ``train``, ``compare`` and the slice tables.

    ``text`` if there is such a column; else the one string column that reads as text (20+ characters on
    average); else None (numeric features).
    """
    if given is not None:
        return given
    if "text" in df.columns:
        return "text"
    texts = [c for c in df.columns if c != "label" and (df[c].dtype == object or pd.api.types.is_string_dtype(df[c]))
             and df[c].dropna().astype(str).str.len().mean() >= 20]
    return texts[0] if len(texts) == 1 else None


class EndModel:
    """Train a classifier on a label model's probabilistic labels.

    Parameters
    ----------
    estimator : scikit-learn classifier, optional
        Must accept ``sample_weight`` (a Pipeline routes it to its last step).
        Default: :func:`default_estimator`.
    text_column : str, optional
        The text feature (default estimator: TF-IDF + logistic regression).
    feature_columns : sequence of str, optional
        Numeric features for tabular data (default: all numeric columns but ``label``).
    mode : {"weighted", "hard"}, default "weighted"
    min_confidence : float, default 0.0
        ``hard`` mode keeps rows whose top probability reaches this.
    random_state : int, default 0

    Attributes
    ----------
    estimator_ : the fitted classifier
    classes_ : ndarray of shape (k,)
    n_train_rows_ : int
        Labeled rows used (before the k-fold expansion of ``weighted``).
    """

    def __init__(self, estimator: Any = None, *, text_column: str | None = None,
                 feature_columns: Sequence[str] | None = None, mode: str = "weighted",
                 min_confidence: float = 0.0, random_state: int = 0) -> None:
        self.estimator = estimator
        self.text_column = text_column
        self.feature_columns = feature_columns
        self.mode = mode
        self.min_confidence = min_confidence
        self.random_state = random_state

    def _X(self, df: pd.DataFrame) -> Any:
        if self.text_column is not None:
            check_columns(df, [self.text_column], who="EndModel")
            return df[self.text_column].fillna("").astype(str).to_numpy()
        cols = list(self.feature_columns) if self.feature_columns is not None else [
            c for c in df.columns if c != "label" and pd.api.types.is_numeric_dtype(df[c]) and not _identifier(df[c])]
        if not cols:
            raise InputError("feature_columns: no numeric feature columns (identifiers, integers that are all "
                             "different, are not features); pass text_column= for text data")
        check_columns(df, cols, who="EndModel")
        self.feature_columns_ = cols
        return df[cols].to_numpy(dtype=float)

    def fit(self, df: pd.DataFrame, probs: np.ndarray, *, covered: np.ndarray | None = None) -> EndModel:
        """Fit on items ``df`` with probabilistic labels ``probs`` (n_rows, k).

        ``covered`` (bool, n_rows): rows some LF voted on; others are dropped.
        """
        check_in_options(self.mode, MODES, name="mode")
        probs = np.asarray(probs, dtype=float)
        if probs.ndim != 2 or probs.shape[0] != len(df):
            raise InputError(f"probs: expected shape ({len(df)}, k), got {probs.shape}")
        keep = np.ones(len(df), dtype=bool) if covered is None else np.asarray(covered, dtype=bool)
        k = probs.shape[1]
        X = self._X(df)
        idx = np.flatnonzero(keep)
        if self.mode == "weighted":
            rows = np.repeat(idx, k)
            y = np.tile(np.arange(k), idx.size)
            w = probs[idx].reshape(-1)
            sel = w > 1e-3
            rows, y, w = rows[sel], y[sel], w[sel]
        else:
            conf = probs[idx].max(axis=1)
            idx = idx[conf >= self.min_confidence]
            rows, y, w = idx, probs[idx].argmax(axis=1), np.ones(idx.size)
        if np.unique(y).size < 2:
            raise InputError("probs: the kept rows hold fewer than two classes; nothing to learn")
        from sklearn.base import clone

        est = clone(self.estimator) if self.estimator is not None else default_estimator(
            self.text_column is not None, self.random_state)
        fit_kw = {"sample_weight": w}
        if hasattr(est, "steps"):
            fit_kw = {f"{est.steps[-1][0]}__sample_weight": w}
        est.fit(X[rows], y, **fit_kw)
        self.estimator_ = est
        self.classes_ = np.arange(k)
        self.n_train_rows_ = int(idx.size)
        return self

    def predict_proba(self, df: pd.DataFrame) -> np.ndarray:
        """Class probabilities, shape (n_rows, k)."""
        if not hasattr(self, "estimator_"):
            raise NotFittedError("This EndModel is not fitted yet; call .fit(df, probs) first")
        P = self.estimator_.predict_proba(self._X(df))
        out = np.zeros((len(df), len(self.classes_)))
        out[:, self.estimator_.classes_] = P
        return out

    def predict(self, df: pd.DataFrame) -> np.ndarray:
        """Return the most likely class of each row."""
        return cast("np.ndarray", self.predict_proba(df).argmax(axis=1))

    def score(self, df: pd.DataFrame, y: Any, *, metrics: Sequence[str] = ("accuracy",)) -> dict[str, float]:
        """Metrics on rows with known gold ``y`` (-1 ignored)."""
        from ..evaluate import metric_scores

        return metric_scores(np.asarray(y), self.predict(df), len(self.classes_), metrics)


def save_model(model: EndModel, path: str | os.PathLike[str]) -> Path:
    """Save a fitted end model with skops (a safe format: no pickle code runs at load).

    Needs ``pip install 'weaklabel[endmodel]'`` (skops).
    """
    sio = require("skops.io", extra="endmodel", feature="saving end models")
    if not hasattr(model, "estimator_"):
        raise NotFittedError("Fit the EndModel before saving it")
    path = Path(path)
    state = {"estimator": model.estimator_, "classes": model.classes_,
             "params": {"text_column": model.text_column,
                        "feature_columns": list(getattr(model, "feature_columns_", None) or
                                                (model.feature_columns or [])) or None,
                        "mode": model.mode, "min_confidence": model.min_confidence}}
    with atomic_path(path) as tmp:
        sio.dump(state, tmp)
    return path


def load_model(path: str | os.PathLike[str], *, trusted: Sequence[str] = ()) -> EndModel:
    """Load an end model saved by :func:`save_model`.

    skops lists the types in the file that are not known to be safe; unless each is
    named in ``trusted``, loading stops with an error that lists them (a file from
    someone else never runs code silently).
    """
    sio = require("skops.io", extra="endmodel", feature="loading end models")
    path = Path(path)
    untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in set(trusted)]
    if untrusted:
        raise InputError(f"path: {path} contains types not known to be safe: {untrusted}; if you trust "
                         "where the file came from, pass trusted=[...] with these names")
    state = sio.load(path, trusted=list(trusted) or None)
    model = EndModel(**state["params"])
    model.estimator_ = state["estimator"]
    model.classes_ = np.asarray(state["classes"])
    if model.feature_columns is not None:
        model.feature_columns_ = list(model.feature_columns)
    return model
