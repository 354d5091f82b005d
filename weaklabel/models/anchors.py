"""Peer label models as optional wrappers: crowd-kit's aggregators and HyperLM.

They are *transductive*: each infers labels for the rows it is given, with no
parameters that carry over to new rows. Under this package's contract, ``fit(L)``
keeps the votes, and ``predict_proba(L2)`` runs the peer on ``L`` and ``L2``
stacked and returns the rows of ``L2`` (the benchmark protocol: fitted on the
train and test votes together). Rows without a vote get the class prior (the
share of each class among the peer's decisions on covered rows).

Install with ``pip install 'weaklabel[anchors]'``; nothing here is imported by
``import weaklabel``.
"""

from __future__ import annotations

import os
import threading
from typing import Any, cast

import numpy as np

from ..exceptions import InputError
from ._params import Interval, Options
from .base import BaseLabelModel

CROWDKIT_METHODS = ("DawidSkene", "OneCoinDawidSkene", "GLAD", "MACE")
_TORCH_LOAD_LOCK = threading.Lock()


def _need(module: str, extra: str = "anchors") -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{module} is not installed; pip install 'weaklabel[{extra}]'") from exc


class _Transductive(BaseLabelModel):
    """Shared fit/predict logic of the transductive wrappers."""

    def _fit(self, votes: np.ndarray, y: np.ndarray | None, k: int) -> None:  # noqa: ARG002 - gold is not used
        self.fit_votes_ = votes.copy()
        probs = self._infer(votes, k)
        covered = (votes >= 0).any(axis=1)
        bal = probs[covered].sum(axis=0) + 1.0 if covered.any() else np.ones(k)
        self.class_balance_ = bal / bal.sum()

    def _predict_proba(self, votes: np.ndarray) -> np.ndarray:
        k = self.cardinality_
        both = np.vstack([self.fit_votes_, votes])
        probs = self._infer(both, k)[self.fit_votes_.shape[0]:]
        probs[~(votes >= 0).any(axis=1)] = self.class_balance_
        return probs

    def _infer(self, votes: np.ndarray, k: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


class CrowdKitModel(_Transductive):
    """One of crowd-kit's aggregators under this package's label-model contract.

    Each LF is a worker and each row a task; abstains are votes not cast.

    Parameters
    ----------
    method : {"DawidSkene", "OneCoinDawidSkene", "GLAD", "MACE"}, default "DawidSkene"
    cardinality : int, optional
    n_iter : int, default 100
    random_state : int, default 0
        Passed to MACE (the others are deterministic).

    Attributes
    ----------
    fit_votes_ : ndarray of shape (n_rows, n_lfs)
        The votes from ``fit``, re-used at prediction (transductive).
    class_balance_ : ndarray of shape (k,)
    cardinality_, n_lfs_in_, lf_names_in_, label_space_
        See :class:`BaseLabelModel`.
    """

    _parameter_constraints = {"method": [Options(CROWDKIT_METHODS)], "n_iter": [Interval("int", 1, None)],
                              "random_state": [None, Interval("int")]}

    def __init__(self, *, method: str = "DawidSkene", cardinality: int | None = None, n_iter: int = 100,
                 random_state: int = 0) -> None:
        self.method = method
        self.cardinality = cardinality
        self.n_iter = n_iter
        self.random_state = random_state

    def _infer(self, votes: np.ndarray, k: int) -> np.ndarray:
        if self.method not in CROWDKIT_METHODS:
            raise InputError(f"method: expected one of {list(CROWDKIT_METHODS)}, got {self.method!r}")
        agg = _need("crowdkit.aggregation")
        import pandas as pd

        rows, cols = np.nonzero(votes >= 0)
        data = pd.DataFrame({"task": rows, "worker": cols, "label": votes[rows, cols].astype(int)})
        cls = getattr(agg, self.method)
        if self.method == "MACE":
            model = cls(n_iter=self.n_iter, random_state=self.random_state)
        else:
            model = cls(n_iter=self.n_iter)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # crowd-kit's own pandas/numpy deprecation noise
            proba = model.fit_predict_proba(data)
        out = np.full((votes.shape[0], k), 1.0 / k)
        got = proba.reindex(columns=range(k), fill_value=0.0).to_numpy(dtype=float)
        out[proba.index.to_numpy(dtype=int)] = got
        out = np.clip(out, 0, None)
        return cast("np.ndarray", out / out.sum(axis=1, keepdims=True))


class HyperLM(_Transductive):
    """HyperLM (Wu et al., 2023): a pretrained graph network that reads a label matrix.

    Needs ``hyperlm`` and torch (``pip install 'weaklabel[anchors]'``). Its bundled
    checkpoint holds optimiser state as well as weights, which torch >= 2.6 refuses
    to load by default; this wrapper allows full loading for that one file, shipped
    inside the installed ``hyperlm`` package, and for no other.

    Parameters
    ----------
    cardinality : int, optional

    Attributes
    ----------
    fit_votes_, class_balance_, cardinality_, n_lfs_in_, lf_names_in_, label_space_
        See :class:`CrowdKitModel`.
    """

    def __init__(self, *, cardinality: int | None = None) -> None:
        self.cardinality = cardinality

    def _infer(self, votes: np.ndarray, k: int) -> np.ndarray:
        hyperlm = _need("hyperlm")
        torch = _need("torch")
        trusted = os.path.realpath(os.path.join(os.path.dirname(hyperlm.__file__), "checkpoint.pt"))
        original = torch.load

        def load(f: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(f, (str, os.PathLike)) and os.path.realpath(f) == trusted:
                kwargs["weights_only"] = False
            return original(f, *args, **kwargs)

        with _TORCH_LOAD_LOCK:
            torch.load = load
            try:
                model = hyperlm.HyperLabelModel(device="cpu")
            finally:
                torch.load = original
        # HyperLM infers k from the largest vote: pad with a silent-proof column when a class is never voted
        with torch.no_grad():
            probs = np.asarray(model.unsupervised_HyperLM.predict_prob(votes), dtype=float)
        if probs.shape[1] < k:
            probs = np.hstack([probs, np.zeros((probs.shape[0], k - probs.shape[1]))])
        # It sizes its output by the last row with a vote: trailing rows without one are dropped.
        if probs.shape[0] < votes.shape[0]:
            probs = np.vstack([probs, np.full((votes.shape[0] - probs.shape[0], k), 1.0 / k)])
        probs = np.nan_to_num(probs, nan=1.0 / k)
        probs = np.clip(probs, 1e-12, None)
        return cast("np.ndarray", probs / probs.sum(axis=1, keepdims=True))
