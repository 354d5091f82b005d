"""Which LFs earn their place? Leave-one-LF-out changes in coverage and score."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_gold, has_gold
from ..evaluate import metric_scores
from ..matrix import LabelMatrix


def contribution(L: LabelMatrix | np.ndarray, *, model: Any = None, y: Any = None,
                 metric: str = "accuracy") -> pd.DataFrame:
    """Refit without each LF in turn and report what changes.

    Parameters
    ----------
    L : LabelMatrix or ndarray of shape (n_rows, n_lfs)
    model : unfitted label model, optional
        Cloned for every refit; default :class:`~weaklabel.models.LabelModel`.
    y : array-like of shape (n_rows,), optional
        Gold (-1 = unknown). Without gold, scores are agreement with the full model.
    metric : str, default "accuracy"

    Returns
    -------
    DataFrame, one row per LF: ``coverage_gain`` (rows only this LF covers, as a
    share), ``score_without``, ``score_gain`` (full score minus score without: > 0
    means the LF helps), and ``score_basis`` ("gold" or "agreement with full model").
    """
    from sklearn.base import clone

    from ..models import LabelModel, LabelModelWarning, probs_to_preds

    Lm = L if isinstance(L, LabelMatrix) else LabelMatrix(L)
    proto = model if model is not None else LabelModel()
    votes = Lm.votes
    gold = check_gold(y, Lm.n_rows, label_space=Lm.label_space) if y is not None else None
    use_gold = has_gold(gold)
    y = gold if gold is not None else np.zeros(0, dtype=np.int64)  # read only when use_gold

    def fit_predict(V: np.ndarray) -> tuple[np.ndarray, int]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LabelModelWarning)
            m = clone(proto)
            if Lm.label_space is not None and "cardinality" in m.get_params():
                m.set_params(cardinality=Lm.label_space.cardinality)
            m.fit(V)
        return probs_to_preds(m.predict_proba(V), tie_break_policy="random"), m.cardinality_

    full, k = fit_predict(votes)
    covered = (votes >= 0).any(axis=1)
    full_score = metric_scores(y, full, k, [metric])[metric] if use_gold else 1.0
    rows = []
    for j, name in enumerate(Lm.lf_names):
        rest = np.delete(votes, j, axis=1)
        cov_without = (rest >= 0).any(axis=1)
        if rest.shape[1] == 0:
            preds = np.full(Lm.n_rows, -1)
        else:
            preds, _ = fit_predict(rest)
        if use_gold:
            score = metric_scores(y, np.where(preds < 0, (y + 1) % k, preds), k, [metric])[metric]
        else:
            score = float(np.mean(preds == full))
        rows.append({"lf": name, "coverage_gain": float(covered.mean() - cov_without.mean()),
                     "score_without": score, "score_gain": full_score - score})
    out = pd.DataFrame(rows).set_index("lf")
    out["score_basis"] = f"gold {metric}" if use_gold else "agreement with full model"
    return out
