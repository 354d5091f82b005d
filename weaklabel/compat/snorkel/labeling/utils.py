"""``filter_unlabeled_dataframe``: drop the rows no LF voted on."""

from __future__ import annotations

import numpy as np
import pandas as pd


def filter_unlabeled_dataframe(X: pd.DataFrame, y: np.ndarray, L: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Keep the rows of ``X`` and ``y`` where at least one LF voted in ``L``.

    Parameters
    ----------
    X : DataFrame
    y : ndarray
        Labels or probabilities, one row per row of ``X``.
    L : ndarray of shape (len(X), n_lfs)
    """
    L = np.asarray(L)
    if len(X) != L.shape[0] or len(y) != L.shape[0]:
        raise ValueError(f"X, y and L must have the same number of rows; got {len(X)}, {len(y)} and {L.shape[0]}")
    mask = (L != -1).any(axis=1)
    return X.iloc[mask], np.asarray(y)[mask]


__all__ = ["filter_unlabeled_dataframe"]
