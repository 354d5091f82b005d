"""LFs from models and lexicons: pre-label with what you already have.

* :func:`model_lf` wraps a fitted scikit-learn classifier (or any ``predict_proba``
  callable) as an LF that votes only when it is confident.
* :func:`lexicon_lf` scores text with a word-valence lexicon (e.g. VADER's, shipped
  by the ``vadersentiment`` package: :func:`vader_lexicon`) and votes on strong scores.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError, require
from ..labels import ABSTAIN
from ..lf import LabelingFunction

_TOKEN = re.compile(r"[a-z']+|[:;=8][-']?[()dp]", re.IGNORECASE)


def model_lf(estimator: Any, columns: Sequence[str] | str, *, name: str, threshold: float = 0.8,
             labels: Sequence[int] | None = None) -> LabelingFunction:
    """Vote the model's top class where its probability reaches ``threshold``.

    Parameters
    ----------
    estimator : object with ``predict_proba`` (or a callable returning probabilities)
        A text pipeline gets the single text column (a Series of strings); a
        tabular model gets ``df[columns].to_numpy()``.
    columns : str or sequence of str
    name : str
    threshold : float, default 0.8
    labels : sequence of int, optional
        The class index of each probability column (default ``estimator.classes_``,
        else 0..k-1).
    """
    predict: Callable[[Any], np.ndarray] = getattr(estimator, "predict_proba", estimator)
    if not callable(predict):
        raise InputError("estimator: expected a fitted model with predict_proba, or a callable")
    if not 0 < threshold <= 1:
        raise InputError(f"threshold: expected a probability in (0, 1], got {threshold}")
    cols = [columns] if isinstance(columns, str) else list(columns)
    classes = labels if labels is not None else getattr(estimator, "classes_", None)

    def model_votes(df: pd.DataFrame) -> np.ndarray:
        if len(cols) == 1 and not pd.api.types.is_numeric_dtype(df[cols[0]]):
            X = df[cols[0]].fillna("").astype(str)  # a text pipeline takes strings
        else:
            X = df[cols].to_numpy(dtype=float)
        P = np.asarray(predict(X), dtype=float)
        top = P.argmax(axis=1)
        cls = np.asarray(classes if classes is not None else np.arange(P.shape[1]))[top]
        return np.where(P.max(axis=1) >= threshold, cls, ABSTAIN).astype(np.int64)

    return LabelingFunction(name, model_votes, columns=cols, vectorized=True)


def vader_lexicon() -> dict[str, float]:
    """VADER's word valences (-4..4), read from the file the ``vadersentiment`` package ships."""
    vader = require("vaderSentiment.vaderSentiment", extra="lexicon", feature="the VADER lexicon")
    from pathlib import Path

    path = Path(vader.__file__).with_name("vader_lexicon.txt")
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                out[parts[0].lower()] = float(parts[1])
            except ValueError:
                continue
    return out


def lexicon_lf(lexicon: Mapping[str, float], *, name: str, positive: int | None, negative: int | None,
               column: str = "text", threshold: float = 0.5) -> LabelingFunction:
    """Vote by the mean valence of the words of ``column`` found in ``lexicon``.

    Votes ``positive`` when the mean is ``>= threshold``, ``negative`` when
    ``<= -threshold`` (either may be None to stay one-sided); abstains otherwise
    and on texts with no lexicon word.
    """
    lex = {k.lower(): float(v) for k, v in lexicon.items()}
    if not lex:
        raise InputError("lexicon: expected a non-empty word -> valence mapping")

    def lexicon_votes(df: pd.DataFrame) -> np.ndarray:
        out = np.full(len(df), ABSTAIN, dtype=np.int64)
        for i, text in enumerate(df[column].tolist()):
            if not isinstance(text, str):
                continue
            vals = [lex[t] for t in _TOKEN.findall(text.lower()) if t in lex]
            if not vals:
                continue
            score = sum(vals) / len(vals)
            if positive is not None and score >= threshold:
                out[i] = positive
            elif negative is not None and score <= -threshold:
                out[i] = negative
        return out

    return LabelingFunction(name, lexicon_votes, columns=[column], vectorized=True)
