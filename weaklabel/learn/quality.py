"""Label quality: rows whose label a cross-validated end model doubts (confident-learning style).

For each row, an end model trained on the *other* folds predicts class
probabilities; a row is suspect when that out-of-fold probability of its own
label is low (``score = 1 - p_oof[label]``, cleanlab's self-confidence ranking).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError
from .endmodel import EndModel


def out_of_fold_probs(df: pd.DataFrame, labels: np.ndarray, *, text_column: str | None = None,
                      feature_columns: Sequence[str] | None = None, estimator: Any = None, folds: int = 5,
                      random_state: int = 0) -> np.ndarray:
    """Probabilities for every row from an end model that never saw it (stratified k folds).

    Rows labeled -1 get predictions but are never trained on.
    """
    from sklearn.model_selection import StratifiedKFold

    labels = np.asarray(labels, dtype=np.int64)
    if labels.shape != (len(df),):
        raise InputError(f"labels: expected one label per row ({len(df)}), got shape {labels.shape}")
    known = np.flatnonzero(labels >= 0)
    k = int(labels.max()) + 1
    if k < 2 or np.bincount(labels[known], minlength=k).min() < folds:
        raise InputError(f"labels: every class needs at least folds={folds} labeled rows for cross-validation")
    out = np.zeros((len(df), k))
    unknown = np.flatnonzero(labels < 0)
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    from .._progress import progress

    for train_idx, test_idx in progress(skf.split(known, labels[known]), total=folds, desc="cross-fitting"):
        tr, te = known[train_idx], known[test_idx]
        onehot = np.eye(k)[labels[tr]]
        em = EndModel(estimator, text_column=text_column, feature_columns=feature_columns, mode="hard",
                      random_state=random_state).fit(df.iloc[tr], onehot)
        out[te] = em.predict_proba(df.iloc[te])
        if unknown.size:
            out[unknown] += em.predict_proba(df.iloc[unknown]) / folds
    return out


def label_issue_scores(df: pd.DataFrame, labels: np.ndarray, **kwargs: Any) -> np.ndarray:
    """``1 - p_oof[label]`` per row (NaN where the label is -1); higher = more suspect."""
    labels = np.asarray(labels, dtype=np.int64)
    P = out_of_fold_probs(df, labels, **kwargs)
    scores = np.full(len(labels), np.nan)
    known = labels >= 0
    scores[known] = 1.0 - P[known, labels[known]]
    return scores


def find_label_issues(df: pd.DataFrame, labels: np.ndarray, *, n: int | None = None,
                      label_names: Sequence[str] | None = None, **kwargs: Any) -> pd.DataFrame:
    """Rows ranked by how likely their label is wrong.

    Returns
    -------
    DataFrame indexed by row id: ``label``, ``suggested`` (the end model's class),
    ``score`` (``1 - p_oof[label]``), most suspect first.
    """
    labels = np.asarray(labels, dtype=np.int64)
    P = out_of_fold_probs(df, labels, **kwargs)
    known = np.flatnonzero(labels >= 0)
    score = 1.0 - P[known, labels[known]]
    order = known[np.argsort(-score, kind="stable")]
    if n is not None:
        order = order[:n]
    names = list(label_names) if label_names is not None else None
    out = pd.DataFrame({"label": labels[order], "suggested": P[order].argmax(axis=1),
                        "score": 1.0 - P[order, labels[order]]}, index=df.index[order])
    if names is not None:
        out["label"] = [names[v] for v in out["label"]]
        out["suggested"] = [names[v] for v in out["suggested"]]
    return out
