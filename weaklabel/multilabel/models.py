"""Multi-label label models: votes per (item, LF, label) in, per-label marginals out.

Every model follows the class models' estimator contract (``__init__`` stores keyword
parameters, ``fit`` returns ``self``, learned attributes end in ``_``) and gives
``predict_proba(L)``, an (n, k) matrix of marginals P(label applies), and ``predict(L)``, an
(n, k) 0/1 matrix (marginal >= the label's threshold in ``thresholds_``).

* :class:`AnyVote`: a label applies where some LF votes it (and no more LFs vote against) —
  the rule a user starts with.
* :class:`OneVsRestMajority`: per label, majority vote where an LF that fires on other labels
  but not this one counts against it.
* :class:`OneVsRest`: one binary label model per label on that same one-vs-rest matrix
  (``model="snorkel"`` is Argilla's recipe).
* :class:`MultiLabelModel`: the default (see its docstring).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np

from ..exceptions import InputError, NotFittedError
from ..models._estimator import Estimator
from .matrix import MultiLabelMatrix


class _MultiLabelBase(Estimator):
    thresholds: Any = 0.5

    def _check(self, L: Any, *, fitting: bool = False) -> MultiLabelMatrix:
        if not isinstance(L, MultiLabelMatrix):
            raise InputError(f"L: expected a MultiLabelMatrix (weaklabel.multilabel), got {type(L).__name__}; "
                             "build one with apply_multilabel_lfs or MultiLabelMatrix.from_sets")
        if fitting:
            return L
        if not hasattr(self, "labels_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(L) first")
        if L.labels != self.labels_ or L.lf_names != self.lf_names_in_:
            raise InputError(f"L: fitted on labels {list(self.labels_)} and LFs {list(self.lf_names_in_)}, got "
                             f"{list(L.labels)} and {list(L.lf_names)}; pass a matrix with the same columns")
        return L

    def _start(self, L: MultiLabelMatrix) -> None:
        self.labels_ = L.labels
        self.lf_names_in_ = L.lf_names

    def _set_thresholds(self, L: MultiLabelMatrix, Y: Any) -> None:
        """``thresholds``.

        A number or one per label; "auto": 0.5, or per label the F1-best cut on the rows of ``Y`` (an (n, k)
        0/1 matrix, rows of -1 unknown) when it has gold.
        """
        k = L.n_labels
        if isinstance(self.thresholds, str):
            if self.thresholds != "auto":
                raise InputError(f"thresholds: expected 'auto', a number or one per label, got {self.thresholds!r}")
            self.thresholds_ = np.full(k, 0.5)
            if Y is not None:
                Y = check_label_sets(Y, L.n_rows, k, name="Y")
                known = (Y >= 0).all(axis=1)
                if known.sum() >= 1:
                    self.thresholds_ = best_thresholds(self.predict_proba(L)[known], Y[known])
            return
        t = np.broadcast_to(np.asarray(self.thresholds, dtype=float), (k,)).copy()
        if not ((t > 0) & (t <= 1)).all():
            raise InputError(f"thresholds: expected values in (0, 1], got {self.thresholds!r}")
        self.thresholds_ = t

    def predict_proba(self, L: MultiLabelMatrix) -> np.ndarray:
        raise NotImplementedError

    def predict(self, L: MultiLabelMatrix) -> np.ndarray:
        """(n, k) 0/1: each label's marginal at or above its threshold."""
        return (self.predict_proba(L) >= self.thresholds_[None, :]).astype(np.int8)


def check_label_sets(Y: Any, n: int, k: int, *, name: str = "Y") -> np.ndarray:
    """Return an (n, k) matrix of 0/1 (-1: unknown) label sets."""
    Y = np.asarray(Y)
    if Y.shape != (n, k):
        raise InputError(f"{name}: expected an ({n}, {k}) 0/1 matrix of label sets, got shape {Y.shape}")
    if not np.isin(Y, (-1, 0, 1)).all():
        raise InputError(f"{name}: expected 0 / 1 (and -1 for unknown), got values {np.unique(Y)[:5].tolist()}")
    return cast("np.ndarray", Y.astype(np.int8))


def best_thresholds(P: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per label, the threshold that maximises F1 on (P, Y); 0.5 for a label without positives."""
    out = np.full(P.shape[1], 0.5)
    for l_ in range(P.shape[1]):
        y = Y[:, l_] == 1
        if not y.any():
            continue
        order = np.argsort(-P[:, l_], kind="stable")
        p, yy = P[order, l_], y[order]
        tp = np.cumsum(yy)
        f1 = 2 * tp / (np.arange(1, len(p) + 1) + y.sum())
        last = np.r_[p[1:] != p[:-1], True]            # cut only between distinct scores
        f1 = np.where(last, f1, -1.0)
        i = int(np.argmax(f1))
        out[l_] = float(p[i]) if p[i] > 0 else 0.5
    return cast("np.ndarray", np.clip(out, 1e-6, 1.0))


def one_vs_rest(L: MultiLabelMatrix, label: int) -> np.ndarray:
    """(n, n_lfs) class votes for one label.

    1 where the LF votes it, 0 where it votes against it or fires on other labels only, -1 where it is
    silent on the row.
    """
    K = L.n_labels
    V = L.votes.tocoo()
    out = np.full((L.n_rows, L.n_lfs), -1, dtype=np.int8)
    lf = V.col // K
    fired = V.data == 1
    out[V.row[fired], lf[fired]] = 0                              # fires somewhere on the row
    on = V.col % K == label
    out[V.row[on], lf[on]] = np.where(V.data[on] == 1, 1, 0)       # its own vote on this label wins
    return out


class _Rule(_MultiLabelBase):
    """A model with nothing to learn but its thresholds."""

    def __init__(self, *, thresholds: Any = "auto") -> None:
        self.thresholds = thresholds

    def fit(self, L: MultiLabelMatrix, Y: Any = None) -> _Rule:
        """Check ``L``; with gold ``Y`` and ``thresholds="auto"``, tune the thresholds."""
        L = self._check(L, fitting=True)
        self._start(L)
        self._set_thresholds(L, Y)
        return self


def any_vote(L: MultiLabelMatrix) -> np.ndarray:
    """(n, k) 0/1 as floats: a label applies where some LF votes it and no more vote against it."""
    pos, neg = L.positive_counts(), L.negative_counts()
    return ((pos > 0) & (pos >= neg)).astype(float)


class AnyVote(_Rule):
    """A label applies where at least one LF votes it and no more LFs vote against it.

    Parameters
    ----------
    thresholds : "auto", float or array of shape (k,), default "auto"
    """

    def predict_proba(self, L: MultiLabelMatrix) -> np.ndarray:
        """1 where some LF voted for the label, else 0."""
        return any_vote(self._check(L))


class OneVsRestMajority(_Rule):
    """Per label, the share of votes for it among the LFs that fired on the row.

    An LF that fires on other labels only counts against it; 0 where no LF fired.
    """

    def predict_proba(self, L: MultiLabelMatrix) -> np.ndarray:
        """Per label, its share of the votes of the LFs that fired on the row."""
        L = self._check(L)
        P = np.zeros((L.n_rows, L.n_labels))
        for l_ in range(L.n_labels):
            v = one_vs_rest(L, l_)
            pos, tot = (v == 1).sum(axis=1), (v >= 0).sum(axis=1)
            P[:, l_] = np.where(tot > 0, pos / np.maximum(tot, 1), 0.0)
        return P


class OneVsRest(_MultiLabelBase):
    """One binary label model per label, fitted on :func:`one_vs_rest` votes.

    Parameters
    ----------
    model : str or callable, default "label_model"
        A name from :data:`weaklabel.models.registry.MODELS`, or a factory called as
        ``model(cardinality=2)``: ``weaklabel.bench.peers.PEERS["snorkel"]`` is Argilla's recipe
        (one Snorkel ``LabelModel`` per label; needs ``weaklabel[snorkel]``).
    thresholds : "auto", float or array of shape (k,), default "auto"

    Attributes
    ----------
    models_ : list of fitted binary label models (None for a label no LF votes on)
    """

    def __init__(self, *, model: str | Callable[..., Any] = "label_model", thresholds: Any = "auto") -> None:
        self.model = model
        self.thresholds = thresholds

    def fit(self, L: MultiLabelMatrix, Y: Any = None) -> OneVsRest:
        """Fit one single-label model per label on its one-vs-rest votes."""
        import warnings

        from ..models import LabelModelWarning
        from ..models.registry import make_model

        L = self._check(L, fitting=True)
        self._start(L)
        self.models_: list[Any] = []
        for l_ in range(L.n_labels):
            v = one_vs_rest(L, l_)
            if not (v == 1).any():
                self.models_.append(None)
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", LabelModelWarning)
                binary = make_model(self.model, cardinality=2) if isinstance(self.model, str) else \
                    self.model(cardinality=2)
                self.models_.append(binary.fit(v))
        self._set_thresholds(L, Y)
        return self

    def predict_proba(self, L: MultiLabelMatrix) -> np.ndarray:
        """Per label, the positive class's probability from its model."""
        L = self._check(L)
        P = np.zeros((L.n_rows, L.n_labels))
        for l_, m in enumerate(self.models_):
            if m is None:
                continue
            v = one_vs_rest(L, l_)
            voted = (v >= 0).any(axis=1)
            P[voted, l_] = m.predict_proba(v[voted])[:, 1]
        return P
