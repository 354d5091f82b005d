"""``snorkel.utils``: label-format helpers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import numpy as np

from weaklabel.models.hard_labels import TieBreakPolicy, snorkel_preds
from weaklabel.models.hard_labels import probs_to_preds as _probs_to_preds


def to_int_label_array(X: Any, flatten_vector: bool = True) -> np.ndarray:
    """``X`` cast to int64, as Snorkel does it.

    With ``flatten_vector`` an (n, 1) or (1, n) array (or a scalar) becomes 1-D and anything else is
    refused; without it the shape is kept. Non-integer values are refused, and so are strings (Snorkel
    would cast "1" silently).
    """
    arr = np.asarray(X)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"Input must hold integer labels, got dtype {arr.dtype} (strings are not labels: map "
                         "them to class indices first)")
    if arr.dtype.kind == "f" and not np.all(np.mod(arr, 1) == 0):
        raise ValueError("Input contains at least one non-integer value.")
    arr = arr.astype(np.int64)
    if flatten_vector:
        arr = np.atleast_1d(arr.squeeze())
        if arr.ndim != 1:
            raise ValueError(f"Input could not be converted to 1d np.array, got shape {np.shape(X)}")
    return arr


def preds_to_probs(preds: Any, num_classes: int) -> np.ndarray:
    """One-hot probabilities from hard labels."""
    preds = to_int_label_array(preds)
    return cast("np.ndarray", np.eye(num_classes)[preds])


def probs_to_preds(probs: np.ndarray, tie_break_policy: str = "random", tol: float = 1e-5,
                   random_state: Any = None) -> np.ndarray:
    """Hard labels from probabilities; ties within ``tol`` broken by policy.

    "random" (a fixed hash of the row position, the same as Snorkel's), "true-random" (a draw from
    ``random_state``, default NumPy's global generator, as in Snorkel, so ``np.random.seed`` repeats it)
    or "abstain".
    """
    raw = np.asarray(probs)
    if raw.dtype.kind not in "biuf":
        raise ValueError(f"probs must hold numbers, got dtype {raw.dtype}")
    probs = raw.astype(float)
    if probs.ndim != 2 or probs.shape[1] <= 1:
        raise ValueError(f"probs must have probabilities for at least 2 classes; got shape {probs.shape}")
    bad = np.flatnonzero(~np.isfinite(probs).all(axis=1))
    if bad.size:   # a NaN row has no argmax: it is not class 0
        raise ValueError(f"probs has NaN or infinite values in {bad.size} row(s), first row {int(bad[0])}; "
                         "fix or drop those rows before turning them into labels")
    if tie_break_policy not in ("random", "true-random", "abstain"):
        raise ValueError(f"tie_break_policy={tie_break_policy} policy not recognized.")
    if tie_break_policy != "random":
        policy: TieBreakPolicy = "abstain" if tie_break_policy == "abstain" else "true-random"
        seed = random_state if random_state is not None else int(np.random.randint(2**31 - 1))
        return _probs_to_preds(probs, tie_break_policy=policy, tol=tol, random_state=seed)
    return snorkel_preds(probs, tol)   # ties land where they land in Snorkel, so scores match it


def filter_labels(label_dict: Mapping[str, np.ndarray], filter_dict: Mapping[str, list[int]]) -> dict[str, np.ndarray]:
    """Drop the positions where any array named in ``filter_dict`` holds a listed value."""
    masks = [~np.isin(np.asarray(label_dict[name]), values) for name, values in filter_dict.items()
             if label_dict.get(name) is not None]
    keep = np.logical_and.reduce(masks) if masks else None
    return {name: (np.asarray(arr)[keep] if keep is not None and arr is not None else arr)
            for name, arr in label_dict.items()}


__all__ = ["filter_labels", "preds_to_probs", "probs_to_preds", "to_int_label_array"]
