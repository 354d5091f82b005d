"""Multi-label metrics.

Micro / macro F1, per-label precision and recall with Wilson intervals, Hamming loss, subset
accuracy and label cardinality.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.summary import wilson_interval as wilson  # one Wilson interval for the package
from ..exceptions import InputError


def _check(Y_true: Any, Y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    T, P = np.asarray(Y_true), np.asarray(Y_pred)
    if T.ndim != 2 or T.shape != P.shape:
        raise InputError(f"Y_true, Y_pred: expected two (n, k) 0/1 matrices of one shape, got {T.shape} and {P.shape}")
    for name, A in (("Y_true", T), ("Y_pred", P)):
        if not np.isin(A, (0, 1)).all():
            raise InputError(f"{name}: expected 0/1 values, got {np.unique(A)[:5].tolist()}")
    return T.astype(bool), P.astype(bool)


def multilabel_scores(Y_true: Any, Y_pred: Any) -> dict[str, float]:
    """Score multi-label predictions against gold.

    Returns micro and macro F1 (macro: the mean over all k labels, 0 for a label with neither gold nor
    predicted positives, as scikit-learn's ``f1_score(average="macro", zero_division=0)``), Hamming
    loss, subset accuracy and the mean number of labels per item, predicted and gold.

    Examples
    --------
    >>> s = multilabel_scores([[1, 0], [1, 1]], [[1, 1], [0, 1]])
    >>> round(s["micro_f1"], 4), s["hamming_loss"], s["subset_accuracy"]
    (0.6667, 0.5, 0.0)
    """
    T, P = _check(Y_true, Y_pred)
    tp = (T & P).sum(axis=0)
    fp = (~T & P).sum(axis=0)
    fn = (T & ~P).sum(axis=0)
    denom = 2 * tp + fp + fn
    per = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    micro_d = 2 * tp.sum() + fp.sum() + fn.sum()
    return {"micro_f1": float(2 * tp.sum() / micro_d) if micro_d else 0.0,
            "macro_f1": float(per.mean()),
            "hamming_loss": float((T != P).mean()),
            "subset_accuracy": float((T == P).all(axis=1).mean()),
            "cardinality": float(P.sum(axis=1).mean()),
            "gold_cardinality": float(T.sum(axis=1).mean())}


def per_label_report(Y_true: Any, Y_pred: Any, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Per label: support, predicted, precision and recall with 95% Wilson intervals, F1."""
    T, P = _check(Y_true, Y_pred)
    tp = (T & P).sum(axis=0)
    pred, sup = P.sum(axis=0), T.sum(axis=0)
    p_lo, p_hi = wilson(tp, pred)
    r_lo, r_hi = wilson(tp, sup)
    with np.errstate(invalid="ignore", divide="ignore"):
        prec, rec = tp / pred, tp / sup
        f1 = np.where(pred + sup > 0, 2 * tp / np.maximum(pred + sup, 1), 0.0)
    names = list(labels) if labels is not None else [str(i) for i in range(T.shape[1])]
    return pd.DataFrame({"support": sup, "predicted": pred, "precision": prec, "precision_low": p_lo,
                         "precision_high": p_hi, "recall": rec, "recall_low": r_lo, "recall_high": r_hi,
                         "f1": f1}, index=pd.Index(names, name="label"))


def lf_summary(L: Any, Y: Any = None) -> pd.DataFrame:
    """Per (LF, label it votes on).

    Coverage (share of items it votes the label positive on, and negative on), overlaps (items where
    another LF also votes the label), conflicts (items where another LF votes it the other way), and
    with gold ``Y`` ((n, k) 0/1) the precision of its positive votes with a 95% Wilson interval, and the
    label's base rate beside it.

    Examples
    --------
    >>> from weaklabel.multilabel import MultiLabelMatrix
    >>> L = MultiLabelMatrix.from_sets([[{"joy"}, "joy"], [{"joy"}, -1], [-1, {"joy": False}]], ["joy"], ["a", "b"])
    >>> lf_summary(L, [[1], [0], [0]])[["positive", "overlaps", "conflicts", "precision"]].round(3).values.tolist()
    [[0.667, 0.333, 0.0, 0.5], [0.333, 0.333, 0.0, 1.0]]
    """
    pos_all, neg_all = L.positive_counts(), L.negative_counts()
    T = L.targets()
    rows = []
    Yg = None if Y is None else np.asarray(Y).astype(bool)
    for j, name in enumerate(L.lf_names):
        V = L.lf_label_votes(j)
        for lab in np.flatnonzero(T[j]):
            p, q = V[:, lab] == 1, V[:, lab] == -1
            voted = p | q
            others_pos = pos_all[:, lab] - p
            others_neg = neg_all[:, lab] - q
            rec: dict[str, Any] = {"lf": name, "label": L.labels[lab], "positive": p.mean(), "negative": q.mean(),
                                   "overlaps": (voted & ((others_pos + others_neg) > 0)).mean(),
                                   "conflicts": ((p & (others_neg > 0)) | (q & (others_pos > 0))).mean()}
            if Yg is not None:
                hit = int((Yg[p, lab]).sum())
                lo, hi = wilson(np.array([hit]), np.array([int(p.sum())]))
                rec.update(precision=hit / p.sum() if p.any() else np.nan, precision_low=lo[0],
                           precision_high=hi[0], base_rate=Yg[:, lab].mean())
            rows.append(rec)
    return pd.DataFrame(rows)
