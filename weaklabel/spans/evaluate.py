"""Entity-level scores: exact-match precision, recall and F1, per type and micro-averaged.

A predicted entity counts only if its start, end and type all match a gold entity (CoNLL's
rule, and ``seqeval``'s default; ``tests/spans/test_evaluate.py`` checks the two agree).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..exceptions import InputError
from .tags import Span


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def span_scores(gold: Sequence[Sequence[Span]], pred: Sequence[Sequence[Span]]) -> pd.DataFrame:
    """Precision, recall, F1 and support per entity type, and a ``micro`` row over all types.

    Parameters
    ----------
    gold, pred : sequence (one per document) of sequences of ``(start, end, type)``

    Examples
    --------
    >>> gold = [[(0, 2, "PER"), (3, 4, "LOC")]]
    >>> pred = [[(0, 2, "PER"), (3, 5, "LOC")]]
    >>> span_scores(gold, pred).loc["micro", ["precision", "recall", "f1"]].tolist()
    [0.5, 0.5, 0.5]
    """
    if len(gold) != len(pred):
        raise InputError(f"pred: {len(pred)} documents but gold has {len(gold)}")
    tp: dict[str, int] = {}
    n_pred: dict[str, int] = {}
    n_gold: dict[str, int] = {}
    for g_doc, p_doc in zip(gold, pred):
        gs = {(int(s), int(e), str(t)) for s, e, t in g_doc}
        ps = {(int(s), int(e), str(t)) for s, e, t in p_doc}
        for _, _, t in gs:
            n_gold[t] = n_gold.get(t, 0) + 1
        for span in ps:
            n_pred[span[2]] = n_pred.get(span[2], 0) + 1
            if span in gs:
                tp[span[2]] = tp.get(span[2], 0) + 1
    rows = {}
    for t in sorted(set(n_gold) | set(n_pred)):
        p, r, f = _prf(tp.get(t, 0), n_pred.get(t, 0), n_gold.get(t, 0))
        rows[t] = {"precision": p, "recall": r, "f1": f, "support": n_gold.get(t, 0), "predicted": n_pred.get(t, 0)}
    p, r, f = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    rows["micro"] = {"precision": p, "recall": r, "f1": f, "support": sum(n_gold.values()),
                     "predicted": sum(n_pred.values())}
    return pd.DataFrame.from_dict(rows, orient="index")


def span_f1(gold: Sequence[Sequence[Span]], pred: Sequence[Sequence[Span]]) -> float:
    """Micro entity F1 (exact match)."""
    return float(span_scores(gold, pred).loc["micro", "f1"])
