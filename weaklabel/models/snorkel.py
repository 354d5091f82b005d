"""SnorkelLabelModel: Snorkel's LabelModel under weaklabel's contract (lazy import).

Lets users and benchmarks compare against Snorkel with the same API. Snorkel (and
torch) load only when this model is fitted: ``pip install 'weaklabel[snorkel]'``.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any, cast

import numpy as np

from ..exceptions import require
from ._params import Interval, Options
from .base import BaseLabelModel


class SnorkelLabelModel(BaseLabelModel):
    """Adapter over ``snorkel.labeling.model.LabelModel``.

    Parameters
    ----------
    cardinality : int, optional
    n_epochs : int, default 100
        Snorkel's default.
    lr : float, default 0.01
    l2 : float, default 0.0
    optimizer : str, default "sgd"
    class_balance : array-like of shape (k,), optional
        Passed to Snorkel; when omitted and ``fit`` gets gold, Snorkel estimates it
        from the gold rows (its ``Y_dev``), else it assumes uniform.
    random_state : int, default 0
        Snorkel's ``seed``.

    Attributes
    ----------
    snorkel_model_ : snorkel.labeling.model.LabelModel
    lf_accuracy_ : ndarray of shape (n_lfs,)
        Snorkel's ``get_weights()``.
    class_balance_ : ndarray of shape (k,)
    cardinality_, n_lfs_in_, lf_names_in_, label_space_
        See :class:`BaseLabelModel`.

    Notes
    -----
    Snorkel cannot use partial gold as observed labels; gold rows only set its
    class balance (``Y_dev``).
    """

    _parameter_constraints = {"n_epochs": [Interval("int", 1, None)],
                              "lr": [Interval("real", 0, None, closed="neither")],
                              "l2": [Interval("real", 0, None)], "optimizer": [Options(("sgd", "adam", "adamax"))],
                              "class_balance": [None, "array-like"], "random_state": [None, Interval("int")]}

    def __init__(self, *, cardinality: int | None = None, n_epochs: int = 100, lr: float = 0.01,
                 l2: float = 0.0, optimizer: str = "sgd", class_balance: Any = None,
                 random_state: int = 0) -> None:
        self.cardinality = cardinality
        self.n_epochs = n_epochs
        self.lr = lr
        self.l2 = l2
        self.optimizer = optimizer
        self.class_balance = class_balance
        self.random_state = random_state

    def _fit(self, votes: np.ndarray, y: np.ndarray | None, k: int) -> None:
        model_mod = require("snorkel.labeling.model", extra="snorkel", feature="SnorkelLabelModel")
        model = model_mod.LabelModel(cardinality=k, verbose=False)
        y_dev = y[y >= 0] if y is not None else None
        cb = None if self.class_balance is None else list(np.asarray(self.class_balance, float))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch/scipy deprecation noise from Snorkel's internals
            logging.getLogger("snorkel").setLevel(logging.WARNING)
            model.fit(votes.astype(np.int64), Y_dev=y_dev, class_balance=cb, progress_bar=False,
                      n_epochs=self.n_epochs, lr=self.lr, l2=self.l2, optimizer=self.optimizer,
                      seed=self.random_state)
        self.snorkel_model_ = model
        self.class_balance_ = np.asarray(model.p, dtype=float).reshape(-1)
        self.lf_accuracy_ = np.asarray(model.get_weights(), dtype=float)

    def _predict_proba(self, votes: np.ndarray) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            P = self.snorkel_model_.predict_proba(votes.astype(np.int64))
        P = np.clip(np.asarray(P, dtype=float), 0.0, None)
        return cast("np.ndarray", P / P.sum(axis=1, keepdims=True))
