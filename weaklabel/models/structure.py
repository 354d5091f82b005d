"""The structure a Dawid-Skene fit runs in, as one typed record.

It is ``structure_`` of :class:`~weaklabel.models.DawidSkene` and
:class:`~weaklabel.models.LabelModel`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Structure:
    """What a fit assumed and what it settled on.

    Attributes
    ----------
    confusion : {"full", "class_conditional", "one_coin"}
        How each LF's votes depend on the true class (``docs/label-model.md``).
    abstain_mask : ndarray of bool, shape (n_lfs,)
        Per LF, whether its silence is modelled (P(abstain | y)).
    smoothing : float
        Pseudo-votes toward the suite's shared precision (``inf``: every LF has it).
    class_balance : ndarray of shape (k,), "warm" or None
        A fixed balance; ``"warm"``: EM with the balance uniform, then free; None: free.
    known_balance : ndarray of shape (k,) or None
        The balance when it is a fact about all rows (given, or from random gold rows).
    copy_weight : ndarray of shape (n_lfs,)
        The weight of each LF's log-likelihood term: 1, or 1/c for each of c identical LFs.
    merge_copies : bool
        Whether identical LFs are found and weighted 1/c (``LabelModel``).
    regime : str or None
        :class:`LabelModel`'s choice (``"one_class"``, ``"weighted_vote"``, ``"confusion"``);
        None for a plain :class:`DawidSkene`.
    chance_floor : ndarray of bool, shape (n_lfs,), or None
        The LFs whose vote may not count against the class it names.
    class_balance_freed : bool or None
        After a ``"warm"`` fit: whether the free balance was kept (None before the fit ends).
    nested : ndarray of shape (n_pairs, 2) or None
        ``LabelModel``'s nested LF pairs ``(a, b)``: b's vote is implied where a fires.
    """

    confusion: str
    abstain_mask: np.ndarray
    smoothing: float
    class_balance: np.ndarray | str | None
    known_balance: np.ndarray | None
    copy_weight: np.ndarray
    merge_copies: bool = False
    regime: str | None = None
    chance_floor: np.ndarray | None = None
    class_balance_freed: bool | None = None
    nested: np.ndarray | None = None


__all__ = ["Structure"]
