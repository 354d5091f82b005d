"""Label matrices stored as MATLAB ``.mat`` files (the layout of label-model studies).

Keys: ``train_pred`` / ``train_labels`` and, where present, ``val_pred`` with
``validation_labels`` or ``val_labels``, and ``test_pred`` / ``test_labels``.
-1 means abstain; classes are 0..k-1. There is no text: only votes and gold.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DatasetNotFoundError, InputError
from ..labels import LabelSpace
from ..matrix import LabelMatrix
from .wrench import WrenchSplit

_SPLITS = {"train": ("train_pred", ("train_labels",)),
           "valid": ("val_pred", ("validation_labels", "val_labels")),
           "test": ("test_pred", ("test_labels",))}


def read_mat_splits(path: str | os.PathLike[str]) -> dict[str, WrenchSplit]:
    """Read a ``.mat`` label-matrix file into ``{"train": ..., "valid": ..., "test": ...}``.

    Splits that the file lacks are left out (a crowdsourcing set may have only
    ``train``). Each split's ``df`` holds just the ``label`` column.

    Raises
    ------
    DatasetNotFoundError
        The file does not exist.
    InputError
        It is not a readable ``.mat`` file, has no ``train_pred``, or a split's
        votes and labels disagree in length or hold values below -1.
    """
    from scipy.io import loadmat

    path = Path(path)
    if not path.is_file():
        raise DatasetNotFoundError(f"label-matrix file not found: {path}")
    try:
        raw = loadmat(path)
    except Exception as exc:  # scipy raises several types for a bad file
        raise InputError(f"{path}: not a readable MATLAB .mat file ({exc})") from exc
    if "train_pred" not in raw:
        keys = sorted(k for k in raw if not k.startswith("__"))
        raise InputError(f"{path}: expected a 'train_pred' matrix (and 'train_labels'), found keys {keys}")
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for split, (pred_key, label_keys) in _SPLITS.items():
        if pred_key not in raw:
            continue
        label_key = next((k for k in label_keys if k in raw), None)
        if label_key is None:
            raise InputError(f"{path}: has {pred_key!r} but none of {list(label_keys)} for its gold labels")
        votes = np.asarray(raw[pred_key], dtype=float)
        gold = np.asarray(raw[label_key], dtype=float).ravel()
        if votes.ndim != 2 or votes.shape[0] != gold.shape[0]:
            raise InputError(f"{path}: {pred_key!r} has shape {votes.shape} but {label_key!r} has "
                             f"{gold.shape[0]} labels; they must have one label per row")
        if np.isnan(votes).any() or votes.min() < -1 or np.any(votes != np.round(votes)):
            raise InputError(f"{path}: {pred_key!r} must hold integers >= -1 (-1 = abstain)")
        if votes.size and votes.max() > 126:
            raise InputError(f"{path}: {pred_key!r} holds class {int(votes.max())}; at most 127 classes (0..126) "
                             "are supported (votes are stored as int8)")
        found[split] = (votes.astype(np.int64), gold.astype(np.int64))
    k = 1 + max(max(int(v.max()), int(g.max())) for v, g in found.values())
    space = LabelSpace([str(c) for c in range(max(k, 2))])
    names = [f"lf_{j}" for j in range(found["train"][0].shape[1])]
    out = {}
    for split, (votes, gold) in found.items():
        df = pd.DataFrame({"label": gold})
        df.index = df.index.astype(str)
        out[split] = WrenchSplit(df, LabelMatrix(votes.astype(np.int8), names, row_ids=df.index.to_numpy(),
                                                 label_space=space))
    return out
