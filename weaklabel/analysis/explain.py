"""Why did an item get its label? Each LF's additive contribution to the model's output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..labels import ABSTAIN
from ..matrix import LabelMatrix


@dataclass
class Explanation:
    """One item's label, decomposed.

    Attributes
    ----------
    row_id : object
    label : int
        The predicted class (argmax of ``predict_proba``).
    probabilities : ndarray of shape (k,)
    output : float
        The model's score for ``label``: ``z[label] - mean(z[other])`` where ``z`` is the
        model's per-class log score (for two classes: the log-odds of ``label``; for
        majority vote: the vote margin).
    prior : float
        The class prior's part of ``output``.
    contributions : DataFrame
        One row per LF that moved the output (``lf``, ``vote``, ``contribution``),
        largest effect first; ``prior + contributions.sum() == output``.
    """

    row_id: Any
    label: int
    probabilities: np.ndarray
    output: float
    prior: float
    contributions: pd.DataFrame


def explain(model: Any, L: LabelMatrix | np.ndarray, row_id: Any) -> Explanation:
    """Decompose a fitted model's label for one row into per-LF contributions.

    Parameters
    ----------
    model : fitted label model with ``explain_terms`` (MajorityVote,
        WeightedMajorityVote, DawidSkene, LabelModel, binary TripletModel)
    L : LabelMatrix or ndarray of shape (n_rows, n_lfs)
    row_id : object
        A row id of ``L`` (a position for a plain array).

    Returns
    -------
    Explanation
    """
    if not hasattr(model, "explain_terms"):
        raise InputError(f"model: {type(model).__name__} cannot explain single items; use MajorityVote, "
                         "WeightedMajorityVote, DawidSkene, LabelModel or a binary TripletModel")
    Lm = L if isinstance(L, LabelMatrix) else LabelMatrix(L)
    hits = np.flatnonzero(Lm.row_ids == row_id)
    if hits.size == 0:
        raise InputError(f"row_id: {row_id!r} is not a row id of L")
    row = Lm.votes[hits[0]]
    probs = model.predict_proba(Lm.take(hits[:1]) if isinstance(L, LabelMatrix) else row[None])[0]
    prior_terms, terms = model.explain_terms(row)
    k = terms.shape[1]
    label = int(np.argmax(probs))
    others = [c for c in range(k) if c != label]

    def margin(z: np.ndarray) -> np.ndarray:
        return cast("np.ndarray", z[..., label] - z[..., others].mean(axis=-1))

    contrib = margin(terms)
    prior = float(margin(prior_terms))
    names = Lm.lf_names
    table = pd.DataFrame({"lf": list(names), "vote": row.astype(int), "contribution": contrib})
    table = table[np.abs(table["contribution"]) > 1e-12]
    table = table.reindex(table["contribution"].abs().sort_values(ascending=False).index).reset_index(drop=True)
    table["vote"] = [("ABSTAIN" if v == ABSTAIN else
                      (Lm.label_space.name(v) if Lm.label_space is not None else v)) for v in table["vote"]]
    return Explanation(row_id, label, probs, prior + float(contrib.sum()), prior, table)
