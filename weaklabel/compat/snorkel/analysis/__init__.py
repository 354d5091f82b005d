"""``snorkel.analysis``: metrics, a scorer (with per-slice scores) and label buckets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from weaklabel.evaluate import METRICS, metric_scores

from ..utils import filter_labels, to_int_label_array


def _n_classes(*arrays: np.ndarray | None, probs: np.ndarray | None = None) -> int:
    k = probs.shape[1] if probs is not None else 0
    for a in arrays:
        if a is not None and a.size:
            k = max(k, int(a.max()) + 1)
    return max(k, 2)


def metric_score(golds: Any = None, preds: Any = None, probs: Any = None, metric: str = "accuracy",
                 filter_dict: Mapping[str, list[int]] | None = None, **kwargs: Any) -> float:
    """One metric on gold labels, predictions and/or probabilities.

    Metrics: accuracy, coverage, precision, recall, f1, f1_micro, f1_macro, fbeta
    (``beta=``, default 1), matthews_corrcoef, roc_auc (from ``probs``). Binary
    metrics score class 1 as positive. ``filter_dict`` drops positions by value, e.g.
    ``{"golds": [-1], "preds": [-1]}``.
    """
    if metric not in METRICS:
        raise ValueError(f"The metric you provided ({metric}) is not supported; choose from {list(METRICS)}")
    golds = None if golds is None else to_int_label_array(golds)
    preds = None if preds is None else to_int_label_array(preds)
    probs = None if probs is None else np.asarray(probs, dtype=float)
    if filter_dict:
        kept = filter_labels({"golds": golds, "preds": preds, "probs": probs}, filter_dict)
        golds, preds, probs = kept["golds"], kept["preds"], kept["probs"]
    if metric == "coverage":
        if preds is None:
            raise ValueError("Metric coverage requires access to preds")
        return float(np.mean(preds != -1)) if preds.size else float("nan")
    if golds is None:
        raise ValueError(f"Metric {metric} requires access to golds")
    if metric == "roc_auc":
        if probs is None:
            raise ValueError("Metric roc_auc requires access to probs")
        preds = np.zeros(len(golds), dtype=np.int64) if preds is None else preds
    elif preds is None:
        raise ValueError(f"Metric {metric} requires access to preds")
    if golds.size == 0:
        return float("nan")
    k = _n_classes(golds, preds, probs=probs)
    return metric_scores(golds, preds, k, [metric], probs=probs, beta=float(kwargs.get("beta", 1.0)))[metric]


class Scorer:
    """Score predictions with a list of metrics, overall or per slice.

    Parameters
    ----------
    metrics : list of str, optional
        Default ``["accuracy"]``.
    custom_metric_funcs : mapping of name to ``f(golds, preds, probs) -> float``, optional
    abstain_label : int or None, default -1
        Positions where gold or prediction equal it are left out (but for ``coverage``).
    """

    def __init__(self, metrics: Sequence[str] | None = None,
                 custom_metric_funcs: Mapping[str, Callable[..., float]] | None = None,
                 abstain_label: int | None = -1) -> None:
        self.metrics: dict[str, Callable[..., float]] = {}
        for metric in metrics if metrics is not None else ["accuracy"]:
            if metric not in METRICS:
                raise ValueError(f"Unrecognized metric: {metric}; choose from {list(METRICS)}")
            fd = None if abstain_label is None or metric == "coverage" else \
                {"golds": [abstain_label], "preds": [abstain_label]}
            self.metrics[metric] = (lambda g, p, pr, _m=metric, _fd=fd:
                                    metric_score(g, p, pr, metric=_m, filter_dict=_fd))
        self.metrics.update(custom_metric_funcs or {})
        self.abstain_label = abstain_label

    def score(self, golds: Any, preds: Any = None, probs: Any = None) -> dict[str, float]:
        """Every metric on these arrays."""
        if len(golds) == 0:
            raise ValueError("Cannot score empty golds")
        return {name: f(golds, preds, probs) for name, f in self.metrics.items()}

    def score_slices(self, S: np.recarray, golds: Any, preds: Any, probs: Any = None,
                     as_dataframe: bool = False) -> dict[str, dict[str, float]] | pd.DataFrame:
        """Scores overall and on each slice of ``S`` (a slice matrix from an SF applier)."""
        golds, preds = np.asarray(golds), np.asarray(preds)
        probs = None if probs is None else np.asarray(probs)
        out: dict[str, dict[str, float]] = {"overall": self.score(golds, preds, probs)}
        for name in S.dtype.names or ():
            mask = np.asarray(S[name]).astype(bool)
            out[name] = self.score(golds[mask], preds[mask], None if probs is None else probs[mask]) \
                if mask.any() else {m: float("nan") for m in self.metrics}
        return pd.DataFrame.from_dict(out).T if as_dataframe else out


def get_label_buckets(*y: np.ndarray) -> dict[tuple[int, ...], np.ndarray]:
    """Row indices grouped by their tuple of labels, e.g. ``buckets[(gold, pred)]``."""
    if len(y) < 2:
        raise ValueError("Arrays must be of equal length")  # Snorkel needs at least two
    arrays = [to_int_label_array(a) for a in y]
    if len({len(a) for a in arrays}) != 1:
        raise ValueError("Arrays must all have the same number of elements")
    buckets: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for i, key in enumerate(zip(*(a.tolist() for a in arrays))):
        buckets[key].append(i)
    return {k: np.array(v) for k, v in buckets.items()}


def get_label_instances(bucket: tuple[int, ...], x: np.ndarray, *y: np.ndarray) -> np.ndarray:
    """Return the entries of ``x`` whose labels in ``y`` equal ``bucket``."""
    if len(y) != len(bucket):
        raise ValueError("Number of lists must match the amount of labels in bucket")
    if len(y) < 2:
        raise ValueError("Number of lists must be at least 2")
    return cast("np.ndarray", np.asarray(x)[get_label_buckets(*y).get(tuple(bucket), np.array([], dtype=int))])


__all__ = ["Scorer", "get_label_buckets", "get_label_instances", "metric_score"]
