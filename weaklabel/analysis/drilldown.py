"""Drill-down: the rows behind an LF's numbers (fires / incorrect / conflicts / abstains)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_gold, check_in_options
from ..exceptions import InputError
from ..matrix import LabelMatrix

DRILL_KINDS = ("fires", "incorrect", "conflicts", "abstains")


def lf_rows(L: LabelMatrix | np.ndarray, lf: str | int, kind: str = "fires", *, y: Any = None,
            data: pd.DataFrame | None = None, limit: int | None = None) -> pd.DataFrame:
    """Rows on which one LF fires, is wrong, conflicts, or abstains.

    Parameters
    ----------
    L : LabelMatrix or ndarray of shape (n_rows, n_lfs)
    lf : str or int
        LF name (LabelMatrix) or column position.
    kind : {"fires", "incorrect", "conflicts", "abstains"}
        ``incorrect``: the LF voted and disagrees with known gold (needs ``y``).
        ``conflicts``: the LF voted and another LF voted a different class.
    y : array-like of shape (n_rows,), optional
        Gold, -1 = unknown.
    data : DataFrame, optional
        Items indexed by row id; their columns are joined to the result.
    limit : int, optional
        At most this many rows (in row order).

    Returns
    -------
    DataFrame indexed by row id: ``vote``, ``gold`` (with ``y``), ``n_votes``,
    ``other_votes`` ("name=vote, ..."), then the ``data`` columns.
    """
    check_in_options(kind, DRILL_KINDS, name="kind")
    Lm = L if isinstance(L, LabelMatrix) else LabelMatrix(L)
    j = Lm.lf_index(lf)
    votes = Lm.votes
    col = votes[:, j]
    fires = col >= 0
    gold = check_gold(y, Lm.n_rows, label_space=Lm.label_space) if y is not None else None
    if kind == "fires":
        mask = fires
    elif kind == "abstains":
        mask = ~fires
    elif kind == "incorrect":
        if gold is None:
            raise InputError("y: kind='incorrect' needs gold labels (y=...), -1 where unknown")
        mask = fires & (gold >= 0) & (col != gold)
    else:
        others = np.delete(votes, j, axis=1)
        differ = (others >= 0) & (others != col[:, None])
        mask = fires & differ.any(axis=1)
    idx = np.flatnonzero(mask)
    if limit is not None:
        idx = idx[:limit]
    out = pd.DataFrame({"vote": votes[idx, j]}, index=pd.Index(Lm.row_ids[idx], name="row_id"))
    if gold is not None:
        out["gold"] = gold[idx]
    sub = votes[idx]
    out["n_votes"] = (sub >= 0).sum(axis=1)
    names = Lm.lf_names
    out["other_votes"] = [", ".join(f"{names[c]}={v}" for c, v in enumerate(row) if v >= 0 and c != j)
                          for row in sub.tolist()]
    if data is not None:
        missing = pd.Index(out.index).difference(data.index)
        if len(missing):
            raise InputError(f"data: rows {missing[:5].tolist()} of L are not in data's index; pass the "
                             "frame L was applied to (indexed by row id)")
        extra = data.loc[out.index]
        extra = extra.rename(columns={c: f"{c}_data" for c in extra.columns if c in out.columns})
        out = pd.concat([out, extra], axis=1)
    return out
